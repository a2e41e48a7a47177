// Tests for src/api/tus_headers: Upload-Metadata lookup and the
// Upload-Length / Upload-Offset number syntax.
#include "api/tus_headers.h"

#include <doctest/doctest.h>

namespace cammio::tus {
namespace {

TEST_CASE("MetadataValue decodes the first pair with the key") {
  const std::string header = "kind cmVjb3JkaW5n,question MQ==";
  CHECK(MetadataValue(header, "kind") == "recording");
  CHECK(MetadataValue(header, "question") == "1");
  CHECK(MetadataValue("kind Y3Y=,kind cmVjb3JkaW5n", "kind") == "cv");
  CHECK(MetadataValue("kind Y3Y=,  question Mg==", "question") == "2");
}

TEST_CASE("MetadataValue answers empty for a missing key, no value or bad base64") {
  CHECK(MetadataValue("kind cmVjb3JkaW5n", "question").empty());
  CHECK(MetadataValue("question,kind Y3Y=", "question").empty());
  CHECK(MetadataValue("kind !!!", "kind").empty());
  CHECK(MetadataValue("", "kind").empty());
  CHECK(MetadataValue(",,,", "kind").empty());
  CHECK(MetadataValue("kinds Y3Y=", "kind").empty());
}

TEST_CASE("ParseLength takes 1 to 15 digits and nothing else") {
  int64_t v = -1;
  CHECK(ParseLength("0", &v));
  CHECK(v == 0);
  CHECK(ParseLength("999999999999999", &v));
  CHECK(v == 999999999999999);
  v = -1;
  for (const char* bad : {"", "1000000000000000", "-1", "+1", " 1", "1 ", "1e6", "0x10"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseLength(bad, &v));
    CHECK(v == -1);
  }
}

}  // namespace
}  // namespace cammio::tus
