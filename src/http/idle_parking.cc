#include "http/idle_parking.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <climits>

namespace cammio::http {
namespace {

constexpr uint64_t kWakeId = 0;
constexpr int kMaxEvents = 64;

}  // namespace

IdleParking::IdleParking(size_t capacity) : capacity_(capacity) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeId;
  if (epoll_fd_ < 0 || wake_fd_ < 0 || ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
    closed_ = true;  // Park() refuses: connections wait on their own thread
  }
}

IdleParking::~IdleParking() {
  assert(entries_.empty());  // Close() handed every connection back
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

bool IdleParking::Park(int fd, Clock::time_point deadline, Resume resume) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_ || entries_.size() >= capacity_) return false;
  return AddLocked(fd, deadline, std::move(resume), Kind::kIdle);
}

bool IdleParking::ParkOrShed(int fd, Clock::time_point deadline, Resume resume, Kind kind,
                             Due* shed) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_ || capacity_ == 0) return false;
  while (entries_.size() >= capacity_) {
    auto& victims = by_kind_[static_cast<int>(Kind::kIdle)].empty()
                        ? by_kind_[static_cast<int>(Kind::kBusy)]
                        : by_kind_[static_cast<int>(Kind::kIdle)];
    // Its socket stays in the epoll set until its resume function closes
    // it; an event in between finds no entry and is ignored.
    shed->emplace_back(TakeLocked(*victims.begin()), false);
  }
  return AddLocked(fd, deadline, std::move(resume), kind);
}

bool IdleParking::AddLocked(int fd, Clock::time_point deadline, Resume resume, Kind kind) {
  const uint64_t id = next_id_++;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
  ev.data.u64 = id;
  // A socket parked before is still in the set (disabled by EPOLLONESHOT):
  // re-arm it. A new socket, or one whose number was closed and reused
  // (close(2) took it out of the set), is added.
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) {
    if (errno != ENOENT || ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return false;
  }
  const bool earliest = deadlines_.empty() || deadline < deadlines_.begin()->first;
  entries_.emplace(id, Entry{fd, deadline, std::move(resume), kind});
  deadlines_.emplace(deadline, id);
  by_kind_[static_cast<int>(kind)].insert(id);
  // A Poll() in progress sleeps until the earliest deadline it knew of; a
  // connection due sooner (a shorter timeout) must cut that sleep short.
  if (earliest && deadlines_.size() > 1) Interrupt();
  return true;
}

void IdleParking::Poll(Clock::time_point until, Due* due) {
  epoll_event events[kMaxEvents];
  auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()).count();
  const int timeout_ms = static_cast<int>(std::clamp<int64_t>(left, 0, INT_MAX));
  int n = ::epoll_wait(epoll_fd_, events, kMaxEvents, timeout_ms);
  if (n < 0) n = 0;  // EINTR: look at the deadlines, the caller polls again
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < n; ++i) {
    const uint64_t id = events[i].data.u64;
    if (id == kWakeId) {
      // Only a waiting poll consumes a wake-up: a zero-timeout poll (a
      // worker between jobs) must leave it for the poller it was meant for.
      if (timeout_ms > 0) {
        uint64_t count;
        [[maybe_unused]] ssize_t r = ::read(wake_fd_, &count, sizeof count);
      }
      continue;
    }
    if (Resume r = TakeLocked(id)) due->emplace_back(std::move(r), true);
  }
  const auto now = Clock::now();
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    if (Resume r = TakeLocked(deadlines_.begin()->second)) due->emplace_back(std::move(r), false);
  }
  assert(entries_.size() == deadlines_.size());
}

void IdleParking::Interrupt() {
  const uint64_t one = 1;
  // Fails (EAGAIN) only when the counter is already huge: a wake is pending.
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void IdleParking::Close(Due* due) {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  while (!deadlines_.empty()) {
    due->emplace_back(TakeLocked(deadlines_.begin()->second), false);
  }
}

IdleParking::Clock::time_point IdleParking::NextDeadline() const {
  std::lock_guard<std::mutex> lock(mu_);
  return deadlines_.empty() ? Clock::time_point::max() : deadlines_.begin()->first;
}

size_t IdleParking::parked() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

IdleParking::Resume IdleParking::TakeLocked(uint64_t id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return nullptr;  // expired while its event was in flight
  Resume resume = std::move(it->second.resume);
  deadlines_.erase({it->second.deadline, id});
  by_kind_[static_cast<int>(it->second.kind)].erase(id);
  entries_.erase(it);
  return resume;
}

}  // namespace cammio::http
