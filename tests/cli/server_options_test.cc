// cli::ServerOptionsFrom (src/cli/server_options.h): the settings become the
// transport's options in one place, the setting running_workers = 0 ("one
// per CPU") is resolved there, and the transport keeps no defaults of its
// own that could disagree with the settings table (issue 15, D4b).
#include "cli/server_options.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "config/config.h"
#include "http/http1_server.h"
#include "http/server.h"

namespace cammio {
namespace {

// The table's default of setting `name`, as a number.
long TableDefault(const std::string& name) {
  for (const ConfigSetting& s : ConfigSettings()) {
    if (name == s.name) return std::strtol(s.default_value, nullptr, 10);
  }
  FAIL("no setting " << name);
  return -1;
}

TEST_CASE("cli: running_workers 0 means one per CPU, resolved in ServerOptionsFrom") {
  CHECK(RunningWorkers(0, 4) == 4);
  CHECK(RunningWorkers(0, 1) == 1);
  CHECK(RunningWorkers(0, 0) == 1);  // hardware_concurrency() may not know
  CHECK(RunningWorkers(3, 8) == 3);
  CHECK(RunningWorkers(16, 2) == 16);

  Config c = DefaultConfig();
  REQUIRE(c.running_workers == 0);
  CHECK(ServerOptionsFrom(c, 6).running_workers == 6);
  CHECK(ServerOptionsFrom(c, 0).running_workers == 1);
  REQUIRE(SetConfigValue(&c, "running_workers", "3").ok());
  CHECK(ServerOptionsFrom(c, 6).running_workers == 3);
  // The transport never sees the setting's 0: it refuses it.
  http::ServerOptions o = ServerOptionsFrom(DefaultConfig(), 2);
  o.cert_file = "cert.pem";
  CHECK(http::CheckServerOptions(o).ok());
  o.running_workers = 0;
  Status s = http::CheckServerOptions(o);
  CHECK(s.code() == Status::Code::kInvalidArgument);
  CHECK(s.details().find("running_workers") != std::string::npos);
}

TEST_CASE("cli: ServerOptionsFrom(DefaultConfig()) gives the settings table's defaults") {
  const http::ServerOptions o = ServerOptionsFrom(DefaultConfig(), 4);
  CHECK(o.listen_host == "0.0.0.0");
  CHECK(o.listen_port == 8443);
  CHECK(o.http_listen_host.empty());
  CHECK(o.workers == TableDefault("workers"));
  CHECK(o.running_workers == 4);  // the table's 0: one per CPU
  CHECK(TableDefault("running_workers") == 0);
  CHECK(o.max_idle_connections == TableDefault("max_idle_connections"));
  CHECK(o.keep_alive_max_count == TableDefault("keep_alive_max_count"));
  CHECK(o.keep_alive_timeout_s == TableDefault("keep_alive_timeout"));
  CHECK(o.read_timeout_s == TableDefault("read_timeout"));
  CHECK(o.header_timeout_s == TableDefault("header_timeout"));
  CHECK(o.write_timeout_s == TableDefault("write_timeout"));
  CHECK(o.max_body_bytes == static_cast<size_t>(TableDefault("max_body_kib")) * 1024);
  CHECK(o.backlog == TableDefault("backlog"));
  CHECK(o.tls_session_tickets == 1);  // the table's "on"
  // With a listener, these options start a server.
  http::ServerOptions with_plain = o;
  with_plain.http_listen_host = "127.0.0.1";
  CHECK(http::CheckServerOptions(with_plain).ok());
}

TEST_CASE("cli: the http option structs keep no setting defaults that could disagree") {
  // ServerOptions: every field that is a setting is "not set" until
  // ServerOptionsFrom fills it, and the transport refuses it so.
  const http::ServerOptions none;
  CHECK(none.workers == 0);
  CHECK(none.running_workers == 0);
  CHECK(none.max_idle_connections == -1);
  CHECK(none.keep_alive_max_count == 0);
  CHECK(none.keep_alive_timeout_s == 0);
  CHECK(none.read_timeout_s == 0);
  CHECK(none.header_timeout_s == 0);
  CHECK(none.write_timeout_s == 0);
  CHECK(none.max_body_bytes == 0);
  CHECK(none.backlog == 0);
  CHECK(none.tls_session_tickets == -1);
  CHECK(none.listen_host.empty());
  // The one default left in http/ for a setting (listeners made directly,
  // as in tests) equals the table's.
  http::Http1Server listener;
  CHECK(listener.header_timeout().count() == TableDefault("header_timeout"));
}

}  // namespace
}  // namespace cammio
