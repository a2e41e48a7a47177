// Socket names: the numeric address and port of either end of a connected
// socket, as text (what the access log and the client-address rules read).
//
// Thread-safety: no shared state; safe from any thread.
#pragma once

#include <string>

namespace cammio {

// The peer's numeric address ("127.0.0.1", "::1", "fe80::1%eth0") and port
// of socket `fd`. Leaves *ip and *port unchanged when the socket has no peer
// or is neither IPv4 nor IPv6.
void PeerAddress(int fd, std::string* ip, int* port);

// The same for the socket's own end.
void LocalAddress(int fd, std::string* ip, int* port);

}  // namespace cammio
