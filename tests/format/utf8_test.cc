// IsValidUtf8 / ToValidUtf8: Unicode table 3-7 well-formed sequences only.
#include <doctest/doctest.h>

#include <string>

#include "cammio/document.h"

namespace cammio {
namespace {

TEST_CASE("IsValidUtf8 accepts well-formed 1 to 4 byte sequences") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain ASCII, with a long enough run to use the 8-byte path"));
  CHECK(IsValidUtf8(std::string("\0\x01\x7f", 3)));
  CHECK(IsValidUtf8("\xC2\x80"));              // U+0080, smallest 2-byte.
  CHECK(IsValidUtf8("Zo\xC3\xAB"));            // Zoë
  CHECK(IsValidUtf8("\xDF\xBF"));              // U+07FF
  CHECK(IsValidUtf8("\xE0\xA0\x80"));          // U+0800, smallest 3-byte.
  CHECK(IsValidUtf8("\xE6\x9D\xB1\xE4\xBA\xAC"));  // 東京
  CHECK(IsValidUtf8("\xED\x9F\xBF"));          // U+D7FF, just below the surrogates.
  CHECK(IsValidUtf8("\xEE\x80\x80"));          // U+E000, just above them.
  CHECK(IsValidUtf8("\xEF\xBF\xBF"));          // U+FFFF
  CHECK(IsValidUtf8("\xF0\x90\x80\x80"));      // U+10000, smallest 4-byte.
  CHECK(IsValidUtf8("\xF0\x9F\x8E\xA5"));      // 🎥
  CHECK(IsValidUtf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF, the largest.
  CHECK(IsValidUtf8("12345678\xF0\x9F\x8E\xA5" "12345678\xC3\xAB"));
}

TEST_CASE("IsValidUtf8 rejects ill-formed sequences") {
  // Lone continuation bytes and invalid lead bytes.
  CHECK_FALSE(IsValidUtf8("\x80"));
  CHECK_FALSE(IsValidUtf8("abc\xBF"));
  CHECK_FALSE(IsValidUtf8("\xFE"));
  CHECK_FALSE(IsValidUtf8("\xFF"));
  CHECK_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));  // Would be > U+10FFFF.
  CHECK_FALSE(IsValidUtf8("\xF8\x88\x80\x80\x80"));  // Old 5-byte form.
  // Overlong encodings.
  CHECK_FALSE(IsValidUtf8("\xC0\x80"));          // NUL
  CHECK_FALSE(IsValidUtf8("\xC0\xAF"));          // '/'
  CHECK_FALSE(IsValidUtf8("\xC1\xBF"));
  CHECK_FALSE(IsValidUtf8("\xE0\x80\xAF"));
  CHECK_FALSE(IsValidUtf8("\xE0\x9F\xBF"));
  CHECK_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));
  CHECK_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));
  // Surrogates.
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));      // U+D800
  CHECK_FALSE(IsValidUtf8("\xED\xBF\xBF"));      // U+DFFF
  CHECK_FALSE(IsValidUtf8("\xED\xA0\xBD\xED\xB8\x80"));  // CESU-8 pair.
  // Above U+10FFFF.
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));
  // Truncated sequences, at the end and in the middle.
  CHECK_FALSE(IsValidUtf8("\xC3"));
  CHECK_FALSE(IsValidUtf8("\xE6\x9D"));
  CHECK_FALSE(IsValidUtf8("\xF0\x9F\x8E"));
  CHECK_FALSE(IsValidUtf8("\xE6\x9D" "abc"));
  CHECK_FALSE(IsValidUtf8("\xF0\x9F\x8E" "abcdefgh"));
  CHECK_FALSE(IsValidUtf8("\xC3\xC3\xAB"));
  // Bad continuation after a long ASCII run (exercises the 8-byte path).
  CHECK_FALSE(IsValidUtf8("0123456789abcdef\xC3("));
}

TEST_CASE("ToValidUtf8 keeps valid text and replaces each bad byte by U+FFFD") {
  CHECK(ToValidUtf8("Zo\xC3\xAB \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x8E\xA5") ==
        "Zo\xC3\xAB \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x8E\xA5");
  CHECK(ToValidUtf8("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
  CHECK(ToValidUtf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(ToValidUtf8("x\xE6\x9D") == "x\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(IsValidUtf8(ToValidUtf8("\xC0\x80\xF4\x90\x80\x80\xC3")));
  CHECK(ToValidUtf8("").empty());
}

}  // namespace
}  // namespace cammio
