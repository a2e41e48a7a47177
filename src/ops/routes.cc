#include "ops/routes.h"

#include "ops/metrics_handler.h"

namespace cammio::ops {

const std::vector<Route>& OpsRoutes() {
  static const std::vector<Route> rows({
      {"GET", "/metrics", MetricsHandler, false},  // access: ops/metrics_handler.h
  });
  return rows;
}

}  // namespace cammio::ops
