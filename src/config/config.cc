#include "config/config.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>

#include "net/address.h"

namespace cammio {
namespace {

using Setter = std::function<Status(Config*, const std::string&)>;

struct Row {
  ConfigSetting info;
  Setter set;
};

Setter Text(std::string Config::*field) {
  return [field](Config* c, const std::string& v) {
    c->*field = v;
    return Status::OK();
  };
}

Setter Number(int Config::*field, const char* name, int min, int max) {
  return [=](Config* c, const std::string& v) {
    char* end = nullptr;
    long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || n < min || n > max) {
      return Status::InvalidArgument(std::string(name) + " must be an integer from " +
                                     std::to_string(min) + " to " + std::to_string(max) +
                                     ", got '" + v + "'");
    }
    c->*field = static_cast<int>(n);
    return Status::OK();
  };
}

Setter Address(std::string Config::*field, const char* name, bool allow_empty) {
  return [=](Config* c, const std::string& v) {
    std::string host;
    int port = 0;
    if (!(allow_empty && v.empty()) && !SplitHostPort(v, &host, &port).ok()) {
      return Status::InvalidArgument(std::string(name) + " must be ADDRESS:PORT, got '" + v + "'");
    }
    c->*field = v;
    return Status::OK();
  };
}

Setter CidrList(std::string Config::*field, const char* name) {
  return [=](Config* c, const std::string& v) {
    auto list = net::ParseCidrList(v);
    if (!list.ok()) {
      return Status::InvalidArgument(std::string(name) +
                                     " must be a comma-separated list of address ranges "
                                     "(10.1.0.0/16, fd00::/8): " +
                                     list.status().details());
    }
    c->*field = v;
    return Status::OK();
  };
}

std::string Trim(const std::string& s);

// The table. Columns: name, environment variable, default, the README's
// default column, meaning, the cammio.conf comment, the cammio.conf example.
// Keep each row's first line as `{{"name", "CAMMIO_NAME",` (tests/shell/deb_test.sh
// reads the names from it).
const std::vector<Row>& Rows() {
  static const std::vector<Row> rows = {
      {{"data_dir", "CAMMIO_DATA_DIR", "./cammio-data", nullptr, "database, media, certificate",
        "Database (cammio.db), media and the generated certificate (tls/). The unit\n"
        "allows writes only here (ReadWritePaths=); keep them in step.",
        nullptr},
       Text(&Config::data_dir)},
      {{"listen", "CAMMIO_LISTEN", "0.0.0.0:8443", nullptr, "HTTPS address:port",
        "HTTPS listener, ADDRESS:PORT. Ports below 1024 work too (the unit grants\n"
        "CAP_NET_BIND_SERVICE), e.g. 0.0.0.0:443.",
        nullptr},
       Address(&Config::listen, "listen", false)},
      {{"http_listen", "CAMMIO_HTTP_LISTEN", "", "(off)", "plain HTTP address:port",
        "Plain-HTTP listener, only for a TLS-terminating reverse proxy on this\n"
        "machine. Off unless set.",
        "127.0.0.1:8080"},
       Address(&Config::http_listen, "http_listen", true)},
      {{"public_url", "CAMMIO_PUBLIC_URL", "", "https://localhost:PORT",
        "base of links in answers and emails",
        "Base URL of the links in answers and e-mails (invitation links, video and\n"
        "forward URLs). Set it to the name candidates reach the appliance by. When\n"
        "it is not set, the service's first start chooses one (the machine's\n"
        "HOST.local, full name or address) and appends it to this file.",
        "https://localhost:8443"},
       [](Config* c, const std::string& v) {
         if (!v.empty() && v.rfind("https://", 0) != 0 && v.rfind("http://", 0) != 0) {
           return Status::InvalidArgument("public_url must start with https:// or http://");
         }
         c->public_url = v;
         while (!c->public_url.empty() && c->public_url.back() == '/') c->public_url.pop_back();
         return Status::OK();
       }},
      {{"tls_cert", "CAMMIO_TLS_CERT", "", "generated", "PEM certificate chain",
        "Certificate and key (PEM), both or neither. Without them the first start\n"
        "generates a self-signed EC P-256 certificate into DATA/tls/ and every start\n"
        "logs its SHA-256 fingerprint (first boot also writes it to\n"
        "/root/cammio-credentials). Files must be readable by the cammio user.",
        "/etc/cammio/tls/cert.pem"},
       Text(&Config::tls_cert)},
      {{"tls_key", "CAMMIO_TLS_KEY", "", "generated", "PEM private key", nullptr,
        "/etc/cammio/tls/key.pem"},
       Text(&Config::tls_key)},
      {{"hostnames", "CAMMIO_HOSTNAMES", "", "(none)",
        "extra DNS names (comma-separated) of a generated certificate",
        "Extra DNS names (comma-separated) of the generated certificate, besides\n"
        "localhost and the host name. Only read when the certificate is generated:\n"
        "delete DATA/tls/ and restart to regenerate.",
        "cammio.example.com,interviews.example.com"},
       Text(&Config::hostnames)},
      {{"tls_session_tickets", "CAMMIO_TLS_SESSION_TICKETS", "on", nullptr,
        "TLS session resumption by tickets: on or off",
        "TLS session tickets: a returning client resumes its session without a new\n"
        "certificate signature (TLS 1.2 and 1.3). off makes every connection a full\n"
        "handshake (for measuring it; clients then cost more CPU).",
        nullptr},
       [](Config* c, const std::string& v) {
         if (v != "on" && v != "off") {
           return Status::InvalidArgument("tls_session_tickets must be on or off");
         }
         c->tls_session_tickets = v == "on";
         return Status::OK();
       }},
      {{"workers", "CAMMIO_WORKERS", "32", nullptr,
        "request threads per listener (requests in progress at once; idle keep-alive "
        "connections hold none)",
        "Request threads per listener (2 to 1024): the most requests in progress at\n"
        "once, waits for a commit or a slow client included. Idle keep-alive\n"
        "connections hold no thread.",
        nullptr},
       Number(&Config::workers, "workers", 2, 1024)},
      {{"running_workers", "CAMMIO_RUNNING_WORKERS", "0", nullptr,
        "HTTPS threads running at once before ready connections queue (0 = one per CPU); "
        "see \"Request scheduling\"",
        "Of those, HTTPS threads running at once before ready connections queue for\n"
        "the next free one (0 = one per CPU). A queued connection never waits more\n"
        "than 3 ms for a slot.",
        nullptr},
       Number(&Config::running_workers, "running_workers", 0, 1024)},
      {{"max_idle_connections", "CAMMIO_MAX_IDLE_CONNECTIONS", "512", nullptr,
        "connections per listener held without a thread: idle keep-alive ones and those in a "
        "TLS handshake or request head (about 33 KiB each over TLS); beyond that the oldest "
        "idle one is closed (then the oldest in a handshake or head); see \"Request framing "
        "and connection budget\"",
        "Connections per listener held without a thread: idle keep-alive ones and\n"
        "those in a TLS handshake or request head (their TLS session, about 33 KiB\n"
        "each, stays in memory). Beyond this many, the one idle longest is closed to\n"
        "make room (then the oldest in a handshake or head).",
        nullptr},
       Number(&Config::max_idle_connections, "max_idle_connections", 0, 65536)},
      {{"keep_alive_max_count", "CAMMIO_KEEP_ALIVE_MAX_COUNT", "100000", nullptr,
        "requests per connection, then the client reconnects (a new TLS handshake)",
        "Requests per keep-alive connection, and idle seconds before it closes. A new\n"
        "connection costs a TLS handshake (milliseconds of CPU on an ARM board); an\n"
        "idle one costs no thread.",
        nullptr},
       Number(&Config::keep_alive_max_count, "keep_alive_max_count", 1, 1000000)},
      {{"keep_alive_timeout", "CAMMIO_KEEP_ALIVE_TIMEOUT", "5", nullptr,
        "idle seconds before a connection closes", nullptr, nullptr},
       Number(&Config::keep_alive_timeout, "keep_alive_timeout", 1, 300)},
      {{"read_timeout", "CAMMIO_READ_TIMEOUT", "10", nullptr,
        "seconds per read of a body; the whole TLS handshake must fit in it",
        "Seconds per socket read of a body and write of an answer; the whole TLS\n"
        "handshake must fit in read_timeout.",
        nullptr},
       Number(&Config::read_timeout, "read_timeout", 1, 300)},
      {{"write_timeout", "CAMMIO_WRITE_TIMEOUT", "10", nullptr, "seconds per write of an answer",
        nullptr, nullptr},
       Number(&Config::write_timeout, "write_timeout", 1, 300)},
      {{"header_timeout", "CAMMIO_HEADER_TIMEOUT", "10", nullptr,
        "seconds a request head may take from its first byte (then 408 and close)",
        "Seconds a request head may take from its first byte (then 408 and close).", nullptr},
       Number(&Config::header_timeout, "header_timeout", 1, 300)},
      {{"max_body_kib", "CAMMIO_MAX_BODY_KIB", "1024", nullptr,
        "request body limit in KiB (413 above)",
        "Request body limit in KiB; larger bodies get 413.", nullptr},
       Number(&Config::max_body_kib, "max_body_kib", 1, 1024 * 1024)},
      {{"backlog", "CAMMIO_BACKLOG", "1024", nullptr, "listen backlog",
        "Listen backlog (16 to 65535).", nullptr},
       Number(&Config::backlog, "backlog", 16, 65535)},
      // 32 MiB: the answers an ATS keeps reading must all fit, and a
      // vacancy's grows with its open invitations (README "Response cache").
      {{"response_cache_kib", "CAMMIO_RESPONSE_CACHE_KIB", "32768", nullptr,
        "memory in KiB for cached GET answers (0 = off); see \"Response cache\"",
        "Memory in KiB for answers of read-only API requests, served again until the\n"
        "database changes (0 to 1048576; 0 turns the cache off). Size it to the\n"
        "answers your clients keep reading: a vacancy's answer grows by about\n"
        "0.6 KiB per open invitation.",
        nullptr},
       Number(&Config::response_cache_kib, "response_cache_kib", 0, 1024 * 1024)},
      {{"writer_nice", "CAMMIO_WRITER_NICE", "-10", nullptr,
        "nice value of the thread committing a group of writes (-20 to 0; 0 = unchanged); see "
        "\"Durability\"",
        "Nice value (-20 to 0) of the thread that commits a group of writes while it\n"
        "commits: every write request waits for it. Needs permission (LimitNICE= in\n"
        "the systemd unit, CAP_SYS_NICE or root); without it, a warning at start\n"
        "and normal priority. 0 turns it off.",
        nullptr},
       Number(&Config::writer_nice, "writer_nice", -20, 0)},
      {{"metrics_token", "CAMMIO_METRICS_TOKEN", "", nullptr,
        "bearer token `GET /metrics` requires; empty: loopback clients only",
        "Bearer token that GET /metrics (Prometheus) requires from any client.\n"
        "Unset: /metrics answers loopback clients only. This file is world-readable:\n"
        "put the token in /etc/cammio/cammio.env instead (root-only, read by systemd):\n"
        "  CAMMIO_METRICS_TOKEN=...",
        "change-me"},
       Text(&Config::metrics_token)},
      {{"outbound_allow", "CAMMIO_OUTBOUND_ALLOW", "", nullptr,
        "non-public address ranges (CIDR list, e.g. `10.1.0.0/16, fd00::/8`) the ATS "
        "notification sender may connect to; empty: public addresses only. See \"Outbound "
        "destinations\" in docs/decisions.md",
        "ATS notifications (each account sets its ATS address) go only to public\n"
        "addresses: never to this machine (loopback), private (10/8, 172.16/12,\n"
        "192.168/16, fc00::/7), CGNAT, link-local, multicast or other reserved\n"
        "ranges. An ATS on the agency's own network needs its range allowed here, as\n"
        "a comma-separated CIDR list. Every account can then reach that range: allow\n"
        "as little as possible.",
        "10.1.0.0/16, fd00::/8"},
       CidrList(&Config::outbound_allow, "outbound_allow")},
      {{"trusted_proxies", "CAMMIO_TRUSTED_PROXIES", "", nullptr,
        "reverse proxies (CIDR list, e.g. `127.0.0.1/32`) whose `X-Forwarded-For` / "
        "`Forwarded` names the client for the login throttle; empty: the TCP peer is the "
        "client",
        "Reverse proxies (comma-separated CIDR list) whose X-Forwarded-For (or\n"
        "Forwarded) header names the client, for the failed-login throttle. With a\n"
        "proxy on this machine (http_listen above), set 127.0.0.1/32 and have the\n"
        "proxy set X-Forwarded-For (nginx: proxy_set_header X-Forwarded-For\n"
        "$proxy_add_x_forwarded_for). Unset: the TCP peer is the client.",
        "127.0.0.1/32"},
       CidrList(&Config::trusted_proxies, "trusted_proxies")},
      {{"live_lobby_minutes", "CAMMIO_LIVE_LOBBY_MINUTES", "15", nullptr,
        "minutes before a live interview's time its room opens",
        "Live interviews: the room (lobby) opens this many minutes before the\n"
        "invitation's datetime_scheduled (0 to 1440).",
        nullptr},
       Number(&Config::live_lobby_minutes, "live_lobby_minutes", 0, 1440)},
      {{"live_empty_grace_s", "CAMMIO_LIVE_EMPTY_GRACE_S", "60", nullptr,
        "seconds an empty live room waits before it ends",
        "Seconds a live room stays empty (everyone left or dropped) before the\n"
        "interview ends, so a reload or a lost connection does not end it (5 to 3600).",
        nullptr},
       Number(&Config::live_empty_grace_s, "live_empty_grace_s", 5, 3600)},
      {{"live_upload_wait_s", "CAMMIO_LIVE_UPLOAD_WAIT_S", "600", nullptr,
        "seconds the completion event of a live interview waits for its recordings",
        "Seconds after a live interview ended that its recordings are awaited; the\n"
        "completion event (ATS notification, recruiter email) fires when all are in\n"
        "or after this (0 to 86400).",
        nullptr},
       Number(&Config::live_upload_wait_s, "live_upload_wait_s", 0, 86400)},
      {{"ice_servers", "CAMMIO_ICE_SERVERS", "", "(none)",
        "STUN/TURN URLs (`stun:`, `turn:`, `turns:`, comma-separated) handed to the browsers "
        "of a live interview; empty: host candidates only, nothing outside is contacted",
        "STUN/TURN servers for live interviews on routed networks, comma-separated\n"
        "stun:/turn:/turns: URLs. Unset: browsers use host candidates only and contact\n"
        "nothing outside this machine and the LAN (docs/appliance.md, coturn).",
        "turn:turn.example.org:3478?transport=udp"},
       [](Config* c, const std::string& v) {
         // Each comma-separated item a stun:, turn: or turns: URL.
         size_t at = 0;
         while (at <= v.size()) {
           size_t comma = v.find(',', at);
           if (comma == std::string::npos) comma = v.size();
           const std::string item = Trim(v.substr(at, comma - at));
           if (!item.empty() && item.rfind("stun:", 0) != 0 && item.rfind("turn:", 0) != 0 &&
               item.rfind("turns:", 0) != 0) {
             return Status::InvalidArgument("ice_servers: " + item +
                                            " is not a stun:, turn: or turns: URL");
           }
           at = comma + 1;
         }
         c->ice_servers = v;
         return Status::OK();
       }},
      {{"turn_secret", "CAMMIO_TURN_SECRET", "", nullptr,
        "shared secret of the TURN server (coturn `static-auth-secret`)",
        "Shared secret of the TURN server (coturn use-auth-secret and\n"
        "static-auth-secret): each browser gets a credential that expires, never\n"
        "this secret. Put it in /etc/cammio/cammio.env (CAMMIO_TURN_SECRET=...).",
        "change-me"},
       Text(&Config::turn_secret)},
      {{"turn_credential_ttl_s", "CAMMIO_TURN_CREDENTIAL_TTL_S", "3600", nullptr,
        "lifetime in seconds of a TURN credential",
        "Lifetime in seconds of a TURN credential handed to a browser (60 to 86400).", nullptr},
       Number(&Config::turn_credential_ttl_s, "turn_credential_ttl_s", 60, 86400)},
      {{"ice_transport_policy", "CAMMIO_ICE_TRANSPORT_POLICY", "all", nullptr,
        "`all` or `relay` (browsers use only the TURN relay)",
        "all, or relay: the browsers of a live interview connect only through TURN.", nullptr},
       [](Config* c, const std::string& v) {
         if (v != "all" && v != "relay") {
           return Status::InvalidArgument("ice_transport_policy must be all or relay");
         }
         c->ice_transport_policy = v;
         return Status::OK();
       }},
      {{"live_max_streams", "CAMMIO_LIVE_MAX_STREAMS", "1000", nullptr,
        "open live signalling streams at once (503 past it)",
        "Open signalling streams of live interviews at once; one more is answered\n"
        "503 (1 to 100000).",
        nullptr},
       Number(&Config::live_max_streams, "live_max_streams", 1, 100000)},
      {{"console_idle_minutes", "CAMMIO_CONSOLE_IDLE_MINUTES", "480", nullptr,
        "minutes a console session may go unused before it ends",
        "Recruiter console sessions (docs/console.md): one ends after this many\n"
        "minutes without a request (5 to 10080), and at the latest this many hours\n"
        "after its sign-in (1 to 2160).",
        nullptr},
       Number(&Config::console_idle_minutes, "console_idle_minutes", 5, 10080)},
      {{"console_session_hours", "CAMMIO_CONSOLE_SESSION_HOURS", "168", nullptr,
        "hours after sign-in that a console session ends, used or not", nullptr, nullptr},
       Number(&Config::console_session_hours, "console_session_hours", 1, 2160)},
      {{"password_iterations", "CAMMIO_PASSWORD_ITERATIONS", "200000", nullptr,
        "PBKDF2-HMAC-SHA256 iterations of console password hashes (raised ones rehash at "
        "sign-in)",
        "PBKDF2-HMAC-SHA256 iterations of console password hashes (10000 to\n"
        "10000000). A stored hash with fewer is rehashed at the user's next sign-in.",
        nullptr},
       Number(&Config::password_iterations, "password_iterations", 10000, 10000000)},
      {{"log_level", "CAMMIO_LOG_LEVEL", "info", nullptr, "debug, info, warn or error",
        "debug, info, warn or error. The log goes to stderr: journalctl -u cammio.", nullptr},
       [](Config* c, const std::string& v) {
         if (v != "debug" && v != "info" && v != "warn" && v != "error") {
           return Status::InvalidArgument("log_level must be debug, info, warn or error");
         }
         c->log_level = v;
         return Status::OK();
       }},
  };
  return rows;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

}  // namespace

const std::vector<ConfigSetting>& ConfigSettings() {
  static const std::vector<ConfigSetting> settings = [] {
    std::vector<ConfigSetting> out;
    for (const auto& r : Rows()) out.push_back(r.info);
    return out;
  }();
  return settings;
}

Config DefaultConfig() {
  static const Config defaults = [] {
    Config c;
    for (const auto& r : Rows()) {
      Status s = r.set(&c, r.info.default_value);
      if (!s.ok()) {
        std::fprintf(stderr, "cammio: the default of %s is invalid: %s\n", r.info.name,
                     s.details().c_str());
        std::abort();
      }
    }
    return c;
  }();
  return defaults;
}

Status SetConfigValue(Config* config, const std::string& name, const std::string& value) {
  for (const auto& r : Rows()) {
    if (name == r.info.name) return r.set(config, value);
  }
  return Status::InvalidArgument("unknown setting '" + name + "'");
}

Status LoadConfigFile(Config* config, const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::IoError("cannot read config file " + path);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    line = Trim(line);
    if (line.empty()) continue;
    size_t eq = line.find('=');
    Status s = eq == std::string::npos
                   ? Status::InvalidArgument("expected 'name = value'")
                   : SetConfigValue(config, Trim(line.substr(0, eq)), Trim(line.substr(eq + 1)));
    if (!s.ok()) {
      return Status::InvalidArgument(path + ":" + std::to_string(n) + ": " + s.details());
    }
  }
  return Status::OK();
}

Status LoadConfigEnvironment(Config* config) {
  for (const auto& r : Rows()) {
    const char* v = std::getenv(r.info.env);
    if (v == nullptr) continue;
    Status s = r.set(config, v);
    if (!s.ok()) return Status::InvalidArgument(std::string(r.info.env) + ": " + s.details());
  }
  return Status::OK();
}

Status SplitHostPort(const std::string& text, std::string* host, int* port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::InvalidArgument("expected ADDRESS:PORT");
  }
  std::string h = text.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  char* end = nullptr;
  long p = std::strtol(text.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || p < 0 || p > 65535 || colon + 1 == text.size()) {
    return Status::InvalidArgument("bad port in '" + text + "'");
  }
  *host = h;
  *port = static_cast<int>(p);
  return Status::OK();
}

}  // namespace cammio
