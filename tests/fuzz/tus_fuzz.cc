// sources: src/api/tus_headers.cc src/util/crypto.cc
//
// libFuzzer target for the tus request headers (src/api/tus_headers.h).
// Input (kept corpus: tests/fuzz/corpus/tus/), three lines:
//   an Upload-Metadata header, e.g. "kind cmVjb3JkaW5n,question MQ=="
//   a key to look up in it, e.g. "kind"
//   an Upload-Length / Upload-Offset value, e.g. "1048576"
// Checks, besides the sanitizers:
//   - MetadataValue on the raw header and key does not fail;
//   - round trip: the first line read as plain "key value,key value" pairs,
//     re-encoded as tus sends them (values in base64, the spaces before each
//     key kept), gives back each key's value (the first, for repeated keys),
//     and "" for a key that is not there;
//   - ParseLength accepts exactly 1 to 15 ASCII digits, with their value.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/tus_headers.h"
#include "util/crypto.h"

namespace {

using cammio::tus::MetadataValue;
using cammio::tus::ParseLength;

void Check(bool ok) {
  if (!ok) std::abort();
}

std::string_view Line(std::string_view* rest) {
  const size_t nl = rest->find('\n');
  const std::string_view line = rest->substr(0, nl);
  rest->remove_prefix(nl == std::string_view::npos ? rest->size() : nl + 1);
  return line;
}

void CheckRoundTrip(std::string_view plain) {
  std::vector<std::pair<std::string, std::string>> pairs;  // first of each key
  std::string header;
  size_t start = 0;
  for (;;) {
    const size_t comma = plain.find(',', start);
    std::string_view item = plain.substr(start, comma == plain.npos ? comma : comma - start);
    const size_t lead = std::min(item.find_first_not_of(' '), item.size());
    const std::string_view spaces = item.substr(0, lead);
    item.remove_prefix(lead);
    const size_t space = item.find(' ');
    const std::string key(item.substr(0, space));
    const std::string value(space == item.npos ? "" : item.substr(space + 1));
    if (!key.empty()) {
      if (!header.empty()) header += ',';
      header.append(spaces).append(key).append(" ").append(cammio::Base64Encode(value));
      bool seen = false;
      for (const auto& [k, v] : pairs) seen = seen || k == key;
      if (!seen) pairs.emplace_back(key, value);
    }
    if (comma == plain.npos) break;
    start = comma + 1;
  }
  for (const auto& [key, value] : pairs) Check(MetadataValue(header, key) == value);
  bool listed = false;
  for (const auto& [key, value] : pairs) listed = listed || key == "absent";
  Check(listed || MetadataValue(header, "absent").empty());
}

void CheckLength(std::string_view text) {
  int64_t v = -7;
  const bool ok = ParseLength(text, &v);
  bool digits = !text.empty() && text.size() <= 15;
  int64_t expect = 0;
  for (char c : text) {
    digits = digits && c >= '0' && c <= '9';
    if (digits) expect = expect * 10 + (c - '0');
  }
  Check(ok == digits);
  Check(ok ? v == expect : v == -7);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view header = Line(&rest);
  const std::string_view key = Line(&rest);
  const std::string_view length = Line(&rest);
  MetadataValue(header, key);
  MetadataValue(header, "kind");
  CheckRoundTrip(header);
  CheckLength(length);
  CheckLength(header);
  return 0;
}
