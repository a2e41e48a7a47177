// GET /api/openapi.json (no authentication): the OpenAPI 3 description of the
// whole API, checked in as docs/openapi.json and embedded in the binary.
#pragma once

#include "api/call.h"

namespace cammio {

Status OpenApiHandler(Call& call);

}  // namespace cammio
