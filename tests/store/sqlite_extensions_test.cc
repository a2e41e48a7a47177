// src/store/sqlite_extensions.cc: the SQLite extensions left out of the link
// (FTS3/4, FTS5, R*Tree, dbstat) are absent on a connection, and what the
// store uses of SQLite's built-ins (JSON functions, ordinary tables) works.
// src/store/db.cc: SQLite's process-wide settings are in force.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "store/db.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

std::unique_ptr<Db> OpenTemp(const testing::TempDir& dir) {
  auto db = Db::Open(dir.path() + "/x.db", Db::Options());
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  return std::move(db.value());
}

TEST_CASE("sqlite: the extensions left out of the link are absent on a connection") {
  testing::TempDir dir;
  auto db = OpenTemp(dir);
  for (const char* module : {"fts3", "fts4", "fts5", "rtree"}) {
    const std::string sql = std::string("CREATE VIRTUAL TABLE v_") + module + " USING " + module +
                            (std::string(module) == "rtree" ? "(id, x0, x1)" : "(body)");
    Status s = db->Exec(sql.c_str());
    INFO(sql);
    CHECK_FALSE(s.ok());
    CHECK_MESSAGE(s.ToString().find(std::string("no such module: ") + module) != std::string::npos,
                  s.ToString());
  }
  Status s = db->Exec("CREATE TABLE sizes AS SELECT name FROM dbstat");
  CHECK_FALSE(s.ok());
  CHECK_MESSAGE(s.ToString().find("no such table: dbstat") != std::string::npos, s.ToString());
}

TEST_CASE("sqlite: memory statistics are off for the whole process") {
  // Set during static initialization, before SQLite initialized: it refuses
  // the setting afterwards, and opening a connection initializes it.
  CHECK(SqliteConfigured());
  testing::TempDir dir;
  auto db = OpenTemp(dir);
  CHECK(sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1) == SQLITE_MISUSE);
  REQUIRE(db->Exec("CREATE TABLE t(b BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
                   "SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO t SELECT randomblob(500) "
                   "FROM n;")
              .ok());
  // With statistics on, SQLite counts every byte it holds: the connection,
  // its schema and a page cache of a megabyte. Off, nothing is counted.
  CHECK(sqlite3_memory_used() == 0);
  CHECK(sqlite3_memory_highwater(0) == 0);
}

TEST_CASE("sqlite: ordinary tables and the JSON functions work without the extensions") {
  testing::TempDir dir;
  auto db = OpenTemp(dir);
  REQUIRE(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, doc TEXT)").ok());
  REQUIRE(db->Exec("INSERT INTO t (doc) VALUES ('{\"a\":[1,2,3]}')").ok());
  auto st = db->PrepareDynamic(
      "SELECT json_extract(doc, '$.a[2]'), json_array_length(doc, '$.a') "
      "FROM t WHERE id = 1");
  REQUIRE(st.ok());
  Status step;
  REQUIRE(st->Step(&step));
  CHECK(st->Int(0) == 3);
  CHECK(st->Int(1) == 3);
}

}  // namespace
}  // namespace cammio
