// Blocking regions: a thread says "I am about to wait for something outside
// this process" (a socket, the disk, another thread's commit) so that the
// scheduler it belongs to can let another thread run in its place.
//
// Why: the HTTPS worker pool (http/worker_pool.h) keeps only as many request
// threads running as there are CPUs and queues the rest of the ready
// connections. A worker that waits on a socket or a group commit uses no CPU,
// so it must not count against that limit while it waits; otherwise a few
// slow clients would hold every running slot.
//
// A thread without an observer (any thread not started by such a pool) pays
// one thread-local load per region and nothing else.
//
// Thread-safety: the observer is per thread; regions nest (only the
// outermost one is reported).
#pragma once

namespace cammio::util {

class BlockingObserver {
 public:
  virtual ~BlockingObserver() = default;
  // Called on the waiting thread when it starts to wait / when it has
  // stopped waiting (the outermost region only).
  virtual void BlockingBegins() = 0;
  virtual void BlockingEnds() = 0;
};

// The calling thread's observer; nullptr (the default) reports nothing. The
// observer must outlive every region opened on this thread while it is set.
void SetThreadBlockingObserver(BlockingObserver* observer);

// RAII: the thread waits between construction and destruction.
class ScopedBlocking {
 public:
  ScopedBlocking();
  ~ScopedBlocking();
  ScopedBlocking(const ScopedBlocking&) = delete;
  ScopedBlocking& operator=(const ScopedBlocking&) = delete;

 private:
  BlockingObserver* observer_;  // null when not the outermost region
};

}  // namespace cammio::util
