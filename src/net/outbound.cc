#include "net/outbound.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace cammio::net {
namespace {

using Clock = std::chrono::steady_clock;

struct AddrInfoDeleter {
  void operator()(addrinfo* p) const { ::freeaddrinfo(p); }
};

// A non-blocking connect to `ai`, waited for until `deadline`. The connected
// socket, or -1 with *error set.
int ConnectOne(const addrinfo& ai, Clock::time_point deadline, std::string* error) {
  int fd = ::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol);
  if (fd < 0) {
    *error = std::strerror(errno);
    return -1;
  }
  int rc = ::connect(fd, ai.ai_addr, ai.ai_addrlen);
  if (rc != 0 && errno == EINPROGRESS) {
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        errno = ETIMEDOUT;
        break;
      }
      pollfd p{fd, POLLOUT, 0};
      int r = ::poll(&p, 1, static_cast<int>(left.count()));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        if (r == 0) errno = ETIMEDOUT;
        break;
      }
      int soerr = 0;
      socklen_t len = sizeof soerr;
      if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) break;
      if (soerr == 0) rc = 0;
      errno = soerr;
      break;
    }
  }
  if (rc != 0) {
    *error = std::strerror(errno);
    ::close(fd);
    return -1;
  }
  int flags = ::fcntl(fd, F_GETFL, 0);
  ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

OutboundConnection ConnectOutbound(const std::string& host, int port, const OutboundPolicy& policy,
                                   std::chrono::milliseconds timeout) {
  OutboundConnection out;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  const std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &raw);
  std::unique_ptr<addrinfo, AddrInfoDeleter> list(raw);
  if (rc != 0) {
    out.detail = "cannot resolve " + host + ": " + ::gai_strerror(rc);
    return out;
  }
  const auto deadline = Clock::now() + timeout;
  std::string refused, failures;
  bool any_allowed = false;
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    auto ip = FromSockaddr(ai->ai_addr);
    if (!ip) continue;
    if (!policy.Allows(*ip)) {
      refused += (refused.empty() ? "" : ", ") + ip->ToString() + " (" +
                 AddressClassName(Classify(*ip)) + ")";
      continue;
    }
    any_allowed = true;
    if (Clock::now() >= deadline) {
      failures += (failures.empty() ? "" : "; ") + ip->ToString() + ": timed out";
      continue;
    }
    std::string error;
    int fd = ConnectOne(*ai, deadline, &error);
    if (fd >= 0) {
      out.kind = OutboundConnection::Kind::kOk;
      out.fd = fd;
      out.detail = ip->ToString();
      return out;
    }
    failures += (failures.empty() ? "" : "; ") + ip->ToString() + ": " + error;
  }
  if (!any_allowed) {
    out.kind = OutboundConnection::Kind::kNotAllowed;
    out.detail = host + " resolves only to addresses that are not allowed: " + refused;
    return out;
  }
  out.detail = "connect to " + host + ":" + service + " failed: " + failures;
  if (!refused.empty()) out.detail += " (not allowed: " + refused + ")";
  return out;
}

}  // namespace cammio::net
