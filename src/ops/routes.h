// The operations rows of the server's route table (ops/routes.cc): GET
// /metrics, the Prometheus scrape endpoint (access rules:
// ops/metrics_handler.h). cli/server_router.h joins them with the API's and
// the pages' rows.
//
// Thread-safety: the rows are made once (on first call) and never change.
#pragma once

#include <vector>

#include "api/router.h"

namespace cammio::ops {

// The ops rows, in matching order. Never fails.
const std::vector<Route>& OpsRoutes();

}  // namespace cammio::ops
