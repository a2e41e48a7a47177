// Thread priorities (util/thread_priority.h): background priority moves the
// calling thread, and only it, to the idle CPU and I/O classes; ScopedNice
// raises the calling thread only, for its scope, and only with permission.
#include "util/thread_priority.h"

#include <doctest/doctest.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace cammio {
namespace {

constexpr int kIoprioWhoProcess = 1;
constexpr int kIoprioClassIdle = 3;

int IoClassOfCaller() {
  const long prio = syscall(SYS_ioprio_get, kIoprioWhoProcess, 0);
  return prio < 0 ? -1 : static_cast<int>(prio >> 13);
}

TEST_CASE("thread priority: EnterBackgroundPriority idles the calling thread only") {
  const int main_policy = sched_getscheduler(0);
  const int main_io = IoClassOfCaller();
  REQUIRE(main_policy != SCHED_IDLE);
  REQUIRE(main_io != kIoprioClassIdle);

  Status status;
  int policy = -1;
  int io_class = -1;
  std::thread t([&] {
    status = util::EnterBackgroundPriority();
    policy = sched_getscheduler(0);
    io_class = IoClassOfCaller();
  });
  t.join();
  CHECK_MESSAGE(status.ok(), status.details());
  CHECK(policy == SCHED_IDLE);
  CHECK(io_class == kIoprioClassIdle);
  // The thread that started it keeps its classes (threads, not the process).
  CHECK(sched_getscheduler(0) == main_policy);
  CHECK(IoClassOfCaller() == main_io);
}

int NiceOfCaller() {
  errno = 0;
  const int v = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
  REQUIRE(errno == 0);
  return v;
}

// Whether RLIMIT_NICE alone lets an unprivileged thread set `nice`.
bool LimitAllows(int nice) {
  rlimit r{};
  REQUIRE(getrlimit(RLIMIT_NICE, &r) == 0);
  return r.rlim_cur != RLIM_INFINITY ? static_cast<long>(r.rlim_cur) >= 20 - nice : true;
}

// Drops CAP_SYS_NICE from the calling thread's effective capabilities (a
// Linux thread has its own): from then on only RLIMIT_NICE decides.
void DropSysNice() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  REQUIRE(syscall(SYS_capget, &header, data) == 0);
  data[CAP_SYS_NICE / 32].effective &= ~(1u << (CAP_SYS_NICE % 32));
  REQUIRE(syscall(SYS_capset, &header, data) == 0);
}

TEST_CASE("thread priority: ScopedNice raises the calling thread only, for its scope") {
  const int main_nice = NiceOfCaller();
  REQUIRE(main_nice == 0);
  bool may = false;
  int inside = 99;
  int other_thread_inside = 99;
  int after = 99;
  bool raised = false;
  bool zero_raised = true;
  std::mutex mu;
  std::condition_variable cv;
  int step = 0;  // 1: t is raised; 2: the other thread has looked
  std::thread other([&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return step == 1; });
    other_thread_inside = NiceOfCaller();
    step = 2;
    cv.notify_all();
  });
  std::thread t([&] {
    may = util::MayRaisePriority(-3);
    CHECK(NiceOfCaller() == 0);  // the check put the old value back
    {
      util::ScopedNice nice(-3);
      raised = nice.raised();
      inside = NiceOfCaller();
      std::unique_lock<std::mutex> lock(mu);
      step = 1;
      cv.notify_all();
      cv.wait(lock, [&] { return step == 2; });
    }
    after = NiceOfCaller();
    util::ScopedNice zero(0);
    zero_raised = zero.raised();
  });
  t.join();
  other.join();
  INFO("may raise: " << may);
  CHECK(raised == may);
  CHECK(inside == (may ? -3 : 0));
  CHECK(other_thread_inside == 0);  // another thread, while t was raised
  CHECK(after == 0);
  CHECK_FALSE(zero_raised);
  CHECK(NiceOfCaller() == main_nice);
}

TEST_CASE("thread priority: without the permission ScopedNice changes nothing") {
  bool may = true;
  bool raised = true;
  int inside = 99;
  std::thread t([&] {
    DropSysNice();
    may = util::MayRaisePriority(-3);
    util::ScopedNice nice(-3);
    raised = nice.raised();
    inside = NiceOfCaller();
  });
  t.join();
  // Without CAP_SYS_NICE only the process's RLIMIT_NICE (0 by default, which
  // allows no value below 0) can allow it.
  CHECK(may == LimitAllows(-3));
  CHECK(raised == may);
  CHECK(inside == (may ? -3 : 0));
}

}  // namespace
}  // namespace cammio
