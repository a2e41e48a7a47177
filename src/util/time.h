// Time: an injectable Clock, and ISO 8601 datetimes that keep the offset a
// client gave them (docs/contract.md "Formats": a client-supplied datetime is
// answered with its own offset; server-made ones are UTC "Z").
//
// Thread-safety: free functions are pure. Clock implementations must be
// thread-safe (SystemClock is; ManualClock guards its value with an atomic).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "cammio/status.h"

namespace cammio {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch (UTC).
  virtual int64_t Now() const = 0;
  // Milliseconds since the epoch, for log lines and durations.
  virtual int64_t NowMillis() const = 0;
};

// The real wall clock. Process-wide singleton.
Clock& SystemClock();

// A clock tests set by hand.
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t now) : now_ms_(now * 1000) {}
  int64_t Now() const override { return now_ms_.load() / 1000; }
  int64_t NowMillis() const override { return now_ms_.load(); }
  void Set(int64_t now) { now_ms_ = now * 1000; }
  void Advance(int64_t seconds) { now_ms_ += seconds * 1000; }

 private:
  std::atomic<int64_t> now_ms_;
};

// A parsed datetime: the instant, and the text to answer with.
struct Datetime {
  int64_t epoch = 0;  // seconds since the epoch, UTC
  std::string text;   // normalised ISO 8601 with the client's offset
};

// Parses "YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM|+HHMM]" or a date
// "YYYY-MM-DD" (midnight). Without an offset the time is taken as UTC and
// answered with "Z". Fractions are dropped. Fails with InvalidArgument naming
// `field` when the text or any component (month 13, Feb 30, 24:00) is invalid.
Result<Datetime> ParseDatetime(std::string_view text, std::string_view field);

// "2013-07-28T00:00:00Z" for an epoch (UTC).
std::string FormatUtc(int64_t epoch);
// The same text written into `buf` (at least kUtcTextMax bytes), without an
// allocation (the document writers format several per row); returns its
// length.
constexpr size_t kUtcTextMax = 48;
size_t FormatUtcTo(int64_t epoch, char* buf);
// Same with milliseconds, for logs: "2013-07-28T00:00:00.123Z".
std::string FormatUtcMillis(int64_t epoch_ms);

// Days since 1970-01-01 for a civil date (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

}  // namespace cammio
