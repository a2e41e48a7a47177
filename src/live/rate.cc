#include "live/rate.h"

#include <algorithm>
#include <cmath>

namespace cammio::live {
namespace {

constexpr int64_t kPruneEveryMs = 10'000;

std::string Number(double v) { return std::to_string(static_cast<int64_t>(v)); }

std::string Kib(double bytes) { return Number(bytes / 1024) + " KiB"; }

}  // namespace

void TokenBucket::Refill(int64_t now_ms) {
  if (now_ms > at_ms_) {
    tokens_ = std::min(burst_, tokens_ + rate_per_s_ * static_cast<double>(now_ms - at_ms_) / 1000);
  }
  at_ms_ = now_ms;  // also when the clock stepped back: measure from here on
}

int64_t TokenBucket::WaitMs(double n, int64_t now_ms) {
  Refill(now_ms);
  const double missing = std::min(n, burst_) - tokens_;
  if (missing <= 0) return 0;
  return static_cast<int64_t>(std::ceil(missing * 1000 / rate_per_s_));
}

void TokenBucket::Take(double n, int64_t now_ms) {
  Refill(now_ms);
  tokens_ = std::max(0.0, tokens_ - n);
}

bool TokenBucket::Full(int64_t now_ms) {
  Refill(now_ms);
  return tokens_ >= burst_;
}

Status SenderBudgets::Take(const std::string& key, size_t bytes, int64_t now_ms,
                           int64_t* retry_after_s) {
  std::lock_guard<std::mutex> lock(mu_);
  if (now_ms - pruned_at_ms_ >= kPruneEveryMs || now_ms < pruned_at_ms_) PruneLocked(now_ms);
  auto it = senders_.find(key);
  if (it == senders_.end()) {
    Budget fresh{TokenBucket(limits_.messages_per_s, limits_.message_burst, now_ms),
                 TokenBucket(limits_.bytes_per_s, limits_.byte_burst, now_ms)};
    it = senders_.emplace(key, fresh).first;
  }
  Budget& b = it->second;
  const double size = static_cast<double>(bytes);
  const int64_t wait = std::max(b.messages.WaitMs(1, now_ms), b.bytes.WaitMs(size, now_ms));
  if (wait > 0) {
    *retry_after_s = std::max<int64_t>(1, (wait + 999) / 1000);
    return Status::TooManyRequests(
        "too many messages: each participant may send " + Number(limits_.messages_per_s) +
        " messages a second (bursts of " + Number(limits_.message_burst) + ") and " +
        Kib(limits_.bytes_per_s) + " a second (bursts of " + Kib(limits_.byte_burst) +
        "); retry in " + std::to_string(*retry_after_s) + " s");
  }
  b.messages.Take(1, now_ms);
  b.bytes.Take(size, now_ms);
  return Status::OK();
}

void SenderBudgets::Prune(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  PruneLocked(now_ms);
}

void SenderBudgets::PruneLocked(int64_t now_ms) {
  pruned_at_ms_ = now_ms;
  for (auto it = senders_.begin(); it != senders_.end();) {
    if (it->second.messages.Full(now_ms) && it->second.bytes.Full(now_ms)) {
      it = senders_.erase(it);
    } else {
      ++it;
    }
  }
}

size_t SenderBudgets::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return senders_.size();
}

}  // namespace cammio::live
