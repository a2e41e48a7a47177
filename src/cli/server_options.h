// The transport's options from the settings: the one place where a setting
// of `cammio serve` (config/config.h) becomes an http::ServerOptions value.
// http::ServerOptions has no defaults of its own for settings (it refuses
// what is not set); its values come from here, and so from the settings
// table. In particular the setting running_workers = 0 ("one per CPU") is
// resolved here and only here: the transport never sees that 0.
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include "api/live.h"
#include "config/config.h"
#include "http/server.h"

namespace cammio {

// The HTTPS workers running at once for the setting running_workers:
// the setting itself, or for 0 one per CPU (`cpus`, at least 1).
int RunningWorkers(int setting, unsigned cpus);

// Every transport option that is a setting, from `c` (whose values the
// settings table validated). The listeners' certificate, hsts_on_plain_http
// and max_upload_bytes are not settings of this kind and are left as they
// are. `cpus`: for running_workers 0 (std::thread::hardware_concurrency()).
http::ServerOptions ServerOptionsFrom(const Config& c);
http::ServerOptions ServerOptionsFrom(const Config& c, unsigned cpus);

// The live rooms' settings (api/live.h) from `c`: ice_servers split at
// commas (blanks trimmed, empty items dropped).
LiveSettings LiveSettingsFrom(const Config& c);

}  // namespace cammio
