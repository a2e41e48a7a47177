// http::Server: the HTTPS listener (and the optional plain-HTTP one), each
// with its worker pool, parked idle connections, strict request heads and
// the body limit, answering every request through an http::Handler
// (http/handler.h). It knows nothing of what the requests mean.
//
// Headers every answer of a listener carries (docs/decisions.md "HTTP
// details"): X-Content-Type-Options: nosniff; Strict-Transport-Security on
// the TLS listener, and on the plain one when `hsts_on_plain_http` (it then
// sits behind a TLS-terminating proxy).
//
// Without a certificate (cert_file empty) only the plain listener runs
// (tests of the pipeline without TLS); Start refuses options that open no
// listener at all.
//
// Thread-safety: Start/Stop from one controlling thread; requests are served
// on `workers` pool threads per listener, calling the Handler concurrently.
#pragma once

#include <memory>
#include <string>

#include "cammio/status.h"
#include "http/handler.h"

namespace cammio::http {

struct ServerOptions {
  std::string listen_host = "0.0.0.0";
  int listen_port = 8443;        // 0 = any free port (tests)
  std::string http_listen_host;  // empty: no plain-HTTP listener
  int http_listen_port = 0;
  std::string cert_file;              // PEM certificate chain; empty: no TLS listener
  std::string key_file;               // PEM private key
  int workers = 32;                   // request threads per listener
  int running_workers = 0;            // HTTPS threads running at once (0 = CPUs)
  int max_idle_connections = 512;     // connections parked per listener (idle, handshake, head)
  int keep_alive_max_count = 100000;  // requests per connection
  int keep_alive_timeout_s = 5;       // idle time before a connection is closed
  int read_timeout_s = 10;            // per read, also bounds the TLS handshake
  int header_timeout_s = 10;          // a request head, from its first byte
  int write_timeout_s = 10;
  size_t max_body_bytes = 1 << 20;              // larger request bodies answer 413
  size_t max_upload_bytes = size_t{512} << 20;  // bodies of streamed routes (uploads)
  int backlog = 1024;                           // listen(2) backlog
  // HSTS on the plain listener too (public_url is https: a proxy terminates TLS).
  bool hsts_on_plain_http = false;
};

// True for the headers the listeners add to every answer (above): an answer
// kept for later (a response cache) leaves them out.
bool IsListenerHeader(const std::string& name);

class Server {
 public:
  // `handler` must outlive the server.
  Server(ServerOptions options, Handler& handler, ServerObserver observer = ServerObserver());
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the certificate, binds the listeners and starts serving on
  // background threads. IoError / InvalidArgument on failure (port in use,
  // bad certificate, no listener configured).
  Status Start();
  // The bound ports (useful with port 0); 0 for a listener that does not run.
  int port() const { return port_; }
  int http_port() const { return http_port_; }
  // Stops accepting, lets requests in flight finish, joins the threads.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  int http_port_ = 0;
};

}  // namespace cammio::http
