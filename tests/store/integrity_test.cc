// src/store/integrity.cc: the quick check that `cammio serve` runs at every
// start reads the whole file through a small page cache (SQLite's default
// cache filled up and stayed in the idle server's RSS), while the full
// integrity_check keeps the default one.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <memory>
#include <string>

#include "store/db.h"
#include "store/integrity.h"
#include "testing/sqlite_memory.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

constexpr sqlite3_int64 kMiB = 1024 * 1024;

// A database of about 8 MiB: four times SQLite's default page cache.
std::string MakeDatabase(const testing::TempDir& dir) {
  const std::string path = dir.path() + "/big.db";
  auto db = Db::Open(path, Db::Options());
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  Status s = (*db)->Exec(
      "CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB);"
      "CREATE INDEX blobs_body ON blobs (substr(body, 1, 16));"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
      "INSERT INTO blobs (body) SELECT randomblob(3000) FROM n;");
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return path;
}

// SQLite's peak memory in use while `check` runs, beyond what was in use
// before (counted by tests/testing/sqlite_memory.h).
template <typename F>
sqlite3_int64 PeakGrowth(F check) {
  REQUIRE(testing::SqliteMemoryCounted());
  const sqlite3_int64 before = testing::SqliteMemoryInUse();
  testing::SqliteMemoryPeak(/*reset=*/true);
  check();
  return testing::SqliteMemoryPeak(/*reset=*/false) - before;
}

TEST_CASE("integrity: the quick check reads the file through a small page cache") {
  testing::TempDir dir;
  const std::string path = MakeDatabase(dir);
  Status quick;
  const sqlite3_int64 quick_peak =
      PeakGrowth([&] { quick = CheckDatabaseIntegrity(path, /*quick=*/true); });
  CHECK_MESSAGE(quick.ok(), quick.ToString());
  CHECK_MESSAGE(quick_peak < kMiB / 2, "quick_check peak " << quick_peak << " B");
  // The control: the full check, with SQLite's default cache, does fill it.
  Status full;
  const sqlite3_int64 full_peak =
      PeakGrowth([&] { full = CheckDatabaseIntegrity(path, /*quick=*/false); });
  CHECK_MESSAGE(full.ok(), full.ToString());
  CHECK_MESSAGE(full_peak > kMiB, "integrity_check peak " << full_peak << " B");
}

}  // namespace
}  // namespace cammio
