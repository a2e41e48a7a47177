// WorkerPool: the task queue behind each listener (cpp-httplib's TaskQueue),
// a fixed set of threads that take ready connections in arrival order, and
// the idle keep-alive connections parked off those threads (IdleParking).
//
// Why not cpp-httplib's ThreadPool: it ties a thread to every keep-alive
// connection for the connection's whole life and wakes one thread per ready
// request. With 32 busy connections on a 2-CPU box, 32 threads take turns on
// the run queue, each for ~0.1 ms of work, and the unlucky request waits
// behind all of them (p99 several times the median). Here:
//   * a connection waiting for its next request is parked on an epoll set
//     and holds no thread. Idle workers poll that set themselves: one waits
//     in epoll_wait, and a worker that finishes a request looks (without
//     waiting) for connections that became ready meanwhile. The thread that
//     sees a connection wake up serves it: no hand-off between threads;
//   * at most `running_target` workers run at once (http::Server: the
//     running_workers setting, one per CPU unless set).
//     A worker that finishes a request takes the next queued one without
//     sleeping, so under load there is about one wake-up per burst instead
//     of one per request;
//   * a worker that waits (util::ScopedBlocking: socket waits, group commit)
//     gives its running slot to a queued connection while it waits;
//   * a queued connection never waits longer than `max_queue_delay` for a
//     slot: past that, another worker starts anyway, so a long export or an
//     unmarked wait (slow disk) cannot hold back everyone else.
//
// Each connection is counted from enqueue() (one accepted socket) until its
// task ends without parking it: `connection_opened` / `connection_closed`.
//
// Thread-safety: enqueue() and shutdown() may be called from any thread,
// Park() only from a task running on this pool. shutdown() is idempotent.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "cammio/status.h"
#include "http/idle_parking.h"
#include "util/blocking.h"

namespace cammio::http {

// The sizes have no defaults: http::Server fills them from its
// ServerOptions, whose values come from the settings table (src/config/).
// As initialised below they are "not set", which the pool does not accept
// (Check; the constructor asserts it).
struct WorkerPoolOptions {
  // running_target for "every thread may run" (the plain listener).
  static constexpr size_t kNoRunningLimit = SIZE_MAX;
  static constexpr size_t kNotSet = SIZE_MAX;

  // Threads in the pool: the most requests that can be in progress at once
  // (handlers waiting for a commit or a slow client included). > 0.
  size_t threads = 0;
  // Workers allowed to run (not waiting) at once before queued connections
  // wait for one to finish: > 0, or kNoRunningLimit.
  size_t running_target = 0;
  // The longest a queued connection waits for a running slot before an
  // extra worker takes it anyway.
  std::chrono::microseconds max_queue_delay{3000};
  // Connections parked at once (0: none); past that, Park() refuses and the
  // caller waits on its own thread as before (bounded by `threads`).
  size_t max_parked = kNotSet;
  // Called once per accepted connection, and once when it is closed.
  std::function<void()> connection_opened;
  std::function<void()> connection_closed;
  // Called for each parked connection closed to make room (Park with a Kind).
  std::function<void()> connection_shed;

  // OK, or InvalidArgument naming the first size that is not set.
  Status Check() const;
};

class WorkerPool final : public httplib::TaskQueue, private util::BlockingObserver {
 public:
  // `options` must pass Check().
  explicit WorkerPool(WorkerPoolOptions options);
  ~WorkerPool() override;  // shutdown() if it was not called
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // One accepted connection: `fn` serves it (and closes it, or parks it).
  // Always true: the queue has no bound (cpp-httplib closes the socket of a
  // connection whose enqueue() returns false).
  bool enqueue(std::function<void()> fn) override;
  // Closes every parked connection (their resume(false) runs), lets queued
  // and running tasks finish, then joins the threads. Later enqueue()s run
  // nothing; later Park()s fail.
  void shutdown() override;

  // The pool whose worker is running the calling thread; nullptr elsewhere.
  static WorkerPool* Current();

  // Called from a task of this pool: hands the connection on `fd` to the
  // idle set. `resume(true)` runs on a worker when bytes (or a hang-up)
  // arrive, `resume(false)` at `deadline` or shutdown; either way the
  // connection keeps counting as open. False (resume dropped, the caller
  // still owns the connection) once the pool is shutting down, or when
  // `max_parked` connections are parked already.
  bool Park(int fd, std::chrono::steady_clock::time_point deadline,
            std::function<void(bool readable)> resume);
  // The same, but when `max_parked` connections are parked already, the
  // oldest parked idle connection (else the oldest busy one) is shed to
  // make room: its resume(false) is queued (IdleParking::ParkOrShed). Fails
  // only while shutting down or with max_parked 0.
  bool Park(int fd, std::chrono::steady_clock::time_point deadline,
            std::function<void(bool readable)> resume, IdleParking::Kind kind);

  // For tests and metrics.
  size_t queued() const;
  size_t running() const;
  size_t parked() const { return parking_.parked(); }

 private:
  using Clock = std::chrono::steady_clock;
  struct Job {
    std::function<void()> fn;
    Clock::time_point queued_at;
  };

  void Submit(std::function<void()> fn);  // a connection already counted
  // `fn` with the connection count around it (closed unless it parked).
  std::function<void()> Counted(std::function<void()> fn);
  // Turns woken / expired parked connections into jobs (no lock needed).
  void TakeDue(IdleParking::Due* due, std::vector<Job>* out);
  // Under mu_: queues `jobs` (emptied) and wakes workers as WakeLocked.
  void PushLocked(std::vector<Job>* jobs);
  // Under mu_: wakes as many sleeping workers as there are free running
  // slots for queued jobs, or one to watch the head job's deadline.
  void WakeLocked();
  void WorkerLoop();
  // Under mu_: whether the first queued job may start now.
  bool MayStart(Clock::time_point now) const;
  void BlockingBegins() override;
  void BlockingEnds() override;

  const WorkerPoolOptions options_;
  // Whether anything can be parked: without, idle workers just sleep (no
  // epoll_wait once a second, no poll after every job).
  const bool parks_;
  IdleParking parking_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  size_t running_ = 0;    // workers in a task and not in a blocking region
  size_t sleeping_ = 0;   // workers waiting on cv_
  size_t waking_ = 0;     // of those, notified and not yet awake
  bool poller_ = false;   // a worker waits in parking_.Poll()
  bool watcher_ = false;  // a sleeping worker waits for the head job's deadline
  bool shutdown_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cammio::http
