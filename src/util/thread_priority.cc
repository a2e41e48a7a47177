#include "util/thread_priority.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace cammio::util {
namespace {

// ioprio_set(2) has no libc wrapper; the constants are the kernel's
// (include/uapi/linux/ioprio.h), stable ABI.
constexpr int kIoprioWhoProcess = 1;  // `who` is a thread id (0: the caller)
constexpr int kIoprioClassShift = 13;
constexpr int kIoprioClassIdle = 3;

Status Errno(const char* what) {
  return Status::Internal(std::string(what) + ": " + std::strerror(errno));
}

// The calling thread's id for setpriority(2): on Linux PRIO_PROCESS with a
// thread id acts on that thread alone.
id_t ThisThread() { return static_cast<id_t>(syscall(SYS_gettid)); }

// The calling thread's nice value; 0 if it cannot be read.
int CurrentNice() {
  errno = 0;
  const int v = getpriority(PRIO_PROCESS, ThisThread());
  return (v == -1 && errno != 0) ? 0 : v;
}

}  // namespace

bool MayRaisePriority(int nice) {
  const int previous = CurrentNice();
  if (nice >= previous) return true;  // lowering a priority needs no permission
  if (setpriority(PRIO_PROCESS, ThisThread(), nice) != 0) return false;
  setpriority(PRIO_PROCESS, ThisThread(), previous);  // raising it back is always allowed
  return true;
}

ScopedNice::ScopedNice(int nice) {
  if (nice == 0) return;
  previous_ = CurrentNice();
  raised_ = nice != previous_ && setpriority(PRIO_PROCESS, ThisThread(), nice) == 0;
}

ScopedNice::~ScopedNice() {
  if (raised_) setpriority(PRIO_PROCESS, ThisThread(), previous_);
}

Status EnterBackgroundPriority() {
  sched_param param{};
  param.sched_priority = 0;  // the only priority SCHED_IDLE has
  // 0: the calling thread (on Linux a thread is a schedulable task of its own).
  if (sched_setscheduler(0, SCHED_IDLE, &param) != 0)
    return Errno("sched_setscheduler(SCHED_IDLE)");
  if (syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, kIoprioClassIdle << kIoprioClassShift) != 0) {
    return Errno("ioprio_set(IOPRIO_CLASS_IDLE)");
  }
  return Status::OK();
}

}  // namespace cammio::util
