// cli::OpenDataStore wires the pre-migration backup into the store
// (StoreOptions::before_migration): the store itself no longer knows about
// ops, so this is the test that the composition root still asks for it.
#include <doctest/doctest.h>

#include "cli/cli.h"
#include "config/config.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/store.h"
#include "testing/test_support.h"
#include "util/fs.h"
#include "util/log.h"

namespace cammio {
namespace {

TEST_CASE("cli OpenDataStore: upgrading an existing database takes a pre-migration backup") {
  SetLogQuiet(true);
  testing::TempDir dir;
  Config config;
  config.data_dir = dir.path();
  {
    // An older database with a row: the first migrations only.
    auto db = Db::Open(dir.path() + "/cammio.db", Db::Options());
    REQUIRE(db.ok());
    auto all = EmbeddedMigrations();
    REQUIRE(all.size() >= 2);
    all.resize(all.size() - 1);
    int v = 0;
    REQUIRE(Migrate(**db, all, &v).ok());
    REQUIRE((*db)->Exec("INSERT INTO accounts (name, created_at) VALUES ('Old', 1)").ok());
  }
  CHECK_FALSE(PathExists(dir.path() + "/backups"));
  auto store = OpenDataStore(config);
  REQUIRE(store.ok());
  auto backups = ListFiles(dir.path() + "/backups");
  REQUIRE(backups.ok());
  REQUIRE(backups->size() == 1);
  CHECK(backups->front().find("pre-migration-") == 0);
}

TEST_CASE("cli OpenDataStore: a new database needs no backup") {
  SetLogQuiet(true);
  testing::TempDir dir;
  Config config;
  config.data_dir = dir.path();
  auto store = OpenDataStore(config);
  REQUIRE(store.ok());
  CHECK_FALSE(PathExists(dir.path() + "/backups"));
}

}  // namespace
}  // namespace cammio
