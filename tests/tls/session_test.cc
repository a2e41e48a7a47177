// The library facts tls/session.h reports for `cammio version`.
#include <doctest/doctest.h>
#include <mbedtls/version.h>

#include <regex>
#include <string>

#include "tls/session.h"

namespace cammio::tls {
namespace {

TEST_CASE("LibraryName and LibraryVersion name the linked mbedTLS") {
  CHECK(LibraryName() == "mbedtls");
  const std::string v = LibraryVersion();
  CHECK(std::regex_match(v, std::regex(R"(\d+\.\d+\.\d+)")));
  // The library linked in is the one the headers describe.
  CHECK(v == MBEDTLS_VERSION_STRING);
}

}  // namespace
}  // namespace cammio::tls
