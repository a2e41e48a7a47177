#include "http/connection_control.h"

#include <poll.h>
#include <sys/socket.h>

#include <chrono>

#include "util/blocking.h"

namespace cammio::http {
namespace {
thread_local bool t_close_requested = false;
}  // namespace

void RequestConnectionClose() { t_close_requested = true; }

bool TakeConnectionCloseRequest() {
  bool requested = t_close_requested;
  t_close_requested = false;
  return requested;
}

void LingeringClose(int sock) {
  using std::chrono::steady_clock;
  ::shutdown(sock, SHUT_WR);
  const auto deadline = steady_clock::now() + std::chrono::seconds(1);
  size_t drained = 0;
  char buf[16 * 1024];
  util::ScopedBlocking blocking;  // waits on the client: no running slot held
  while (drained < (4u << 20) && steady_clock::now() < deadline) {
    pollfd p{sock, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::recv(sock, buf, sizeof buf, 0);
    if (n <= 0) return;  // the client closed too
    drained += static_cast<size_t>(n);
  }
}

}  // namespace cammio::http
