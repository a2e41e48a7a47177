// Tests for src/net/address (address literals in every spelling the C
// library connects to, classification, CIDR lists, the policy) and
// src/net/outbound (resolve once, filter, connect to that address).
#include "net/address.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "net/outbound.h"

namespace cammio::net {
namespace {

IpAddress Ip(const std::string& text) {
  auto ip = ParseIpLiteral(text);
  INFO(text);
  REQUIRE(ip.has_value());
  return *ip;
}

std::vector<Cidr> Ranges(const std::string& text) {
  auto r = ParseCidrList(text);
  INFO(text << ": " << r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

// Every way of writing a loopback or "this host" address that getaddrinfo
// and inet_aton accept.
const char* const kLoopbackSpellings[] = {
    "127.0.0.1",       "127.1",
    "2130706433",      "0x7f000001",
    "0x7F.1",          "0177.0.0.1",
    "127.0.1",         "127.255.255.254",
    "[::1]",           "::1",
    "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1",
    "[::ffff:7f00:1]", "::ffff:127.1.2.3",
};

TEST_CASE("net: loopback in every numeric spelling is loopback and refused by default") {
  OutboundPolicy policy;
  for (const char* s : kLoopbackSpellings) {
    CAPTURE(s);
    IpAddress ip = Ip(s);
    CHECK(Classify(ip) == AddressClass::kLoopback);
    CHECK_FALSE(policy.Allows(ip));
  }
  CHECK(Ip("127.1").ToString() == "127.0.0.1");
  CHECK(Ip("2130706433") == Ip("127.0.0.1"));
  CHECK(Ip("0x7f000001") == Ip("127.0.0.1"));
  CHECK(Ip("0177.0.0.1") == Ip("127.0.0.1"));
  CHECK(Ip("::ffff:127.0.0.1").Unmapped() == Ip("127.0.0.1"));
}

TEST_CASE("net: the special-purpose ranges are classified and refused") {
  struct Case {
    const char* text;
    AddressClass cls;
  };
  const Case cases[] = {
      {"0.0.0.0", AddressClass::kUnspecified},
      {"0", AddressClass::kUnspecified},
      {"0.1.2.3", AddressClass::kUnspecified},
      {"::", AddressClass::kUnspecified},
      {"10.0.0.1", AddressClass::kPrivate},
      {"167772161", AddressClass::kPrivate},
      {"172.16.0.1", AddressClass::kPrivate},
      {"172.31.255.255", AddressClass::kPrivate},
      {"192.168.1.1", AddressClass::kPrivate},
      {"fc00::1", AddressClass::kPrivate},
      {"fd12:3456::1", AddressClass::kPrivate},
      {"100.64.0.1", AddressClass::kCgnat},
      {"100.127.255.254", AddressClass::kCgnat},
      {"169.254.169.254", AddressClass::kLinkLocal},
      {"fe80::1", AddressClass::kLinkLocal},
      {"febf::1", AddressClass::kLinkLocal},
      {"224.0.0.1", AddressClass::kMulticast},
      {"239.255.255.250", AddressClass::kMulticast},
      {"ff02::1", AddressClass::kMulticast},
      {"255.255.255.255", AddressClass::kBroadcast},
      {"240.0.0.1", AddressClass::kReserved},
      {"192.0.2.1", AddressClass::kReserved},
      {"198.51.100.7", AddressClass::kReserved},
      {"203.0.113.9", AddressClass::kReserved},
      {"198.18.0.1", AddressClass::kReserved},
      {"192.0.0.8", AddressClass::kReserved},
      {"2001:db8::1", AddressClass::kReserved},
      {"2002:7f00:1::1", AddressClass::kReserved},
      {"2001:0:4136:e378::1", AddressClass::kReserved},  // Teredo
      {"::127.0.0.1", AddressClass::kReserved},          // IPv4-compatible
      {"::8.8.8.8", AddressClass::kReserved},
      {"fec0::1", AddressClass::kReserved},          // site-local
      {"100::1", AddressClass::kReserved},           // discard-only
      {"64:ff9b:1::1", AddressClass::kReserved},     // NAT64 local use
      {"64:ff9b::7f00:1", AddressClass::kLoopback},  // NAT64 of 127.0.0.1
      {"64:ff9b::a00:1", AddressClass::kPrivate},    // NAT64 of 10.0.0.1
      {"::ffff:10.1.2.3", AddressClass::kPrivate},   // IPv4-mapped
      {"::ffff:169.254.169.254", AddressClass::kLinkLocal},
      {"::ffff:0.0.0.0", AddressClass::kUnspecified},
      {"4000::1", AddressClass::kReserved},  // outside 2000::/3
  };
  OutboundPolicy policy;
  for (const Case& c : cases) {
    CAPTURE(c.text);
    IpAddress ip = Ip(c.text);
    CHECK(AddressClassName(Classify(ip)) == std::string(AddressClassName(c.cls)));
    CHECK_FALSE(policy.Allows(ip));
  }
}

TEST_CASE("net: public addresses are allowed") {
  OutboundPolicy policy;
  for (const char* s :
       {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1", "192.169.0.1",
        "2606:4700:4700::1111", "2a00:1450:4001::1", "::ffff:8.8.8.8", "64:ff9b::808:808"}) {
    CAPTURE(s);
    CHECK(Classify(Ip(s)) == AddressClass::kPublic);
    CHECK(policy.Allows(Ip(s)));
  }
}

TEST_CASE("net: literals that are not addresses") {
  for (const char* s : {"", "localhost", "127.0.0.1 x", "127.0.0.1.", "1.2.3.4.5", "256.1.1.1",
                        "0x1g", "fe80::1%eth0", "[::1", "::1]", ":::", "1.2.3.-4"}) {
    CAPTURE(s);
    CHECK_FALSE(ParseIpLiteral(s).has_value());
  }
}

TEST_CASE("net: CIDR lists") {
  auto r = Ranges("10.1.0.0/16, fd00::/8  192.168.7.7,::1/128");
  REQUIRE(r.size() == 4);
  CHECK(r[0].ToString() == "10.1.0.0/16");
  CHECK(r[1].ToString() == "fd00::/8");
  CHECK(r[2].ToString() == "192.168.7.7/32");
  CHECK(r[3].ToString() == "::1/128");
  CHECK(InAnyRange(r, Ip("10.1.200.3")));
  CHECK_FALSE(InAnyRange(r, Ip("10.2.0.1")));
  CHECK(InAnyRange(r, Ip("fdab::1")));
  CHECK_FALSE(InAnyRange(r, Ip("fc00::1")));
  CHECK(InAnyRange(r, Ip("::ffff:10.1.0.9")));  // mapped matches the IPv4 range
  CHECK(InAnyRange(r, Ip("192.168.7.7")));
  CHECK_FALSE(InAnyRange(r, Ip("192.168.7.8")));
  CHECK(Ranges("").empty());
  CHECK(Ranges(" , ").empty());
  CHECK(Ranges("0.0.0.0/0")[0].Contains(Ip("8.8.8.8")));
  CHECK(Ranges("::ffff:10.0.0.0/104")[0].ToString() == "10.0.0.0/8");
  for (const char* bad : {"10.1.2.3/16", "10.0.0.0/33", "::/129", "10.0.0.0/", "10/8", "127.1/32",
                          "example.com", "10.0.0.0/8x", "fd00::/-1"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseCidrList(bad).ok());
  }
  CHECK(ParseCidrList("10.1.2.3/16").status().details().find("10.1.0.0/16") != std::string::npos);
}

TEST_CASE("net: the operator's ranges are allowed, nothing else") {
  OutboundPolicy policy(Ranges("10.1.0.0/16, fd00::/8, 127.0.0.1/32"));
  CHECK(policy.Allows(Ip("10.1.2.3")));
  CHECK(policy.Allows(Ip("::ffff:10.1.2.3")));
  CHECK(policy.Allows(Ip("fd00::5")));
  CHECK(policy.Allows(Ip("127.1")));
  CHECK(policy.Allows(Ip("2130706433")));
  CHECK_FALSE(policy.Allows(Ip("127.0.0.2")));
  CHECK_FALSE(policy.Allows(Ip("10.2.0.1")));
  CHECK_FALSE(policy.Allows(Ip("::1")));
  CHECK_FALSE(policy.Allows(Ip("169.254.169.254")));
  CHECK(policy.Allows(Ip("8.8.8.8")));
}

// A listening socket on 127.0.0.1 that never accepts by itself.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 16) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
  }
  ~Listener() { ::close(fd_); }
  int port() const { return port_; }
  // Connections that reached the listener so far (accepted and closed here).
  int Accepted() {
    int n = 0;
    for (int c; (c = ::accept(fd_, nullptr, nullptr)) >= 0; ++n) ::close(c);
    return n;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_CASE("net: ConnectOutbound refuses loopback in any spelling before any packet is sent") {
  Listener l;
  OutboundPolicy policy;
  for (const char* host : {"127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1",
                           "localhost", "::ffff:127.0.0.1", "0.0.0.0", "0"}) {
    CAPTURE(host);
    auto c = ConnectOutbound(host, l.port(), policy, std::chrono::milliseconds(2000));
    CHECK(c.kind == OutboundConnection::Kind::kNotAllowed);
    CHECK(c.fd == -1);
    CHECK(c.detail.find("not allowed") != std::string::npos);
  }
  CHECK(l.Accepted() == 0);
}

TEST_CASE("net: ConnectOutbound connects to an allowed address, and fails plainly otherwise") {
  Listener l;
  OutboundPolicy policy(Ranges("127.0.0.0/8"));
  for (const char* host : {"127.0.0.1", "127.1", "2130706433"}) {
    CAPTURE(host);
    auto c = ConnectOutbound(host, l.port(), policy, std::chrono::milliseconds(2000));
    REQUIRE(c.kind == OutboundConnection::Kind::kOk);
    CHECK(c.detail == "127.0.0.1");
    ::close(c.fd);
  }
  CHECK(l.Accepted() == 3);
  // ::1 is not in the allowed range.
  auto v6 = ConnectOutbound("::1", l.port(), policy, std::chrono::milliseconds(2000));
  CHECK(v6.kind == OutboundConnection::Kind::kNotAllowed);
  // A closed port is a plain failure. (No unknown names here: looking one
  // up would leave the machine.)
  int closed = 0;
  {
    Listener gone;
    closed = gone.port();
  }
  auto refused = ConnectOutbound("127.0.0.1", closed, policy, std::chrono::milliseconds(2000));
  CHECK(refused.kind == OutboundConnection::Kind::kFailed);
  CHECK(refused.fd == -1);
}

}  // namespace
}  // namespace cammio::net
