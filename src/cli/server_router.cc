#include "cli/server_router.h"

#include "api/routes.h"
#include "console/routes.h"
#include "ops/routes.h"
#include "web/routes.h"

namespace cammio {

const Router& ServerRouter() {
  static const Router router(
      JoinRoutes({ApiRoutes(), web::PageRoutes(), console::ConsoleRoutes(), ops::OpsRoutes()}));
  return router;
}

}  // namespace cammio
