// The client address of a request: the TCP peer, or, when the peer is a
// trusted reverse proxy, the client the proxy names.
//
// Only when the peer is in `trusted` are the forwarding headers read:
// X-Forwarded-For (all its fields, in order) or, without it, Forwarded
// (RFC 7239, its for= parameters). The list is walked from the right: every
// address that is itself a trusted proxy is skipped, and the first one that
// is not is the client. An entry that is not an IP address ("unknown", an
// obfuscated name, garbage) ends the walk at the last trusted hop, so a
// client can never choose its own address: only what a trusted proxy
// appended counts. All entries trusted: the left-most one.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "net/address.h"

namespace cammio {

// `peer` is the TCP peer's address text (httplib's remote_addr);
// `forwarded_for` the X-Forwarded-For values, `forwarded` the Forwarded
// values (each header may come several times). Returns address text,
// canonical (inet_ntop) when parsed, IPv4-mapped addresses as IPv4.
std::string ClientAddress(const std::string& peer, const std::vector<std::string>& forwarded_for,
                          const std::vector<std::string>& forwarded,
                          const std::vector<net::Cidr>& trusted);

}  // namespace cammio
