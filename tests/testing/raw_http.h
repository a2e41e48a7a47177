// Test support: raw connections to a loopback server, plain TCP or TLS (no
// certificate check), that send arbitrary bytes and read whatever comes back
// until the server closes. For probing request framing, where an HTTP client
// library would refuse to send the malformed bytes.
#pragma once

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <mbedtls/ssl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tls/session.h"
#include "util/random.h"

namespace cammio::testing {

// A TCP connection to 127.0.0.1:port, or -1.
inline int ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// A TLS client configuration that accepts any certificate; read-only once
// built, shared by every RawConnection.
inline const mbedtls_ssl_config* RawTlsClientConfig() {
  struct Config {
    Config() {
      mbedtls_ssl_config_init(&conf);
      REQUIRE(tls::TlsConfigDefaults(&conf, MBEDTLS_SSL_IS_CLIENT) == 0);
      mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_NONE);
    }
    ~Config() { mbedtls_ssl_config_free(&conf); }
    mbedtls_ssl_config conf;
  };
  static Config config;
  return &config.conf;
}

class RawConnection {
 public:
  using Clock = std::chrono::steady_clock;

  // Connected (and for TLS, handshaken); ok() false on failure.
  RawConnection(int port, bool tls, std::chrono::milliseconds timeout = std::chrono::seconds(5))
      : fd_(ConnectLoopback(port)) {
    if (fd_ < 0 || !tls) return;
    tls_ = std::make_shared<tls::TlsConnection>(fd_, timeout, timeout, nullptr);
    if (tls_->Setup(RawTlsClientConfig(), "localhost") != 0 || tls_->Handshake(timeout) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    tls_.reset();
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  // Sends all of `bytes` (in TLS records of at most 16 KiB); false when the
  // server stopped taking them (closed, reset).
  bool Send(std::string_view bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      const size_t want = std::min<size_t>(bytes.size() - done, 16 * 1024);
      ssize_t n = tls_ ? tls_->Write(bytes.data() + done, want)
                       : ::send(fd_, bytes.data() + done, want, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  // Appends to `got` the application data that can be read without waiting
  // (a TLS record that is not data, such as a TLS 1.3 session ticket, is
  // consumed and adds nothing). True when the connection ended (close or
  // error). Use it, not poll(POLLIN), to see whether the server answered:
  // over TLS the socket turns readable for tickets too.
  bool TakeAvailable(std::string* got) {
    char buf[16 * 1024];
    for (;;) {
      ssize_t n =
          tls_ ? tls_->ReadAvailable(buf, sizeof buf) : ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) {
        got->append(buf, static_cast<size_t>(n));
        continue;
      }
      if (tls_) return n != -2;
      return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
    }
  }

  // Reads one response with a Content-Length body (empty on timeout or close).
  std::string ReadResponse(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::string got;
    char buf[16 * 1024];
    while (Clock::now() < deadline) {
      const size_t end = got.find("\r\n\r\n");
      if (end != std::string::npos) {
        const size_t cl = got.find("Content-Length: ");
        const size_t body =
            cl == std::string::npos ? 0 : std::strtoul(got.c_str() + cl + 16, nullptr, 10);
        if (got.size() >= end + 4 + body) return got;
      }
      if (!tls_ || !tls_->HasBufferedData()) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0))) <= 0) continue;
      }
      ssize_t n = tls_ ? tls_->Read(buf, sizeof buf) : ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    return std::string();
  }

  // Reads until the server closes the connection or `timeout` passes;
  // `closed` (optional) tells which.
  // `already`: bytes taken before (TakeAvailable), returned first.
  std::string ReadUntilClose(std::chrono::milliseconds timeout, bool* closed = nullptr,
                             std::string already = std::string()) {
    const auto deadline = Clock::now() + timeout;
    std::string got = std::move(already);
    char buf[16 * 1024];
    bool eof = false;
    while (!eof && Clock::now() < deadline) {
      if (!tls_ || !tls_->HasBufferedData()) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0))) <= 0) continue;
      }
      ssize_t n = tls_ ? tls_->Read(buf, sizeof buf) : ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        got.append(buf, static_cast<size_t>(n));
      } else {
        eof = true;  // close_notify, FIN, or a reset: the server is gone
      }
    }
    if (closed != nullptr) *closed = eof;
    return got;
  }

 private:
  int fd_;
  std::shared_ptr<tls::TlsConnection> tls_;
};

// The statuses of the responses `raw` holds, one after the other (each with
// a Content-Length body); stops at anything else.
inline std::vector<int> ResponseStatuses(const std::string& raw) {
  std::vector<int> statuses;
  size_t at = 0;
  while (raw.compare(at, 9, "HTTP/1.1 ") == 0 && raw.size() >= at + 12) {
    statuses.push_back(std::atoi(raw.c_str() + at + 9));
    const size_t end = raw.find("\r\n\r\n", at);
    if (end == std::string::npos) break;
    const size_t cl = raw.find("Content-Length: ", at);
    const size_t body =
        cl == std::string::npos || cl > end ? 0 : std::strtoul(raw.c_str() + cl + 16, nullptr, 10);
    at = end + 4 + body;
  }
  return statuses;
}

inline int CountResponses(const std::string& raw) {
  return static_cast<int>(ResponseStatuses(raw).size());
}

// The status of the first response in `raw`, or 0.
inline int FirstStatus(const std::string& raw) {
  const std::vector<int> s = ResponseStatuses(raw);
  return s.empty() ? 0 : s.front();
}

}  // namespace cammio::testing
