// TlsClient: an HTTPS client built on httplib::ClientImpl and mbedTLS 3.6
// (httplib's own SSLClient needs OpenSSL; 0.18.7 has no mbedTLS backend).
// Used by tests and for
// outbound HTTPS.
//
// It speaks TLS 1.3 or 1.2 with the same ECDHE + AEAD suites as the server
// (session.h: kTlsCipherSuites, kTlsGroups), verifies
// the server certificate against the given CA PEM (or the system store) and
// checks the server name. A failed handshake or verification makes the request
// fail with httplib::Error::SSLConnection / SSLServerVerification; no response
// is produced. With set_keep_alive(true) the TLS session is reused across
// requests on the same socket; a kept-alive connection the server closed
// while idle is noticed before the next request and replaced transparently.
// Not supported: proxies (set_proxy would handshake with the proxy itself)
// and client certificates.
//
// Thread-safety: like httplib::ClientImpl. Requests from several threads are
// serialised by ClientImpl; the accessors may be called from any thread.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace cammio::tls {

class TlsConnection;

struct TlsClientOptions {
  // PEM text of the trusted CA certificate(s). Empty: the system store,
  // /etc/ssl/certs/ca-certificates.crt.
  std::string ca_pem;
  // false: accept any certificate (still TLS 1.2+ / AEAD). Only for tests.
  bool verify = true;
  // Matched against the certificate's SAN dNSName / CN, or, when it is an
  // IPv4 / IPv6 address, against its SAN iPAddress entries (mbedTLS 3.6).
  // Sent as SNI (mbedTLS 3.6.6 sends an address too). Empty: `host`.
  std::string server_name;
};

class TlsClient : public httplib::ClientImpl {
 public:
  // Never fails: a bad ca_pem or a missing system store makes is_valid()
  // false (see load_error()) and every request fail with SSLLoadingCerts.
  TlsClient(const std::string& host, int port, TlsClientOptions opts);
  ~TlsClient() override;

  bool is_valid() const override;
  // Why is_valid() is false; empty otherwise.
  const std::string& load_error() const { return load_error_; }

  // About the most recent handshake of this client: the negotiated suite
  // ("TLS1-3-AES-128-GCM-SHA256") and version ("TLSv1.3"), or
  // why it failed (mbedTLS error and certificate verification flags).
  std::string last_ciphersuite() const;
  std::string last_tls_version() const;
  std::string last_tls_error() const;
  // Handshakes completed by this client (one per TCP connection).
  uint64_t handshakes() const;

  // Opens the TCP connection in place of cpp-httplib's resolve-and-connect
  // (the outbound destination policy, net/outbound.h): a connected socket,
  // or INVALID_SOCKET with `error` set. Unset: cpp-httplib's own. Set it
  // before the first request.
  using ConnectFunction = std::function<socket_t(
      const std::string& host, int port, std::chrono::microseconds timeout, httplib::Error& error)>;
  void set_connect(ConnectFunction connect) { connect_ = std::move(connect); }

 protected:
  // Connects and performs the TLS handshake; on failure the socket is closed,
  // `error` says why and false is returned.
  bool create_and_connect_socket(Socket& socket, httplib::Error& error) override;
  // Ends the TLS session on `socket` (close_notify if graceful). Must be
  // called, as ClientImpl does, with socket_mutex_ held.
  void shutdown_ssl(Socket& socket, bool shutdown_gracefully) override;

 private:
  struct Config;

  bool process_socket(const Socket& socket,
                      std::function<bool(httplib::Stream& strm)> callback) override;
  bool is_ssl() const override { return true; }

  // Frees the session; sends close_notify only if asked and its socket is
  // still socket_. Requires socket_mutex_.
  void ShutdownTls(bool send_close_notify);
  // Returns the session for `socket`, first replacing it by a fresh
  // connection if the server closed it while idle. Null if there is none.
  std::shared_ptr<TlsConnection> SessionForRequest(const Socket& socket);

  std::shared_ptr<Config> config_;
  std::string load_error_;
  ConnectFunction connect_;

  // Guarded by socket_mutex_: the session bound to socket_, if any, and
  // whether it has carried a request yet.
  std::shared_ptr<TlsConnection> conn_;
  bool conn_used_ = false;

  mutable std::mutex stats_mutex_;
  std::string last_ciphersuite_;
  std::string last_tls_version_;
  std::string last_tls_error_;
  uint64_t handshakes_ = 0;
};

}  // namespace cammio::tls
