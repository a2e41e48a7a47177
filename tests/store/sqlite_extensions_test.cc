// src/store/sqlite_extensions.cc: the SQLite extensions left out of the link
// (FTS3/4, FTS5, R*Tree, dbstat) are absent on a connection, and what the
// store uses of SQLite's built-ins (JSON functions, ordinary tables) works.
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
