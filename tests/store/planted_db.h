// PlantedDb: a migrated database in a temporary directory and a connection of
// its own with foreign keys off, so a store test can plant exactly the rows it
// needs (an interview without its vacancy, an outbox row without its account)
// and call one store function on them.
//
// Thread-safety: one test thread.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "store/db.h"
#include "store/store.h"
#include "testing/test_support.h"

namespace cammio::testing {

struct PlantedDb {
  TempDir dir;
  std::unique_ptr<Db> db;
  PlantedDb() {
    StoreOptions so;
    so.path = dir.path() + "/cammio.db";
    auto store = Store::Open(so);
    REQUIRE(store.ok());
    store.value()->Close();
    auto opened = Db::Open(so.path, Db::Options());
    REQUIRE(opened.ok());
    db = std::move(opened.value());
    REQUIRE(db->Exec("PRAGMA foreign_keys = OFF").ok());
  }
  // Runs `sql` (one or more statements); fails the test on an error.
  void Plant(const std::string& sql) {
    Status s = db->Exec(sql.c_str());
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  }
};

// An INSERT of interview `id` of `account` that ended at `end` (epoch
// seconds), with placeholder vacancy and candidate 1: for PlantedDb::Plant.
inline std::string InterviewInsert(int64_t id, int64_t account, int64_t end) {
  const std::string n = std::to_string(id), a = std::to_string(account), e = std::to_string(end);
  return "INSERT INTO interviews (id, account_id, vacancy_id, candidate_id, datetime_start_ts,"
         " datetime_end_ts, created_at, updated_at) VALUES (" +
         n + ", " + a + ", 1, 1, 0, " + e + ", 0, 0);";
}

}  // namespace cammio::testing
