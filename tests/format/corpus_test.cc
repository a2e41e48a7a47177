// The fuzz corpus of tests/fuzz/format_fuzz.cc (tests/fuzz/corpus/format)
// replayed through both parsers on every test run, so the inputs that once
// crashed or stalled a parser stay refused (and run under the sanitizers in
// the ASan build).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "cammio/document.h"

namespace cammio {
namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

TEST_CASE("fuzz corpus: every input parses or is refused; the hostile ones are refused") {
  const std::filesystem::path dir =
      std::filesystem::path(CAMMIO_SOURCE_DIR) / "tests/fuzz/corpus/format";
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    CAPTURE(name);
    const std::string text = ReadAll(entry.path());
    const Result<Value> json = ParseJson(text);
    const Result<Value> xml = ParseXml(text);
    if (json.ok()) {  // The fuzz target's JSON round trip.
      const std::string rendered = RenderJson(*json);
      const Result<Value> again = ParseJson(rendered);
      REQUIRE(again.ok());
      CHECK(RenderJson(*again) == rendered);
    }
    if (StartsWith(name, "number_")) {
      REQUIRE_FALSE(json.ok());
      CHECK(json.status().details().find("JSON number at offset ") == 0);
    }
    if (name == "many_attributes.xml") {
      REQUIRE_FALSE(xml.ok());
      CHECK(xml.status().details() == "XML element has more than 64 attributes (line 1)");
    }
    ++files;
  }
  CHECK(files >= 12);
}

}  // namespace
}  // namespace cammio
