// Outbound connections a tenant can direct (the ATS notification sender):
// resolve the host once, drop every address the OutboundPolicy refuses
// (net/address.h), and connect to exactly one of the remaining addresses.
// Because the address that is checked is the address that is connected to,
// a name that resolves differently a moment later (DNS rebinding) changes
// nothing.
//
// Thread-safety: a plain function; safe from any thread.
#pragma once

#include <chrono>
#include <string>

#include "net/address.h"

namespace cammio::net {

struct OutboundConnection {
  enum class Kind {
    kOk,
    kNotAllowed,  // every address of the host is refused by the policy
    kFailed,      // no such host, refused, unreachable or timed out
  };
  Kind kind = Kind::kFailed;
  int fd = -1;  // kOk: the connected socket (blocking, close-on-exec); the caller owns it
  // For the operator's log, not for tenants: what was tried and why it
  // failed ("127.0.0.1 (loopback) is not allowed", "connect 192.0.2.7: ...").
  std::string detail;
};

// Connects to `host` (a name or an address literal in any spelling the C
// library accepts) on `port`, trying the allowed addresses in resolver order
// until one answers; the whole attempt, resolution excepted, ends after
// `timeout`.
OutboundConnection ConnectOutbound(const std::string& host, int port, const OutboundPolicy& policy,
                                   std::chrono::milliseconds timeout);

}  // namespace cammio::net
