// Tests for src/http/auth_throttle: burst of 10 failures, refill at 90 per
// hour, never more than 100 accepted failures in any hour for a user or an
// address, and checks (successes) cost nothing. Time is passed in by hand.
#include "http/auth_throttle.h"

#include <doctest/doctest.h>

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

TEST_CASE("auth_throttle: an attacker rotating addresses is still limited per user") {
  AuthThrottle t;
  std::vector<int64_t> accepted;
  int next_addr = 0;
  for (int64_t s = 0; s < 2 * 3600; ++s) {
    // A fresh address for every attempt.
    for (int guard = 0; guard < 1000; ++guard) {
      std::string addr = "198.51.100." + std::to_string(next_addr++);
      if (t.RetryAfter("victim", addr, kT0 + s) != 0) break;
      t.RecordFailure("victim", addr, kT0 + s);
      accepted.push_back(kT0 + s);
    }
  }
  CHECK(MaxPerHour(accepted) <= 100);
}

TEST_CASE("auth_throttle: an attacker rotating users is still limited per address") {
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
  CHECK(MaxPerHour(accepted) <= 100);
}

TEST_CASE("auth_throttle: the user limit and the address limit are independent") {
  AuthThrottle t;
  CHECK(FailWhileAllowed(t, "alice", "10.0.0.1", kT0) == 10);
  // The address is exhausted: another user from there is refused ...
  CHECK(t.RetryAfter("bob", "10.0.0.1", kT0) > 0);
  // ... the user is exhausted: from another address too ...
  CHECK(t.RetryAfter("alice", "10.0.0.2", kT0) > 0);
  // ... but another user from another address is not affected.
  CHECK(t.RetryAfter("bob", "10.0.0.2", kT0) == 0);
  // An empty username (a malformed header) counts against the address only.
  AuthThrottle u;
  CHECK(FailWhileAllowed(u, "", "10.0.0.3", kT0) == 10);
  CHECK(u.RetryAfter("carol", "10.0.0.3", kT0) > 0);
  CHECK(u.RetryAfter("carol", "10.0.0.4", kT0) == 0);
}

TEST_CASE("auth_throttle: many keys do not drop a throttled user's bucket") {
  AuthThrottle::Options o;
  o.max_keys = 50;
  AuthThrottle t(o);
  CHECK(FailWhileAllowed(t, "victim", "10.9.9.9", kT0) == 10);
  for (int i = 0; i < 2000; ++i) {
    std::string n = std::to_string(i);
    t.RecordFailure("other" + n, "10.1." + n, kT0 + 1);
  }
  CHECK(t.RetryAfter("victim", "10.200.0.1", kT0 + 1) > 0);
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
// matches any case), so "Victim@..." and "victim@..." are the same account.
// Its failures should share one bucket; otherwise an attacker with many
// addresses gets 100 failures an hour per spelling of the email.
TEST_CASE("auth_throttle: the per-user limit ignores the case of the login") {
  AuthThrottle t;
  for (int i = 0; i < 10; ++i) {
    t.RecordFailure("victim@cammio.test", "10.0.0." + std::to_string(i), kT0);
  }
  CHECK(t.RetryAfter("victim@cammio.test", "10.0.1.1", kT0) > 0);
  CHECK(t.RetryAfter("VICTIM@cammio.test", "10.0.1.2", kT0) > 0);
  CHECK(t.RetryAfter("Victim@Cammio.Test", "10.0.1.3", kT0) > 0);
}

}  // namespace
}  // namespace cammio
