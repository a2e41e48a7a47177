// Rate limits of the live room's messages (issue 16, review item 8): a token
// bucket, and per sender a pair of them (messages and body bytes) so one
// participant cannot flood the others' event streams past what they may
// queue (http::EventStreamsOptions::max_queued_bytes, 256 KiB a stream).
//
// Time is handed in (milliseconds, from the caller's Clock), so nothing here
// reads a clock and tests need no waiting. A clock that steps back refills
// nothing (the bucket measures from the earlier time on).
//
// Thread-safety: TokenBucket none (a value); SenderBudgets every method from
// any thread (one mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "cammio/status.h"

namespace cammio::live {

class TokenBucket {
 public:
  // Full (`burst` tokens) at `now_ms`; refills `rate_per_s` tokens a second.
  TokenBucket(double rate_per_s, double burst, int64_t now_ms)
      : rate_per_s_(rate_per_s), burst_(burst), tokens_(burst), at_ms_(now_ms) {}

  // Milliseconds until `n` tokens are there (0: now). `n` above the burst is
  // counted as the burst. Takes nothing.
  int64_t WaitMs(double n, int64_t now_ms);
  // Takes `n` tokens (the caller checked WaitMs(n) == 0).
  void Take(double n, int64_t now_ms);
  // Whether the bucket has refilled to its burst (it then equals a new one).
  bool Full(int64_t now_ms);

 private:
  void Refill(int64_t now_ms);

  double rate_per_s_, burst_, tokens_;
  int64_t at_ms_;
};

// A sender's budget: messages and body bytes, each a rate and a burst.
struct RateLimits {
  double messages_per_s = 20;
  double message_burst = 200;
  double bytes_per_s = 64 * 1024;
  double byte_burst = 192 * 1024;
};

// The room's limits (docs/decisions.md "Live interviews"): a newcomer
// offering to the 5 others of a full room, each offer at the 16 KiB signal
// cap and each connection trickling 30 ICE candidates, stays within one
// burst (156 messages, about 128 KiB); a burst of bytes still fits an empty
// stream queue of 256 KiB with room to spare, and the sustained rate is what
// a receiver on a 512 kbit/s link drains.
inline constexpr RateLimits kDefaultRateLimits{};

class SenderBudgets {
 public:
  explicit SenderBudgets(RateLimits limits = kDefaultRateLimits) : limits_(limits) {}

  // One message of `bytes` from sender `key` (e.g. "<invitation>/<participant>")
  // at `now_ms`: OK and counted, or TooManyRequests (details name the
  // limits) with *retry_after_s the whole seconds (at least 1) until it
  // would pass; a refused message counts for nothing. Now and then (every
  // 10 s of `now_ms`) forgets the senders whose budgets are full again.
  Status Take(const std::string& key, size_t bytes, int64_t now_ms, int64_t* retry_after_s);
  // Forgets the senders whose buckets have both refilled (a new sender's
  // budget is the same): memory is bounded by the senders of the last
  // seconds.
  void Prune(int64_t now_ms);
  size_t size() const;  // senders remembered

 private:
  struct Budget {
    TokenBucket messages, bytes;
  };
  void PruneLocked(int64_t now_ms);

  const RateLimits limits_;
  mutable std::mutex mu_;
  std::map<std::string, Budget> senders_;
  int64_t pruned_at_ms_ = 0;
};

}  // namespace cammio::live
