// GET /healthz (no authentication): 200 {"status": "ok"} while the database
// answers a query, 503 otherwise. For load balancers and the appliance's
// watchdog.
#pragma once

#include "api/call.h"

namespace cammio {

Status HealthHandler(Call& call);

}  // namespace cammio
