#include "http/http1_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "http/event_streams.h"
#include "http/header_lookup.h"
#include "util/blocking.h"
#include "util/socket_name.h"

namespace cammio::http {
namespace {

using std::chrono::microseconds;
using std::chrono::steady_clock;

microseconds Duration(time_t sec, time_t usec) {
  return std::chrono::seconds(sec) + microseconds(usec);
}

// poll(2) for `events` for at most `timeout`: > 0 ready, 0 timed out.
int WaitFor(int fd, short events, microseconds timeout) {
  pollfd pfd{fd, events, 0};
  int r = ::poll(&pfd, 1, 0);
  if (r != 0) return r;
  const auto limit = steady_clock::now() + timeout;
  util::ScopedBlocking blocking;  // lets the worker pool run another connection
  for (;;) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(limit - steady_clock::now());
    pfd.revents = 0;
    r = ::poll(&pfd, 1, static_cast<int>(std::clamp<int64_t>(left.count(), 0, INT_MAX)));
    if (r >= 0 || errno != EINTR) return r;
  }
}

// A blocking stream over a plain socket with per-wait timeouts and no
// read-ahead (httplib's SocketStream buffers beyond what it is asked for,
// which would swallow the next pipelined request).
class PlainStream final : public httplib::Stream {
 public:
  PlainStream(int fd, microseconds read_timeout, microseconds write_timeout)
      : fd_(fd), read_timeout_(read_timeout), write_timeout_(write_timeout) {}

  bool is_readable() const override { return WaitFor(fd_, POLLIN, read_timeout_) > 0; }
  bool is_writable() const override { return WaitFor(fd_, POLLOUT, write_timeout_) > 0; }
  ssize_t read(char* ptr, size_t size) override {
    for (;;) {
      ssize_t n = ::recv(fd_, ptr, size, MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      if (WaitFor(fd_, POLLIN, read_timeout_) <= 0) return -1;
    }
  }
  ssize_t write(const char* ptr, size_t size) override {
    for (;;) {
      ssize_t n = ::send(fd_, ptr, size, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      if (WaitFor(fd_, POLLOUT, write_timeout_) <= 0) return -1;
    }
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    PeerAddress(fd_, &ip, &port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    LocalAddress(fd_, &ip, &port);
  }
  socket_t socket() const override { return fd_; }

 private:
  const int fd_;
  const microseconds read_timeout_;
  const microseconds write_timeout_;
};

class PlainTransport final : public Transport {
 public:
  PlainTransport(int fd, microseconds read_timeout, microseconds write_timeout)
      : stream_(fd, read_timeout, write_timeout) {}

  int fd() const override { return stream_.socket(); }
  Open Step() override { return Open::kDone; }
  ssize_t ReadAvailable(char* buf, size_t size) override {
    for (;;) {
      ssize_t n = ::recv(fd(), buf, size, MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? kWouldBlock : -1;
    }
  }
  ssize_t WriteAvailable(const char* buf, size_t size) override {
    for (;;) {
      ssize_t n = ::send(fd(), buf, size, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? kWouldBlock : -1;
    }
  }
  httplib::Stream& stream() override { return stream_; }
  bool Flush() override { return true; }
  void Close(bool) override {}

 private:
  PlainStream stream_;
};

}  // namespace

Http1Server::Http1Server() {
  // An event stream's answer is close-delimited (event_streams.h): no
  // Keep-Alive, whatever cpp-httplib would announce.
  set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    if (!EventStreamPending()) return;
    res.headers.erase("Keep-Alive");
    res.headers.erase("Connection");
    res.set_header("Connection", "close");
  });
}

void Http1Server::CloseEventStreams() {
  std::set<EventStreams*> streams;
  {
    std::lock_guard<std::mutex> lock(streams_mu_);
    streams.swap(streams_);
  }
  for (EventStreams* s : streams) s->CloseAll();
}

void Http1Server::Serve(std::unique_ptr<Transport> transport, std::function<void(bool)> opened) {
  auto settings = std::make_shared<ConnectionSettings>();
  settings->open_timeout = Duration(read_timeout_sec_, read_timeout_usec_);
  settings->keep_alive_timeout = std::chrono::seconds(keep_alive_timeout_sec_);
  settings->header_timeout = header_timeout_;
  settings->keep_alive_max_count = keep_alive_max_count_;
  settings->head = head_limits_;
  settings->refusal_headers = refusal_headers_;
  auto hooks = std::make_shared<ConnectionHooks>();
  hooks->process = [this](httplib::Stream& strm, const ConnectionAddresses& addresses,
                          std::string_view ordered_head, bool close_connection,
                          bool& connection_closed) {
    std::function<void(httplib::Request&)> setup;
    if (!ordered_head.empty()) {
      setup = [ordered_head](httplib::Request& req) { KeepFieldOrder(ordered_head, &req.headers); };
    }
    return process_request(strm, addresses.remote_ip, addresses.remote_port, addresses.local_ip,
                           addresses.local_port, close_connection, connection_closed, setup);
  };
  hooks->stopping = [this] { return Stopping(); };
  hooks->opened = std::move(opened);
  hooks->refusal_body = refusal_body_;
  hooks->streaming = [this](EventStreams& streams) {
    std::lock_guard<std::mutex> lock(streams_mu_);
    streams_.insert(&streams);
  };
  hooks->refused = [this](int status) {
    heads_refused_.fetch_add(1);
    if (head_refused_) head_refused_(status);
  };
  ServeConnection(std::move(transport), std::move(settings), std::move(hooks));
}

bool Http1Server::process_and_close_socket(socket_t sock) {
  Serve(std::make_unique<PlainTransport>(sock, Duration(read_timeout_sec_, read_timeout_usec_),
                                         Duration(write_timeout_sec_, write_timeout_usec_)));
  return true;
}

}  // namespace cammio::http
