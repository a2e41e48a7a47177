// util/log.h: every message is one line, whatever text it carries.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "util/log.h"

namespace cammio {
namespace {

TEST_CASE("EscapeLogText: control characters and stray bytes become \\xNN, UTF-8 stays") {
  CHECK(EscapeLogText("plain text: GET /api/vacancies?x=1") ==
        "plain text: GET /api/vacancies?x=1");
  CHECK(EscapeLogText("a\nb\rc\td") == "a\\x0ab\\x0dc\\x09d");
  CHECK(EscapeLogText(std::string("nul\0end", 7)) == "nul\\x00end");
  CHECK(EscapeLogText("esc\x1b[31mred\x7f") == "esc\\x1b[31mred\\x7f");
  CHECK(EscapeLogText("back\\slash \\x0a") == "back\\\\slash \\\\x0a");  // Reversible.
  // Valid UTF-8 of every length is kept: é, 東, 🎥, U+00A0 (just past C1).
  const std::string utf8 = "Zo\xC3\xAB \xE6\x9D\xB1 \xF0\x9F\x8E\xA5 \xC2\xA0";
  CHECK(EscapeLogText(utf8) == utf8);
  // C1 controls (U+0085 NEL, U+009B CSI) are escaped byte by byte.
  CHECK(EscapeLogText("x\xC2\x85y\xC2\x9B") == "x\\xc2\\x85y\\xc2\\x9b");
  // Bytes that are not valid UTF-8: lone continuation, truncated sequences,
  // overlong forms, surrogates, beyond U+10FFFF.
  CHECK(EscapeLogText("\x80") == "\\x80");
  CHECK(EscapeLogText("\xE6\x9D") == "\\xe6\\x9d");
  CHECK(EscapeLogText("\xC0\x8A") == "\\xc0\\x8a");
  CHECK(EscapeLogText("\xED\xA0\x80") == "\\xed\\xa0\\x80");
  CHECK(EscapeLogText("\xF4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");
  CHECK(EscapeLogText("\xFF\xC3\xAB") == "\\xff\xC3\xAB");
  CHECK(EscapeLogText("") == "");
}

TEST_CASE("Log: a message with newlines is still one line") {
  std::vector<std::string> lines;
  SetLogSink([&](const std::string& line) { lines.push_back(line); });
  Log(LogLevel::kWarn, "user=bob\n2026-01-01T00:00:00.000Z ERROR forged\r\n");
  Log(LogLevel::kDebug, "below the level: not logged");
  SetLogSink(nullptr);
  REQUIRE(lines.size() == 1);
  const std::string& line = lines[0];
  CHECK(line.find(" WARN user=bob\\x0a2026-01-01T00:00:00.000Z ERROR forged\\x0d\\x0a\n") !=
        std::string::npos);
  CHECK(line.find('\n') == line.size() - 1);
  CHECK(line.find('\r') == std::string::npos);
}

}  // namespace
}  // namespace cammio
