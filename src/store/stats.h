// Stats: the counts /metrics reports from the database -- its size, the
// stored media, and the depth of the two outgoing queues by status.
//
// Every function takes the Db of a Store::Read callback. Thread-safety: that
// of the Db (one thread at a time).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

// Messages of one outbox by status, in the order SQLite groups them.
// `present` is false when the table does not exist (an old schema).
struct OutboxDepth {
  bool present = false;
  std::vector<std::pair<std::string, int64_t>> by_status;
};

struct StoreStats {
  int64_t database_bytes = 0;  // page_count * page_size
  int64_t media_bytes = 0;     // SUM(videos.size); 0 without a videos table
  int64_t media_files = 0;     // COUNT(videos)
  OutboxDepth notifications;
  OutboxDepth mail;
};

// Reads all of StoreStats in the caller's read transaction. The SQLite
// error on failure (`out` is then partly filled).
Status ReadStoreStats(Db& db, StoreStats* out);

// True when the database has a table of that name.
bool TableExists(Db& db, const std::string& name);

}  // namespace cammio
