// ClientConfig (tls/client_config.h): the trust anchors of outgoing TLS
// sessions, loaded once per client and shared with its sessions.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tls/certificate.h"
#include "tls/client_config.h"

namespace cammio::tls {
namespace {

std::string GeneratedCaPem() {
  char dir[] = "/tmp/cammio-tls-clientXXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  const std::string cert = std::string(dir) + "/cert.pem";
  REQUIRE(GenerateSelfSignedCert({"localhost"}, cert, std::string(dir) + "/key.pem").ok());
  std::ifstream in(cert);
  std::stringstream text;
  text << in.rdbuf();
  std::filesystem::remove_all(dir);
  return text.str();
}

TEST_CASE("ClientConfig loads a CA PEM, and a bundle of which one certificate is usable") {
  const std::string pem = GeneratedCaPem();
  auto one = ClientConfig::Load(pem, true);
  REQUIRE_MESSAGE(one.ok(), one.status().ToString());
  CHECK((*one)->config() != nullptr);
  const std::string broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  CHECK(ClientConfig::Load(broken + pem, true).ok());
}

TEST_CASE("ClientConfig refuses a CA PEM with no usable certificate, unless not verifying") {
  for (const char* bad :
       {"garbage", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}) {
    auto r = ClientConfig::Load(bad, true);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    CHECK_FALSE(r.status().details().empty());  // mbedTLS's reason
    // Without verification no CA is read at all.
    CHECK(ClientConfig::Load(bad, false).ok());
  }
}

TEST_CASE("ClientConfig reads the system store when given no CA PEM") {
  auto r = ClientConfig::Load("", true);
  if (std::filesystem::exists(kSystemCaFile)) {
    CHECK_MESSAGE(r.ok(), r.status().ToString());
  } else {
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace cammio::tls
