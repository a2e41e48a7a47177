// ChangeRecorder: which vacancies and accounts a write transaction changed,
// derived from the rows it changed, so that no write path can forget to
// declare what it touched (the response cache relies on it:
// store/change_log.h, api/response_cache.h).
//
// SQLite's pre-update hook on the writer connection reports every row an
// INSERT, UPDATE or DELETE changes, with its old and new values (also rows
// deleted by ON DELETE CASCADE and by REPLACE). A rule per table
// (change_scopes.cc, kRules) maps a row to a scope:
//   - ignored: rows no cached GET reads (token last-used times, outboxes,
//     idempotency keys, the change generation itself, ...);
//   - vacancy: rows of a vacancy (the vacancy, its questions, invitations,
//     interviews), or rows below an invitation or an interview (guests,
//     uploads, presence, reviewers, reviews, recordings), whose invitation
//     or interview is looked up before COMMIT;
//   - account: rows any answer of the account may render (users,
//     candidates, accounts, settings);
//   - a table without a rule, a row whose owner cannot be found, or more
//     changes than the hook saw (sqlite3_total_changes64): everything.
// Conservative is always allowed, too narrow never. An UPDATE that leaves
// every column as it was changes nothing and is skipped, as is a new row of a
// table answers reach only through another row's foreign key (a new
// invitation's candidate: the invitation's own row is the change). Rows of a
// job rolled back to its savepoint are still counted (a needless miss at
// worst).
//
// Thread-safety: used by the writer thread only (one connection).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cammio/status.h"
#include "store/change_log.h"
#include "store/db.h"

namespace cammio {

class ChangeRecorder {
 public:
  // Resolves the rules' column names against `db`'s schema (a rule whose
  // column is missing counts as "everything") and installs the hook on
  // `db`, which must outlive the recorder. Errors are the database's.
  static Result<std::unique_ptr<ChangeRecorder>> Attach(Db& db);
  ~ChangeRecorder();  // removes the hook
  ChangeRecorder(const ChangeRecorder&) = delete;
  ChangeRecorder& operator=(const ChangeRecorder&) = delete;

  // Forgets what was recorded: call at BEGIN of each transaction.
  void Clear();

  // What the rows recorded since Clear() belong to, resolved on `db` inside
  // the same transaction before its COMMIT. `changes`: how many rows
  // sqlite3_total_changes64 counted since Clear(); more than the hook saw
  // means some change was invisible to it, so everything. Never fails: a
  // lookup error also means everything.
  ChangeSet Resolve(Db& db, int64_t changes);

  // The tables that have a rule (tests: every table of the schema needs one).
  static std::vector<std::string> RuledTables();

  enum class Kind : uint8_t { kIgnore, kVacancy, kInvitation, kInterview, kAccount };

 private:
  struct Rule {
    Kind kind = Kind::kIgnore;
    int key = -1;               // column of the owner id; -1: the rowid
    int account = -1;           // column of the account id (kVacancy); -1: look it up
    int only_if = -1;           // the row matters only where this column is not NULL
    bool self = false;          // invitations / interviews: remember rowid -> owner
    bool referenced = false;    // shown only through another row: INSERTs touch nothing
    bool broken = false;        // a column was not found: everything
    bool auth = false;          // kAuthTables: changes are auth changes
    int auth_bookkeeping = -1;  // ... except UPDATEs of only this column
  };
  struct Touch {
    Kind kind;
    int64_t key;      // vacancy, invitation, interview or account id
    int64_t account;  // 0: unknown
  };

  explicit ChangeRecorder(Db& db) : db_(db) {}
  static void Hook(void* self, sqlite3* db, int op, const char* schema, const char* table,
                   sqlite3_int64 old_rowid, sqlite3_int64 new_rowid);
  void OnChange(sqlite3* db, int op, const char* table, int64_t old_rowid, int64_t new_rowid);
  void Record(sqlite3* db, const Rule& rule, bool old_image, int64_t rowid, bool is_invitation);

  Db& db_;
  std::unordered_map<std::string, Rule> rules_;
  std::vector<Touch> touches_;
  // Owners of invitations and interviews changed in this transaction, for
  // rows below one that is gone by COMMIT (deleted in the same transaction).
  std::unordered_map<int64_t, std::pair<int64_t, int64_t>> invitations_, interviews_;
  int64_t seen_ = 0;
  bool global_ = false;
  bool auth_ = false;  // a row of kAuthTables changed (ChangeSet::auth)
};

}  // namespace cammio
