#include "ops/integrity.h"

#include <chrono>

#include "ops/restore.h"
#include "util/log.h"

namespace cammio::ops {

DatabaseIntegrity& DatabaseIntegrity::Global() {
  static DatabaseIntegrity* g = new DatabaseIntegrity();  // never destroyed: no exit-time join
  return *g;
}

DatabaseIntegrity::~DatabaseIntegrity() { Wait(); }

void DatabaseIntegrity::StartCheck(const std::string& db_path) {
  Wait();
  Set(State::kChecking, "");
  worker_ = std::thread([this, db_path] {
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

}  // namespace cammio::ops
