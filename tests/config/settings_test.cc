// The settings table (src/config/config.cc) is the one source of the
// defaults: DefaultConfig() applies each row's default through the row's own
// validating setter, and gives the documented values.
#include "config/config.h"

#include <doctest/doctest.h>

#include <string>

namespace cammio {
namespace {

TEST_CASE("config: every default passes its own setter's validation") {
  for (const ConfigSetting& s : ConfigSettings()) {
    INFO("setting " << s.name << " = '" << s.default_value << "'");
    Config c;
    Status st = SetConfigValue(&c, s.name, s.default_value);
    CHECK_MESSAGE(st.ok(), st.ToString());
    if (s.conf_example != nullptr) {
      INFO("example '" << s.conf_example << "'");
      CHECK(SetConfigValue(&c, s.name, s.conf_example).ok());
    }
  }
}

TEST_CASE("config: DefaultConfig holds the table's defaults") {
  const Config c = DefaultConfig();
  CHECK(c.data_dir == "./cammio-data");
  CHECK(c.listen == "0.0.0.0:8443");
  CHECK(c.http_listen.empty());
  CHECK(c.public_url.empty());  // serve makes https://localhost:PORT of it
  CHECK(c.tls_cert.empty());
  CHECK(c.tls_key.empty());
  CHECK(c.hostnames.empty());
  CHECK(c.workers == 32);
  CHECK(c.running_workers == 0);  // one per CPU
  CHECK(c.max_idle_connections == 512);
  CHECK(c.keep_alive_max_count == 100000);
  CHECK(c.keep_alive_timeout == 5);
  CHECK(c.read_timeout == 10);
  CHECK(c.header_timeout == 10);
  CHECK(c.write_timeout == 10);
  CHECK(c.max_body_kib == 1024);
  CHECK(c.backlog == 1024);
  CHECK(c.response_cache_kib == 32768);
  CHECK(c.metrics_token.empty());
  CHECK(c.outbound_allow.empty());
  CHECK(c.trusted_proxies.empty());
  CHECK(c.log_level == "info");
}

TEST_CASE("config: a layer changes only what it names, and a bad value changes nothing") {
  Config c = DefaultConfig();
  REQUIRE(SetConfigValue(&c, "workers", "8").ok());
  CHECK(c.workers == 8);
  CHECK(c.keep_alive_max_count == 100000);
  Status s = SetConfigValue(&c, "workers", "1");
  CHECK(s.code() == Status::Code::kInvalidArgument);
  CHECK(s.details().find("workers must be an integer from 2 to 1024") != std::string::npos);
  CHECK(c.workers == 8);
  CHECK(SetConfigValue(&c, "no_such_setting", "1").code() == Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace cammio
