// The route table `cammio serve` matches requests against: the API's rows
// (api/routes.h), then the web pages' (web/routes.h), then the ops rows
// (ops/routes.h). The first row whose pattern and method match wins; no two
// tables share a pattern, so a request matches the same row, and a 405
// lists the same Allow methods, whatever the tables' order
// (tests/cli/routes_test.cc compares it with the table before the split).
//
// Thread-safety: built once (on first call), immutable afterwards; Match is
// const.
#pragma once

#include "api/router.h"

namespace cammio {

// The whole server's table. Never fails.
const Router& ServerRouter();

}  // namespace cammio
