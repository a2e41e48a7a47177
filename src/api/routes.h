// The API's rows of the server's route table (api/routes.cc): /healthz,
// /api/openapi.json, the resources under /api (flat and nested under
// /api/vacancies/:vacancy_id), and the candidate pages' JSON and resumable
// uploads under /public/job_interviews/{token}/. The web pages' rows are
// web/routes.h's, /metrics is ops/routes.h's; cli/server_router.h joins the
// three into the table the server matches.
//
// Thread-safety: the rows are made once (on first call) and never change.
#pragma once

#include <vector>

#include "api/router.h"

namespace cammio {

// The API's rows, in matching order. Never fails.
const std::vector<Route>& ApiRoutes();

}  // namespace cammio
