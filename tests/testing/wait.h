// Waiting and timing helpers shared by the tests of every module. They use
// only the standard library, so the transport's tests may include them too.
//
// Thread-safety: no state; `pred` runs on the caller's thread.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace cammio::testing {

// Calls `pred` every 5 ms until it returns true (then true) or `timeout` has
// passed (then the result of one last call). For a condition another thread
// makes true, e.g. a sender that delivers in the background.
inline bool WaitUntil(const std::function<bool()>& pred,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

// Seconds from `start` to now on the steady clock.
inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace cammio::testing
