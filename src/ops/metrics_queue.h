// CountingTaskQueue: wraps the listeners' cpp-httplib task queue so that
// every accepted connection counts in Metrics' open-connections gauge from
// the moment it is queued until its per-connection function returns (the
// socket is closed by then). One queued task is one connection in
// cpp-httplib 0.11.4.
//
// Thread-safety: as the wrapped queue; the gauge is atomic.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>

#include "ops/metrics.h"

namespace cammio::ops {

class CountingTaskQueue : public httplib::TaskQueue {
 public:
  // Takes ownership of `inner`.
  explicit CountingTaskQueue(httplib::TaskQueue* inner) : inner_(inner) {}

  void enqueue(std::function<void()> fn) override {
    Metrics::Global().ConnectionOpened();
    inner_->enqueue([fn = std::move(fn)] {
      ConnectionDone done;
      fn();
    });
  }
  void shutdown() override { inner_->shutdown(); }
  void on_idle() override { inner_->on_idle(); }

 private:
  struct ConnectionDone {
    ~ConnectionDone() { Metrics::Global().ConnectionClosed(); }
  };
  std::unique_ptr<httplib::TaskQueue> inner_;
};

}  // namespace cammio::ops
