#include "store/db.h"

#include <cassert>
#include <cstring>

namespace cammio {

namespace {

// SQLite's process-wide settings. sqlite3_config is only allowed before
// SQLite initializes (the first open does that), so they are set during
// static initialization, before main and before any connection, in every
// binary that links the store; nothing calls SQLite at that stage.
//
// Memory statistics off: with them on (the library's default) every
// sqlite3_malloc and sqlite3_free takes one process-wide mutex to count the
// bytes. Our connections share nothing else, so under load that mutex was
// the busiest lock of the server: about 80 lock/unlock pairs per request
// (callgrind), and a third of its futex calls (perf, mixed load of
// tools/bench: 3.3 futex calls per request with it, 2.3 without). cammio
// reads no SQLite memory statistic.
const bool kSqliteConfigured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;

}  // namespace

bool SqliteConfigured() { return kSqliteConfigured; }

Stmt::~Stmt() {
  if (stmt_ == nullptr) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Stmt& Stmt::Bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}

Stmt& Stmt::Bind(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::BindBlob(int i, std::string_view v) {
  sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

bool Stmt::Step(Status* status) {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) *status = db_->Error(rc, sqlite3_sql(stmt_));
  return false;
}

Status Stmt::Run() {
  Status s;
  while (Step(&s)) {
  }
  return s;
}

bool Stmt::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int64_t Stmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

namespace {

// The text or blob of a column's value (its bytes, then its size: the
// order SQLite documents), "" for NULL; valid until the statement steps.
std::string_view ViewOf(sqlite3_value* v) {
  const auto* p = static_cast<const char*>(sqlite3_value_blob(v));
  const int n = sqlite3_value_bytes(v);
  return p ? std::string_view(p, static_cast<size_t>(n)) : std::string_view();
}

std::string TextOf(sqlite3_value* v) { return std::string(ViewOf(v)); }

}  // namespace

// The reads below take a column's value once (sqlite3_column_value) and ask
// it their questions (type, then value; bytes, then size): each
// sqlite3_column_* call repeats the column lookup and the error bookkeeping,
// a good part of reading a page of rows. The value is unprotected, which
// only matters to a connection shared between threads; ours are used by one
// at a time (SQLITE_OPEN_NOMUTEX).
std::string Stmt::Text(int col) const { return TextOf(sqlite3_column_value(stmt_, col)); }

std::optional<std::string> Stmt::OptText(int col) const {
  sqlite3_value* v = sqlite3_column_value(stmt_, col);
  if (sqlite3_value_type(v) == SQLITE_NULL) return std::nullopt;
  return TextOf(v);
}

void Stmt::TextTo(int col, std::string* out) const {
  out->assign(ViewOf(sqlite3_column_value(stmt_, col)));
}

void Stmt::OptTextTo(int col, std::optional<std::string>* out) const {
  sqlite3_value* v = sqlite3_column_value(stmt_, col);
  if (sqlite3_value_type(v) == SQLITE_NULL) {
    out->reset();
  } else if (out->has_value()) {
    (*out)->assign(ViewOf(v));
  } else {
    out->emplace(ViewOf(v));
  }
}

std::optional<int64_t> Stmt::OptInt(int col) const {
  sqlite3_value* v = sqlite3_column_value(stmt_, col);
  if (sqlite3_value_type(v) == SQLITE_NULL) return std::nullopt;
  return sqlite3_value_int64(v);
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, const Options& options) {
  sqlite3* raw = nullptr;
  int flags =
      SQLITE_OPEN_NOMUTEX |
      (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags,
                           options.vfs.empty() ? nullptr : options.vfs.c_str());
  std::unique_ptr<Db> db(new Db(raw));
  if (rc != SQLITE_OK) return db->Error(rc, "open " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  std::string pragmas = std::string("PRAGMA foreign_keys=ON; PRAGMA synchronous=") +
                        (options.unsafe_synchronous_off ? "OFF" : "FULL") +
                        "; PRAGMA cache_size=-" + std::to_string(options.cache_size_kib) +
                        "; PRAGMA temp_store=MEMORY;";
  if (!options.read_only) pragmas = "PRAGMA journal_mode=WAL; " + pragmas;
  Status s = db->Exec(pragmas.c_str());
  if (!s.ok()) return s;
  return db;
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Db::Exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::OK();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return Error(rc, msg);
}

Stmt Db::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  // The address is the key: the same address must hold the same text. A
  // caller that passed a temporary (a std::string's c_str()) gets another
  // statement's program without this check.
  assert((it == cache_.end() || std::strcmp(sqlite3_sql(it->second), sql) == 0) &&
         "Db::Prepare takes SQL constants only (PrepareDynamic for run-time text)");
  if (it != cache_.end()) return Stmt(this, it->second);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  // A named SQL constant that does not prepare is a programming error, caught
  // by the first test that runs it.
  assert(rc == SQLITE_OK && "SQL constant failed to prepare");
  (void)rc;
  cache_.emplace(sql, stmt);
  return Stmt(this, stmt);
}

Result<Stmt> Db::PrepareDynamic(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, sql);
  return Stmt(this, stmt, /*owned=*/true);
}

Status Db::Error(int rc, std::string_view what) const {
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db_);
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return Status::InsufficientStorage("the data disk is full");
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return Status::Unavailable("the data directory is not writable: " + msg);
    case SQLITE_CONSTRAINT:
      // Rules a client can break are checked before writing, with a clear
      // message; a constraint failure here is a bug, not a 412.
      return Status::Internal("constraint failed: " + msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable("the database is busy: " + msg);
    default:
      return Status::IoError(msg);
  }
}

Status SqliteStatus(int rc, const std::string& what) {
  std::string msg = what + ": " + sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return Status::InsufficientStorage("the disk is full (" + msg + ")");
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return Status::Unavailable("the storage is not writable (" + msg + ")");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable("the database is busy (" + msg + ")");
    default:
      return Status::IoError(msg);
  }
}

}  // namespace cammio
