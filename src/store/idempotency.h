// Stored answers to POSTs that carried an Idempotency-Key, per account, kept
// for 24 hours.
#pragma once

#include <cstdint>
#include <string>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

struct StoredResponse {
  std::string request_hash;  // SHA-256 of method, path and body
  int status = 0;
  std::string content_type;
  std::string body;
};

// NotFound when the key is unknown or older than `not_before`.
Result<StoredResponse> GetStoredResponse(Db& db, int64_t account_id, const std::string& key,
                                         int64_t not_before);
// Stores (or replaces an expired) answer, and drops answers older than
// `not_before` across all accounts.
Status PutStoredResponse(Db& db, int64_t account_id, const std::string& key,
                         const StoredResponse& r, int64_t now, int64_t not_before);

}  // namespace cammio
