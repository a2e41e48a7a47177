// Thread priorities: background priority for threads whose work can wait
// (the calling thread yields the CPU and the disk to everything else), and a
// raised priority for a thread that holds what every other request waits
// for (the store's group commit, store/store.h).
//
// Why: `cammio serve` checks the whole database file at start (quick_check,
// store/integrity.h). On a large database that reads every page (seconds on
// a 1 GB file here, much longer from an appliance's SD card). A server
// restarted under load must answer its requests first; the check may take
// as long as it needs.
//
// Thread-safety: acts on the calling thread only.
#pragma once

#include "cammio/status.h"

namespace cammio::util {

// Puts the calling thread in Linux's idle CPU class (SCHED_IDLE: it runs
// when no other thread of the machine wants the CPU) and the idle I/O class
// (its reads wait while other I/O is queued). A thread cannot leave these
// classes again without privileges: call it on a thread of its own.
//
// OK when both took effect. Otherwise the first failure as Internal (with
// errno's text); what could be set stays set. Callers treat a failure as a
// log line: the work still runs, only at normal priority.
Status EnterBackgroundPriority();

// Whether the process may lower a thread's nice value to `nice` (< 0: a
// higher priority): root, CAP_SYS_NICE, or an RLIMIT_NICE that allows it
// (systemd's LimitNICE=). Tries it on the calling thread and puts the old
// value back. Permission is the process's, so one answer holds for every
// thread.
bool MayRaisePriority(int nice);

// Sets the calling thread's nice value to `nice` for the object's lifetime,
// then back to the value it had. `nice` 0, or a process without permission
// (see MayRaisePriority): nothing changes. Construct and destroy on the same
// thread; a thread it starts meanwhile inherits the raised value.
class ScopedNice {
 public:
  explicit ScopedNice(int nice);
  ~ScopedNice();
  ScopedNice(const ScopedNice&) = delete;
  ScopedNice& operator=(const ScopedNice&) = delete;

  bool raised() const { return raised_; }

 private:
  int previous_ = 0;
  bool raised_ = false;
};

}  // namespace cammio::util
