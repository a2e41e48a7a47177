#include "http/worker_pool.h"

#include <algorithm>
#include <cassert>

namespace cammio::http {
namespace {

// The waiting poller looks at the parked connections' deadlines at least
// this often (a connection parked while it waits may be due before the
// deadline it knew of; keep-alive timeouts are whole seconds).
constexpr auto kMaxPollSleep = std::chrono::seconds(1);

thread_local WorkerPool* t_pool = nullptr;
// Set by Park() while a task runs: the task's connection lives on.
thread_local bool t_parked = false;

}  // namespace

Status WorkerPoolOptions::Check() const {
  if (threads == 0) return Status::InvalidArgument("WorkerPoolOptions.threads is not set");
  if (running_target == 0) {
    return Status::InvalidArgument("WorkerPoolOptions.running_target is not set");
  }
  if (max_parked == kNotSet) {
    return Status::InvalidArgument("WorkerPoolOptions.max_parked is not set");
  }
  return Status::OK();
}

WorkerPool::WorkerPool(WorkerPoolOptions options)
    : options_(std::move(options)), parks_(options_.max_parked > 0), parking_(options_.max_parked) {
  assert(options_.Check().ok());
  for (size_t i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

WorkerPool::~WorkerPool() { shutdown(); }

WorkerPool* WorkerPool::Current() { return t_pool; }

bool WorkerPool::enqueue(std::function<void()> fn) {
  if (options_.connection_opened) options_.connection_opened();
  Submit(std::move(fn));
  return true;
}

void WorkerPool::Submit(std::function<void()> fn) {
  Job job{Counted(std::move(fn)), Clock::now()};
  std::lock_guard<std::mutex> lock(mu_);
  jobs_.push_back(std::move(job));
  WakeLocked();
}

std::function<void()> WorkerPool::Counted(std::function<void()> fn) {
  // Every task serves one counted connection; unless the task parked it,
  // the connection is closed when the task returns.
  return [this, fn = std::move(fn)] {
    t_parked = false;
    fn();
    if (!t_parked && options_.connection_closed) options_.connection_closed();
    t_parked = false;
  };
}

void WorkerPool::TakeDue(IdleParking::Due* due, std::vector<Job>* out) {
  const auto now = Clock::now();
  for (auto& [resume, readable] : *due) {
    out->push_back(
        Job{Counted([resume = std::move(resume), readable = readable] { resume(readable); }), now});
  }
  due->clear();
}

void WorkerPool::PushLocked(std::vector<Job>* jobs) {
  if (jobs->empty()) return;
  for (auto& job : *jobs) jobs_.push_back(std::move(job));
  jobs->clear();
  WakeLocked();
}

void WorkerPool::WakeLocked() {
  // Workers already woken but not yet running count as running: waking one
  // per queued job would only make the sleepers fight over mu_.
  const size_t busy = running_ + waking_;
  size_t want = 0;
  if (options_.running_target == WorkerPoolOptions::kNoRunningLimit) {
    want = jobs_.size() > waking_ ? jobs_.size() - waking_ : 0;
  } else if (busy < options_.running_target) {
    want = std::min(jobs_.size(), options_.running_target - busy);
  }
  // No free slot: one sleeper must watch the head job's deadline.
  if (want == 0 && !jobs_.empty() && !watcher_ && waking_ == 0) want = 1;
  for (; want > 0 && sleeping_ > waking_; --want) {
    ++waking_;
    cv_.notify_one();
  }
  // No sleeper left, and the idle worker waits in epoll_wait: cut it short.
  if (want > 0 && poller_) parking_.Interrupt();
}

bool WorkerPool::MayStart(Clock::time_point now) const {
  if (jobs_.empty()) return false;
  if (options_.running_target == WorkerPoolOptions::kNoRunningLimit ||
      running_ < options_.running_target) {
    return true;
  }
  return now - jobs_.front().queued_at >= options_.max_queue_delay;
}

void WorkerPool::WorkerLoop() {
  t_pool = this;
  util::SetThreadBlockingObserver(this);
  IdleParking::Due due;
  std::vector<Job> woken;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    const auto now = Clock::now();
    if (MayStart(now)) {
      Job job = std::move(jobs_.front());
      jobs_.pop_front();
      ++running_;
      WakeLocked();  // for another free slot, or to watch the next job
      lock.unlock();
      job.fn();
      job.fn = nullptr;  // the task's captures go outside the lock
      // Connections that woke while this one was served, without waiting:
      // this worker is running already, so it serves them next.
      if (parks_) {
        parking_.Poll(Clock::time_point{}, &due);  // the clock's epoch: no wait
        TakeDue(&due, &woken);
      }
      lock.lock();
      --running_;
      PushLocked(&woken);
      continue;
    }
    if (shutdown_ && jobs_.empty()) {
      cv_.notify_all();  // workers asleep while the last jobs ran must exit too
      break;
    }
    if (parks_ && !poller_ && !shutdown_) {
      // The one idle worker that waits for parked connections to wake up
      // (it also watches the head job's deadline, if one waits).
      poller_ = true;
      auto until = std::min(parking_.NextDeadline(), now + kMaxPollSleep);
      if (!jobs_.empty())
        until = std::min(until, jobs_.front().queued_at + options_.max_queue_delay);
      lock.unlock();
      parking_.Poll(until, &due);
      TakeDue(&due, &woken);
      lock.lock();
      poller_ = false;
      PushLocked(&woken);
      continue;
    }
    ++sleeping_;
    if (!jobs_.empty() && !watcher_) {
      // Every running slot is taken: wait for the head job's deadline, in
      // case none of them frees up in time.
      watcher_ = true;
      cv_.wait_until(lock, jobs_.front().queued_at + options_.max_queue_delay);
      watcher_ = false;
    } else {
      cv_.wait(lock);
    }
    --sleeping_;
    if (waking_ > 0) --waking_;  // a timeout or spurious wake may take another's count
  }
  util::SetThreadBlockingObserver(nullptr);
}

void WorkerPool::BlockingBegins() {
  std::lock_guard<std::mutex> lock(mu_);
  assert(running_ > 0);
  --running_;
  WakeLocked();  // a slot is free while this one waits
}

void WorkerPool::BlockingEnds() {
  std::lock_guard<std::mutex> lock(mu_);
  ++running_;
}

bool WorkerPool::Park(int fd, Clock::time_point deadline, std::function<void(bool)> resume) {
  assert(t_pool == this);
  if (!parking_.Park(fd, deadline, std::move(resume))) return false;
  t_parked = true;
  return true;
}

bool WorkerPool::Park(int fd, Clock::time_point deadline, std::function<void(bool)> resume,
                      IdleParking::Kind kind) {
  assert(t_pool == this);
  IdleParking::Due shed;
  const bool parked = parking_.ParkOrShed(fd, deadline, std::move(resume), kind, &shed);
  if (parked) t_parked = true;
  if (!shed.empty()) {
    if (options_.connection_shed) {
      for (size_t i = 0; i < shed.size(); ++i) options_.connection_shed();
    }
    std::vector<Job> closing;
    TakeDue(&shed, &closing);
    std::lock_guard<std::mutex> lock(mu_);
    PushLocked(&closing);
  }
  return parked;
}

void WorkerPool::shutdown() {
  // Parked connections come back as resume(false) tasks, run by the workers
  // before they exit, so that each is closed properly. Park() fails from now.
  IdleParking::Due due;
  parking_.Close(&due);
  std::vector<Job> closing;
  TakeDue(&due, &closing);
  {
    std::lock_guard<std::mutex> lock(mu_);
    PushLocked(&closing);
    if (shutdown_) return;
    shutdown_ = true;
  }
  cv_.notify_all();
  parking_.Interrupt();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

size_t WorkerPool::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return jobs_.size();
}

size_t WorkerPool::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

}  // namespace cammio::http
