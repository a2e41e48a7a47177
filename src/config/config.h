// Config: every setting of `cammio serve`, declared once as a row of a table
// (name, environment variable, default, validator, help), redis-style. Values
// are layered: defaults < config file < CAMMIO_* environment < command-line
// flags.
//
// Config file syntax: `name = value` per line, `#` starts a comment, blank
// lines ignored. Unknown names are errors (a typo must not be ignored).
//
// Thread-safety: a Config is a plain value; build it on one thread, then share
// it read-only.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cammio/status.h"

namespace cammio {

struct Config {
  std::string data_dir = "./cammio-data";  // database, media, generated certificate
  std::string listen = "0.0.0.0:8443";     // HTTPS address:port
  std::string http_listen;                 // plain HTTP address:port; empty = off
  std::string public_url;                  // base of links in emails and API answers
  std::string metrics_token;               // bearer token for GET /metrics ("" = loopback only)
  std::string tls_cert;                    // PEM certificate; empty = DATA/tls/cert.pem (generated)
  std::string tls_key;                     // PEM key; empty = DATA/tls/key.pem (generated)
  std::string hostnames;                   // extra DNS names for a generated certificate
  int workers = 32;                        // request threads per listener
  int running_workers = 0;                 // of those, running at once (0 = CPUs)
  int max_idle_connections = 512;          // idle keep-alive connections parked
  int keep_alive_max_count = 100000;       // requests per connection
  int keep_alive_timeout = 5;              // seconds an idle connection is kept
  int read_timeout = 10;                   // seconds per read (and TLS handshake)
  int header_timeout = 10;                 // seconds for a request head, from its first byte
  int write_timeout = 10;                  // seconds per write
  int max_body_kib = 1024;                 // larger request bodies answer 413
  int backlog = 1024;                      // listen backlog
  int response_cache_kib = 4096;           // cached GET answers (api/response_cache.h); 0 = off
  std::string log_level = "info";          // debug, info, warn, error
  // CIDR lists (net/address.h), comma- or space-separated; "" = none.
  std::string outbound_allow;   // non-public ranges the ATS may be at
  std::string trusted_proxies;  // peers whose X-Forwarded-For / Forwarded is believed
};

// One row of the settings table, for help output and docs.
struct ConfigSetting {
  const char* name;
  const char* env;
  const char* help;
};
const std::vector<ConfigSetting>& ConfigSettings();

// Sets `name` from text, validating it. InvalidArgument naming the setting.
Status SetConfigValue(Config* config, const std::string& name, const std::string& value);
// Applies a config file. IoError if unreadable, InvalidArgument with the line
// number for a bad line.
Status LoadConfigFile(Config* config, const std::string& path);
// Applies every CAMMIO_* variable that names a setting.
Status LoadConfigEnvironment(Config* config);

// Splits "host:port" ("[::1]:8443" too). InvalidArgument when malformed.
Status SplitHostPort(const std::string& text, std::string* host, int* port);

}  // namespace cammio
