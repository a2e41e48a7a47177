// Tests for src/api/auth_throttle: burst of 10 failures, refill at 90 per
// hour, never more than 100 accepted failures in any hour for an (address,
// user) pair, a generous bound per address, and checks (successes) cost
// nothing. Time is passed in by hand. The server's use of it (correct tokens
// always pass, trusted proxies) is tested in auth_server_test.cc.
#include "api/auth_throttle.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <deque>
#include <string>
#include <vector>

namespace cammio {
namespace {

constexpr int64_t kT0 = 1700000000;

// Fails as often as allowed at `now`; returns how many failures were accepted.
int FailWhileAllowed(AuthThrottle& t, const std::string& user, const std::string& addr,
                     int64_t now) {
  int n = 0;
  while (t.RetryAfter(user, addr, now) == 0) {
    t.RecordFailure(user, addr, now);
    if (++n > 1000) break;  // a throttle that never refuses
  }
  return n;
}

TEST_CASE("auth_throttle: 10 failures are allowed back to back, the 11th is refused") {
  AuthThrottle t;
  for (int i = 0; i < 10; ++i) {
    CAPTURE(i);
    CHECK(t.RetryAfter("bas@cammio.test", "10.0.0.1", kT0) == 0);
    t.RecordFailure("bas@cammio.test", "10.0.0.1", kT0);
  }
  int64_t wait = t.RetryAfter("bas@cammio.test", "10.0.0.1", kT0);
  CHECK(wait > 0);
  CHECK(wait <= 40);  // one attempt comes back every 3600 / 90 = 40 s
  CHECK(wait == 40);
}

TEST_CASE("auth_throttle: attempts refill over time, up to the burst") {
  AuthThrottle t;
  CHECK(FailWhileAllowed(t, "u", "a", kT0) == 10);
  CHECK(t.RetryAfter("u", "a", kT0 + 1) > 0);
  CHECK(t.RetryAfter("u", "a", kT0 + 39) > 0);
  CHECK(t.RetryAfter("u", "a", kT0 + 20) > 0);  // time going backwards changes nothing
  CHECK(t.RetryAfter("u", "a", kT0 + 40) == 0);
  CHECK(FailWhileAllowed(t, "u", "a", kT0 + 40) == 1);
  // After 400 s, 10 more.
  CHECK(FailWhileAllowed(t, "u", "a", kT0 + 440) == 10);
  // A long pause refills to the burst, not beyond.
  CHECK(FailWhileAllowed(t, "u", "a", kT0 + 100000) == 10);
  CHECK(t.RetryAfter("u", "a", kT0 + 100000) > 0);
}

TEST_CASE("auth_throttle: checks and successes are free") {
  AuthThrottle t;
  for (int i = 0; i < 1000; ++i) CHECK(t.RetryAfter("u", "a", kT0) == 0);
  CHECK(FailWhileAllowed(t, "u", "a", kT0) == 10);
  // A never-failing user from another address is never refused.
  for (int i = 0; i < 1000; ++i) CHECK(t.RetryAfter("good", "b", kT0 + i) == 0);
}

// The attacker fails as soon as the throttle allows, checking every second
// for `seconds`; returns the times of the accepted failures.
std::vector<int64_t> Attack(AuthThrottle& t, const std::string& user, const std::string& addr,
                            int64_t seconds) {
  std::vector<int64_t> accepted;
  for (int64_t s = 0; s < seconds; ++s) {
    int n = FailWhileAllowed(t, user, addr, kT0 + s);
    for (int i = 0; i < n; ++i) accepted.push_back(kT0 + s);
  }
  return accepted;
}

// The most failures accepted inside any window [t, t + 3600).
size_t MaxPerHour(const std::vector<int64_t>& times) {
  size_t best = 0;
  std::deque<int64_t> window;
  for (int64_t t : times) {
    window.push_back(t);
    while (window.front() <= t - 3600) window.pop_front();
    best = std::max(best, window.size());
  }
  return best;
}

TEST_CASE("auth_throttle: never more than 100 failures in any hour for an eager attacker") {
  AuthThrottle t;
  std::vector<int64_t> accepted = Attack(t, "victim@cammio.test", "203.0.113.9", 4 * 3600);
  CHECK(MaxPerHour(accepted) <= 100);
  // ... and the limit is 90 an hour in the long run, not much less.
  CHECK(accepted.size() >= 10 + 4 * 90 - 2);
  CHECK(accepted.size() <= 10 + 4 * 90);
  size_t last_hour = 0;
  for (int64_t a : accepted) last_hour += a >= kT0 + 3 * 3600;
  CHECK(last_hour >= 89);
  CHECK(last_hour <= 91);
}

TEST_CASE(
    "auth_throttle: an attacker's failures from one address do not touch the user elsewhere") {
  AuthThrottle t;
  CHECK(FailWhileAllowed(t, "victim@cammio.test", "203.0.113.9", kT0) == 10);
  CHECK(t.RetryAfter("victim@cammio.test", "203.0.113.9", kT0) > 0);
  // The real user, at another address, is not even slowed down.
  CHECK(t.RetryAfter("victim@cammio.test", "198.51.100.20", kT0) == 0);
  CHECK(FailWhileAllowed(t, "victim@cammio.test", "198.51.100.20", kT0) == 10);
  // Another user behind the attacker's address (a shared NAT or proxy) is
  // not refused for the attacker's failures either, until the generous
  // per-address bound.
  CHECK(t.RetryAfter("colleague@cammio.test", "203.0.113.9", kT0) == 0);
}

TEST_CASE("auth_throttle: an address spraying many users is bounded per address") {
  AuthThrottle t;
  std::vector<int64_t> accepted;
  int next_user = 0;
  for (int64_t s = 0; s < 2 * 3600; ++s) {
    for (int guard = 0; guard < 1000; ++guard) {
      std::string user = "user" + std::to_string(next_user++) + "@cammio.test";
      if (t.RetryAfter(user, "203.0.113.7", kT0 + s) != 0) break;
      t.RecordFailure(user, "203.0.113.7", kT0 + s);
      accepted.push_back(kT0 + s);
    }
  }
  CHECK(MaxPerHour(accepted) <= 1000);  // address_burst + address_per_hour
  CHECK(MaxPerHour(accepted) >= 900);
  // Once the address is exhausted, every user from it is refused failures...
  CHECK(t.RetryAfter("fresh@cammio.test", "203.0.113.7", kT0 + 2 * 3600 - 1) > 0);
  // ... and no other address is.
  CHECK(t.RetryAfter("fresh@cammio.test", "203.0.113.8", kT0 + 2 * 3600 - 1) == 0);
}

TEST_CASE("auth_throttle: the pair limit and the address limit are independent") {
  AuthThrottle t;
  CHECK(FailWhileAllowed(t, "alice", "10.0.0.1", kT0) == 10);
  // The pair is exhausted; the same user from another address and another
  // user from the same address are not.
  CHECK(t.RetryAfter("alice", "10.0.0.1", kT0) > 0);
  CHECK(t.RetryAfter("alice", "10.0.0.2", kT0) == 0);
  CHECK(t.RetryAfter("bob", "10.0.0.1", kT0) == 0);
  // An empty username (a malformed header) is a pair of its own.
  AuthThrottle u;
  CHECK(FailWhileAllowed(u, "", "10.0.0.3", kT0) == 10);
  CHECK(u.RetryAfter("carol", "10.0.0.3", kT0) == 0);
  // The address bound, made small here, refuses every user of the address.
  AuthThrottle::Options o;
  o.address_burst = 3;
  AuthThrottle v(o);
  v.RecordFailure("a", "10.0.0.4", kT0);
  v.RecordFailure("b", "10.0.0.4", kT0);
  v.RecordFailure("c", "10.0.0.4", kT0);
  CHECK(v.RetryAfter("d", "10.0.0.4", kT0) > 0);
  CHECK(v.RetryAfter("d", "10.0.0.5", kT0) == 0);
}

TEST_CASE("auth_throttle: many keys do not drop a throttled pair's bucket") {
  AuthThrottle::Options o;
  o.max_keys = 50;
  AuthThrottle t(o);
  CHECK(FailWhileAllowed(t, "victim", "10.9.9.9", kT0) == 10);
  for (int i = 0; i < 2000; ++i) {
    std::string n = std::to_string(i);
    t.RecordFailure("other" + n, "10.1." + n, kT0 + 1);
  }
  CHECK(t.RetryAfter("victim", "10.9.9.9", kT0 + 1) > 0);
}

TEST_CASE("auth_throttle: hostile usernames and rotating addresses keep memory bounded") {
  AuthThrottle t;
  // 10,000 failures with distinct 6 KB usernames from one address: once the
  // address is exhausted (100), its failures make no new buckets.
  for (int i = 0; i < 10000; ++i) {
    t.RecordFailure(std::to_string(i) + std::string(6000, 'u'), "203.0.113.9", kT0);
  }
  CHECK(t.keys() <= 101);
  // Every address of one IPv6 /64 shares the address bucket; another /64 does not.
  AuthThrottle v;
  for (int i = 1; i <= 100; ++i) {
    char addr[64];
    std::snprintf(addr, sizeof addr, "2001:db8:0:1::%x", i);
    v.RecordFailure("user" + std::to_string(i), addr, kT0);
  }
  CHECK(v.RetryAfter("fresh", "2001:db8:0:1:ffff::1", kT0) > 0);
  CHECK(v.RetryAfter("fresh", "2001:db8:0:2::1", kT0) == 0);
  CHECK(v.RetryAfter("fresh", "203.0.113.1", kT0) == 0);
  // max_keys is a hard bound, even when nothing can be pruned.
  AuthThrottle::Options o;
  o.max_keys = 50;
  AuthThrottle w(o);
  for (int i = 0; i < 2000; ++i) w.RecordFailure("x", "10.2.0." + std::to_string(i), kT0);
  CHECK(w.keys() <= 50);
}

TEST_CASE("auth_throttle: custom burst and rate") {
  AuthThrottle::Options o;
  o.burst = 3;
  o.per_hour = 3600;  // one a second
  AuthThrottle t(o);
  CHECK(FailWhileAllowed(t, "u", "a", kT0) == 3);
  CHECK(t.RetryAfter("u", "a", kT0) == 1);
  CHECK(FailWhileAllowed(t, "u", "a", kT0 + 1) == 1);
  CHECK(FailWhileAllowed(t, "u", "a", kT0 + 100) == 3);
}

// Logins are case-insensitive (users.email is COLLATE NOCASE, Authenticate
// matches any case), so "Victim@..." and "victim@..." are the same account:
// one bucket per address.
TEST_CASE("auth_throttle: the pair limit ignores the case of the login") {
  AuthThrottle t;
  for (int i = 0; i < 10; ++i) t.RecordFailure("victim@cammio.test", "10.0.0.1", kT0);
  CHECK(t.RetryAfter("victim@cammio.test", "10.0.0.1", kT0) > 0);
  CHECK(t.RetryAfter("VICTIM@cammio.test", "10.0.0.1", kT0) > 0);
  CHECK(t.RetryAfter("Victim@Cammio.Test", "10.0.0.1", kT0) > 0);
}

}  // namespace
}  // namespace cammio
