// Power-loss tests of the migrations: SQLite on a VFS that keeps every write
// in memory until it is synced (tests/testing/lossy_vfs.h); at a random write
// or sync the power fails, everything unsynced is lost (or a random part of
// it reaches the disk). Migrations cut by a power failure must leave a
// complete schema version, never a half-migrated one. (Writes acknowledged
// over HTTP: tests/api/power_loss_test.cc.)
//
// Seeded: CAMMIO_POWER_LOSS_SEED=<n> repeats a run's crash points.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "store/db.h"
#include "store/migrate.h"
#include "testing/lossy_vfs.h"
#include "testing/power_loss.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

using testing::Found;
using testing::Inspect;
using testing::LossyVfs;
using testing::QuietLogs;
using testing::Seed;
using testing::TempDir;

// ------------------------------------------------------------------ migrations

// Brings a database at `path` to migration `version` (0: empty) with the
// default VFS. synchronous=OFF: only a reference, not under test.
void MigrateTo(const std::string& path, const std::vector<Migration>& all, size_t version) {
  Db::Options o;
  o.unsafe_synchronous_off = true;
  auto db = Db::Open(path, o);
  REQUIRE(db.ok());
  int v = 0;
  std::vector<Migration> prefix(all.begin(), all.begin() + static_cast<ptrdiff_t>(version));
  Status s = Migrate(*db.value(), prefix, &v);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
}

// Opens `path` on the lossy VFS and migrates it to the latest version, the
// power failing at mutating call `crash_at` (or after the migrations).
// Returns the mutating calls made.
int64_t MigrateLossy(const std::string& path, const std::vector<Migration>& all,
                     LossyVfs::Mode mode, uint64_t seed, int64_t crash_at) {
  LossyVfs vfs("lossy-migrate", mode, seed);
  vfs.ArmCrash(crash_at);
  {
    Db::Options o;
    o.vfs = vfs.name();
    auto db = Db::Open(path, o);
    int v = 0;
    if (db.ok()) Migrate(*db.value(), all, &v);
  }
  int64_t calls = vfs.counts().mutations;
  vfs.CrashNow();
  return calls;
}

TEST_CASE("power loss during migrations leaves one whole schema version") {
  QuietLogs quiet;
  uint64_t seed = Seed();
  std::mt19937_64 rng(seed);
  const std::vector<Migration> all = EmbeddedMigrations();
  const size_t latest = all.size();
  TempDir dir;
  // The schema of every version, and what migrating costs in mutating calls
  // from empty (one transaction per migration) and from version 1 (all
  // pending migrations in one transaction, after a backup).
  std::vector<std::string> reference;
  for (size_t v = 0; v <= latest; ++v) {
    std::string path = dir.path() + "/ref" + std::to_string(v) + ".db";
    MigrateTo(path, all, v);
    reference.push_back(Inspect(path, {}).schema);
  }
  int64_t fresh_calls =
      MigrateLossy(dir.path() + "/fresh.db", all, LossyVfs::Mode::kDiscard, seed, 0);
  MigrateTo(dir.path() + "/upgrade.db", all, 1);
  int64_t upgrade_calls =
      MigrateLossy(dir.path() + "/upgrade.db", all, LossyVfs::Mode::kDiscard, seed, 0);
  REQUIRE(fresh_calls > 0);
  REQUIRE(upgrade_calls > 0);

  constexpr int kIterations = 60;
  int upgrades_kept_old = 0, upgrades_done = 0;
  for (int i = 0; i < kIterations; ++i) {
    TempDir run;
    std::string path = run.path() + "/cammio.db";
    bool upgrade = i % 2 == 1;
    size_t from = 0;
    if (upgrade) {
      from = std::uniform_int_distribution<size_t>(1, latest - 1)(rng);
      MigrateTo(path, all, from);
    }
    int64_t crash_at =
        std::uniform_int_distribution<int64_t>(1, upgrade ? upgrade_calls : fresh_calls)(rng);
    auto mode = i % 4 < 2 ? LossyVfs::Mode::kDiscard : LossyVfs::Mode::kRandomSubset;
    MigrateLossy(path, all, mode, seed + static_cast<uint64_t>(i), crash_at);
    Found f = Inspect(path, {});
    INFO("seed " << seed << ", iteration " << i << ", from version " << from
                 << ", crash at mutating call " << crash_at);
    CHECK(f.integrity == "ok\n");
    REQUIRE(f.user_version >= 0);
    REQUIRE(static_cast<size_t>(f.user_version) <= latest);
    CHECK(f.schema == reference[static_cast<size_t>(f.user_version)]);
    if (upgrade) {
      CHECK((static_cast<size_t>(f.user_version) == from ||
             static_cast<size_t>(f.user_version) == latest));
      ++(static_cast<size_t>(f.user_version) == from ? upgrades_kept_old : upgrades_done);
    }
  }
  MESSAGE("migrations: seed " << seed << ", " << kIterations << " power failures; " << fresh_calls
                              << " mutating calls migrate an empty database, " << upgrade_calls
                              << " an upgrade from v1; upgrades left at the old "
                              << "version " << upgrades_kept_old << ", at the new "
                              << upgrades_done);
  CHECK(upgrades_kept_old > 0);
}

}  // namespace
}  // namespace cammio
