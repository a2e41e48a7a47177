// ApiServer: the HTTPS listener (and the optional plain-HTTP one) with the
// request pipeline installed in cpp-httplib's hooks:
//   pre-routing: request id, format (.xml/.json suffix, Accept), route match
//                (404 / 405 + Allow), authentication and throttling -- all
//                before the body is read;
//   payload limit: 413 while reading the body;
//   handler:     the matched route's Handler with a Call;
//   error hook:  every 4xx/5xx without a body gets the error document;
//   exception:   a safety net answering 500;
//   logger:      one access-log line per request.
//
// Thread-safety: Start/Stop from one controlling thread; requests are served
// on `workers` pool threads per listener.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/call.h"
#include "api/router.h"
#include "cammio/status.h"
#include "net/address.h"

namespace cammio {

struct ServerOptions {
  std::string listen_host = "0.0.0.0";
  int listen_port = 8443;        // 0 = any free port (tests)
  std::string http_listen_host;  // empty: no plain-HTTP listener
  int http_listen_port = 0;
  std::string cert_file;              // PEM certificate chain
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
  // Peers whose X-Forwarded-For / Forwarded header names the client (for the
  // authentication throttle; http/client_address.h). Empty: none.
  std::vector<net::Cidr> trusted_proxies;
};

class ApiServer {
 public:
  ApiServer(ServerContext ctx, ServerOptions options);
  ~ApiServer();

  // Loads the certificate, binds the listeners and starts serving on
  // background threads. IoError / InvalidArgument on failure (port in use,
  // bad certificate).
  Status Start();
  // The bound ports (useful with port 0).
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

// The route table of the whole server (api/routes.cc).
const Router& ApiRouter();

}  // namespace cammio
