#include "http/auth_throttle.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace cammio {

double AuthThrottle::Refill(Bucket& b, int64_t now) const {
  if (now > b.updated) {
    b.tokens = std::min(options_.burst,
                        b.tokens + static_cast<double>(now - b.updated) * options_.per_hour / 3600);
    b.updated = now;
  }
  return b.tokens;
}

int64_t AuthThrottle::RetryAfterLocked(const std::string& key, int64_t now) {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return 0;
  double tokens = Refill(it->second, now);
  if (tokens >= 1) return 0;
  return static_cast<int64_t>(std::ceil((1 - tokens) * 3600 / options_.per_hour));
}

void AuthThrottle::FailLocked(const std::string& key, int64_t now) {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= options_.max_keys) PruneLocked(now);
    it = buckets_.emplace(key, Bucket{options_.burst, now}).first;
  }
  Refill(it->second, now);
  it->second.tokens = std::max(0.0, it->second.tokens - 1);
}

void AuthThrottle::PruneLocked(int64_t now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (Refill(it->second, now) >= options_.burst) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

// Logins are emails, matched case-insensitively (users.email COLLATE
// NOCASE), so their buckets are too.
static std::string UserKey(const std::string& user) {
  std::string key = "u:" + user;
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

int64_t AuthThrottle::RetryAfter(const std::string& user, const std::string& address,
                                 int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  return std::max(RetryAfterLocked(UserKey(user), now), RetryAfterLocked("a:" + address, now));
}

void AuthThrottle::RecordFailure(const std::string& user, const std::string& address,
                                 int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!user.empty()) FailLocked(UserKey(user), now);
  FailLocked("a:" + address, now);
}

}  // namespace cammio
