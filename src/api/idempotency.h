// Idempotency-Key on POST (an extension integrators expect): the first
// request with a key runs; a retry with the same key and the same request
// (method, path, body) within 24 hours gets the first answer again, with
// `Idempotent-Replayed: true`, instead of creating a duplicate. The same key
// with a different request is 409. Failed requests are not remembered, so a
// corrected retry can succeed.
//
// Requests with the same key are serialised in-process (one server process
// owns the database), so two concurrent retries cannot both create.
#pragma once

#include "api/call.h"
#include "api/router.h"

namespace cammio {

// Runs `handler` for `call` under the Idempotency-Key rules. Without the
// header it simply runs the handler.
Status RunIdempotent(Call& call, Handler handler);

}  // namespace cammio
