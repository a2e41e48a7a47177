// Config: every setting of `cammio serve`, declared once as a row of a table
// (name, environment variable, default, validator, documentation),
// redis-style. Values are layered: defaults (DefaultConfig) < config file <
// CAMMIO_* environment < command-line flags.
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

// The settings. The defaults are not here but in the settings table
// (config.cc): start from DefaultConfig(). A value-initialised Config has
// empty strings and zeros, which is not a valid configuration.
struct Config {
  std::string data_dir;          // database, media, generated certificate
  std::string listen;            // HTTPS address:port
  std::string http_listen;       // plain HTTP address:port; empty = off
  std::string public_url;        // base of links in emails and API answers
  std::string metrics_token;     // bearer token for GET /metrics ("" = loopback only)
  std::string tls_cert;          // PEM certificate; empty = DATA/tls/cert.pem (generated)
  std::string tls_key;           // PEM key; empty = DATA/tls/key.pem (generated)
  std::string hostnames;         // extra DNS names for a generated certificate
  int workers = 0;               // request threads per listener
  int running_workers = 0;       // of those, running at once (0 = one per CPU)
  int max_idle_connections = 0;  // idle keep-alive connections parked
  int keep_alive_max_count = 0;  // requests per connection
  int keep_alive_timeout = 0;    // seconds an idle connection is kept
  int read_timeout = 0;          // seconds per read (and TLS handshake)
  int header_timeout = 0;        // seconds for a request head, from its first byte
  int write_timeout = 0;         // seconds per write
  int max_body_kib = 0;          // larger request bodies answer 413
  int backlog = 0;               // listen backlog
  int response_cache_kib = 0;    // cached GET answers (api/response_cache.h); 0 = off
  int writer_nice = 0;           // nice of the thread committing a write group; 0 = unchanged
  std::string log_level;         // debug, info, warn, error
  // CIDR lists (net/address.h), comma- or space-separated; "" = none.
  std::string outbound_allow;   // non-public ranges the ATS may be at
  std::string trusted_proxies;  // peers whose X-Forwarded-For / Forwarded is believed
  // Live interviews (docs/decisions.md "Live interviews").
  int live_lobby_minutes = 0;        // the lobby opens this long before datetime_scheduled
  int live_empty_grace_s = 0;        // an empty room ends after this, once both met
  int live_upload_wait_s = 0;        // recordings are awaited this long after the end
  std::string ice_servers;           // stun:/turn:/turns: URLs, comma-separated; "" = host only
  std::string turn_secret;           // coturn use-auth-secret; "" = no TURN credentials
  int turn_credential_ttl_s = 0;     // lifetime of a TURN credential
  std::string ice_transport_policy;  // all | relay
  int live_max_streams = 0;          // open signalling streams at once (503 past it)
  // The recruiter console (docs/console.md).
  int console_idle_minutes = 0;   // a session unused this long ends
  int console_session_hours = 0;  // a session ends this long after sign-in
  int password_iterations = 0;    // PBKDF2-HMAC-SHA256 work factor of new hashes

  // TLS resumption by session tickets (the setting's "on" / "off").
  bool tls_session_tickets = false;
};

// One row of the settings table: the one place that declares a setting's
// name, environment variable, default and documentation. The README's table
// and firmware/cammio.conf are generated from the rows (config/settings_docs.h).
struct ConfigSetting {
  const char* name;
  const char* env;
  // The default as the setting's text; DefaultConfig() applies it through the
  // setting's own validating setter. "" = empty (off, none, generated).
  const char* default_value;
  // The README's default column; nullptr = default_value, or "(empty)" for "".
  const char* default_shown;
  // What the setting means: one line (the README's meaning column).
  const char* help;
  // The comment above the setting in cammio.conf ('\n' between lines); nullptr =
  // the line follows the previous setting under the previous comment.
  const char* conf_doc;
  // The value on the commented-out line of cammio.conf; nullptr = the default.
  const char* conf_example;
};
// In the order of the README's table and of cammio.conf.
const std::vector<ConfigSetting>& ConfigSettings();

// Every setting at its default, each applied through its own setter, so that
// a default its validator refuses cannot exist (the process aborts naming it;
// tests/config catches that). The layers (file, environment, flags) go on top.
Config DefaultConfig();

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
