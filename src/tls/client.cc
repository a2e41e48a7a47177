#include "tls/client.h"

#include <mbedtls/ssl.h>
#include <poll.h>

#include <chrono>
#include <utility>

#include "tls/client_config.h"
#include "tls/session.h"
#include "util/random.h"

namespace cammio::tls {

namespace {

std::chrono::microseconds Duration(time_t sec, time_t usec) {
  return std::chrono::seconds(sec) + std::chrono::microseconds(usec);
}

// What went wrong in a failed client handshake, for last_tls_error().
std::string DescribeFailure(int rc, const TlsConnection& conn) {
  std::string text = MbedtlsErrorText(rc);
  const std::string info = VerifyFailureInfo(conn, rc);
  if (!info.empty()) {
    text += ": " + info;
    while (!text.empty() && text.back() == '\n') text.pop_back();
  }
  return text;
}

}  // namespace

// The client's trust anchors and the name it expects; the ClientConfig is
// shared with live sessions so it outlives every session that points at it.
struct TlsClient::Config {
  std::shared_ptr<const ClientConfig> tls;  // null when it could not be loaded
  std::string server_name;
};

TlsClient::TlsClient(const std::string& host, int port, TlsClientOptions opts)
    : httplib::ClientImpl(host, port), config_(std::make_shared<Config>()) {
  config_->server_name = opts.server_name.empty() ? host : opts.server_name;
  auto loaded = ClientConfig::Load(opts.ca_pem, opts.verify);
  if (loaded.ok()) {
    config_->tls = std::move(*loaded);
  } else if (loaded.status().code() == Status::Code::kInvalidArgument) {
    const std::string source = opts.ca_pem.empty() ? kSystemCaFile : "ca_pem";
    const std::string& why = loaded.status().details();
    load_error_ = "no usable CA certificate in " + source + (why.empty() ? "" : ": " + why);
  } else {
    load_error_ = loaded.status().details();
  }
}

TlsClient::~TlsClient() {
  // ~ClientImpl would call ClientImpl::shutdown_ssl, not ours.
  std::lock_guard<std::mutex> guard(socket_mutex_);
  ShutdownTls(/*send_close_notify=*/true);
}

bool TlsClient::is_valid() const { return load_error_.empty(); }

std::string TlsClient::last_ciphersuite() const {
  std::lock_guard<std::mutex> guard(stats_mutex_);
  return last_ciphersuite_;
}

std::string TlsClient::last_tls_version() const {
  std::lock_guard<std::mutex> guard(stats_mutex_);
  return last_tls_version_;
}

std::string TlsClient::last_tls_error() const {
  std::lock_guard<std::mutex> guard(stats_mutex_);
  return last_tls_error_;
}

uint64_t TlsClient::handshakes() const {
  std::lock_guard<std::mutex> guard(stats_mutex_);
  return handshakes_;
}

bool TlsClient::create_and_connect_socket(Socket& socket, httplib::Error& error) {
  ShutdownTls(false);  // Any earlier session belonged to a socket now closed.
  if (!is_valid()) {
    error = httplib::Error::SSLLoadingCerts;
    std::lock_guard<std::mutex> guard(stats_mutex_);
    last_tls_error_ = load_error_;
    return false;
  }
  if (connect_) {
    socket.sock =
        connect_(host_, port_, Duration(connection_timeout_sec_, connection_timeout_usec_), error);
    if (socket.sock == INVALID_SOCKET) return false;
  } else if (!ClientImpl::create_and_connect_socket(socket, error)) {
    return false;
  }

  auto conn = std::make_shared<TlsConnection>(
      socket.sock, Duration(read_timeout_sec_, read_timeout_usec_),
      Duration(write_timeout_sec_, write_timeout_usec_), config_->tls);
  int rc = conn->Setup(config_->tls->config(), config_->server_name.c_str());
  if (rc == 0) rc = conn->Handshake(Duration(connection_timeout_sec_, connection_timeout_usec_));

  std::lock_guard<std::mutex> guard(stats_mutex_);
  if (rc != 0) {
    error =
        IsVerifyFailure(rc) ? httplib::Error::SSLServerVerification : httplib::Error::SSLConnection;
    last_tls_error_ = DescribeFailure(rc, *conn);
    conn.reset();
    shutdown_socket(socket);
    close_socket(socket);
    return false;
  }
  ++handshakes_;
  last_ciphersuite_ = mbedtls_ssl_get_ciphersuite(conn->ssl());
  last_tls_version_ = mbedtls_ssl_get_version(conn->ssl());
  last_tls_error_.clear();
  conn_ = std::move(conn);
  conn_used_ = false;
  return true;
}

void TlsClient::shutdown_ssl(Socket& socket, bool shutdown_gracefully) {
  ClientImpl::shutdown_ssl(socket, shutdown_gracefully);  // Its thread-safety assertion.
  ShutdownTls(shutdown_gracefully);
}

void TlsClient::ShutdownTls(bool send_close_notify) {
  if (conn_ == nullptr) return;
  // A stream still running (httplib closes on "Connection: close" from inside
  // the request) keeps the object alive, but it is unusable from here on.
  conn_->Close(send_close_notify && socket_.is_open() && conn_->fd() == socket_.sock);
  conn_.reset();
}

std::shared_ptr<TlsConnection> TlsClient::SessionForRequest(const Socket& socket) {
  std::lock_guard<std::mutex> guard(socket_mutex_);
  if (conn_ == nullptr || conn_->fd() != socket.sock) return nullptr;
  // In HTTP/1.1 a server sends nothing between responses. Bytes (close_notify)
  // or EOF on an idle kept-alive connection mean the server has closed it:
  // is_socket_alive() in ClientImpl::send cannot tell, since it only peeks.
  const bool stale = conn_used_ && (conn_->HasBufferedData() ||
                                    conn_->Wait(POLLIN, std::chrono::microseconds(0)) != 0);
  if (stale && &socket == &socket_) {
    ShutdownTls(false);
    shutdown_socket(socket_);
    close_socket(socket_);
    httplib::Error error = httplib::Error::Success;
    if (!create_and_connect_socket(socket_, error)) return nullptr;
  }
  conn_used_ = true;
  return conn_;
}

bool TlsClient::process_socket(const Socket& socket,
                               std::function<bool(httplib::Stream& strm)> callback) {
  std::shared_ptr<TlsConnection> conn = SessionForRequest(socket);
  if (conn == nullptr) return false;
  TlsStream strm(std::move(conn));
  return callback(strm);
}

}  // namespace cammio::tls
