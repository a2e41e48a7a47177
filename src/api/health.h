// GET /healthz (no authentication): 503 when the database does not answer a
// query; otherwise 200 with
//   {"health": {"status": "ok" | "degraded", "version": "...",
//               "database_integrity": "not checked" | "checking" | "ok" | "failed",
//               "reason": "..." (only when degraded)}}
// "degraded": the server answers, but the check `cammio serve` runs at start
// (store/integrity.h) found the database damaged. Still 200: the server serves
// what it can read, and a watchdog restarting it would not repair anything.
// For load balancers and the appliance's watchdog.
#pragma once

#include "api/call.h"

namespace cammio {

Status HealthHandler(Call& call);

}  // namespace cammio
