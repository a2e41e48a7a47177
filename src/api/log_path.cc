#include "api/log_path.h"

#include "api/router.h"

namespace cammio {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Percent-encodes what must not appear raw in a log field.
std::string EncodeForLog(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F || c == '%') {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

}  // namespace

std::string LogPath(std::string_view path) {
  if (!StartsWith(path, "/public/")) return EncodeForLog(path);
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view seg = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (IsToken(seg)) {
      out.append(seg.substr(0, 4)).push_back('~');
    } else if (IsGuestToken(seg)) {
      out.append(seg.substr(0, seg.find('.') + 5)).push_back('~');
    } else {
      out.append(seg);
    }
    if (slash == std::string_view::npos) break;
    out.push_back('/');
    start = slash + 1;
  }
  return EncodeForLog(out);
}

}  // namespace cammio
