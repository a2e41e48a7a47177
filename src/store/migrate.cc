#include "store/migrate.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "util/embedded.h"
#include "util/log.h"

namespace cammio {
namespace {

constexpr const char kUserVersion[] = "PRAGMA user_version";

Status ReadUserVersion(Db& db, int* version) {
  Stmt st = db.Prepare(kUserVersion);
  Status s;
  if (st.Step(&s)) *version = static_cast<int>(st.Int(0));
  return s;
}

// Rolls a failed migration back. A migration that stopped between its
// `PRAGMA writable_schema = ON` and `= RESET` (013) would leave that flag on
// for the connection, which keeps serving afterwards: it is reset here.
void RollBack(Db& db) {
  db.Exec("ROLLBACK");
  db.Exec("PRAGMA writable_schema = RESET");
}

Status ApplyOne(Db& db, const Migration& m) {
  Status s = db.Exec("BEGIN IMMEDIATE");
  if (!s.ok()) return s;
  std::string sql(m.sql);
  sql += "\nPRAGMA user_version = " + std::to_string(m.version) + ";";
  s = db.Exec(sql.c_str());
  if (s.ok()) s = db.Exec("COMMIT");
  if (!s.ok()) {
    RollBack(db);
    return Status::IoError("migration " + std::string(m.name) + " failed: " + s.details());
  }
  return s;
}

// Applies migrations[from..] in one transaction: all of them or none.
Status ApplyAll(Db& db, const std::vector<Migration>& migrations, size_t from) {
  Status s = db.Exec("BEGIN IMMEDIATE");
  if (!s.ok()) return s;
  std::string failed;
  for (size_t i = from; s.ok() && i < migrations.size(); ++i) {
    const Migration& m = migrations[i];
    std::string sql(m.sql);
    sql += "\nPRAGMA user_version = " + std::to_string(m.version) + ";";
    s = db.Exec(sql.c_str());
    if (!s.ok()) failed = std::string(m.name);
  }
  if (s.ok()) s = db.Exec("COMMIT");
  if (!s.ok()) {
    RollBack(db);
    return Status::IoError("migration " + (failed.empty() ? std::string("commit") : failed) +
                           " failed (the database is left at its old version): " + s.details());
  }
  for (size_t i = from; i < migrations.size(); ++i) {
    LogInfo("applied migration " + std::string(migrations[i].name));
  }
  return s;
}

}  // namespace

Status ReadSchemaVersion(Db& db, int* version) { return ReadUserVersion(db, version); }

std::vector<Migration> EmbeddedMigrations() {
  std::vector<Migration> out;
  for (const auto& f : EmbeddedFiles()) {
    if (f.path.substr(0, 7) != "schema/" || f.path.size() < 12 ||
        f.path.substr(f.path.size() - 4) != ".sql") {
      continue;
    }
    std::string_view name = f.path.substr(7);
    out.push_back({std::atoi(std::string(name.substr(0, 3)).c_str()), name, f.data});
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return out;
}

Status Migrate(Db& db, const std::vector<Migration>& migrations, int* version,
               const BeforeMigration& before) {
  int current = 0;
  Status s = ReadUserVersion(db, &current);
  if (!s.ok()) return s;
  int latest = migrations.empty() ? 0 : migrations.back().version;
  if (current > latest) {
    return Status::Unavailable("database schema version " + std::to_string(current) +
                               " is newer than this cammio (" + std::to_string(latest) +
                               "); refusing to touch it");
  }
  for (size_t i = 0; i < migrations.size(); ++i) {
    // Versions are dense and ordered; a gap is a packaging bug.
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return Status::Internal("migration numbering has a gap at " +
                              std::string(migrations[i].name));
    }
  }
  if (current > 0 && current < latest) {
    // Upgrading a database that holds data: run the hook first (the
    // pre-migration backup, set by the composition root), then apply every
    // pending migration in one transaction, so a failure leaves it at its
    // old version, still usable by the previous binary.
    if (before) s = before(db, current, latest);
    if (!s.ok()) {
      LogError("not migrating: the backup before migrating failed: " + s.ToString());
      return s;
    }
    s = ApplyAll(db, migrations, static_cast<size_t>(current));
    if (!s.ok()) return s;
    *version = latest;
    return Status::OK();
  }
  for (size_t i = 0; i < migrations.size(); ++i) {
    const Migration& m = migrations[i];
    if (m.version <= current) continue;
    s = ApplyOne(db, m);
    if (!s.ok()) return s;
    LogInfo("applied migration " + std::string(m.name));
    current = m.version;
  }
  *version = current;
  return Status::OK();
}

}  // namespace cammio
