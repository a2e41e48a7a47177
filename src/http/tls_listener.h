// The HTTPS listener: an Http1Server whose connections speak TLS
// (tls/session.h). It replaces the per-connection loop
// (process_and_close_socket) with one that performs the handshake and then
// runs httplib's request parser over a TLS stream, with the same keep-alive
// semantics as httplib's own SSLServer.
//
// Thread-safety: TlsServer has httplib::Server's thread-safety (configure it,
// then listen() on one thread; stop() from any thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "http/http1_server.h"
#include "tls/session.h"

namespace cammio::http {

// The listener's certificate and key (tls/session.h), under the name the
// server code has used since before the tls module existed.
using tls::TlsServerContext;

// Per connection: the TLS handshake must complete within the read timeout
// (set_read_timeout), else the socket is closed; then requests are served by
// Http1Server's loop (http_connection.h): heads checked strictly, at most
// set_keep_alive_max_count requests per connection, an idle connection
// closed after set_keep_alive_timeout, and stop() ends idle connections
// promptly. Connections end with close_notify when the peer is still there.
// Garbage (plain HTTP, random bytes) fails the handshake at once and is
// counted in handshakes_failed().
//
// Under a WorkerPool (worker_pool.h) a connection holds a thread only while
// a request is processed: the handshake and each request head are read in
// steps, the connection parked between arrivals. Under any other task queue
// (such as httplib::ThreadPool) the connection keeps its thread and waits
// in poll(2).
class TlsServer : public Http1Server {
 public:
  // A null context makes the server invalid (bind fails, is_valid() false).
  explicit TlsServer(std::shared_ptr<const tls::TlsServerContext> context);
  ~TlsServer() override = default;

  bool is_valid() const override { return context_ != nullptr; }

  // Counters for tests and metrics: sockets handed to a worker, TLS
  // handshakes that completed (one per kept-alive connection) and that failed
  // (garbage, timeouts, clients rejecting the certificate).
  uint64_t connections_accepted() const { return connections_accepted_.load(); }
  uint64_t handshakes_completed() const { return handshakes_completed_.load(); }
  uint64_t handshakes_failed() const { return handshakes_failed_.load(); }

 private:
  bool process_and_close_socket(socket_t sock) override;

  std::shared_ptr<const tls::TlsServerContext> context_;
  std::atomic<uint64_t> connections_accepted_{0};
  std::atomic<uint64_t> handshakes_completed_{0};
  std::atomic<uint64_t> handshakes_failed_{0};
};

}  // namespace cammio::http
