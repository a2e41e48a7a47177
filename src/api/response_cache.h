// ResponseCache: finished answers of read-only API requests, served again
// while nothing they show has changed since they were made.
//
// Why it is correct: every committed change moves the database's change
// generation forward (store/store.h, ChangeGeneration). A request reads the
// generation in its authentication transaction, before its handler reads
// anything, and an answer is stored under the generation its own request
// read (G_r) with the scope it depends on: one vacancy of the caller's
// account (with the account-wide rows every answer may show), or the whole
// account (store/change_log.h, ChangeScope; api/pipeline.cc, CacheScope:
// the vacancy the path names or the handler found its resource in). So an
// entry's content is the committed state at G_r. A request that read
// generation G is served the entry only if G >= G_r and the Store's change
// log shows that no commit in (G_r, G] touched the entry's scope. The log
// learns what each of the server's commits touched from the rows it changed
// (store/change_scopes.h), before that commit becomes visible; a generation
// no commit of this process registered (the admin CLI writes the same file)
// counts as a change of everything. So the served answer equals what the
// handler would render from the committed state at G, which that request
// would have read itself. Writes of bookkeeping rows no cached answer shows
// (token last-used times, outboxes, idempotency keys) touch nothing.
// Authentication runs for every request, hit or miss; the cache sits behind
// it and never replaces it (checked credentials are remembered on their own
// terms: api/principal_cache.h).
//
// Keys name the user (and so the account), the format, the path and the
// query (api/response_cache.cc, Key), so one account can never be answered
// from another's entry. Only routes marked `cached` in the route table use
// it: GET handlers whose answer is a function of the caller, the path, the
// query, the format and the database, never of the clock.
//
// Memory: keys and bodies together stay under `max_bytes`; the least
// recently used entries go first. An answer larger than max_bytes / 8 is not
// stored. max_bytes = 0 stores nothing.
//
// Thread-safety: all methods are thread-safe (one mutex; entries are
// immutable and shared, so a hit copies the body outside the lock).
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/change_log.h"

namespace cammio {

class ResponseCache {
 public:
  struct Entry {
    int64_t generation = 0;  // the generation its request read
    // What it shows: one vacancy of an account, or the whole account.
    ChangeScope scope;
    int status = 200;
    std::string body;
    // Every header the handler set (Content-Type, X-Total-Count, ...).
    std::vector<std::pair<std::string, std::string>> headers;
  };

  explicit ResponseCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The key of an answer: user, format name, method, path, and the query
  // parameters (httplib::Params). A multimap is already in canonical order:
  // by name, a repeated name in request order, so ?a=1&b=2 and ?b=2&a=1
  // share one key.
  static std::string Key(int64_t user_id, std::string_view format, std::string_view method,
                         std::string_view path,
                         const std::multimap<std::string, std::string>& params);

  // The entry stored under `key` that a request which read `generation` may
  // be served, or null: with `log`, one of generation <= `generation` whose
  // scope no change in between touched (ChangeLog::Unchanged); without, one
  // of exactly `generation`. An entry older than `generation` that may not
  // be served is dropped.
  std::shared_ptr<const Entry> Find(const std::string& key, int64_t generation,
                                    ChangeLog* log = nullptr);

  // Stores `entry` under `key`, unless an entry of the same or a newer
  // generation is already there or it is too large. Evicts least recently
  // used entries to stay under max_bytes. `log`: the one Find is given.
  void Put(const std::string& key, std::shared_ptr<const Entry> entry, ChangeLog* log = nullptr);

  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    size_t entries = 0;
    size_t bytes = 0;
  };
  Stats stats() const;

 private:
  struct Slot {
    std::shared_ptr<const Entry> entry;
    std::list<std::string>::iterator lru;  // position in lru_
    size_t bytes = 0;
  };
  static size_t SizeOf(const std::string& key, const Entry& e);
  void EraseLocked(std::unordered_map<std::string, Slot>::iterator it);

  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Slot> slots_;
  std::list<std::string> lru_;  // most recently used first
  size_t bytes_ = 0;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace cammio
