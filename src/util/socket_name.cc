#include "util/socket_name.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace cammio {
namespace {

// Fills *ip and *port from `addr` when it is IPv4 or IPv6.
void FromSockaddr(const sockaddr_storage& addr, socklen_t len, std::string* ip, int* port) {
  int p;
  if (addr.ss_family == AF_INET) {
    p = ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    p = ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  } else {
    return;
  }
  char host[NI_MAXHOST];
  // NI_NUMERICHOST: no name service is asked, so no lookup and no NSS.
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, nullptr, 0,
                  NI_NUMERICHOST) != 0) {
    return;
  }
  *ip = host;
  *port = p;
}

}  // namespace

void PeerAddress(int fd, std::string* ip, int* port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    FromSockaddr(addr, len, ip, port);
  }
}

void LocalAddress(int fd, std::string* ip, int* port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    FromSockaddr(addr, len, ip, port);
  }
}

}  // namespace cammio
