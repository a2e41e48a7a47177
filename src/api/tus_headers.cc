#include "api/tus_headers.h"

#include <optional>

#include "util/crypto.h"

namespace cammio::tus {

namespace {

// The pair named `key` of an Upload-Metadata header (from the key on), or
// nullopt.
std::optional<std::string_view> FindPair(std::string_view header, std::string_view key) {
  size_t start = 0;
  while (start < header.size()) {
    size_t comma = header.find(',', start);
    std::string_view pair =
        header.substr(start, comma == std::string_view::npos ? comma : comma - start);
    size_t b = pair.find_first_not_of(' ');
    if (b != std::string_view::npos) pair.remove_prefix(b);
    if (pair.substr(0, pair.find(' ')) == key) return pair;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return std::nullopt;
}

}  // namespace

bool HasMetadata(std::string_view header, std::string_view key) {
  return FindPair(header, key).has_value();
}

std::string MetadataValue(std::string_view header, std::string_view key) {
  std::optional<std::string_view> pair = FindPair(header, key);
  if (!pair) return "";
  size_t space = pair->find(' ');
  std::string value;
  if (space != std::string_view::npos && Base64Decode(pair->substr(space + 1), &value)) {
    return value;
  }
  return "";
}

bool ParseLength(std::string_view text, int64_t* out) {
  if (text.empty() || text.size() > 15) return false;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace cammio::tus
