#include "tls/client.h"

#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <poll.h>

#include <chrono>
#include <utility>

#include "tls/session.h"
#include "util/random.h"

namespace cammio::tls {

namespace {

constexpr char kSystemCaFile[] = "/etc/ssl/certs/ca-certificates.crt";

std::chrono::microseconds Duration(time_t sec, time_t usec) {
  return std::chrono::seconds(sec) + std::chrono::microseconds(usec);
}

// What went wrong in a failed client handshake, for last_tls_error().
std::string DescribeFailure(int rc, const TlsConnection& conn) {
  std::string text = MbedtlsErrorText(rc);
  uint32_t flags = mbedtls_ssl_get_verify_result(conn.ssl());
  if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED && flags != 0 && flags != uint32_t(-1)) {
    char info[512];
    if (mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags) > 0) {
      text += ": ";
      text += info;
      while (!text.empty() && text.back() == '\n') text.pop_back();
    }
  }
  return text;
}

}  // namespace

// The client's mbedTLS configuration; shared with live sessions so it
// outlives every mbedtls_ssl_context that points at it.
struct TlsClient::Config {
  Config() {
    mbedtls_x509_crt_init(&ca);
    mbedtls_ssl_config_init(&conf);
  }
  ~Config() {
    mbedtls_ssl_config_free(&conf);
    mbedtls_x509_crt_free(&ca);
  }
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;

  // Returns "" or why the configuration is unusable.
  std::string Init(const TlsClientOptions& opts) {
    int rc = TlsConfigDefaults(&conf, MBEDTLS_SSL_IS_CLIENT);
    if (rc != 0) return "TLS client config: " + MbedtlsErrorText(rc);
    if (!opts.verify) {
      mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_NONE);
      return "";
    }
    // A positive result means some certificates of a bundle were skipped
    // (unsupported algorithms in the system store); fine if any loaded.
    if (opts.ca_pem.empty()) {
      rc = mbedtls_x509_crt_parse_file(&ca, kSystemCaFile);
    } else {
      rc = mbedtls_x509_crt_parse(&ca, reinterpret_cast<const unsigned char*>(opts.ca_pem.c_str()),
                                  opts.ca_pem.size() + 1);  // PEM: length includes the NUL.
    }
    if (rc < 0 || ca.version == 0) {
      const std::string source = opts.ca_pem.empty() ? kSystemCaFile : "ca_pem";
      return "no usable CA certificate in " + source + (rc < 0 ? ": " + MbedtlsErrorText(rc) : "");
    }
    mbedtls_ssl_conf_ca_chain(&conf, &ca, nullptr);
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    return "";
  }

  mbedtls_x509_crt ca;
  mbedtls_ssl_config conf;
  std::string server_name;
};

TlsClient::TlsClient(const std::string& host, int port, TlsClientOptions opts)
    : httplib::ClientImpl(host, port), config_(std::make_shared<Config>()) {
  config_->server_name = opts.server_name.empty() ? host : opts.server_name;
  load_error_ = config_->Init(opts);
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

  auto conn =
      std::make_shared<TlsConnection>(socket.sock, Duration(read_timeout_sec_, read_timeout_usec_),
                                      Duration(write_timeout_sec_, write_timeout_usec_), config_);
  int rc = conn->Setup(&config_->conf, config_->server_name.c_str());
  if (rc == 0) rc = conn->Handshake(Duration(connection_timeout_sec_, connection_timeout_usec_));

  std::lock_guard<std::mutex> guard(stats_mutex_);
  if (rc != 0) {
    error = rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED ? httplib::Error::SSLServerVerification
                                                      : httplib::Error::SSLConnection;
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
