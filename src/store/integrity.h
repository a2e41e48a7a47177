// Integrity checks of the database file.
//
// CheckDatabaseIntegrity runs PRAGMA integrity_check (or quick_check) on a
// file of its own connection: `cammio check`, `cammio backup` and `cammio
// restore` use it.
//
// DatabaseIntegrity is the integrity seen by a running server: `cammio serve` runs
// PRAGMA quick_check once at start, on a thread of its own and a read-only
// connection of its own, so the start is not delayed however large the
// database is (quick_check reads every page once: roughly the time to read
// the file). That thread runs in the idle CPU and I/O classes
// (util/thread_priority.h): requests come first, the check takes what is left. The result is logged (a warning when the check fails) and shown
// by GET /healthz ("status": "degraded" with a reason) and GET /metrics
// (cammio_database_integrity_ok 1 or 0, once the check has finished). The
// full PRAGMA integrity_check (also index against table) is what
// `cammio check` and `cammio backup` run. See docs/operations.md.
//
// One instance per server, made by its owner (`cammio serve`, a test server)
// and handed to the handlers through ServerContext::integrity: no global.
//
// Thread-safety: CheckDatabaseIntegrity is thread-safe. Get and Set are
// thread-safe (one mutex); StartCheck and Wait are called from one thread
// (the server's main thread).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "cammio/status.h"

namespace cammio {

// PRAGMA integrity_check (with `quick`: PRAGMA quick_check, which skips
// comparing indexes with their tables) on the database file at `path`,
// opened read-only. OK when SQLite answers "ok"; IoError with its first
// complaint otherwise. `label` names the database in the complaint
// (default: `path`).
Status CheckDatabaseIntegrity(const std::string& path, bool quick = false,
                              const std::string& label = "");

class DatabaseIntegrity {
 public:
  enum class State { kNotChecked, kChecking, kOk, kFailed };
  struct Snapshot {
    State state = State::kNotChecked;
    std::string detail;  // SQLite's first complaint when kFailed
    double seconds = 0;  // duration of the finished check
  };

  DatabaseIntegrity() = default;
  ~DatabaseIntegrity();  // Joins a check in progress.
  DatabaseIntegrity(const DatabaseIntegrity&) = delete;
  DatabaseIntegrity& operator=(const DatabaseIntegrity&) = delete;

  // Starts PRAGMA quick_check of the database file at `db_path` in the
  // background (state kChecking, then kOk or kFailed). A check in progress is
  // waited for first.
  void StartCheck(const std::string& db_path);
  // Waits for a check in progress (for shutdown and tests).
  void Wait();
  Snapshot Get() const;
  // Sets the state directly (tests; kNotChecked resets).
  void Set(State state, const std::string& detail);

 private:
  mutable std::mutex mu_;
  Snapshot snap_;
  std::thread worker_;
};

// "not checked", "checking", "ok", "failed".
const char* IntegrityStateName(DatabaseIntegrity::State s);

}  // namespace cammio
