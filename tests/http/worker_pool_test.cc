// Tests for src/http/{idle_parking,worker_pool} and src/util/blocking: real
// sockets (socketpair) and real threads; timings are bounds with wide
// margins, never the thing measured.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "http/idle_parking.h"
#include "http/worker_pool.h"
#include "testing/wait.h"
#include "util/blocking.h"

namespace cammio::http {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

using testing::SecondsSince;

struct SocketPair {
  SocketPair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) == 0); }
  ~SocketPair() {
    for (int f : fd) {
      if (f >= 0) ::close(f);
    }
  }
  void Send(const char* text) { REQUIRE(::write(fd[1], text, 1) == 1); }
  int fd[2] = {-1, -1};
};

// Records the argument of each resume function that ran.
struct Resumes {
  IdleParking::Resume Make() {
    return [this](bool readable) {
      std::lock_guard<std::mutex> lock(mu);
      seen.push_back(readable);
    };
  }
  std::mutex mu;
  std::vector<bool> seen;
};

void RunAll(IdleParking::Due* due) {
  for (auto& [resume, readable] : *due) resume(readable);
  due->clear();
}

TEST_CASE("idle parking: a connection comes back readable, at its deadline, or at Close") {
  IdleParking parking(16);
  Resumes resumes;
  IdleParking::Due due;
  SocketPair a;

  // Nothing to read yet: a short poll returns nothing.
  REQUIRE(parking.Park(a.fd[0], Clock::now() + std::chrono::seconds(30), resumes.Make()));
  CHECK(parking.parked() == 1);
  parking.Poll(Clock::now() + milliseconds(30), &due);
  CHECK(due.empty());

  // Bytes arrive: the poll returns at once with readable = true.
  a.Send("x");
  auto start = Clock::now();
  parking.Poll(Clock::now() + std::chrono::seconds(5), &due);
  CHECK(SecondsSince(start) < 1.0);
  REQUIRE(due.size() == 1);
  CHECK(due[0].second == true);
  CHECK(parking.parked() == 0);
  RunAll(&due);

  // Parked again (re-armed, the same socket) with a near deadline and the
  // byte still unread: readable again. Then drained, it expires instead.
  REQUIRE(parking.Park(a.fd[0], Clock::now() + std::chrono::seconds(30), resumes.Make()));
  parking.Poll(Clock::now() + std::chrono::seconds(5), &due);
  REQUIRE(due.size() == 1);
  CHECK(due[0].second == true);
  RunAll(&due);
  char byte;
  REQUIRE(::read(a.fd[0], &byte, 1) == 1);
  REQUIRE(parking.Park(a.fd[0], Clock::now() + milliseconds(50), resumes.Make()));
  start = Clock::now();
  while (due.empty() && SecondsSince(start) < 5) parking.Poll(parking.NextDeadline(), &due);
  REQUIRE(due.size() == 1);
  CHECK(due[0].second == false);
  CHECK(SecondsSince(start) >= 0.04);
  RunAll(&due);

  // A hang-up counts as readable (the next read reports the end).
  SocketPair b;
  REQUIRE(parking.Park(b.fd[0], Clock::now() + std::chrono::seconds(30), resumes.Make()));
  ::close(b.fd[1]);
  b.fd[1] = -1;
  parking.Poll(Clock::now() + std::chrono::seconds(5), &due);
  REQUIRE(due.size() == 1);
  CHECK(due[0].second == true);
  RunAll(&due);

  // Close hands back what is parked, and refuses more.
  SocketPair c;
  REQUIRE(parking.Park(c.fd[0], Clock::now() + std::chrono::seconds(30), resumes.Make()));
  parking.Close(&due);
  REQUIRE(due.size() == 1);
  CHECK(due[0].second == false);
  RunAll(&due);
  CHECK_FALSE(parking.Park(c.fd[0], Clock::now() + std::chrono::seconds(30), resumes.Make()));
  CHECK(parking.parked() == 0);
  CHECK(resumes.seen == std::vector<bool>{true, true, false, true, false});
}

TEST_CASE("idle parking: at most `capacity` connections, then Park refuses") {
  IdleParking parking(2);
  Resumes resumes;
  IdleParking::Due due;
  SocketPair a, b, c;
  const auto later = Clock::now() + std::chrono::seconds(30);
  REQUIRE(parking.Park(a.fd[0], later, resumes.Make()));
  REQUIRE(parking.Park(b.fd[0], later, resumes.Make()));
  CHECK_FALSE(parking.Park(c.fd[0], later, resumes.Make()));  // the caller keeps it
  a.Send("x");
  parking.Poll(Clock::now() + std::chrono::seconds(5), &due);
  REQUIRE(due.size() == 1);
  RunAll(&due);
  CHECK(parking.Park(c.fd[0], later, resumes.Make()));  // room again
  parking.Close(&due);
  CHECK(due.size() == 2);
  RunAll(&due);
  IdleParking none(0);
  CHECK_FALSE(none.Park(a.fd[0], later, resumes.Make()));
}

TEST_CASE("idle parking: ParkOrShed makes room by shedding the oldest idle, then the oldest busy") {
  using Kind = IdleParking::Kind;
  IdleParking parking(2);
  IdleParking::Due shed, due;
  SocketPair a, b, c, d, e;
  const auto later = Clock::now() + std::chrono::seconds(30);
  std::vector<char> order;  // which connection's resume ran, with what
  auto resume = [&](char name) {
    return [&order, name](bool readable) { order.push_back(readable ? name : name - 32); };
  };
  REQUIRE(parking.ParkOrShed(a.fd[0], later, resume('a'), Kind::kIdle, &shed));
  REQUIRE(parking.ParkOrShed(b.fd[0], later, resume('b'), Kind::kBusy, &shed));
  CHECK(shed.empty());
  // Full: the oldest idle one (a) goes, though the busy b is older still.
  REQUIRE(parking.ParkOrShed(c.fd[0], later, resume('c'), Kind::kIdle, &shed));
  RunAll(&shed);
  // Then c, the only idle one left.
  REQUIRE(parking.ParkOrShed(d.fd[0], later, resume('d'), Kind::kBusy, &shed));
  RunAll(&shed);
  // No idle one left: the oldest busy one (b).
  REQUIRE(parking.ParkOrShed(e.fd[0], later, resume('e'), Kind::kBusy, &shed));
  RunAll(&shed);
  CHECK(order == std::vector<char>{'A', 'C', 'B'});  // upper case: resume(false)
  CHECK(parking.parked() == 2);
  // A shed socket's events are ignored: only d wakes up.
  a.Send("x");
  d.Send("x");
  parking.Poll(Clock::now() + std::chrono::seconds(5), &due);
  RunAll(&due);
  CHECK(order.back() == 'd');
  parking.Close(&due);
  RunAll(&due);
  CHECK(order == std::vector<char>{'A', 'C', 'B', 'd', 'E'});
  IdleParking none(0);
  CHECK_FALSE(none.ParkOrShed(a.fd[0], later, resume('a'), Kind::kIdle, &shed));
  CHECK(shed.empty());
}

TEST_CASE("idle parking: a closed socket's number reused by a new one parks again") {
  IdleParking parking(16);
  Resumes resumes;
  IdleParking::Due due;
  int reused;
  {
    SocketPair first;
    reused = first.fd[0];
    REQUIRE(parking.Park(first.fd[0], Clock::now() + std::chrono::seconds(30), resumes.Make()));
    first.Send("x");
    parking.Poll(Clock::now() + std::chrono::seconds(5), &due);
    REQUIRE(due.size() == 1);
    RunAll(&due);
  }  // both ends closed: the number is free, and out of the epoll set
  SocketPair second;
  REQUIRE(second.fd[0] == reused);  // the lowest free number
  REQUIRE(parking.Park(second.fd[0], Clock::now() + std::chrono::seconds(30), resumes.Make()));
  second.Send("y");
  parking.Poll(Clock::now() + std::chrono::seconds(5), &due);
  REQUIRE(due.size() == 1);
  CHECK(due[0].second == true);
  RunAll(&due);
}

TEST_CASE("idle parking: Interrupt and an earlier deadline cut a waiting poll short") {
  IdleParking parking(16);
  Resumes resumes;
  IdleParking::Due due;
  SocketPair a, b;
  REQUIRE(parking.Park(a.fd[0], Clock::now() + std::chrono::seconds(60), resumes.Make()));
  auto start = Clock::now();
  std::thread poller([&] { parking.Poll(parking.NextDeadline(), &due); });
  std::this_thread::sleep_for(milliseconds(50));
  // Due long before the deadline the poll is waiting for.
  REQUIRE(parking.Park(b.fd[0], Clock::now() + milliseconds(20), resumes.Make()));
  poller.join();
  CHECK(SecondsSince(start) < 5.0);
  // The poll woke for the new deadline; the next one (if needed) finds it due.
  while (due.empty()) parking.Poll(parking.NextDeadline(), &due);
  REQUIRE(due.size() == 1);
  CHECK(due[0].second == false);
  RunAll(&due);

  // A zero-timeout poll (a worker between jobs) leaves a wake-up pending for
  // the waiting poller it was meant for.
  parking.Interrupt();
  parking.Poll(IdleParking::Clock::time_point{}, &due);
  start = Clock::now();
  parking.Poll(Clock::now() + std::chrono::seconds(60), &due);
  CHECK(SecondsSince(start) < 5.0);

  start = Clock::now();
  std::thread waiter([&] { parking.Poll(Clock::now() + std::chrono::seconds(60), &due); });
  std::this_thread::sleep_for(milliseconds(50));
  parking.Interrupt();
  waiter.join();
  CHECK(SecondsSince(start) < 5.0);
  CHECK(due.empty());
  parking.Close(&due);
  RunAll(&due);
}

// Counts tasks in progress and remembers the most seen at once.
struct Concurrency {
  void Enter() {
    int now = ++current;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
  }
  void Leave() { --current; }
  std::atomic<int> current{0};
  std::atomic<int> most{0};
};

TEST_CASE("worker pool: at most running_target tasks run, a waiting one gives up its slot") {
  WorkerPoolOptions o;
  o.threads = 8;
  o.running_target = 2;
  o.max_parked = 512;
  o.max_queue_delay = std::chrono::seconds(30);  // no rescue in this test
  WorkerPool pool(o);
  Concurrency c;
  std::atomic<int> done{0};
  for (int i = 0; i < 6; ++i) {
    pool.enqueue([&] {
      c.Enter();
      std::this_thread::sleep_for(milliseconds(30));  // not marked: counts as running
      c.Leave();
      ++done;
    });
  }
  auto start = Clock::now();
  while (done < 6 && SecondsSince(start) < 10) std::this_thread::sleep_for(milliseconds(5));
  CHECK(done == 6);
  CHECK(c.most == 2);

  // Four tasks that each wait inside a blocking region: all four start,
  // although only two may run, because waiting is not running.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> waiting{0};
  for (int i = 0; i < 4; ++i) {
    pool.enqueue([&, released] {
      util::ScopedBlocking blocking;
      ++waiting;
      released.wait();
    });
  }
  start = Clock::now();
  while (waiting < 4 && SecondsSince(start) < 10) std::this_thread::sleep_for(milliseconds(5));
  CHECK(waiting == 4);
  CHECK(pool.running() == 0);
  release.set_value();
  pool.shutdown();
  CHECK(pool.running() == 0);
  CHECK(pool.queued() == 0);
}

TEST_CASE("worker pool: a queued task starts after max_queue_delay even if the slots stay busy") {
  WorkerPoolOptions o;
  o.threads = 4;
  o.running_target = 1;
  o.max_parked = 512;
  o.max_queue_delay = milliseconds(20);
  WorkerPool pool(o);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> long_started{false};
  pool.enqueue([&, released] {
    long_started = true;
    released.wait_for(std::chrono::seconds(20));  // an unmarked wait, e.g. a slow disk
  });
  while (!long_started) std::this_thread::sleep_for(milliseconds(1));
  std::promise<double> started;
  auto queued_at = Clock::now();
  pool.enqueue([&] { started.set_value(SecondsSince(queued_at)); });
  auto waited = started.get_future();
  REQUIRE(waited.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  double seconds = waited.get();
  CHECK(seconds >= 0.015);
  CHECK(seconds < 2.0);
  release.set_value();
}

TEST_CASE("worker pool: a parked connection stays counted and comes back on a worker") {
  std::atomic<int> opened{0}, closed{0};
  WorkerPoolOptions o;
  o.threads = 2;
  o.running_target = 1;
  o.max_parked = 512;
  o.connection_opened = [&] { ++opened; };
  o.connection_closed = [&] { ++closed; };
  auto pool = std::make_unique<WorkerPool>(o);
  CHECK(WorkerPool::Current() == nullptr);  // not a worker thread

  SocketPair a, b;
  std::promise<bool> a_resumed;
  std::atomic<bool> a_on_worker{false};
  pool->enqueue([&] {
    CHECK(WorkerPool::Current() == pool.get());
    bool parked = WorkerPool::Current()->Park(a.fd[0], Clock::now() + std::chrono::seconds(30),
                                              [&](bool readable) {
                                                a_on_worker = WorkerPool::Current() == pool.get();
                                                a_resumed.set_value(readable);
                                              });
    CHECK(parked);
  });
  std::promise<bool> b_resumed;
  pool->enqueue([&] {
    CHECK(WorkerPool::Current()->Park(b.fd[0], Clock::now() + std::chrono::seconds(30),
                                      [&](bool readable) { b_resumed.set_value(readable); }));
  });
  auto start = Clock::now();
  while (pool->parked() < 2 && SecondsSince(start) < 10)
    std::this_thread::sleep_for(milliseconds(2));
  REQUIRE(pool->parked() == 2);
  CHECK(opened == 2);
  CHECK(closed == 0);  // parked, not closed

  a.Send("x");
  auto a_future = a_resumed.get_future();
  REQUIRE(a_future.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK(a_future.get() == true);
  CHECK(a_on_worker);
  start = Clock::now();
  while (closed < 1 && SecondsSince(start) < 5) std::this_thread::sleep_for(milliseconds(2));
  CHECK(closed == 1);  // the resume function did not park it again

  // Shutdown hands back the other one as resume(false) before it returns.
  auto b_future = b_resumed.get_future();
  pool->shutdown();
  REQUIRE(b_future.wait_for(milliseconds(0)) == std::future_status::ready);
  CHECK(b_future.get() == false);
  CHECK(closed == 2);
  CHECK(pool->parked() == 0);
  pool.reset();
}

TEST_CASE("worker pool: with max_parked 0 it parks nothing and still runs every task") {
  WorkerPoolOptions o;
  o.threads = 3;
  o.running_target = WorkerPoolOptions::kNoRunningLimit;  // as the plain listener
  o.max_parked = 0;
  WorkerPool pool(o);
  SocketPair a;
  std::atomic<int> refused{0}, ran{0};
  for (int i = 0; i < 5; ++i) {
    pool.enqueue([&] {
      if (!WorkerPool::Current()->Park(a.fd[0], Clock::now() + std::chrono::seconds(30),
                                       [](bool) {})) {
        ++refused;
      }
      ++ran;
    });
  }
  auto start = Clock::now();
  while (ran < 5 && SecondsSince(start) < 10) std::this_thread::sleep_for(milliseconds(2));
  CHECK(ran == 5);
  CHECK(refused == 5);
  CHECK(pool.parked() == 0);
  pool.shutdown();
}

TEST_CASE("blocking regions: only the outermost is reported, and only to the thread's observer") {
  struct Observer : util::BlockingObserver {
    void BlockingBegins() override { ++begins; }
    void BlockingEnds() override { ++ends; }
    int begins = 0, ends = 0;
  } observer;
  { util::ScopedBlocking no_observer; }
  util::SetThreadBlockingObserver(&observer);
  {
    util::ScopedBlocking outer;
    CHECK(observer.begins == 1);
    { util::ScopedBlocking inner; }
    CHECK(observer.begins == 1);
    CHECK(observer.ends == 0);
  }
  CHECK(observer.ends == 1);
  std::thread other([] { util::ScopedBlocking elsewhere; });
  other.join();
  util::SetThreadBlockingObserver(nullptr);
  { util::ScopedBlocking after; }
  CHECK(observer.begins == 1);
  CHECK(observer.ends == 1);
}

}  // namespace
}  // namespace cammio::http
