// Background priority (util/thread_priority.h): the calling thread, and only
// it, moves to the idle CPU and I/O classes.
#include "util/thread_priority.h"

#include <doctest/doctest.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

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

}  // namespace
}  // namespace cammio
