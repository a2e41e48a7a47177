#include "http/auth_throttle.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace cammio {
namespace {

// Logins are emails, matched case-insensitively (users.email COLLATE
// NOCASE), so their keys are too. The address comes first and ends at a
// newline, which neither an address nor a header value contains.
std::string PairKey(const std::string& user, const std::string& address) {
  std::string key = "p:" + address + "\n" + user;
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

std::string AddressKey(const std::string& address) { return "a:" + address; }

}  // namespace

double AuthThrottle::Refill(Bucket& b, int64_t now) const {
  if (now > b.updated) {
    b.tokens = std::min(Burst(b), b.tokens + static_cast<double>(now - b.updated) * Rate(b) / 3600);
    b.updated = now;
  }
  return b.tokens;
}

int64_t AuthThrottle::RetryAfterLocked(const std::string& key, int64_t now) {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return 0;
  double tokens = Refill(it->second, now);
  if (tokens >= 1) return 0;
  return static_cast<int64_t>(std::ceil((1 - tokens) * 3600 / Rate(it->second)));
}

void AuthThrottle::FailLocked(const std::string& key, bool address, int64_t now) {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= options_.max_keys) PruneLocked(now);
    Bucket b{0, now, address};
    b.tokens = Burst(b);
    it = buckets_.emplace(key, b).first;
  }
  Refill(it->second, now);
  it->second.tokens = std::max(0.0, it->second.tokens - 1);
}

void AuthThrottle::PruneLocked(int64_t now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (Refill(it->second, now) >= Burst(it->second)) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

int64_t AuthThrottle::RetryAfter(const std::string& user, const std::string& address, int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  return std::max(RetryAfterLocked(PairKey(user, address), now),
                  RetryAfterLocked(AddressKey(address), now));
}

void AuthThrottle::RecordFailure(const std::string& user, const std::string& address, int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  FailLocked(PairKey(user, address), false, now);
  FailLocked(AddressKey(address), true, now);
}

}  // namespace cammio
