// The web pages' rows of the server's route table (web/routes.cc): the
// embedded assets, the candidate, public vacancy, forward, reviewer and guest
// pages under /public/, and the recruiter's review pages (handlers:
// web/pages.h). cli/server_router.h joins them with the API's and the ops
// rows.
//
// Thread-safety: the rows are made once (on first call) and never change.
#pragma once

#include <vector>

#include "api/router.h"

namespace cammio::web {

// The pages' rows, in matching order. Never fails.
const std::vector<Route>& PageRoutes();

}  // namespace cammio::web
