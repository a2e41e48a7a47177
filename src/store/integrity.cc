#include "store/integrity.h"

#include <sqlite3.h>

#include <chrono>

#include "store/db.h"
#include "util/log.h"
#include "util/thread_priority.h"

namespace cammio {

Status CheckDatabaseIntegrity(const std::string& path, bool quick, const std::string& label) {
  const std::string name = label.empty() ? path : label;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  Status s;
  if (rc != SQLITE_OK) s = SqliteStatus(rc, "opening " + name);
  sqlite3_stmt* st = nullptr;
  if (s.ok()) {
    sqlite3_busy_timeout(db, 5000);
    // quick_check reads each page once, walking the b-trees (the pages on
    // the path from the root stay referenced, outside the cache's limit): a
    // larger cache serves no read twice. SQLite's default (2 MiB)
    // filled up by the check at every server start and, freed, stayed in
    // the malloc arena of the check's thread, under later small blocks of
    // other threads: 2.3 MiB of the idle server's 8 MiB RSS.
    if (quick) {
      rc = sqlite3_exec(db, "PRAGMA cache_size = -64", nullptr, nullptr, nullptr);  // KiB
      if (rc != SQLITE_OK) s = SqliteStatus(rc, "integrity check of " + name);
    }
  }
  if (s.ok()) {
    rc = sqlite3_prepare_v2(db, quick ? "PRAGMA quick_check" : "PRAGMA integrity_check", -1, &st,
                            nullptr);
    if (rc != SQLITE_OK) s = SqliteStatus(rc, "integrity check of " + name);
  }
  if (s.ok()) {
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
      s = SqliteStatus(rc, "integrity check of " + name);
    } else {
      std::string answer = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      if (answer != "ok") s = Status::IoError(name + " fails its integrity check: " + answer);
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return s;
}

DatabaseIntegrity::~DatabaseIntegrity() { Wait(); }

void DatabaseIntegrity::StartCheck(const std::string& db_path) {
  Wait();
  Set(State::kChecking, "");
  worker_ = std::thread([this, db_path] {
    // Requests first: a server restarted under load must not lose a CPU (or
    // the disk) to the check for the seconds it reads the file.
    if (Status p = util::EnterBackgroundPriority(); !p.ok()) {
      LogWarn("the database check runs at normal priority: " + p.details());
    }
    auto start = std::chrono::steady_clock::now();
    Status s = CheckDatabaseIntegrity(db_path, /*quick=*/true);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    {
      std::lock_guard<std::mutex> lock(mu_);
      snap_.state = s.ok() ? State::kOk : State::kFailed;
      snap_.detail = s.ok() ? "" : s.details();
      snap_.seconds = secs;
    }
    char took[32];
    std::snprintf(took, sizeof took, "%.1f s", secs);
    if (s.ok()) {
      LogInfo(std::string("database quick_check passed (") + took + ")");
    } else {
      LogWarn("the database FAILED its integrity check (quick_check, " + std::string(took) +
              "): " + s.details() +
              ". The server keeps serving what it can read; stop it, copy the data directory"
              " aside and restore the last good backup (docs/operations.md, \"Damaged"
              " database\")");
    }
  });
}

void DatabaseIntegrity::Wait() {
  if (worker_.joinable()) worker_.join();
}

DatabaseIntegrity::Snapshot DatabaseIntegrity::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snap_;
}

void DatabaseIntegrity::Set(State state, const std::string& detail) {
  std::lock_guard<std::mutex> lock(mu_);
  snap_.state = state;
  snap_.detail = detail;
  snap_.seconds = 0;
}

const char* IntegrityStateName(DatabaseIntegrity::State s) {
  switch (s) {
    case DatabaseIntegrity::State::kNotChecked:
      return "not checked";
    case DatabaseIntegrity::State::kChecking:
      return "checking";
    case DatabaseIntegrity::State::kOk:
      return "ok";
    case DatabaseIntegrity::State::kFailed:
      return "failed";
  }
  return "not checked";
}

}  // namespace cammio
