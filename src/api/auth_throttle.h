// AuthThrottle: limits failed authentication attempts per (client address,
// username) pair, plus a generous bound per client address against one
// address spraying many usernames.
//
// Each key has a bucket refilled at a steady rate; a failure takes one
// attempt. The pair bucket holds `burst` (10) attempts refilled at
// `per_hour` (90); the address bucket `address_burst` (100) refilled at
// `address_per_hour` (900). RetryAfter() says how long until the key that
// is emptiest has an attempt again.
//
// The throttle refuses failures only; it never locks out the right token.
// The caller checks the credentials even while RetryAfter() > 0 and lets a
// correct token through (tokens are 160 random bits: the throttle bounds
// noise and work, it is not what keeps them unguessable). Failures of others
// (another address, or another user behind the same address) therefore
// never refuse a user's correct requests, and an attacker's failures from
// one address do not even slow the same username from another address.
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
    double burst = 10;              // failures of one (address, user) pair back to back
    double per_hour = 90;           // their refill rate
    double address_burst = 100;     // failures of one address (any users) back to back
    double address_per_hour = 900;  // their refill rate
    size_t max_keys = 100000;       // hard bound on buckets; full ones are dropped first
  };
  AuthThrottle() : AuthThrottle(Options()) {}
  explicit AuthThrottle(Options options) : options_(options) {}

  // Seconds until a failure of this user from this address would be
  // accepted; 0 = now.
  int64_t RetryAfter(const std::string& user, const std::string& address, int64_t now);
  void RecordFailure(const std::string& user, const std::string& address, int64_t now);
  // Buckets held (for tests: the memory bound).
  size_t keys() const {
    std::lock_guard<std::mutex> lock(mu_);
    return buckets_.size();
  }

 private:
  struct Bucket {
    double tokens;
    int64_t updated;
    bool address;  // the address bucket: the address_* limits
  };
  double Burst(const Bucket& b) const {
    return b.address ? options_.address_burst : options_.burst;
  }
  double Rate(const Bucket& b) const {
    return b.address ? options_.address_per_hour : options_.per_hour;
  }
  double Refill(Bucket& b, int64_t now) const;
  int64_t RetryAfterLocked(const std::string& key, int64_t now);
  void FailLocked(const std::string& key, bool address, int64_t now);
  void PruneLocked(int64_t now);

  Options options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  int64_t last_prune_ = -1;  // when a full map was last pruned
};

}  // namespace cammio
