// The power-loss tests' common part (tests/api/power_loss_test.cc: writes
// acknowledged over HTTP; tests/store/power_loss_test.cc: migrations): the
// seed, the database as the machine finds it after the power failure
// (integrity, schema version, schema, the acknowledged rows it lacks), read
// with the default VFS.
// Header-only; failures are doctest REQUIRE/CHECK failures of the calling test.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "util/log.h"

namespace cammio::testing {

// Every run ends in I/O errors, each logged: keep the output readable.
struct QuietLogs {
  QuietLogs() { SetLogQuiet(true); }
  ~QuietLogs() { SetLogQuiet(false); }
};

inline uint64_t Seed() {
  const char* env = std::getenv("CAMMIO_POWER_LOSS_SEED");
  if (env != nullptr && *env != '\0') return std::strtoull(env, nullptr, 10);
  return (uint64_t{std::random_device()()} << 32) ^ std::random_device()();
}

// What the clients were told was created.
struct Acked {
  std::vector<std::pair<int64_t, std::string>> vacancies;  // id, title
  std::vector<std::pair<int64_t, int64_t>> invitations;    // id, vacancy id
  size_t size() const { return vacancies.size() + invitations.size(); }
  void Add(const Acked& o) {
    vacancies.insert(vacancies.end(), o.vacancies.begin(), o.vacancies.end());
    invitations.insert(invitations.end(), o.invitations.begin(), o.invitations.end());
  }
};

// The database as the machine finds it after the power failure.
struct Found {
  std::string integrity;  // PRAGMA integrity_check's rows
  int user_version = -1;
  std::string schema;  // sqlite_schema, sorted
  std::vector<std::string> missing;
};

// Every row of `sql` (one integer parameter, bound when given), columns
// separated by '|', rows by '\n'; "error: ..." when it fails.
inline std::string Query(sqlite3* db, const char* sql,
                         std::optional<int64_t> param = std::nullopt) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
    return std::string("error: ") + sqlite3_errmsg(db);
  }
  if (param) sqlite3_bind_int64(st, 1, *param);
  std::string out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const unsigned char* t = sqlite3_column_text(st, c);
      out += (c ? "|" : "") + std::string(t ? reinterpret_cast<const char*>(t) : "NULL");
    }
    out += "\n";
  }
  if (rc != SQLITE_DONE) out = std::string("error: ") + sqlite3_errmsg(db);
  sqlite3_finalize(st);
  return out;
}

inline constexpr char kSchema[] =
    "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name";

// Opens `path` with the default VFS, as the restarted server would (so the
// WAL is recovered), and looks for everything acknowledged.
inline Found Inspect(const std::string& path, const Acked& acked) {
  Found f;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    f.integrity = std::string("open failed: ") + sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return f;
  }
  f.integrity = Query(db, "PRAGMA integrity_check");
  f.user_version = std::atoi(Query(db, "PRAGMA user_version").c_str());
  f.schema = Query(db, kSchema);
  for (const auto& [id, title] : acked.vacancies) {
    if (Query(db, "SELECT title FROM vacancies WHERE id = ?1", id) != title + "\n") {
      f.missing.push_back("vacancy " + std::to_string(id) + " " + title);
    }
  }
  for (const auto& [id, vacancy] : acked.invitations) {
    if (Query(db, "SELECT vacancy_id FROM invitations WHERE id = ?1", id) !=
        std::to_string(vacancy) + "\n") {
      f.missing.push_back("invitation " + std::to_string(id));
    }
  }
  sqlite3_close_v2(db);
  return f;
}

}  // namespace cammio::testing
