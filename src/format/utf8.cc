// UTF-8 validation and repair (Unicode 15, table 3-7 "well-formed UTF-8 byte
// sequences"): no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
// U+10FFFF, no truncated sequences.
#include <cstdint>
#include <cstring>

#include "cammio/document.h"

namespace cammio {

namespace {

bool InRange(unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; }

bool IsContinuation(unsigned char c) { return InRange(c, 0x80, 0xBF); }

// Length of the well-formed sequence at p[0..n), or 0 when there is none.
size_t SequenceLength(const unsigned char* p, size_t n) {
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  if (InRange(c, 0xC2, 0xDF)) return n >= 2 && IsContinuation(p[1]) ? 2 : 0;
  if (InRange(c, 0xE0, 0xEF)) {
    if (n < 3 || !IsContinuation(p[2])) return 0;
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;  // E0: no overlongs.
    const unsigned char hi = c == 0xED ? 0x9F : 0xBF;  // ED: no surrogates.
    return InRange(p[1], lo, hi) ? 3 : 0;
  }
  if (InRange(c, 0xF0, 0xF4)) {
    if (n < 4 || !IsContinuation(p[2]) || !IsContinuation(p[3])) return 0;
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;  // F0: no overlongs.
    const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;  // F4: <= U+10FFFF.
    return InRange(p[1], lo, hi) ? 4 : 0;
  }
  return 0;  // 80..C1 (continuation or overlong lead), F5..FF.
}

// Bytes from the start of [p, p + n) up to the first non-ASCII byte, eight at a time.
size_t AsciiPrefix(const unsigned char* p, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t chunk;
    std::memcpy(&chunk, p + i, sizeof chunk);
    if (chunk & 0x8080808080808080ULL) break;
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

// Offset of the first byte that does not start a well-formed sequence, or n.
size_t ValidPrefix(const unsigned char* p, size_t n) {
  size_t i = 0;
  while (i < n) {
    i += AsciiPrefix(p + i, n - i);
    if (i == n) break;
    const size_t len = SequenceLength(p + i, n - i);
    if (len == 0) return i;
    i += len;
  }
  return n;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  return ValidPrefix(p, s.size()) == s.size();
}

std::string ToValidUtf8(std::string_view s) {
  static constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::string out;
  out.reserve(s.size() + 8);
  size_t i = 0;
  while (i < s.size()) {
    const size_t valid = ValidPrefix(p + i, s.size() - i);
    out.append(s.data() + i, valid);
    i += valid;
    if (i < s.size()) {
      out.append(kReplacement, 3);
      ++i;
    }
  }
  return out;
}

}  // namespace cammio
