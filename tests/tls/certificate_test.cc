// CheckCaPem (tls/certificate.h): what the mail and notification settings
// accept as a CA bundle. Mail takes a bundle of which one certificate is
// usable, notifications only one that is PEM and read completely.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tls/certificate.h"

namespace cammio::tls {
namespace {

// The PEM text of a freshly generated self-signed certificate.
std::string GeneratedCaPem() {
  char dir[] = "/tmp/cammio-tls-certXXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  const std::string cert = std::string(dir) + "/cert.pem";
  REQUIRE(GenerateSelfSignedCert({"localhost"}, cert, std::string(dir) + "/key.pem").ok());
  std::ifstream in(cert);
  std::stringstream text;
  text << in.rdbuf();
  std::filesystem::remove_all(dir);
  REQUIRE(text.str().find("-----BEGIN CERTIFICATE-----") != std::string::npos);
  return text.str();
}

void CheckNothingUsable(const CaPemCheck& c) {
  CHECK_FALSE(c.usable);
  CHECK_FALSE(c.complete);
}

TEST_CASE("CheckCaPem: a generated certificate is a complete PEM bundle") {
  const CaPemCheck c = CheckCaPem(GeneratedCaPem());
  CHECK(c.pem);
  CHECK(c.usable);
  CHECK(c.complete);
}

TEST_CASE("CheckCaPem: garbage, empty text and a PEM frame around garbage are unusable") {
  const CaPemCheck garbage = CheckCaPem("not a certificate");
  CHECK_FALSE(garbage.pem);
  CheckNothingUsable(garbage);

  const CaPemCheck empty = CheckCaPem("");
  CHECK_FALSE(empty.pem);
  CheckNothingUsable(empty);

  const CaPemCheck framed =
      CheckCaPem("-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n");
  CHECK(framed.pem);
  CheckNothingUsable(framed);

  // A NUL ends the text for mbedTLS: what follows it is never read.
  const std::string pem = GeneratedCaPem();
  CheckNothingUsable(CheckCaPem(std::string("\0", 1) + pem));
}

TEST_CASE("CheckCaPem: a bundle with one unreadable certificate is usable, not complete") {
  const std::string pem = GeneratedCaPem();
  const std::string broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  for (const std::string& bundle : {pem + broken, broken + pem}) {
    const CaPemCheck c = CheckCaPem(bundle);
    CHECK(c.pem);
    CHECK(c.usable);
    CHECK_FALSE(c.complete);
  }
}

TEST_CASE("CheckCaPem: huge input") {
  const std::string pem = GeneratedCaPem();
  std::string bundle;
  for (int i = 0; i < 300; ++i) bundle += pem;  // about 200 KiB
  const CaPemCheck many = CheckCaPem(bundle);
  CHECK(many.pem);
  CHECK(many.usable);
  CHECK(many.complete);

  // 4 MiB of base64 in a PEM frame, and 4 MiB of noise without one.
  const std::string junk(4 << 20, 'A');
  const CaPemCheck framed =
      CheckCaPem("-----BEGIN CERTIFICATE-----\n" + junk + "\n-----END CERTIFICATE-----\n");
  CHECK(framed.pem);
  CheckNothingUsable(framed);
  const CaPemCheck noise = CheckCaPem(junk);
  CHECK_FALSE(noise.pem);
  CheckNothingUsable(noise);
}

}  // namespace
}  // namespace cammio::tls
