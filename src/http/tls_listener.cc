#include "http/tls_listener.h"

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <utility>

namespace cammio::http {

namespace {

std::chrono::microseconds Duration(time_t sec, time_t usec) {
  return std::chrono::seconds(sec) + std::chrono::microseconds(usec);
}

// A TLS session under HttpConnection's loop.
class TlsTransport final : public Transport {
 public:
  explicit TlsTransport(std::shared_ptr<tls::TlsConnection> conn)
      : conn_(std::move(conn)), stream_(conn_) {}

  int fd() const override { return conn_->fd(); }
  Open Step() override {
    const int rc = conn_->HandshakeStep();
    if (rc == 0) return Open::kDone;
    return rc == tls::kTlsWantRead ? Open::kWantRead : Open::kFailed;
  }
  ssize_t ReadAvailable(char* buf, size_t size) override {
    const ssize_t n = conn_->ReadAvailable(buf, size);
    return n == -2 ? kWouldBlock : n;
  }
  ssize_t WriteAvailable(const char* buf, size_t size) override {
    const ssize_t n = conn_->WriteAvailable(buf, size);
    return n == -2 ? kWouldBlock : n;
  }
  httplib::Stream& stream() override { return stream_; }
  bool Flush() override { return stream_.Flush(); }
  void Close(bool graceful) override {
    stream_.Flush();
    conn_->Close(graceful);
  }
  void SetNonBlocking() override { conn_->SetNonBlocking(); }

 private:
  std::shared_ptr<tls::TlsConnection> conn_;
  tls::TlsStream stream_;
};

}  // namespace

TlsServer::TlsServer(std::shared_ptr<const tls::TlsServerContext> context)
    : context_(std::move(context)) {}

bool TlsServer::process_and_close_socket(socket_t sock) {
  connections_accepted_.fetch_add(1);
  if (context_ != nullptr) {
    auto conn = std::make_shared<tls::TlsConnection>(
        sock, Duration(read_timeout_sec_, read_timeout_usec_),
        Duration(write_timeout_sec_, write_timeout_usec_), context_);
    if (conn->Setup(context_->config(), nullptr) == 0) {
      // The whole handshake must fit in one read timeout (the connection's
      // opening deadline): a silent or trickling client is closed then.
      Serve(std::make_unique<TlsTransport>(std::move(conn)),
            [this](bool ok) { (ok ? handshakes_completed_ : handshakes_failed_).fetch_add(1); });
      return true;
    }
    handshakes_failed_.fetch_add(1);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return false;
}

}  // namespace cammio::http
