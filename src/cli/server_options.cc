#include "cli/server_options.h"

#include <algorithm>
#include <thread>

namespace cammio {

int RunningWorkers(int setting, unsigned cpus) {
  if (setting > 0) return setting;
  return static_cast<int>(std::max(1u, cpus));
}

LiveSettings LiveSettingsFrom(const Config& c) {
  LiveSettings l;
  l.lobby_minutes = c.live_lobby_minutes;
  l.empty_grace_s = c.live_empty_grace_s;
  l.upload_wait_s = c.live_upload_wait_s;
  l.turn_secret = c.turn_secret;
  l.turn_credential_ttl_s = c.turn_credential_ttl_s;
  l.ice_transport_policy = c.ice_transport_policy;
  size_t at = 0;
  while (at <= c.ice_servers.size()) {
    size_t comma = c.ice_servers.find(',', at);
    if (comma == std::string::npos) comma = c.ice_servers.size();
    std::string item = c.ice_servers.substr(at, comma - at);
    const size_t b = item.find_first_not_of(" \t");
    const size_t e = item.find_last_not_of(" \t");
    if (b != std::string::npos) l.ice_servers.push_back(item.substr(b, e - b + 1));
    at = comma + 1;
  }
  return l;
}

http::ServerOptions ServerOptionsFrom(const Config& c) {
  return ServerOptionsFrom(c, std::thread::hardware_concurrency());
}

http::ServerOptions ServerOptionsFrom(const Config& c, unsigned cpus) {
  http::ServerOptions o;
  SplitHostPort(c.listen, &o.listen_host, &o.listen_port);
  if (!c.http_listen.empty())
    SplitHostPort(c.http_listen, &o.http_listen_host, &o.http_listen_port);
  o.workers = c.workers;
  o.running_workers = RunningWorkers(c.running_workers, cpus);
  o.max_idle_connections = c.max_idle_connections;
  o.keep_alive_max_count = c.keep_alive_max_count;
  o.keep_alive_timeout_s = c.keep_alive_timeout;
  o.read_timeout_s = c.read_timeout;
  o.header_timeout_s = c.header_timeout;
  o.write_timeout_s = c.write_timeout;
  o.max_body_bytes = static_cast<size_t>(c.max_body_kib) * 1024;
  o.backlog = c.backlog;
  o.tls_session_tickets = c.tls_session_tickets ? 1 : 0;
  return o;
}

}  // namespace cammio
