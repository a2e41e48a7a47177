// FakeServer: the transport alone on loopback -- an http::Server
// (src/http/server.h) with its TLS listener (a certificate generated for
// "localhost") and/or its plain one, answering through a FakeHandler
// (tests/http/fake_handler.h), with the ServerObserver's events counted.
// Nothing of the API is involved: what a test sees is the transport's doing
// plus the fake's canned answers.
//
// Thread-safety: construct, use and destroy on the test's thread; the
// handler and the counters may be read while requests run.
#pragma once

#include <doctest/doctest.h>
#include <httplib.h>
#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "http/fake_handler.h"
#include "http/server.h"
#include "tls/certificate.h"
#include "tls/client.h"

namespace cammio::testing {

// Every option of the transport set, to values chosen for tests (not the
// defaults of the settings table, which live in src/config/ only): 8 workers
// per listener, 2 running at once, 512 parked connections, keep-alive 5 s
// and 100,000 requests, 10 s read/write/head timeouts, 1 MiB bodies, 512 MiB
// uploads, backlog 1024, session tickets on. The listeners' addresses are
// the FakeServer's.
inline http::ServerOptions TransportTestOptions() {
  http::ServerOptions o;
  o.workers = 8;
  o.running_workers = 2;
  o.max_idle_connections = 512;
  o.keep_alive_max_count = 100000;
  o.keep_alive_timeout_s = 5;
  o.read_timeout_s = 10;
  o.header_timeout_s = 10;
  o.write_timeout_s = 10;
  o.max_body_bytes = size_t{1} << 20;
  o.max_upload_bytes = size_t{512} << 20;
  o.backlog = 1024;
  o.tls_session_tickets = 1;
  return o;
}

class FakeServer {
 public:
  // `tls`: the TLS listener on 127.0.0.1 (any free port); `plain`: the plain
  // one. The other listener fields of `options` are replaced.
  explicit FakeServer(http::ServerOptions options = TransportTestOptions(), bool tls = true,
                      bool plain = true) {
    char tmpl[] = "/tmp/cammio-fake-server-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir_ = tmpl;
    options.listen_host = "127.0.0.1";
    options.listen_port = 0;
    options.cert_file.clear();
    options.key_file.clear();
    if (tls) {
      options.cert_file = dir_ + "/cert.pem";
      options.key_file = dir_ + "/key.pem";
      REQUIRE(tls::GenerateSelfSignedCert({"localhost"}, options.cert_file, options.key_file).ok());
      std::ifstream in(options.cert_file, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      cert_pem_ = ss.str();
    }
    options.http_listen_host = plain ? "127.0.0.1" : "";
    options.http_listen_port = 0;
    server_ = std::make_unique<http::Server>(std::move(options), handler_, Observer());
    const Status s = server_->Start();
    INFO(s.ToString());
    REQUIRE(s.ok());
  }
  ~FakeServer() {
    server_->Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  FakeHandler& handler() { return handler_; }
  int port() const { return server_->port(); }            // TLS; 0 without
  int http_port() const { return server_->http_port(); }  // plain; 0 without
  const std::string& cert_pem() const { return cert_pem_; }

  // The ServerObserver's events so far.
  int64_t opened() const { return opened_.load(); }
  int64_t closed() const { return closed_.load(); }
  int64_t shed() const { return shed_.load(); }
  int64_t refused_heads() const { return refused_.load(); }

  // A client of the TLS listener that verifies the certificate as
  // "localhost", or of the plain one.
  std::unique_ptr<httplib::ClientImpl> Client(bool tls = true) const {
    std::unique_ptr<httplib::ClientImpl> c;
    if (tls) {
      tls::TlsClientOptions o;
      o.ca_pem = cert_pem_;
      o.server_name = "localhost";
      c = std::make_unique<tls::TlsClient>("127.0.0.1", port(), o);
    } else {
      c = std::make_unique<httplib::ClientImpl>("127.0.0.1", http_port());
    }
    c->set_keep_alive(true);
    c->set_connection_timeout(5);
    c->set_read_timeout(10, 0);
    return c;
  }

 private:
  http::ServerObserver Observer() {
    http::ServerObserver o;
    o.connection_opened = [this] { ++opened_; };
    o.connection_closed = [this] { ++closed_; };
    o.connection_shed = [this] { ++shed_; };
    o.head_refused = [this](int) { ++refused_; };
    return o;
  }

  std::string dir_;
  std::string cert_pem_;
  std::atomic<int64_t> opened_{0}, closed_{0}, shed_{0}, refused_{0};
  FakeHandler handler_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace cammio::testing
