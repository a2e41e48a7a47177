#include "api/client_address.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

namespace cammio {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits every value at commas, in order.
std::vector<std::string> Fields(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& v : values) {
    size_t start = 0;
    for (;;) {
      size_t comma = v.find(',', start);
      out.emplace_back(Trim(std::string_view(v).substr(
          start, comma == std::string::npos ? std::string::npos : comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

// A strict address (no inet_aton shorthands: a proxy writes dotted quads).
std::optional<net::IpAddress> Strict(std::string_view text) {
  auto c = net::ParseCidr(text);
  if (!c.ok() || text.find('/') != std::string_view::npos) return std::nullopt;
  if (c->prefix != (c->base.v6 ? 128 : 32)) return std::nullopt;
  return c->base;
}

// The node of one Forwarded element's for= parameter: "192.0.2.60",
// "\"[2001:db8::1]:4711\"", "unknown". "" when the element has none.
std::string ForwardedFor(std::string_view element) {
  size_t start = 0;
  while (start <= element.size()) {
    size_t semi = element.find(';', start);
    std::string_view pair = Trim(element.substr(
        start, semi == std::string_view::npos ? std::string_view::npos : semi - start));
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos) {
      std::string name(Trim(pair.substr(0, eq)));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name == "for") {
        std::string_view value = Trim(pair.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
          value = value.substr(1, value.size() - 2);
        }
        return std::string(value);
      }
    }
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
  return "";
}

// A node as an address: "1.2.3.4", "1.2.3.4:80", "[v6]", "[v6]:80", "v6".
std::optional<net::IpAddress> NodeAddress(std::string_view node) {
  if (!node.empty() && node.front() == '[') {
    size_t close = node.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return Strict(node.substr(1, close - 1));
  }
  if (std::count(node.begin(), node.end(), ':') == 1) node = node.substr(0, node.find(':'));
  return Strict(node);
}

}  // namespace

std::string ClientAddress(const std::string& peer, const std::vector<std::string>& forwarded_for,
                          const std::vector<std::string>& forwarded,
                          const std::vector<net::Cidr>& trusted) {
  auto peer_ip = net::ParseIpLiteral(peer);
  if (!peer_ip) return peer;
  net::IpAddress client = peer_ip->Unmapped();
  if (trusted.empty() || !net::InAnyRange(trusted, client)) return peer;
  std::vector<std::string> nodes;
  if (!forwarded_for.empty()) {
    nodes = Fields(forwarded_for);
  } else {
    for (const std::string& element : Fields(forwarded)) nodes.push_back(ForwardedFor(element));
  }
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    auto hop = NodeAddress(*it);
    if (!hop) break;
    client = hop->Unmapped();
    if (!net::InAnyRange(trusted, client)) break;
  }
  return client.ToString();
}

}  // namespace cammio
