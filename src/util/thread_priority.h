// Background priority for threads whose work can wait: the calling thread
// yields the CPU and the disk to everything else.
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

}  // namespace cammio::util
