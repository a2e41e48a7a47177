// Idempotency-Key on POST (an extension integrators expect): the first
// request with a key runs; a retry with the same key and the same request
// (method, path, body) within 24 hours gets the first answer again, with
// `Idempotent-Replayed: true`, instead of creating a duplicate. The same key
// with a different request is 409. Failed requests are not remembered, so a
// corrected retry can succeed.
//
// The answer is stored in the same transaction as the handler's write
// (Call::WriteAndReply): both commit, or neither does, so a crash can never
// leave a created resource without the answer a retry must replay, and a
// keyed POST costs one commit like any other. A handler that writes nothing
// has its answer stored in a write of its own.
//
// Requests with the same key are serialised in-process (one server process
// owns the database), so two concurrent retries cannot both create.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <string>

#include "api/call.h"
#include "api/router.h"
#include "store/db.h"

namespace cammio {

// A POST with an Idempotency-Key while its handler runs: what a write
// transaction needs to remember the answer.
struct IdempotentRequest {
  int64_t account_id = 0;
  std::string key;
  std::string request_hash;  // SHA-256 of method, path and body
  int64_t now = 0;
  bool remembered = false;  // set once a committed write holds the answer
};

// Stores `res` as the answer to `request` inside the caller's write
// transaction when it is a success (2xx), and drops answers past their 24
// hours. *stored tells whether it stored one. Errors are the database's.
Status RememberAnswer(Db& db, const IdempotentRequest& request, const httplib::Response& res,
                      bool* stored);

// Runs `handler` for `call` under the Idempotency-Key rules. Without the
// header it simply runs the handler.
Status RunIdempotent(Call& call, Handler handler);

}  // namespace cammio
