// Db: one SQLite connection with a cache of prepared statements, and Stmt, a
// borrowed prepared statement with typed binds and column reads.
//
// SQL lives as named `constexpr const char k...[]` constants in the store
// files; the statement cache is keyed by the constant's address, so each
// statement is prepared once per connection. Every value reaches SQL through a
// bound parameter, never by string concatenation.
//
// Thread-safety: a Db is used by one thread at a time (the Store hands out
// connections exclusively). SQLite runs in multi-thread mode.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cammio/status.h"

namespace cammio {

class Db;

// Whether SQLite's process-wide settings (db.cc: memory statistics off) were
// applied before SQLite initialized. They are set during static
// initialization, so this is false only if something initialized SQLite
// earlier; the settings then stay at SQLite's defaults, which are correct,
// only slower.
bool SqliteConfigured();

// A prepared statement borrowed from a Db's cache. Reset (and unbound) when
// the Stmt goes out of scope, so it can be reused.
class Stmt {
 public:
  // `owned`: finalize on destruction (dynamic SQL) instead of reset (cached).
  Stmt(Db* db, sqlite3_stmt* stmt, bool owned = false) : db_(db), stmt_(stmt), owned_(owned) {}
  Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(other.stmt_), owned_(other.owned_) {
    other.stmt_ = nullptr;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binds are 1-based like SQLite's. Return *this for chaining.
  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Stmt& Bind(int i, std::string_view v);
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& BindBlob(int i, std::string_view v);
  Stmt& BindNull(int i);
  Stmt& Bind(int i, const std::optional<std::string>& v) { return v ? Bind(i, *v) : BindNull(i); }
  Stmt& Bind(int i, const std::optional<int64_t>& v) { return v ? Bind(i, *v) : BindNull(i); }

  // Steps once. true: a row is available; false: done. Errors go to *status
  // (and return false) so loops read `while (st.Step(&s))`.
  bool Step(Status* status);
  // Steps to completion of a statement that returns no rows.
  Status Run();

  bool IsNull(int col) const;
  int64_t Int(int col) const;
  std::string Text(int col) const;
  std::optional<std::string> OptText(int col) const;
  std::optional<int64_t> OptInt(int col) const;
  // Text and OptText into an existing string, whose buffer is reused: a
  // loop over many rows that refills one object allocates once per field.
  void TextTo(int col, std::string* out) const;
  void OptTextTo(int col, std::optional<std::string>* out) const;

 private:
  Db* db_;
  sqlite3_stmt* stmt_;
  bool owned_;
};

class Db {
 public:
  struct Options {
    bool read_only = false;      // open SQLITE_OPEN_READONLY (reader pool)
    int busy_timeout_ms = 5000;  // waits for the other writer (CLI vs server)
    int cache_size_kib = 2048;   // page cache bound per connection
    // The SQLite VFS to open the file with; empty: the default (unix) VFS.
    // Tests register a VFS that models power loss (tests/testing/lossy_vfs.h).
    std::string vfs;
    // Test only: PRAGMA synchronous=OFF instead of FULL, for the power-loss
    // test's negative control. The product never sets it.
    bool unsafe_synchronous_off = false;
  };

  // Opens (creating if allowed) the database at `path` in WAL mode with
  // foreign keys on and synchronous=FULL, so a committed transaction survives
  // power loss. IoError with SQLite's message on failure.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, const Options& options);
  ~Db();

  // Executes one or more statements without results (migrations, PRAGMAs).
  Status Exec(const char* sql);
  // The cached statement for `sql`, which must be a string with static
  // storage duration (a named constant): its address is the cache key.
  Stmt Prepare(const char* sql);
  // Same, for SQL built at run time (rare: e.g. optional filters). Not
  // cached: the Stmt finalizes it.
  Result<Stmt> PrepareDynamic(const std::string& sql);

  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* raw() { return db_; }

  // Maps a SQLite result code to a Status (SQLITE_FULL -> InsufficientStorage,
  // SQLITE_READONLY -> Unavailable, constraint -> PreconditionFailed, else IoError).
  Status Error(int rc, std::string_view what) const;

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
  friend class Stmt;
};

// Maps an SQLite result code to a Status for errors outside a Db (backup
// handles, a connection of its own): FULL -> InsufficientStorage,
// READONLY/CANTOPEN/PERM/BUSY/LOCKED -> Unavailable, else IoError.
Status SqliteStatus(int rc, const std::string& what);

}  // namespace cammio
