#include "store/maintenance.h"

#include <sqlite3.h>

namespace cammio {
namespace {

constexpr const char kMediaPaths[] = "SELECT path FROM videos";
constexpr const char kUnfinishedUploads[] = "SELECT id FROM uploads WHERE video_id IS NULL";
constexpr const char kDanglingVideos[] =
    "SELECT 'vacancy ' || v.id || ' intro video ' || v.intro_video_id FROM vacancies v "
    "WHERE v.intro_video_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM videos m "
    "WHERE m.id = v.intro_video_id AND m.account_id = v.account_id) "
    "UNION ALL SELECT 'vacancy ' || v.id || ' question ' || q.id || ' video ' || q.video_id "
    "FROM questions q JOIN vacancies v ON v.id = q.vacancy_id "
    "WHERE q.video_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM videos m "
    "WHERE m.id = q.video_id AND m.account_id = v.account_id) LIMIT ?1";

}  // namespace

Status BackupDatabaseTo(Db& src, const std::string& dest, int* schema_version) {
  sqlite3* out = nullptr;
  int rc =
      sqlite3_open_v2(dest.c_str(), &out,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Status s;
  if (rc != SQLITE_OK) s = SqliteStatus(rc, "creating " + dest);
  if (s.ok()) {
    sqlite3_backup* b = sqlite3_backup_init(out, "main", src.raw(), "main");
    if (b == nullptr) {
      s = SqliteStatus(sqlite3_extended_errcode(out), "backup of the database");
    } else {
      rc = sqlite3_backup_step(b, -1);
      int fin = sqlite3_backup_finish(b);
      if (rc != SQLITE_DONE) {
        s = SqliteStatus(rc, "backup of the database");
      } else if (fin != SQLITE_OK) {
        s = SqliteStatus(fin, "backup of the database");
      }
    }
  }
  if (s.ok()) {
    // The copy keeps the source's WAL flag; make it one self-contained file.
    sqlite3_stmt* st = nullptr;
    rc = sqlite3_exec(out, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) s = SqliteStatus(rc, "finishing the database copy");
    if (s.ok() && sqlite3_prepare_v2(out, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      *schema_version = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
  }
  rc = sqlite3_close(out);
  if (s.ok() && rc != SQLITE_OK) s = SqliteStatus(rc, "closing the database copy");
  return s;
}

std::string DatabaseFileName(Db& db) {
  const char* file = sqlite3_db_filename(db.raw(), "main");
  return file == nullptr ? std::string() : std::string(file);
}

std::string DatabaseLibraryVersion() { return sqlite3_libversion(); }

Status ListMediaPaths(Db& db, std::vector<std::string>* out) {
  Stmt st = db.Prepare(kMediaPaths);
  Status s;
  while (st.Step(&s)) out->push_back(st.Text(0));
  return s;
}

Status ListUnfinishedUploadIds(Db& db, std::vector<int64_t>* out) {
  Stmt st = db.Prepare(kUnfinishedUploads);
  Status s;
  while (st.Step(&s)) out->push_back(st.Int(0));
  return s;
}

Status ListDanglingVideoReferences(Db& db, int64_t limit, std::vector<std::string>* out) {
  Stmt st = db.Prepare(kDanglingVideos);
  st.Bind(1, limit);
  Status s;
  while (st.Step(&s)) out->push_back(st.Text(0));
  return s;
}

}  // namespace cammio
