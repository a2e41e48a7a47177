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

// The fields that are settings of `cammio serve` have no defaults here: the
// settings table (src/config/) is their one source, and
// cli::ServerOptionsFrom (cli/server_options.h) fills them from it. As
// initialised below they are "not set", and Start refuses them
// (InvalidArgument naming the field), so a forgotten one cannot run with a
// number that disagrees with the table.
struct ServerOptions {
  std::string listen_host;       // the TLS listener's address (with cert_file)
  int listen_port = 0;           // 0 = any free port (tests)
  std::string http_listen_host;  // empty: no plain-HTTP listener
  int http_listen_port = 0;      // 0 = any free port (tests)
  std::string cert_file;         // PEM certificate chain; empty: no TLS listener
  std::string key_file;          // PEM private key
  int workers = 0;               // request threads per listener (> 0)
  // HTTPS threads running at once (> 0; the setting's 0, "one per CPU", is
  // resolved by cli::ServerOptionsFrom).
  int running_workers = 0;
  int max_idle_connections = -1;  // connections parked per listener (>= 0; 0 = none)
  int keep_alive_max_count = 0;   // requests per connection (> 0)
  int keep_alive_timeout_s = 0;   // idle time before a connection is closed (> 0)
  int read_timeout_s = 0;         // per read, also bounds the TLS handshake (> 0)
  int header_timeout_s = 0;       // a request head, from its first byte (> 0)
  int write_timeout_s = 0;        // per write (> 0)
  size_t max_body_bytes = 0;      // larger request bodies answer 413 (> 0)
  // Bodies of streamed routes (uploads); not a setting.
  size_t max_upload_bytes = size_t{512} << 20;
  int backlog = 0;  // listen(2) backlog (> 0)
  // TLS resumption by session tickets: 1 on, 0 off (>= 0).
  int tls_session_tickets = -1;
  // HSTS on the plain listener too (public_url is https: a proxy terminates TLS).
  bool hsts_on_plain_http = false;
};

// OK, or InvalidArgument naming the first field that is not set or out of
// range (above), or "no listener" when neither listener is configured.
Status CheckServerOptions(const ServerOptions& options);

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

  // Checks the options (CheckServerOptions), loads the certificate, binds
  // the listeners and starts serving on background threads. IoError /
  // InvalidArgument on failure (port in use, bad certificate, no listener
  // configured, an option not set).
  Status Start();
  // The bound ports (useful with port 0); 0 for a listener that does not run.
  int port() const { return port_; }
  int http_port() const { return http_port_; }
  // Stops accepting, lets requests in flight finish, joins the threads,
  // then closes the event streams its connections were handed to
  // (http/event_streams.h; their `closed` callbacks run).
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  int http_port_ = 0;
};

}  // namespace cammio::http
