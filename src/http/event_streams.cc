#include "http/event_streams.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include "http/http_connection.h"

namespace cammio::http {
namespace {

// One write takes at most a TLS record's worth.
constexpr size_t kWriteChunk = 16 * 1024;
// Sent bytes are cut off the queue's front once this many have piled up.
constexpr size_t kCompactAt = 16 * 1024;
// An emptied queue keeps at most this much capacity.
constexpr size_t kKeepCapacity = 4 * 1024;
// A peer may send this much on an event stream (nothing is expected).
constexpr size_t kMaxInput = 64 * 1024;
constexpr char kHeartbeat[] = ": hb\n\n";

thread_local EventStreamHandoff t_handoff;

void CloseTransport(Transport& t, bool graceful) {
  t.Close(graceful);
  ::shutdown(t.fd(), SHUT_RDWR);
  ::close(t.fd());
}

}  // namespace

struct EventStreams::Stream {
  Closed closed;
  std::unique_ptr<Transport> transport;  // null until adopted
  std::string out;                       // queued bytes; out[0, sent) are written
  size_t sent = 0;
  size_t attempt = 0;  // a write that must be retried with this size (0: none)
  size_t input = 0;    // bytes the peer sent
  bool watching_out = false;
  bool dirty = false;      // in dirty_
  bool readable = false;   // epoll reported input or a hang-up
  bool closing = false;    // Close(): flush, then close
  bool drop = false;       // close now (queue overflow)
  bool abandoned = false;  // never adopted
  Clock::time_point last;  // the last byte queued (heartbeats)
  Clock::time_point closing_since;

  size_t queued() const { return out.size() - sent; }
};

EventStreams::EventStreams(EventStreamsOptions options)
    : options_(options),
      scan_interval_(std::clamp<Clock::duration>(
          options.heartbeat / 4, std::chrono::milliseconds(5), std::chrono::seconds(1))),
      epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (epoll_fd_ < 0 || wake_fd_ < 0) std::abort();  // out of descriptors at start-up
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;  // stream ids start at 1
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  next_scan_ = Clock::now() + scan_interval_;
  thread_ = std::thread([this] { Loop(); });
}

EventStreams::~EventStreams() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  Wake();
  thread_.join();
  ::close(epoll_fd_);
  ::close(wake_fd_);
}

std::chrono::milliseconds EventStreams::TcpUserTimeout(const EventStreamsOptions& options) {
  return 2 * options.heartbeat + std::chrono::seconds(5);
}

EventStreams::Id EventStreams::Reserve(Closed closed) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stop_ || streams_.size() >= options_.max_streams) return 0;
  const Id id = next_id_++;
  auto s = std::make_unique<Stream>();
  s->closed = std::move(closed);
  s->last = Clock::now();
  streams_.emplace(id, std::move(s));
  open_.store(streams_.size());
  return id;
}

void EventStreams::Adopt(Id id, std::unique_ptr<Transport> transport) {
  // No write, read or close of this thread may wait for one peer (it holds
  // mu_, which every Send takes).
  transport->SetNonBlocking();
  const unsigned user_timeout = static_cast<unsigned>(TcpUserTimeout(options_).count());
  ::setsockopt(transport->fd(), IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout,
               sizeof user_timeout);  // fails on a non-TCP socket: no matter
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = streams_.find(id);
    if (it != streams_.end() && !stop_ && !it->second->transport) {
      Stream& s = *it->second;
      s.transport = std::move(transport);
      s.last = Clock::now();
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLRDHUP;
      ev.data.u64 = id;
      if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, s.transport->fd(), &ev) != 0) s.drop = true;
      s.readable = true;  // input may be buffered already (TLS)
      if (!s.dirty) {
        s.dirty = true;
        dirty_.push_back(id);
      }
    }
  }
  if (transport) {
    CloseTransport(*transport, /*graceful=*/false);  // the stream is gone
  } else {
    Wake();
  }
}

void EventStreams::Abandon(Id id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = streams_.find(id);
    if (it == streams_.end()) return;
    it->second->abandoned = true;
    if (!it->second->dirty) {
      it->second->dirty = true;
      dirty_.push_back(id);
    }
  }
  Wake();
}

bool EventStreams::Send(Id id, std::string frame) {
  bool ok = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = streams_.find(id);
    if (it == streams_.end()) return false;
    Stream& s = *it->second;
    if (s.closing || s.drop || s.abandoned) return false;
    if (s.queued() + frame.size() > options_.max_queued_bytes) {
      s.drop = true;  // a reader that does not keep up
      ok = false;
    } else {
      if (s.sent >= kCompactAt) {
        s.out.erase(0, s.sent);  // a retried TLS write needs the same bytes, not the same address
        s.sent = 0;
      }
      s.out += frame;
      s.last = Clock::now();
    }
    if (!s.dirty) {
      s.dirty = true;
      dirty_.push_back(id);
    }
    if (!s.transport && ok) return true;  // waits for the adoption
  }
  Wake();
  return ok;
}

size_t EventStreams::queued(Id id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = streams_.find(id);
  return it == streams_.end() ? 0 : it->second->queued();
}

void EventStreams::Close(Id id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = streams_.find(id);
    if (it == streams_.end() || it->second->closing) return;
    Stream& s = *it->second;
    s.closing = true;
    s.closing_since = Clock::now();
    if (!s.dirty) {
      s.dirty = true;
      dirty_.push_back(id);
    }
  }
  Wake();
}

void EventStreams::CloseAll() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t ticket = ++close_all_requested_;
  if (std::this_thread::get_id() == loop_id_) return;  // from a callback: served next round
  lock.unlock();
  Wake();
  lock.lock();
  closed_all_.wait(lock, [&] { return close_all_done_ >= ticket; });
}

void EventStreams::Wake() {
  const uint64_t one = 1;
  while (::write(wake_fd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

void EventStreams::Loop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    loop_id_ = std::this_thread::get_id();
  }
  epoll_event events[64];
  for (;;) {
    int timeout_ms = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) break;
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(next_scan_ - Clock::now()).count();
      timeout_ms = static_cast<int>(std::clamp<int64_t>(left, 0, INT_MAX));
    }
    const int n = ::epoll_wait(epoll_fd_, events, 64, timeout_ms);
    uint64_t close_all = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int i = 0; i < n; ++i) {
        const Id id = events[i].data.u64;
        if (id == 0) {
          uint64_t count;
          while (::read(wake_fd_, &count, sizeof count) > 0) {
          }
          continue;
        }
        auto it = streams_.find(id);
        if (it == streams_.end()) continue;  // closed earlier in this round
        Stream& s = *it->second;
        if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) s.readable = true;
        if (!s.dirty) {
          s.dirty = true;
          dirty_.push_back(id);
        }
      }
      close_all = close_all_requested_;
      if (close_all != close_all_done_) CloseAllLocked();
      ServeLocked(Clock::now());
    }
    RunCallbacks();
    if (close_all != close_all_done_) {
      std::lock_guard<std::mutex> lock(mu_);
      close_all_done_ = close_all;
      closed_all_.notify_all();
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    CloseAllLocked();
  }
  RunCallbacks();
  std::lock_guard<std::mutex> lock(mu_);
  close_all_done_ = close_all_requested_;
  closed_all_.notify_all();
}

void EventStreams::ServeLocked(Clock::time_point now) {
  std::vector<Id> dirty;
  dirty.swap(dirty_);
  for (const Id id : dirty) {
    auto it = streams_.find(id);
    if (it == streams_.end()) continue;
    Stream& s = *it->second;
    s.dirty = false;
    if (s.abandoned || s.drop) {
      FinishLocked(id, /*graceful=*/false);
      continue;
    }
    if (!s.transport) continue;  // not adopted yet
    if (s.readable) {
      s.readable = false;
      if (!DrainInputLocked(s)) {
        FinishLocked(id, /*graceful=*/false);
        continue;
      }
    }
    if (!PumpLocked(id, s)) {
      FinishLocked(id, /*graceful=*/false);
    } else if (s.closing && s.queued() == 0) {
      FinishLocked(id, /*graceful=*/true);
    }
  }
  if (now >= next_scan_) {
    HeartbeatsLocked(now);
    next_scan_ = now + scan_interval_;
  }
}

void EventStreams::Watch(Id id, Stream& s, bool want_out) {
  if (s.watching_out == want_out) return;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (want_out ? EPOLLOUT : 0u);
  ev.data.u64 = id;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, s.transport->fd(), &ev);
  s.watching_out = want_out;
}

bool EventStreams::PumpLocked(Id id, Stream& s) {
  while (s.sent < s.out.size()) {
    const size_t len = s.attempt != 0 ? s.attempt : std::min(s.queued(), kWriteChunk);
    const ssize_t n = s.transport->WriteAvailable(s.out.data() + s.sent, len);
    if (n == Transport::kWouldBlock) {
      s.attempt = len;
      Watch(id, s, true);
      return true;
    }
    if (n <= 0) return false;
    s.attempt = 0;
    s.sent += static_cast<size_t>(n);
  }
  s.out.clear();
  s.sent = 0;
  if (s.out.capacity() > kKeepCapacity) std::string().swap(s.out);
  Watch(id, s, false);
  return true;
}

bool EventStreams::DrainInputLocked(Stream& s) {
  char buf[4096];
  for (;;) {
    const ssize_t n = s.transport->ReadAvailable(buf, sizeof buf);
    if (n == Transport::kWouldBlock) return true;
    if (n <= 0) return false;  // the peer closed (0) or failed
    s.input += static_cast<size_t>(n);
    if (s.input > kMaxInput) return false;
  }
}

void EventStreams::HeartbeatsLocked(Clock::time_point now) {
  std::vector<std::pair<Id, bool>> finish;  // id, graceful
  for (auto& [id, ptr] : streams_) {
    Stream& s = *ptr;
    if (!s.transport || s.drop || s.abandoned) continue;
    if (s.closing) {
      if (now - s.closing_since >= options_.heartbeat) finish.emplace_back(id, false);
      continue;
    }
    if (now - s.last < options_.heartbeat) continue;
    s.last = now;
    if (s.queued() + sizeof kHeartbeat - 1 > options_.max_queued_bytes) {
      finish.emplace_back(id, false);
      continue;
    }
    s.out.append(kHeartbeat, sizeof kHeartbeat - 1);
    if (!PumpLocked(id, s)) finish.emplace_back(id, false);
  }
  for (const auto& [id, graceful] : finish) FinishLocked(id, graceful);
}

void EventStreams::FinishLocked(Id id, bool graceful) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  std::unique_ptr<Stream> s = std::move(it->second);
  streams_.erase(it);
  open_.store(streams_.size());
  if (s->transport) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, s->transport->fd(), nullptr);
    // close_notify only when nothing is stuck in the socket: it must not wait.
    CloseTransport(*s->transport, graceful && s->queued() == 0 && s->attempt == 0);
  }
  callbacks_.emplace_back(std::move(s->closed), id);
}

void EventStreams::CloseAllLocked() {
  std::vector<Id> ids;
  ids.reserve(streams_.size());
  for (const auto& entry : streams_) ids.push_back(entry.first);
  for (const Id id : ids) FinishLocked(id, /*graceful=*/true);
}

void EventStreams::RunCallbacks() {
  std::vector<std::pair<Closed, Id>> callbacks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    callbacks.swap(callbacks_);
  }
  for (auto& [closed, id] : callbacks) {
    if (closed) closed(id);
  }
}

EventStreams::Id AnswerWithEventStream(httplib::Response& res, EventStreams& streams,
                                       std::string first, EventStreams::Closed closed) {
  if (t_handoff.streams != nullptr) {  // a second answer replaces the first
    t_handoff.streams->Abandon(t_handoff.id);
    t_handoff = EventStreamHandoff();
  }
  const EventStreams::Id id = streams.Reserve(std::move(closed));
  if (id == 0) {
    res.status = 503;
    res.set_header("Retry-After", "5");
    return 0;
  }
  t_handoff.streams = &streams;
  t_handoff.id = id;
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
  // A proxy in front (nginx) passes each frame on at once.
  res.set_header("X-Accel-Buffering", "no");
  res.set_content_provider("text/event-stream",
                           [id, first = std::move(first)](size_t, httplib::DataSink& sink) {
                             if (t_handoff.id == id && sink.write(first.data(), first.size()))
                               t_handoff.written = true;
                             // The connection leaves the worker (HttpConnection): cpp-httplib
                             // writes nothing more after a provider that fails.
                             return false;
                           });
  return id;
}

EventStreamHandoff TakeEventStreamHandoff() {
  EventStreamHandoff h = t_handoff;
  t_handoff = EventStreamHandoff();
  return h;
}

bool EventStreamPending() { return t_handoff.streams != nullptr; }

}  // namespace cammio::http
