#include "api/auth_throttle.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

namespace cammio {
namespace {

// Logins are emails, matched case-insensitively (users.email COLLATE
// NOCASE), so their keys are too. The address comes first and ends at a
// newline, which neither an address nor a header value contains.
// A login longer than any email (254) cannot exist; the key keeps at most
// this much of a hostile one, so a key's size is bounded whatever is sent.
constexpr size_t kMaxUserKey = 256;

std::string PairKey(const std::string& user, const std::string& address) {
  std::string key = "p:" + address + "\n" + user.substr(0, kMaxUserKey);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

// An IPv6 client usually holds a whole /64: its address bucket is the /64's,
// or rotating addresses would give every failure a fresh bucket. IPv4 (and
// IPv4-mapped) addresses are kept whole.
std::string AddressKey(const std::string& address) {
  in6_addr a6{};
  if (address.find(':') == std::string::npos || inet_pton(AF_INET6, address.c_str(), &a6) != 1 ||
      IN6_IS_ADDR_V4MAPPED(&a6)) {
    return "a:" + address;
  }
  std::memset(&a6.s6_addr[8], 0, 8);
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, &a6, text, sizeof text);
  return std::string("a:") + text + "/64";
}

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
    // max_keys is a hard bound. A full map is pruned at most once a second
    // (a prune walks every bucket under the lock); while it stays full, new
    // keys are not tracked, the buckets already there still hold.
    if (buckets_.size() >= options_.max_keys && now != last_prune_) {
      last_prune_ = now;
      PruneLocked(now);
    }
    if (buckets_.size() >= options_.max_keys) return;
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
  const std::string address_key = AddressKey(address);
  // An address whose bucket is empty is refused whatever the user: its
  // failures make no new pair buckets (spraying usernames grows nothing).
  if (RetryAfterLocked(address_key, now) == 0) FailLocked(PairKey(user, address), false, now);
  FailLocked(address_key, true, now);
}

}  // namespace cammio
