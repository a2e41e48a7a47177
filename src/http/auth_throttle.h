// AuthThrottle: limits failed authentication attempts per username and per
// client address, so a guessed or leaked username cannot be brute-forced.
// Each key has a bucket of `burst` attempts refilled at `per_hour`; a failure
// takes one. An empty bucket refuses (429 + Retry-After) without even
// checking credentials, so no key sees more than burst + per_hour failures
// in any hour (default 10 + 90 = 100). Successes cost nothing.
//
// Thread-safety: all methods are thread-safe (one mutex; the critical section
// is a hash lookup).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace cammio {

class AuthThrottle {
 public:
  struct Options {
    double burst = 10;          // failures allowed back to back
    double per_hour = 90;       // refill rate
    size_t max_keys = 100000;   // memory bound; full buckets are dropped first
  };
  AuthThrottle() : AuthThrottle(Options()) {}
  explicit AuthThrottle(Options options) : options_(options) {}

  // Seconds until an attempt for this user or address is allowed; 0 = now.
  int64_t RetryAfter(const std::string& user, const std::string& address, int64_t now);
  void RecordFailure(const std::string& user, const std::string& address, int64_t now);

 private:
  struct Bucket {
    double tokens;
    int64_t updated;
  };
  double Refill(Bucket& b, int64_t now) const;
  int64_t RetryAfterLocked(const std::string& key, int64_t now);
  void FailLocked(const std::string& key, int64_t now);
  void PruneLocked(int64_t now);

  Options options_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace cammio
