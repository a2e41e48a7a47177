#include "util/thread_priority.h"

#include <sched.h>
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

}  // namespace

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
