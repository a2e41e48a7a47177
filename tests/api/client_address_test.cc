// Tests for src/api/client_address: forwarding headers count only from a
// trusted proxy, the right-most untrusted hop is the client, and nothing a
// client writes itself can pick its address.
#include "api/client_address.h"

#include <doctest/doctest.h>

namespace cammio {
namespace {

std::vector<net::Cidr> Trusted(const std::string& text) {
  auto r = net::ParseCidrList(text);
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("client_address: without trusted proxies the peer is the client") {
  CHECK(ClientAddress("127.0.0.1", {"203.0.113.9"}, {}, {}) == "127.0.0.1");
  CHECK(ClientAddress("198.51.100.1", {"203.0.113.9"}, {"for=192.0.2.1"}, {}) == "198.51.100.1");
  // A peer outside the list: its headers are ignored.
  CHECK(ClientAddress("198.51.100.1", {"203.0.113.9"}, {}, Trusted("127.0.0.1/32")) ==
        "198.51.100.1");
}

TEST_CASE("client_address: X-Forwarded-For from a trusted proxy, right-most untrusted") {
  auto t = Trusted("127.0.0.1/32, 10.0.0.0/8");
  CHECK(ClientAddress("127.0.0.1", {"203.0.113.9"}, {}, t) == "203.0.113.9");
  CHECK(ClientAddress("::ffff:127.0.0.1", {"203.0.113.9"}, {}, t) == "203.0.113.9");
  // The client's own (forged) entries are to the left of what the proxy saw.
  CHECK(ClientAddress("127.0.0.1", {"1.1.1.1, 203.0.113.9"}, {}, t) == "203.0.113.9");
  // Chained trusted proxies are skipped; headers given twice are one list.
  CHECK(ClientAddress("127.0.0.1", {"8.8.8.8, 203.0.113.9", "10.1.1.1"}, {}, t) == "203.0.113.9");
  CHECK(ClientAddress("127.0.0.1", {" 2001:db8::7 "}, {}, t) == "2001:db8::7");
  // Garbage stops the walk at the last trusted hop.
  CHECK(ClientAddress("127.0.0.1", {"unknown"}, {}, t) == "127.0.0.1");
  CHECK(ClientAddress("127.0.0.1", {"203.0.113.9, 10.0.0.5, bogus"}, {}, t) == "127.0.0.1");
  CHECK(ClientAddress("127.0.0.1", {"bogus, 10.0.0.5"}, {}, t) == "10.0.0.5");
  CHECK(ClientAddress("127.0.0.1", {"2130706433"}, {}, t) == "127.0.0.1");  // no shorthands
  // No header: the proxy itself.
  CHECK(ClientAddress("127.0.0.1", {}, {}, t) == "127.0.0.1");
}

TEST_CASE("client_address: Forwarded (RFC 7239) when there is no X-Forwarded-For") {
  auto t = Trusted("127.0.0.1/32");
  CHECK(ClientAddress("127.0.0.1", {}, {"for=192.0.2.60;proto=http;by=203.0.113.43"}, t) ==
        "192.0.2.60");
  CHECK(ClientAddress("127.0.0.1", {}, {"For=\"[2001:db8:cafe::17]:4711\""}, t) ==
        "2001:db8:cafe::17");
  CHECK(ClientAddress("127.0.0.1", {}, {"for=1.1.1.1, for=198.51.100.17:80"}, t) ==
        "198.51.100.17");
  CHECK(ClientAddress("127.0.0.1", {}, {"for=unknown"}, t) == "127.0.0.1");
  CHECK(ClientAddress("127.0.0.1", {}, {"for=_hidden, for=127.0.0.1"}, t) == "127.0.0.1");
  // X-Forwarded-For wins when both came.
  CHECK(ClientAddress("127.0.0.1", {"203.0.113.9"}, {"for=192.0.2.60"}, t) == "203.0.113.9");
}

}  // namespace
}  // namespace cammio
