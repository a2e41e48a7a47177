// The authentication throttle inside the server (src/api/pipeline.cc
// Authenticate with src/api/auth_throttle and src/api/client_address):
// failures are throttled per (client address, user); a correct token always
// passes; X-Forwarded-For counts only from a trusted proxy.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "testing/raw_http.h"
#include "testing/test_support.h"
#include "util/crypto.h"

namespace cammio {
namespace {

using testing::Credentials;
using testing::TestServer;

// GET /api/vacancies as `email`:`token`, optionally with X-Forwarded-For;
// the HTTP status.
int Get(TestServer& server, const std::string& email, const std::string& token,
        const std::string& forwarded_for = "") {
  auto c = server.Client();
  httplib::Headers h = {{"Authorization", "Basic " + Base64Encode(email + ":" + token)}};
  if (!forwarded_for.empty()) h.emplace("X-Forwarded-For", forwarded_for);
  auto res = c->Get("/api/vacancies", h);
  REQUIRE(res);
  return res->status;
}

// Fails as `email` until the server answers 429; returns the 403s seen.
int FailUntilThrottled(TestServer& server, const std::string& email,
                       const std::string& forwarded_for = "") {
  for (int i = 0; i < 50; ++i) {
    int status = Get(server, email, "wrong-token", forwarded_for);
    if (status == 429) return i;
    REQUIRE(status == 403);
  }
  FAIL("never throttled");
  return -1;
}

// Server options for a server behind a reverse proxy on loopback.
testing::ServerOptions BehindLoopbackProxy() {
  testing::ServerOptions o;
  auto trusted = net::ParseCidrList("127.0.0.1/32");
  REQUIRE(trusted.ok());
  o.trusted_proxies = *trusted;
  return o;
}

TEST_CASE("auth: a correct token passes however many failures its user had") {
  TestServer server;
  const Credentials& me = server.creds();
  // An attacker (here, the same loopback address, as behind a reverse proxy
  // without trusted_proxies) fails until throttled ...
  CHECK(FailUntilThrottled(server, me.email) == 10);
  CHECK(Get(server, me.email, "wrong-token") == 429);
  // ... and the real user, with the right token, is not refused.
  CHECK(Get(server, me.email, me.token) == 200);
  CHECK(Get(server, me.email, me.token) == 200);
  // Other users of the same address are not affected by those failures.
  Credentials other = server.NewAccount("Other Agency", "other@agency.test");
  CHECK(Get(server, other.email, other.token) == 200);
  CHECK(Get(server, other.email, "wrong-token") == 403);
}

TEST_CASE("auth: with trusted_proxies, X-Forwarded-For clients are throttled separately") {
  TestServer server(BehindLoopbackProxy());
  const Credentials& me = server.creds();
  // The attacker at A exhausts its pair ...
  CHECK(FailUntilThrottled(server, me.email, "203.0.113.9") == 10);
  // ... a client at B, even mistyping, is not throttled for it.
  CHECK(Get(server, me.email, "wrong-token", "198.51.100.20") == 403);
  CHECK(Get(server, me.email, me.token, "198.51.100.20") == 200);
  // A forged entry left of what the proxy appended changes nothing.
  CHECK(Get(server, me.email, "wrong-token", "198.51.100.20, 203.0.113.9") == 429);
}

// GET /api/vacancies over a raw TLS connection, with one X-Forwarded-For
// field line per entry of `forwarded_for`, in that order; the HTTP status.
int GetWithFields(TestServer& server, const std::string& email, const std::string& token,
                  const std::vector<std::string>& forwarded_for) {
  testing::RawConnection c(server.port(), /*tls=*/true);
  REQUIRE(c.ok());
  std::string head = "GET /api/vacancies HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic " +
                     Base64Encode(email + ":" + token) + "\r\n";
  for (const std::string& f : forwarded_for) head += "X-Forwarded-For: " + f + "\r\n";
  REQUIRE(c.Send(head + "Connection: close\r\n\r\n"));
  const std::vector<int> statuses =
      testing::ResponseStatuses(c.ReadResponse(std::chrono::seconds(5)));
  REQUIRE(statuses.size() == 1);
  return statuses.front();
}

TEST_CASE("auth: repeated X-Forwarded-For fields count in the order they came") {
  TestServer server(BehindLoopbackProxy());
  const Credentials& me = server.creds();
  CHECK(FailUntilThrottled(server, me.email, "203.0.113.9") == 10);
  // The proxy appended its own field after two the client forged: the
  // client is the last field's address, throttled.
  CHECK(GetWithFields(server, me.email, "wrong-token",
                      {"198.51.100.20", "198.51.100.21", "203.0.113.9"}) == 429);
  // The same fields the other way round: a client at B.
  CHECK(GetWithFields(server, me.email, "wrong-token",
                      {"203.0.113.9", "203.0.113.9", "198.51.100.20"}) == 403);
}

TEST_CASE("auth: without trusted_proxies, X-Forwarded-For is ignored") {
  TestServer server;
  const Credentials& me = server.creds();
  CHECK(FailUntilThrottled(server, me.email, "203.0.113.9") == 10);
  // Claiming another address does not buy more guesses.
  CHECK(Get(server, me.email, "wrong-token", "198.51.100.20") == 429);
  CHECK(Get(server, me.email, "wrong-token") == 429);
  CHECK(Get(server, me.email, me.token, "198.51.100.20") == 200);
}

}  // namespace
}  // namespace cammio
