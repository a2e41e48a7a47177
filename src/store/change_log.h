// ChangeLog: what each committed generation of the database changed, as far
// as this process knows, so that a cached answer can outlive writes that did
// not touch what it shows (api/response_cache.h).
//
// Generations (store/store.h, ChangeGeneration) number the commits that
// changed rows. This process's Store registers each of its own commits here,
// with the scopes its rows belong to (store/change_scopes.h), BEFORE the
// COMMIT: so any reader that can see generation g finds g registered (or
// pending, while the writer has not yet learnt the COMMIT's outcome). A
// generation a reader sees that was never registered came from another
// process (the admin CLI writes the same file): it invalidates everything at
// that generation.
//
// Scopes: a vacancy (its row, questions, invitations, interviews and
// everything below them), and an account. An answer depends either on one
// vacancy of an account (ChangeScope with vacancy_id != 0: it renders rows of
// that vacancy and account-wide rows such as users and candidates) or on the
// whole account (vacancy_id == 0: lists across vacancies). A commit touches
// vacancies (each also counts for its account's whole-account answers),
// accounts as a whole (users, candidates, settings: every answer of the
// account), or everything (ChangeSet::global).
//
// Authentication: a commit that changed what a request's credentials resolve
// to (accounts, users, access tokens other than their last-used time) is an
// auth change. AuthUnchanged lets a cache of authenticated principals
// (api/principal_cache.h) reuse one across every other write.
//
// Memory: one int64 per vacancy and per account touched; past `max_scopes`
// of them the maps are cleared and replaced by one global invalidation.
//
// Thread-safety: all methods are thread-safe (one mutex).
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cammio {

// What an answer depends on: one vacancy of an account, or (vacancy_id 0)
// anything in the account.
struct ChangeScope {
  int64_t account_id = 0;
  int64_t vacancy_id = 0;
};

// What one commit changed.
struct ChangeSet {
  bool global = false;                                 // anything, anywhere
  std::vector<std::pair<int64_t, int64_t>> vacancies;  // (account_id, vacancy_id)
  std::vector<int64_t> accounts;                       // every answer of these accounts
  bool auth = false;  // accounts, users or tokens changed (see AuthUnchanged)
  bool empty() const { return !global && vacancies.empty() && accounts.empty() && !auth; }
};

class ChangeLog {
 public:
  explicit ChangeLog(size_t max_scopes = 1 << 16) : max_scopes_(max_scopes) {}

  // The writer, inside the transaction that moves the generation to
  // `generation`, before its COMMIT: records what it changed and marks it
  // pending until Committed or Abandoned. Generations between the last one
  // this log knew and `generation` came from another process: they count as
  // global changes.
  void Register(int64_t generation, const ChangeSet& changes);
  // The COMMIT of `generation` succeeded.
  void Committed(int64_t generation);
  // The COMMIT of `generation` failed (or its outcome is unknown): the
  // generation may later be committed by another process, so it is unknown
  // again (a reader that sees it treats it as another process's).
  void Abandoned(int64_t generation);

  // A request read generation `now` (in its own snapshot): a generation
  // newer than any this log knows came from another process. Called by the
  // cache on every lookup and store, before it relies on the log.
  void Observe(int64_t now);

  // Whether nothing `scope` depends on changed after generation `read` up to
  // generation `now` (both read inside read transactions). False when
  // unsure: `now` older than `read`, a pending commit in (read, now], a
  // global change after `read`. May be false for changes after `now` (the
  // log keeps the newest change per scope only): a miss, never a stale hit.
  bool Unchanged(const ChangeScope& scope, int64_t read, int64_t now);

  // The same for authentication: whether no commit after generation `read`
  // up to `now` changed an account, a user or a token (other than its
  // last-used time), as far as this log can tell. False when unsure, as
  // Unchanged: a global change, another process's commit, a pending one.
  bool AuthUnchanged(int64_t read, int64_t now);

  struct Stats {
    int64_t known = 0;   // the newest generation the log accounts for
    int64_t global = 0;  // the newest generation that changed everything
    size_t scopes = 0;   // vacancies and accounts remembered
    int64_t auth = 0;    // the newest generation that changed authentication
  };
  Stats stats() const;

 private:
  void ObserveLocked(int64_t now);
  static int64_t Get(const std::unordered_map<int64_t, int64_t>& m, int64_t key);

  const size_t max_scopes_;
  mutable std::mutex mu_;
  // Invariant: every generation <= known_ is registered here or covered by
  // global_ (a generation from another process sets global_ to at least its
  // own value), except pending_ whose outcome is not known yet.
  int64_t known_ = 0;
  int64_t pending_ = 0;  // 0: none
  int64_t global_ = 0;
  int64_t auth_ = 0;  // the newest generation with ChangeSet::auth
  // The newest generation that changed: a row of the vacancy; anything in
  // the account (a vacancy's rows or account-wide rows); account-wide rows.
  std::unordered_map<int64_t, int64_t> vacancy_;
  std::unordered_map<int64_t, int64_t> account_any_;
  std::unordered_map<int64_t, int64_t> account_wide_;
};

}  // namespace cammio
