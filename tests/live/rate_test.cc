// Tests for src/live/rate: the token bucket (refill, burst, the wait it
// names, a clock that steps back) and the per-sender budgets of the room's
// messages (a count and a byte bucket, taken together or not at all; a real
// negotiation's burst passes; idle senders are forgotten). Times are plain
// milliseconds: nothing here waits.
#include <doctest/doctest.h>

#include <string>

#include "live/rate.h"

namespace cammio::live {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;

TEST_CASE("token bucket: starts full, refills at its rate, never above its burst") {
  TokenBucket b(10, 20, kT0);  // 10 a second, bursts of 20
  CHECK(b.WaitMs(20, kT0) == 0);
  b.Take(20, kT0);
  CHECK(b.WaitMs(1, kT0) == 100);  // one token every 100 ms
  CHECK(b.WaitMs(5, kT0) == 500);
  CHECK(b.WaitMs(1, kT0 + 100) == 0);
  CHECK(b.WaitMs(5, kT0 + 450) == 50);
  // A long pause fills it to its burst only.
  CHECK(b.WaitMs(20, kT0 + 60'000) == 0);
  CHECK(b.WaitMs(21, kT0 + 60'000) == 0);  // more than the burst counts as the burst
  CHECK(b.Full(kT0 + 60'000));
}

TEST_CASE("token bucket: a clock that steps back refills nothing and does not stall it") {
  TokenBucket b(10, 20, kT0);
  b.Take(20, kT0);
  CHECK(b.WaitMs(1, kT0 - 3'600'000) == 100);
  // Measured from the earlier time on: 100 ms later one token is back.
  CHECK(b.WaitMs(1, kT0 - 3'600'000 + 100) == 0);
}

TEST_CASE("budgets: past the message burst 429 with the wait; nothing taken from the bytes") {
  SenderBudgets budgets(RateLimits{20, 40, 1 << 20, 1 << 20});
  int64_t retry = -1;
  for (int i = 0; i < 40; ++i) REQUIRE(budgets.Take("7/guest-1", 100, kT0, &retry).ok());
  Status s = budgets.Take("7/guest-1", 100, kT0, &retry);
  CHECK(s.code() == Status::Code::kTooManyRequests);
  CHECK(s.details().find("20 messages a second") != std::string::npos);
  CHECK(retry == 1);  // 50 ms, rounded up to whole seconds
  // Another sender has its own budget.
  CHECK(budgets.Take("7/candidate", 100, kT0, &retry).ok());
  CHECK(budgets.Take("7/guest-1", 100, kT0 + 50, &retry).ok());
}

TEST_CASE("budgets: past the byte burst 429; the retry names when the bytes are back") {
  SenderBudgets budgets(RateLimits{1000, 1000, 1000, 4000});  // 1000 bytes a second, bursts of 4000
  int64_t retry = -1;
  REQUIRE(budgets.Take("k", 3000, kT0, &retry).ok());
  Status s = budgets.Take("k", 2500, kT0, &retry);
  CHECK(s.code() == Status::Code::kTooManyRequests);
  CHECK(retry == 2);                                 // 1500 bytes missing at 1000 a second
  CHECK(budgets.Take("k", 1000, kT0, &retry).ok());  // a refused message took nothing
  CHECK(budgets.Take("k", 2500, kT0 + 1'999, &retry).code() == Status::Code::kTooManyRequests);
  CHECK(budgets.Take("k", 2500, kT0 + 2'500, &retry).ok());
}

TEST_CASE("budgets: the defaults pass a full-mesh negotiation with trickle ICE at once") {
  SenderBudgets budgets;  // the room's limits
  int64_t retry = -1;
  // A newcomer offers to the 5 others of a full room: each offer at the
  // signal cap (16 KiB), each connection trickling 30 candidates; its state.
  for (int peer = 0; peer < 5; ++peer) {
    REQUIRE(budgets.Take("7/guest-1", 16 * 1024 + 64, kT0, &retry).ok());
    for (int c = 0; c < 30; ++c) REQUIRE(budgets.Take("7/guest-1", 320, kT0, &retry).ok());
  }
  REQUIRE(budgets.Take("7/guest-1", 60, kT0, &retry).ok());
  // One second later a 6th participant's renegotiation goes through as well.
  for (int c = 0; c < 25; ++c) REQUIRE(budgets.Take("7/guest-1", 320, kT0 + 1'000, &retry).ok());
  // A flood of 16 KiB signals is refused within the budget's bytes.
  int accepted = 0;
  while (budgets.Take("7/guest-2", 16 * 1024 + 64, kT0, &retry).ok()) ++accepted;
  CHECK(accepted * (16 * 1024 + 64) <= kDefaultRateLimits.byte_burst);
  CHECK(accepted >= 5);
  CHECK(retry >= 1);
}

TEST_CASE("budgets: senders whose buckets are full again are forgotten") {
  SenderBudgets budgets(RateLimits{20, 40, 1000, 4000});
  int64_t retry = -1;
  REQUIRE(budgets.Take("a", 4000, kT0, &retry).ok());
  REQUIRE(budgets.Take("b", 10, kT0, &retry).ok());
  CHECK(budgets.size() == 2);
  // "a" is full again after 4 s, "b" after 0.5 s; kept while either is not.
  REQUIRE(budgets.Take("c", 10, kT0 + 3'000, &retry).ok());
  budgets.Prune(kT0 + 3'000);
  CHECK(budgets.size() == 2);  // a and c
  budgets.Prune(kT0 + 60'000);
  CHECK(budgets.size() == 0);
  // A forgotten sender starts again with a full budget.
  CHECK(budgets.Take("a", 4000, kT0 + 60'000, &retry).ok());
}

}  // namespace
}  // namespace cammio::live
