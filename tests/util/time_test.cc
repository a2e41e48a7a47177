// Tests for src/util/time: ParseDatetime keeps the client's offset in the text
// and computes the right instant; FormatUtc / FormatUtcMillis; ManualClock.
#include "util/time.h"

#include <doctest/doctest.h>

#include <time.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace cammio {
namespace {

Datetime Parsed(std::string_view text) {
  Result<Datetime> r = ParseDatetime(text, "datetime_start");
  INFO("text: " << text);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return r.value();
}

TEST_CASE("time: the spec's datetime keeps its offset and has the right instant") {
  Datetime d = Parsed("2013-07-28T02:00:00+02:00");
  CHECK(d.text == "2013-07-28T02:00:00+02:00");
  CHECK(d.epoch == 1374969600);  // 2013-07-28T00:00:00Z
  d = Parsed("2013-09-26T02:00:00+02:00");
  CHECK(d.text == "2013-09-26T02:00:00+02:00");
  CHECK(d.epoch == 1380153600);
}

TEST_CASE("time: offsets") {
  Datetime z = Parsed("2013-07-28T00:00:00Z");
  CHECK(z.text == "2013-07-28T00:00:00Z");
  CHECK(z.epoch == 1374969600);
  CHECK(Parsed("2013-07-28T00:00:00z").text == "2013-07-28T00:00:00Z");

  Datetime neg = Parsed("2013-07-28T02:00:00-05:30");
  CHECK(neg.text == "2013-07-28T02:00:00-05:30");
  CHECK(neg.epoch == 1374996600);  // 07:30Z

  // +HHMM is normalised to +HH:MM.
  Datetime compact = Parsed("2013-07-28T02:00:00+0200");
  CHECK(compact.text == "2013-07-28T02:00:00+02:00");
  CHECK(compact.epoch == 1374969600);
  CHECK(Parsed("2013-07-28T02:00:00-0530").text == "2013-07-28T02:00:00-05:30");

  // The same instant in three notations.
  CHECK(Parsed("2013-07-27T22:00:00-02:00").epoch == 1374969600);
  CHECK(Parsed("2013-07-28T05:45:00+05:45").epoch == 1374969600);
  CHECK(Parsed("2013-07-28T05:45:00+05:45").text == "2013-07-28T05:45:00+05:45");
  // +00:00 stays as given (it is what the client sent).
  CHECK(Parsed("2013-07-28T00:00:00+00:00").text == "2013-07-28T00:00:00+00:00");
  // An offset crossing midnight and the year boundary.
  Datetime ny = Parsed("2014-01-01T01:00:00+02:00");
  CHECK(ny.epoch == 1388530800);  // 2013-12-31T23:00:00Z
  CHECK(ny.text == "2014-01-01T01:00:00+02:00");
}

TEST_CASE("time: without an offset the time is UTC and answered with Z") {
  Datetime d = Parsed("2013-07-28T02:00:00");
  CHECK(d.text == "2013-07-28T02:00:00Z");
  CHECK(d.epoch == 1374976800);
  // Minutes only.
  d = Parsed("2013-07-28T02:00");
  CHECK(d.text == "2013-07-28T02:00:00Z");
  CHECK(d.epoch == 1374976800);
  d = Parsed("2013-07-28T02:00+02:00");
  CHECK(d.text == "2013-07-28T02:00:00+02:00");
  CHECK(d.epoch == 1374969600);
  // A space instead of T.
  CHECK(Parsed("2013-07-28 02:00:00Z").epoch == 1374976800);
}

TEST_CASE("time: date only is midnight UTC") {
  Datetime d = Parsed("2013-07-28");
  CHECK(d.epoch == 1374969600);
  CHECK(d.text == "2013-07-28T00:00:00Z");
  CHECK(Parsed("1970-01-01").epoch == 0);
  CHECK(Parsed("2000-02-29").epoch == 951782400);
  CHECK(Parsed("2012-02-29").epoch == 1330473600);
  CHECK(Parsed("2038-01-19T03:14:08Z").epoch == 2147483648LL);  // past 32 bits
  CHECK(Parsed("9999-12-31T23:59:59Z").epoch == 253402300799LL);
  CHECK(Parsed("2023-11-14T22:13:20Z").epoch == 1700000000);
}

TEST_CASE("time: fractions are accepted and dropped") {
  Datetime d = Parsed("2013-07-28T02:00:00.123+02:00");
  CHECK(d.text == "2013-07-28T02:00:00+02:00");
  CHECK(d.epoch == 1374969600);
  d = Parsed("2013-07-28T02:00:00.999999Z");
  CHECK(d.text == "2013-07-28T02:00:00Z");
  CHECK(d.epoch == 1374976800);  // not rounded up
  CHECK(Parsed("2013-07-28T02:00:00.5").text == "2013-07-28T02:00:00Z");
}

TEST_CASE("time: invalid datetimes are InvalidArgument naming the field") {
  for (const char* bad : {"",
                          " ",
                          "garbage",
                          "2013",
                          "2013-07",
                          "2013-7-28",
                          "13-07-28",
                          "2013/07/28",
                          "2013-02-30",
                          "2013-02-29",  // not a leap year
                          "2100-02-29",  // not a leap year either
                          "2013-04-31",
                          "2013-13-01",
                          "2013-00-10",
                          "2013-01-00",
                          "2013-01-32",
                          "2013-07-28T24:00:00Z",
                          "2013-07-28T24:00",
                          "2013-07-28T23:60:00Z",
                          "2013-07-28T23:59:60Z",
                          "2013-07-28T",
                          "2013-07-28T2:00:00Z",
                          "2013-07-28T02",
                          "2013-07-28T02:00:",
                          "2013-07-28T02:00:00.",
                          "2013-07-28T02:00:00.Z",
                          "2013-07-28T02:00:00+2:00",
                          "2013-07-28T02:00:00+02:0",
                          "2013-07-28T02:00:00+24:00",
                          "2013-07-28T02:00:00+02:60",
                          "2013-07-28T02:00:00 +02:00",
                          "2013-07-28T02:00:00+02:00 ",
                          " 2013-07-28",
                          "2013-07-28x",
                          "2013-07-28+02:00",
                          "2013-07-28T02:00:00Zjunk",
                          "2013-07-28T02:00:00ZZ",
                          "2013-07-28T02:00:00+02:00:00",
                          "\xff\xfe"}) {
    CAPTURE(bad);
    Result<Datetime> r = ParseDatetime(bad, "datetime_end");
    CHECK_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    CHECK(r.status().details().find("datetime_end") != std::string::npos);
  }
}

TEST_CASE("time: a NUL byte inside the text is refused") {
  std::string with_nul("2013-07-28\0T00:00:00Z", 21);
  CHECK_FALSE(ParseDatetime(with_nul, "x").ok());
  std::string trailing_nul("2013-07-28T00:00:00Z\0", 21);
  CHECK_FALSE(ParseDatetime(trailing_nul, "x").ok());
}

TEST_CASE("time: FormatUtc") {
  CHECK(FormatUtc(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatUtc(1374969600) == "2013-07-28T00:00:00Z");
  CHECK(FormatUtc(1700000000) == "2023-11-14T22:13:20Z");
  CHECK(FormatUtc(951782400 + 86399) == "2000-02-29T23:59:59Z");
  CHECK(FormatUtc(2147483648LL) == "2038-01-19T03:14:08Z");
  CHECK(FormatUtc(253402300799LL) == "9999-12-31T23:59:59Z");
  CHECK(FormatUtc(-1) == "1969-12-31T23:59:59Z");
  CHECK(FormatUtc(-3600) == "1969-12-31T23:00:00Z");
  CHECK(FormatUtc(-86400) == "1969-12-31T00:00:00Z");
  // Either side of the hand-written years 0..9999 (snprintf beyond them).
  CHECK(FormatUtc(-62167219200LL) == "0000-01-01T00:00:00Z");
  CHECK(FormatUtc(-62167219201LL) == "-001-12-31T23:59:59Z");
  CHECK(FormatUtc(253402300800LL) == "10000-01-01T00:00:00Z");
  // FormatUtcTo writes the same text without an allocation.
  for (int64_t t : std::vector<int64_t>{0, -1, 1700000000, -62167219201LL, 253402300800LL,
                                        1000000000000000LL, -1000000000000000LL}) {
    char buf[kUtcTextMax];
    CHECK(std::string(buf, FormatUtcTo(t, buf)) == FormatUtc(t));
  }
  // Round trip through the parser for a spread of instants.
  for (int64_t t = 0; t < 4102444800LL; t += 9876543) {
    CAPTURE(t);
    std::string s = FormatUtc(t);
    Result<Datetime> d = ParseDatetime(s, "t");
    REQUIRE(d.ok());
    CHECK(d->epoch == t);
    CHECK(d->text == s);
  }
  // Every second of a day (each hour, minute and second written) and the
  // days of a leap year's every month, through the parser again.
  for (int64_t t = 1700006400; t < 1700006400 + 86400; ++t) {
    const std::string s = FormatUtc(t);
    Result<Datetime> d = ParseDatetime(s, "t");
    if (!d.ok() || d->epoch != t) FAIL_CHECK(t << " -> " << s);
  }
  for (int64_t t = 946684800 + 43200; t < 978307200; t += 86400) {
    const std::string s = FormatUtc(t);
    Result<Datetime> d = ParseDatetime(s, "t");
    if (!d.ok() || d->epoch != t) FAIL_CHECK(t << " -> " << s);
  }
}

TEST_CASE("time: FormatUtcMillis") {
  CHECK(FormatUtcMillis(0) == "1970-01-01T00:00:00.000Z");
  CHECK(FormatUtcMillis(1374969600123LL) == "2013-07-28T00:00:00.123Z");
  CHECK(FormatUtcMillis(1700000000999LL) == "2023-11-14T22:13:20.999Z");
  CHECK(FormatUtcMillis(1700000000007LL) == "2023-11-14T22:13:20.007Z");
  for (int ms = 0; ms < 1000; ++ms) {
    const std::string digits = std::to_string(1000 + ms).substr(1);
    CHECK(FormatUtcMillis(1700000000000LL + ms) == "2023-11-14T22:13:20." + digits + "Z");
  }
  CHECK(FormatUtcMillis(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(FormatUtcMillis(-1000) == "1969-12-31T23:59:59.000Z");
}

// The C library's answer, in the printf form FormatUtc had before it was
// written by hand.
std::string ReferenceUtc(int64_t epoch) {
  const time_t t = static_cast<time_t>(epoch);
  struct tm tm {};
  REQUIRE(gmtime_r(&t, &tm) != nullptr);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
                static_cast<long long>(tm.tm_year) + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return buf;
}

TEST_CASE("time: FormatUtc and FormatUtcMillis agree with the printf form everywhere") {
  std::mt19937_64 rng(7);
  // Years 1 BCE to 12000, past the four-digit range on both sides.
  const int64_t lo = DaysFromCivil(-1, 1, 1) * 86400, hi = DaysFromCivil(12000, 1, 1) * 86400;
  for (int i = 0; i < 2000; ++i) {
    const int64_t t = lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo));
    CAPTURE(t);
    const std::string want = ReferenceUtc(t);
    CHECK(FormatUtc(t) == want);
    const int64_t ms = t * 1000 + static_cast<int64_t>(rng() % 1000);
    std::string millis = want;
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms - t * 1000));
    millis.insert(millis.size() - 1, frac);
    CHECK(FormatUtcMillis(ms) == millis);
  }
  CHECK(FormatUtc(DaysFromCivil(10000, 1, 1) * 86400) == "10000-01-01T00:00:00Z");
  CHECK(FormatUtc(DaysFromCivil(-1, 12, 31) * 86400 + 1) == "-001-12-31T00:00:01Z");
}

TEST_CASE("time: DaysFromCivil") {
  CHECK(DaysFromCivil(1970, 1, 1) == 0);
  CHECK(DaysFromCivil(1969, 12, 31) == -1);
  CHECK(DaysFromCivil(2013, 7, 28) == 15914);
  CHECK(DaysFromCivil(2000, 3, 1) - DaysFromCivil(2000, 2, 28) == 2);
  CHECK(DaysFromCivil(1900, 3, 1) - DaysFromCivil(1900, 2, 28) == 1);
}

TEST_CASE("time: ManualClock") {
  ManualClock c(1700000000);
  CHECK(c.Now() == 1700000000);
  CHECK(c.NowMillis() == 1700000000000LL);
  c.Advance(59);
  CHECK(c.Now() == 1700000059);
  c.Set(5);
  CHECK(c.Now() == 5);
  CHECK(c.NowMillis() == 5000);
  // The system clock is after the time this code was written.
  CHECK(SystemClock().Now() > 1700000000);
  CHECK(SystemClock().NowMillis() / 1000 - SystemClock().Now() <= 1);
}

}  // namespace
}  // namespace cammio
