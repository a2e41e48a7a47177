#include "config/config.h"

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

const std::vector<Row>& Rows() {
  static const std::vector<Row> rows = {
      {{"data_dir", "CAMMIO_DATA_DIR", "data directory (database, media, certificate)"},
       Text(&Config::data_dir)},
      {{"listen", "CAMMIO_LISTEN", "HTTPS listen ADDRESS:PORT"},
       Address(&Config::listen, "listen", false)},
      {{"http_listen", "CAMMIO_HTTP_LISTEN", "plain HTTP ADDRESS:PORT (off unless set)"},
       Address(&Config::http_listen, "http_listen", true)},
      {{"public_url", "CAMMIO_PUBLIC_URL", "base URL of links (default https://localhost:PORT)"},
       [](Config* c, const std::string& v) {
         if (!v.empty() && v.rfind("https://", 0) != 0 && v.rfind("http://", 0) != 0) {
           return Status::InvalidArgument("public_url must start with https:// or http://");
         }
         c->public_url = v;
         while (!c->public_url.empty() && c->public_url.back() == '/') c->public_url.pop_back();
         return Status::OK();
       }},
      {{"tls_cert", "CAMMIO_TLS_CERT", "PEM certificate chain (default: generated)"},
       Text(&Config::tls_cert)},
      {{"tls_key", "CAMMIO_TLS_KEY", "PEM private key (default: generated)"},
       Text(&Config::tls_key)},
      {{"hostnames", "CAMMIO_HOSTNAMES", "comma-separated DNS names for the generated certificate"},
       Text(&Config::hostnames)},
      {{"workers", "CAMMIO_WORKERS", "request threads per listener"},
       Number(&Config::workers, "workers", 2, 1024)},
      {{"running_workers", "CAMMIO_RUNNING_WORKERS",
        "HTTPS request threads running at once before requests queue (0 = one per CPU)"},
       Number(&Config::running_workers, "running_workers", 0, 1024)},
      {{"max_idle_connections", "CAMMIO_MAX_IDLE_CONNECTIONS",
        "connections held without a thread per listener (idle, or in a handshake or request "
        "head); past it the oldest idle ones are closed"},
       Number(&Config::max_idle_connections, "max_idle_connections", 0, 65536)},
      {{"keep_alive_max_count", "CAMMIO_KEEP_ALIVE_MAX_COUNT", "requests per connection"},
       Number(&Config::keep_alive_max_count, "keep_alive_max_count", 1, 1000000)},
      {{"keep_alive_timeout", "CAMMIO_KEEP_ALIVE_TIMEOUT", "idle seconds before closing"},
       Number(&Config::keep_alive_timeout, "keep_alive_timeout", 1, 300)},
      {{"read_timeout", "CAMMIO_READ_TIMEOUT", "seconds per read and TLS handshake"},
       Number(&Config::read_timeout, "read_timeout", 1, 300)},
      {{"header_timeout", "CAMMIO_HEADER_TIMEOUT",
        "seconds a request head may take from its first byte (408 and close after)"},
       Number(&Config::header_timeout, "header_timeout", 1, 300)},
      {{"write_timeout", "CAMMIO_WRITE_TIMEOUT", "seconds per write"},
       Number(&Config::write_timeout, "write_timeout", 1, 300)},
      {{"max_body_kib", "CAMMIO_MAX_BODY_KIB", "request body limit in KiB (413 above)"},
       Number(&Config::max_body_kib, "max_body_kib", 1, 1024 * 1024)},
      {{"backlog", "CAMMIO_BACKLOG", "listen backlog"},
       Number(&Config::backlog, "backlog", 16, 65535)},
      {{"response_cache_kib", "CAMMIO_RESPONSE_CACHE_KIB",
        "memory for cached GET answers in KiB (0 = off)"},
       Number(&Config::response_cache_kib, "response_cache_kib", 0, 1024 * 1024)},
      {{"metrics_token", "CAMMIO_METRICS_TOKEN",
        "bearer token GET /metrics requires (empty: loopback clients only)"},
       Text(&Config::metrics_token)},
      {{"outbound_allow", "CAMMIO_OUTBOUND_ALLOW",
        "non-public address ranges (CIDR list) the ATS notification sender may connect to"},
       CidrList(&Config::outbound_allow, "outbound_allow")},
      {{"trusted_proxies", "CAMMIO_TRUSTED_PROXIES",
        "reverse proxies (CIDR list) whose X-Forwarded-For / Forwarded names the client"},
       CidrList(&Config::trusted_proxies, "trusted_proxies")},
      {{"log_level", "CAMMIO_LOG_LEVEL", "debug, info, warn or error"},
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
