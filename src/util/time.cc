#include "util/time.h"

#include <chrono>
#include <cstdio>
#include <cstring>

namespace cammio {
namespace {

class RealClock : public Clock {
 public:
  int64_t Now() const override { return NowMillis() / 1000; }
  int64_t NowMillis() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && IsLeap(y)) ? 29 : kDays[m - 1];
}

// Reads exactly n digits at s[pos..]; advances pos.
bool Digits(std::string_view s, size_t& pos, int n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += (m <= 2);
}

// Parses the offset suffix; returns false on malformed input.
bool ParseOffset(std::string_view s, size_t& pos, int& offset_min, std::string& suffix) {
  if (pos == s.size()) {
    suffix = "Z";
    return true;
  }
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
    suffix = "Z";
    return pos == s.size();
  }
  if (s[pos] != '+' && s[pos] != '-') return false;
  int sign = s[pos] == '-' ? -1 : 1;
  ++pos;
  int hh = 0, mm = 0;
  if (!Digits(s, pos, 2, hh)) return false;
  Expect(s, pos, ':');
  if (!Digits(s, pos, 2, mm) || pos != s.size()) return false;
  if (hh > 23 || mm > 59) return false;
  offset_min = sign * (hh * 60 + mm);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign < 0 ? '-' : '+', hh, mm);
  suffix = buf;
  return true;
}

}  // namespace

Clock& SystemClock() {
  static RealClock clock;
  return clock;
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Result<Datetime> ParseDatetime(std::string_view s, std::string_view field) {
  auto bad = [&] {
    return Status::InvalidArgument(std::string(field) +
                                   " must be an ISO 8601 datetime such as "
                                   "2013-07-29T02:00:00+02:00");
  };
  size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!Digits(s, pos, 4, y) || !Expect(s, pos, '-') || !Digits(s, pos, 2, mo) ||
      !Expect(s, pos, '-') || !Digits(s, pos, 2, d)) {
    return bad();
  }
  if (mo < 1 || mo > 12 || d < 1 || static_cast<unsigned>(d) > DaysInMonth(y, mo) || y < 1970) {
    return bad();
  }
  int offset_min = 0;
  std::string suffix = "Z";
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return bad();
    ++pos;
    if (!Digits(s, pos, 2, h) || !Expect(s, pos, ':') || !Digits(s, pos, 2, mi)) return bad();
    if (Expect(s, pos, ':') && !Digits(s, pos, 2, sec)) return bad();
    if (Expect(s, pos, '.')) {
      size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
      if (pos == start) return bad();
    }
    if (h > 23 || mi > 59 || sec > 59) return bad();
    if (!ParseOffset(s, pos, offset_min, suffix)) return bad();
  }
  Datetime out;
  out.epoch = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%s", y, mo, d, h, mi, sec,
                suffix.c_str());
  out.text = buf;
  return out;
}

namespace {

// "00" "01" ... "99": two digits with one load from a table, where a
// digit at a time is a division each (this runs on every time in a
// document and on every log line).
constexpr char kTwoDigits[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// Writes v (< 100) as two digits.
char* Put2(char* p, unsigned v) {
  std::memcpy(p, kTwoDigits + 2 * v, 2);
  return p + 2;
}

// "YYYY-MM-DDTHH:MM:SS" for an epoch, then ".mmm" when millis >= 0, then
// "Z". Written by hand: these are on every log line, and snprintf cost
// more than the rest of the line. Years outside 0..9999 (which no clock
// reaches) keep snprintf's "%04lld" form.
// Writes the text into buf (at least kUtcTextMax bytes); returns its length.
size_t PutInstant(int64_t epoch, int millis, char* buf) {
  const int64_t days = epoch >= 0 ? epoch / 86400 : (epoch - 86399) / 86400;
  const auto rem = static_cast<unsigned>(epoch - days * 86400);
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  char* p = buf;
  if (y >= 0 && y <= 9999) {
    p = Put2(p, static_cast<unsigned>(y) / 100);
    p = Put2(p, static_cast<unsigned>(y) % 100);
  } else {
    p += std::snprintf(p, 32, "%04lld", static_cast<long long>(y));
  }
  *p++ = '-';
  p = Put2(p, m);
  *p++ = '-';
  p = Put2(p, d);
  *p++ = 'T';
  p = Put2(p, rem / 3600);
  *p++ = ':';
  p = Put2(p, rem % 3600 / 60);
  *p++ = ':';
  p = Put2(p, rem % 60);
  if (millis >= 0) {
    *p++ = '.';
    *p++ = static_cast<char>('0' + millis / 100);
    p = Put2(p, static_cast<unsigned>(millis) % 100);
  }
  *p++ = 'Z';
  return static_cast<size_t>(p - buf);
}

std::string FormatInstant(int64_t epoch, int millis) {
  char buf[kUtcTextMax];
  return std::string(buf, PutInstant(epoch, millis, buf));
}

}  // namespace

std::string FormatUtc(int64_t epoch) { return FormatInstant(epoch, -1); }

size_t FormatUtcTo(int64_t epoch, char* buf) { return PutInstant(epoch, -1, buf); }

std::string FormatUtcMillis(int64_t ms) {
  const int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  return FormatInstant(secs, static_cast<int>(ms - secs * 1000));
}

}  // namespace cammio
