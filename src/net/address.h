// IP addresses, CIDR ranges and the outbound destination policy: the pure
// core of the checks that keep tenant-directed connections (the ATS
// notification sender) away from this machine and its private networks, and
// of the trusted-proxy check for client addresses (api/client_address.h).
//
//   - Address literals are read the way the C library reads them when it
//     connects: IPv4 with inet_aton(3) semantics, so "127.1", "2130706433",
//     "0x7f000001" and "0177.0.0.1" all are 127.0.0.1; IPv6 with inet_pton(3),
//     optionally in brackets.
//   - An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it
//     carries, for classification and for CIDR matching alike.
//   - Classify() names the special-purpose range of an address (IANA's
//     special-purpose registries); OutboundPolicy refuses all of them unless
//     an operator allowed the range (the `outbound_allow` setting).
//
// Thread-safety: values and pure functions; an OutboundPolicy is immutable
// once built and may be shared between threads.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cammio/status.h"

namespace cammio::net {

struct IpAddress {
  bool v6 = false;
  // IPv4: bytes 0..3 in network order (the rest zero); IPv6: all 16.
  std::array<uint8_t, 16> bytes{};

  // An IPv4-mapped IPv6 address as the IPv4 address; anything else as is.
  IpAddress Unmapped() const;
  // "127.0.0.1", "2001:db8::1" (inet_ntop's canonical text).
  std::string ToString() const;
  bool operator==(const IpAddress& o) const { return v6 == o.v6 && bytes == o.bytes; }
};

// A literal address (see above), IPv6 optionally "[...]"; nullopt for
// anything else (names, empty text, trailing garbage, zone ids).
std::optional<IpAddress> ParseIpLiteral(std::string_view text);
// The address of an AF_INET / AF_INET6 socket address; nullopt otherwise.
std::optional<IpAddress> FromSockaddr(const sockaddr* sa);

struct Cidr {
  IpAddress base;  // host bits cleared
  int prefix = 0;  // 0..32 for IPv4, 0..128 for IPv6

  bool Contains(const IpAddress& a) const;  // families must match (after unmapping)
  std::string ToString() const;             // "10.1.0.0/16"
};

// "10.1.0.0/16", "fd00::/8", or a bare address (a /32 or /128). Host bits
// must be zero ("10.1.2.3/16" is refused: it probably is a typo). Only the
// canonical dotted quad is accepted for IPv4 here (no inet_aton shorthands).
Result<Cidr> ParseCidr(std::string_view text);
// A comma- and/or space-separated list of those; "" is the empty list.
// InvalidArgument naming the bad item.
Result<std::vector<Cidr>> ParseCidrList(std::string_view text);
// True when some range of `list` contains `a` (unmapped first).
bool InAnyRange(const std::vector<Cidr>& list, const IpAddress& a);

enum class AddressClass {
  kPublic,       // globally reachable unicast
  kUnspecified,  // 0.0.0.0/8, ::
  kLoopback,     // 127.0.0.0/8, ::1
  kPrivate,      // 10/8, 172.16/12, 192.168/16, fc00::/7
  kCgnat,        // 100.64.0.0/10
  kLinkLocal,    // 169.254/16, fe80::/10
  kMulticast,    // 224/4, ff00::/8
  kBroadcast,    // 255.255.255.255
  kReserved,     // documentation, benchmarking, protocol assignments, 240/4,
                 // IPv4-compatible ::/96, 6to4, Teredo, site-local, NAT64
                 // local use, discard-only, everything outside 2000::/3
};
const char* AddressClassName(AddressClass c);  // "loopback", ...

// The class of `a`. An IPv4-mapped address is classified as its IPv4
// address; NAT64 (64:ff9b::/96) as the IPv4 address it embeds.
AddressClass Classify(const IpAddress& a);

// Which destinations outbound connections may go to: public addresses, plus
// the ranges the operator allowed.
class OutboundPolicy {
 public:
  OutboundPolicy() = default;  // public destinations only
  explicit OutboundPolicy(std::vector<Cidr> allow) : allow_(std::move(allow)) {}

  bool Allows(const IpAddress& a) const {
    return Classify(a) == AddressClass::kPublic || InAnyRange(allow_, a);
  }
  const std::vector<Cidr>& allowed_ranges() const { return allow_; }

 private:
  std::vector<Cidr> allow_;
};

}  // namespace cammio::net
