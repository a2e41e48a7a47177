#include "net/address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <initializer_list>

namespace cammio::net {
namespace {

constexpr std::array<uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

IpAddress V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  IpAddress ip;
  ip.bytes[0] = a;
  ip.bytes[1] = b;
  ip.bytes[2] = c;
  ip.bytes[3] = d;
  return ip;
}

// The first `prefix` bits of x and y are equal.
bool PrefixEquals(const std::array<uint8_t, 16>& x, const std::array<uint8_t, 16>& y, int prefix) {
  int full = prefix / 8;
  if (std::memcmp(x.data(), y.data(), static_cast<size_t>(full)) != 0) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (x[full] & mask) == (y[full] & mask);
}

bool In(const IpAddress& a, const IpAddress& base, int prefix) {
  return a.v6 == base.v6 && PrefixEquals(a.bytes, base.bytes, prefix);
}

AddressClass ClassifyV4(const IpAddress& a) {
  struct Range {
    IpAddress base;
    int prefix;
    AddressClass cls;
  };
  static const Range kRanges[] = {
      {V4(0, 0, 0, 0), 8, AddressClass::kUnspecified},
      {V4(10, 0, 0, 0), 8, AddressClass::kPrivate},
      {V4(100, 64, 0, 0), 10, AddressClass::kCgnat},
      {V4(127, 0, 0, 0), 8, AddressClass::kLoopback},
      {V4(169, 254, 0, 0), 16, AddressClass::kLinkLocal},
      {V4(172, 16, 0, 0), 12, AddressClass::kPrivate},
      {V4(192, 0, 0, 0), 24, AddressClass::kReserved},    // IETF protocol assignments
      {V4(192, 0, 2, 0), 24, AddressClass::kReserved},    // TEST-NET-1
      {V4(192, 88, 99, 0), 24, AddressClass::kReserved},  // 6to4 relay anycast
      {V4(192, 168, 0, 0), 16, AddressClass::kPrivate},
      {V4(198, 18, 0, 0), 15, AddressClass::kReserved},    // benchmarking
      {V4(198, 51, 100, 0), 24, AddressClass::kReserved},  // TEST-NET-2
      {V4(203, 0, 113, 0), 24, AddressClass::kReserved},   // TEST-NET-3
      {V4(224, 0, 0, 0), 4, AddressClass::kMulticast},
      {V4(255, 255, 255, 255), 32, AddressClass::kBroadcast},
      {V4(240, 0, 0, 0), 4, AddressClass::kReserved},
  };
  for (const Range& r : kRanges) {
    if (In(a, r.base, r.prefix)) return r.cls;
  }
  return AddressClass::kPublic;
}

IpAddress V6(std::initializer_list<uint8_t> head) {
  IpAddress ip;
  ip.v6 = true;
  size_t i = 0;
  for (uint8_t b : head) ip.bytes[i++] = b;
  return ip;
}

AddressClass ClassifyV6(const IpAddress& a) {
  static const std::array<uint8_t, 16> kZero{};
  if (a.bytes == kZero) return AddressClass::kUnspecified;
  if (PrefixEquals(a.bytes, kZero, 120) && a.bytes[15] == 1) return AddressClass::kLoopback;
  if (PrefixEquals(a.bytes, kZero, 96)) return AddressClass::kReserved;  // IPv4-compatible
  if (a.bytes[0] == 0xff) return AddressClass::kMulticast;
  if (In(a, V6({0xfe, 0x80}), 10)) return AddressClass::kLinkLocal;
  if (In(a, V6({0xfe, 0xc0}), 10)) return AddressClass::kReserved;  // site-local
  if (In(a, V6({0xfc}), 7)) return AddressClass::kPrivate;          // unique local
  if (In(a, V6({0x00, 0x64, 0xff, 0x9b}), 96)) {                    // NAT64
    return ClassifyV4(V4(a.bytes[12], a.bytes[13], a.bytes[14], a.bytes[15]));
  }
  if (!In(a, V6({0x20}), 3)) return AddressClass::kReserved;              // not global unicast
  if (In(a, V6({0x20, 0x01, 0x00}), 23)) return AddressClass::kReserved;  // incl. Teredo
  if (In(a, V6({0x20, 0x01, 0x0d, 0xb8}), 32)) return AddressClass::kReserved;  // docs
  if (In(a, V6({0x20, 0x02}), 16)) return AddressClass::kReserved;              // 6to4
  if (In(a, V6({0x3f, 0xff}), 20)) return AddressClass::kReserved;              // docs
  return AddressClass::kPublic;
}

}  // namespace

IpAddress IpAddress::Unmapped() const {
  if (!v6 || std::memcmp(bytes.data(), kMappedPrefix.data(), kMappedPrefix.size()) != 0) {
    return *this;
  }
  return V4(bytes[12], bytes[13], bytes[14], bytes[15]);
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf) == nullptr) return "?";
  return buf;
}

std::optional<IpAddress> ParseIpLiteral(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string s(text);
  IpAddress ip;
  if (s.find(':') != std::string::npos) {
    if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
    ip.v6 = true;
    return ip;
  }
  // inet_aton also takes "1.2.3.4 trailing words"; getaddrinfo does not.
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '.' && c != 'x' && c != 'X') {
      return std::nullopt;
    }
  }
  in_addr v4{};
  if (inet_aton(s.c_str(), &v4) == 0) return std::nullopt;
  std::memcpy(ip.bytes.data(), &v4.s_addr, 4);
  return ip;
}

std::optional<IpAddress> FromSockaddr(const sockaddr* sa) {
  if (sa == nullptr) return std::nullopt;
  IpAddress ip;
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    std::memcpy(ip.bytes.data(), &in->sin_addr.s_addr, 4);
    return ip;
  }
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    std::memcpy(ip.bytes.data(), in6->sin6_addr.s6_addr, 16);
    ip.v6 = true;
    return ip;
  }
  return std::nullopt;
}

bool Cidr::Contains(const IpAddress& a) const { return In(a.Unmapped(), base, prefix); }

std::string Cidr::ToString() const { return base.ToString() + "/" + std::to_string(prefix); }

Result<Cidr> ParseCidr(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not an address range (" + why +
                                   ")");
  };
  std::string_view addr = text;
  int prefix = -1;
  size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return bad("bad prefix length");
    prefix = 0;
    for (char c : digits) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return bad("bad prefix length");
      prefix = prefix * 10 + (c - '0');
    }
  }
  Cidr c;
  std::string s(addr);
  if (s.find(':') != std::string::npos) {
    if (inet_pton(AF_INET6, s.c_str(), c.base.bytes.data()) != 1) return bad("bad IPv6 address");
    c.base.v6 = true;
  } else if (inet_pton(AF_INET, s.c_str(), c.base.bytes.data()) != 1) {
    return bad("bad IPv4 address; write it as a.b.c.d");
  }
  const int bits = c.base.v6 ? 128 : 32;
  if (prefix < 0) prefix = bits;
  if (prefix > bits) return bad("prefix longer than " + std::to_string(bits));
  c.prefix = prefix;
  IpAddress cleared = c.base;
  for (int i = 0; i < 16; ++i) {
    int keep = std::max(0, std::min(8, prefix - 8 * i));
    cleared.bytes[i] &= static_cast<uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
  }
  if (!(cleared == c.base))
    return bad("host bits set; did you mean " + cleared.ToString() + "/" + std::to_string(prefix) +
               "?");
  // ::ffff:a.b.c.d/104 is the IPv4 range a.b.c.d/8.
  if (c.base.v6 && prefix >= 96 && !(c.base.Unmapped() == c.base)) {
    c.base = c.base.Unmapped();
    c.prefix = prefix - 96;
  }
  return c;
}

Result<std::vector<Cidr>> ParseCidrList(std::string_view text) {
  std::vector<Cidr> out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ',' || std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && text[end] != ',' &&
           !std::isspace(static_cast<unsigned char>(text[end]))) {
      ++end;
    }
    auto c = ParseCidr(text.substr(i, end - i));
    if (!c.ok()) return c.status();
    out.push_back(*c);
    i = end;
  }
  return out;
}

bool InAnyRange(const std::vector<Cidr>& list, const IpAddress& a) {
  for (const Cidr& c : list) {
    if (c.Contains(a)) return true;
  }
  return false;
}

const char* AddressClassName(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kCgnat:
      return "shared (CGNAT)";
    case AddressClass::kLinkLocal:
      return "link-local";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kBroadcast:
      return "broadcast";
    case AddressClass::kReserved:
      return "reserved";
  }
  return "reserved";
}

AddressClass Classify(const IpAddress& a) {
  IpAddress u = a.Unmapped();
  return u.v6 ? ClassifyV6(u) : ClassifyV4(u);
}

}  // namespace cammio::net
