// PrincipalCache: who a pair of API credentials (Basic user:token) named the
// last time they were checked, reused while no commit could have changed it.
//
// Why: every API request authenticates. The lookup (store/accounts.h,
// Authenticate: the user by email, its account, its unrevoked tokens)
// reads the same few pages each time, but under a write load SQLite drops a
// reader's page cache at every commit, so each request read them again:
// about 37 K instructions per request of the mixed ATS load, for an answer
// that changes only when an account, a user or a token does.
//
// Why it is correct: an entry holds the Principal that Authenticate returned
// in a read transaction at change generation G_r (store/store.h,
// ChangeGeneration). A later request reads the generation G in its own
// read transaction and is given the entry only if the Store's change log
// shows no auth change in (G_r, G] (store/change_log.h, AuthUnchanged): no
// commit of this server changed an accounts, users or access_tokens row
// (a token's last-used time aside), none is being committed, and no other
// process (the admin CLI) committed anything. So the entry equals what
// Authenticate would return at G. Only successes are kept: a wrong,
// revoked or disabled credential always reaches the database and the
// failed-login throttle.
//
// Keys: the user text and SHA-256 of the token, so no token is kept in the
// clear; a request is matched only by the very credentials that were
// checked. Memory: at most `max_entries` (past that the cache starts empty
// again: filling it takes valid credentials, so this only costs lookups).
//
// Thread-safety: all methods are thread-safe (one mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/accounts.h"
#include "store/change_log.h"

namespace cammio {

class PrincipalCache {
 public:
  explicit PrincipalCache(size_t max_entries = 4096) : max_entries_(max_entries) {}

  // The key of (user, token): never the token itself.
  static std::string Key(std::string_view user, std::string_view token);

  // The principal stored for `key`, if its generation is <= `now` and `log`
  // shows no auth change since (AuthUnchanged). `now`: the generation the
  // caller read in its own read transaction.
  std::optional<Principal> Find(const std::string& key, int64_t now, ChangeLog& log);
  // Keeps `p`, as Authenticate returned it at generation `generation`
  // (read in the same transaction). Replaces an entry with an older one.
  void Put(const std::string& key, const Principal& p, int64_t generation);
  // The caller scheduled a write of the token's last-used time `at`: the
  // entry's copy follows (that write is not an auth change).
  void NoteTokenUsed(const std::string& key, int64_t at);

  size_t size() const;

 private:
  struct Entry {
    Principal principal;
    int64_t generation = 0;
  };
  const size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace cammio
