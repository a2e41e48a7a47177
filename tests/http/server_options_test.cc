// http::ServerOptions and WorkerPoolOptions carry no defaults for values that
// are settings (the settings table in src/config/ is their one source):
// what is not set is refused with a Status naming it, before any socket is
// bound (issue 15, D4b).
#include <doctest/doctest.h>

#include <string>

#include "http/fake_handler.h"
#include "http/fake_server.h"
#include "http/server.h"
#include "http/worker_pool.h"

namespace cammio::http {
namespace {

ServerOptions PlainOnly() {
  ServerOptions o = testing::TransportTestOptions();
  o.http_listen_host = "127.0.0.1";
  o.http_listen_port = 0;
  return o;
}

TEST_CASE("http::Server refuses options that are not set, naming the field") {
  CHECK(CheckServerOptions(PlainOnly()).ok());
  struct Case {
    const char* field;
    void (*unset)(ServerOptions&);
  };
  const Case cases[] = {
      {"workers", [](ServerOptions& o) { o.workers = 0; }},
      {"running_workers", [](ServerOptions& o) { o.running_workers = 0; }},
      {"max_idle_connections", [](ServerOptions& o) { o.max_idle_connections = -1; }},
      {"keep_alive_max_count", [](ServerOptions& o) { o.keep_alive_max_count = 0; }},
      {"keep_alive_timeout_s", [](ServerOptions& o) { o.keep_alive_timeout_s = 0; }},
      {"read_timeout_s", [](ServerOptions& o) { o.read_timeout_s = 0; }},
      {"header_timeout_s", [](ServerOptions& o) { o.header_timeout_s = 0; }},
      {"write_timeout_s", [](ServerOptions& o) { o.write_timeout_s = 0; }},
      {"max_body_bytes", [](ServerOptions& o) { o.max_body_bytes = 0; }},
      {"backlog", [](ServerOptions& o) { o.backlog = 0; }},
      {"tls_session_tickets", [](ServerOptions& o) { o.tls_session_tickets = -1; }},
  };
  testing::FakeHandler handler;
  for (const Case& c : cases) {
    CAPTURE(c.field);
    ServerOptions o = PlainOnly();
    c.unset(o);
    Status s = CheckServerOptions(o);
    CHECK(s.code() == Status::Code::kInvalidArgument);
    CHECK(s.details().find(std::string("ServerOptions.") + c.field + " is not set") !=
          std::string::npos);
    Server server(o, handler);
    Status started = server.Start();
    CHECK(started.code() == Status::Code::kInvalidArgument);
    CHECK(started.details() == s.details());
    CHECK(server.http_port() == 0);  // nothing was bound
  }
  // A default-constructed ServerOptions with a listener is refused too.
  ServerOptions bare;
  bare.http_listen_host = "127.0.0.1";
  CHECK(CheckServerOptions(bare).code() == Status::Code::kInvalidArgument);
  // max_idle_connections 0 is a value (park nothing), not "not set".
  ServerOptions no_parking = PlainOnly();
  no_parking.max_idle_connections = 0;
  CHECK(CheckServerOptions(no_parking).ok());
  // A TLS listener needs its address.
  ServerOptions tls = PlainOnly();
  tls.cert_file = "cert.pem";
  tls.listen_host.clear();
  CHECK(CheckServerOptions(tls).details().find("listen_host") != std::string::npos);
  // No listener at all.
  ServerOptions none = testing::TransportTestOptions();
  CHECK(CheckServerOptions(none).details().find("no listener") != std::string::npos);
}

TEST_CASE("worker pool options: the sizes have no defaults") {
  WorkerPoolOptions o;
  CHECK(o.Check().details().find("threads") != std::string::npos);
  o.threads = 2;
  CHECK(o.Check().details().find("running_target") != std::string::npos);
  o.running_target = WorkerPoolOptions::kNoRunningLimit;
  CHECK(o.Check().details().find("max_parked") != std::string::npos);
  o.max_parked = 0;
  CHECK(o.Check().ok());
  o.running_target = 1;
  CHECK(o.Check().ok());
}

}  // namespace
}  // namespace cammio::http
