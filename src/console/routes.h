// The recruiter console's rows of the server's route table (handlers:
// console/handlers.h); cli/server_router.h joins them with the others.
//
// Thread-safety: the rows are made once (on first call) and never change.
#pragma once

#include <vector>

#include "api/router.h"

namespace cammio::console {

// The console's rows, in matching order. Never fails.
const std::vector<Route>& ConsoleRoutes();

}  // namespace cammio::console
