// GET /metrics: the Prometheus scrape endpoint (route row in ops/routes.cc,
// unauthenticated as far as API credentials go). Access:
//   - with a metrics token configured (SetMetricsToken), the request must
//     carry `Authorization: Bearer <token>` (403 otherwise), from anywhere;
//   - without one, only loopback clients (127.0.0.0/8, ::1) are answered
//     (403 otherwise). Behind a reverse proxy on the same machine every
//     client looks like loopback: configure a token there (docs/operations.md).
// Besides Metrics::Render() it reports, read at scrape time:
//   cammio_outbox_messages{outbox="notifications"|"mail",status}   gauge
//   cammio_database_bytes, cammio_database_wal_bytes                gauge
//   cammio_media_bytes, cammio_media_files (the media index)        gauge
//   cammio_data_disk_free_bytes, cammio_data_disk_total_bytes       gauge
//   cammio_database_integrity_ok (1/0, once the start check is done) gauge
//   cammio_build_info{version} (util/version.h)                      gauge (1)
//
// Thread-safety: the handler runs on request threads; the token is set
// once before the server starts (and guarded anyway).
#pragma once

#include <string>

#include "api/call.h"
#include "cammio/status.h"

namespace cammio::ops {

// The token /metrics requires; empty: loopback clients only.
void SetMetricsToken(const std::string& token);

// True for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z.
bool IsLoopbackAddress(const std::string& addr);

Status MetricsHandler(Call& call);

}  // namespace cammio::ops
