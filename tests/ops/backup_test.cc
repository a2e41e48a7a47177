// Backups, restore and the pre-migration backup (src/ops/backup.h,
// restore.h, pre_migration.h, tar.h, data_lock.h).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "ops/backup.h"
#include "ops/data_lock.h"
#include "ops/ops_fixture.h"
#include "ops/pre_migration.h"
#include "ops/restore.h"
#include "ops/tar.h"
#include "store/integrity.h"
#include "store/migrate.h"
#include "util/fs.h"
#include "util/log.h"

namespace cammio {
namespace {

using testing::OpenTestStore;
using testing::ReadFile;
using testing::Scalar;
using testing::TempDir;

void FlipByte(const std::string& path, off_t at) {
  int fd = ::open(path.c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  char c = 0;
  REQUIRE(::pread(fd, &c, 1, at) == 1);
  c ^= 0x20;
  REQUIRE(::pwrite(fd, &c, 1, at) == 1);
  ::close(fd);
}

TEST_CASE("ops tar: members round-trip, names are checked, corruption is refused") {
  TempDir dir;
  const std::string path = dir.path() + "/t.tar";
  std::string big(70000, 'x');
  big[12345] = 'y';
  std::string long_name = std::string(120, 'a') + "/b.bin";
  {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    ops::TarWriter w(fd, path);
    std::string sha;
    CHECK(w.AddBytes("small.txt", "hello", 1, &sha).ok());
    CHECK(sha == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    CHECK(w.AddBytes(long_name, big, 2, nullptr).ok());
    CHECK(w.AddBytes("../escape", "x", 3, nullptr).code() == Status::Code::kInvalidArgument);
    CHECK(w.Finish().ok());
    ::close(fd);
  }
  // GNU tar reads it (the format is plain ustar).
  CHECK(std::system(("tar tf " + path + " > " + dir.path() + "/list").c_str()) == 0);
  CHECK(ReadFile(dir.path() + "/list") == "small.txt\n" + long_name + "\n");
  int fd = ::open(path.c_str(), O_RDONLY);
  ops::TarReader r(fd, path);
  ops::TarEntry e;
  bool more = false;
  REQUIRE(r.Next(&e, &more).ok());
  CHECK(more);
  CHECK(e.name == "small.txt");
  REQUIRE(r.Next(&e, &more).ok());  // skips small.txt's data unread
  CHECK(e.name == long_name);
  std::string got;
  REQUIRE(r.ReadData(
               [&](const char* d, size_t n) {
                 got.append(d, n);
                 return Status::OK();
               },
               nullptr)
              .ok());
  CHECK(got == big);
  REQUIRE(r.Next(&e, &more).ok());
  CHECK_FALSE(more);
  ::close(fd);

  CHECK_FALSE(ops::IsSafeMemberName("/etc/passwd"));
  CHECK_FALSE(ops::IsSafeMemberName("a/../b"));
  CHECK_FALSE(ops::IsSafeMemberName("a//b"));
  CHECK(ops::IsSafeMemberName("media/12/34.webm"));

  FlipByte(path, 3);  // inside the first header's name
  fd = ::open(path.c_str(), O_RDONLY);
  ops::TarReader bad(fd, path);
  Status s = bad.Next(&e, &more);
  CHECK(s.code() == Status::Code::kIoError);
  CHECK(s.details().find("checksum") != std::string::npos);
  ::close(fd);
}

TEST_CASE("ops backup: a snapshot taken while writes continue restores to a consistent copy") {
  SetLogQuiet(true);
  TempDir dir;
  const std::string data = dir.path() + "/data";
  REQUIRE(MakeDirs(data).ok());
  auto store = OpenTestStore(data);
  auto acc = testing::SeedAccountWithVacancy(data, "Agency");
  auto seeded = testing::SeedInterview(data, acc, "ann@cand.test", 5000);
  // Writers keep committing while the backup runs.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      store->Write(
          [&](Db& db) { return CreateAccount(db, "busy " + std::to_string(i), 2000).status(); });
    }
  });
  const std::string archive = dir.path() + "/backup.tar";
  ops::Manifest m;
  Status s = ops::BackupDataDir(data, archive, 7000, &m);
  stop = true;
  writer.join();
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(m.kind == "full");
  CHECK(m.schema_version == store->schema_version());
  CHECK(m.members.size() == 1 + seeded.files.size());  // cammio.db + media
  CHECK_FALSE(PathExists(archive + ".partial"));
  CHECK(ops::BackupDataDir(data, archive, 7000, nullptr).code() ==
        Status::Code::kInvalidArgument);  // never overwrites

  ops::Manifest verified;
  REQUIRE(ops::VerifyBackup(archive, &verified).ok());
  CHECK(verified.members.size() == m.members.size());

  // Restore into a fresh directory: the same rows as some moment of the
  // source, integrity ok, media files identical.
  const std::string target = dir.path() + "/restored";
  ops::RestoreResult rr;
  s = ops::RestoreBackup(archive, target, 8000, &rr);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(rr.previous_dir.empty());
  CHECK(CheckDatabaseIntegrity(target + "/cammio.db").ok());
  auto restored = OpenTestStore(target);
  CHECK(Scalar(*restored, "SELECT COUNT(*) FROM interviews") == 1);
  CHECK(Scalar(*restored, "SELECT COUNT(*) FROM accounts") >= 1);
  CHECK(Scalar(*restored, "SELECT COUNT(*) FROM accounts") <=
        Scalar(*store, "SELECT COUNT(*) FROM accounts"));
  for (const auto& f : seeded.files) {
    std::string rel = f.substr(data.size());
    CHECK(ReadFile(target + rel) == ReadFile(f));
  }
  restored->Close();
  store->Close();
}

TEST_CASE("ops restore: verifies first, refuses a running server, keeps the old data aside") {
  SetLogQuiet(true);
  TempDir dir;
  const std::string data = dir.path() + "/data";
  REQUIRE(MakeDirs(data).ok());
  OpenTestStore(data)->Close();  // creates the schema
  auto acc = testing::SeedAccountWithVacancy(data, "Agency");
  auto seeded = testing::SeedInterview(data, acc, "ann@cand.test", 5000);
  const std::string archive = dir.path() + "/b.tar";
  REQUIRE(ops::BackupDataDir(data, archive, 7000, nullptr).ok());
  // Changes after the backup: restoring brings back the backed-up state.
  testing::SeedInterview(data, acc, "bob@cand.test", 6000);
  testing::WriteTestFile(data + "/media/extra.bin", "later");

  SUBCASE("a server holding the data directory makes restore refuse and change nothing") {
    auto lock = ops::DataDirLock::Acquire(data);
    REQUIRE(lock.ok());
    CHECK(ops::DataDirLock::IsHeld(data));
    Status s = ops::RestoreBackup(archive, data, 8000, nullptr);
    CHECK(s.code() == Status::Code::kUnavailable);
    CHECK(s.details().find("running") != std::string::npos);
    CHECK(PathExists(data + "/media/extra.bin"));
  }
  SUBCASE("a corrupt archive is refused before anything is touched") {
    auto size = FileSize(archive);
    REQUIRE(size.ok());
    FlipByte(archive, 512 + 100);  // inside cammio.db's data
    Status s = ops::RestoreBackup(archive, data, 8000, nullptr);
    CHECK(s.code() == Status::Code::kIoError);
    CHECK(s.details().find("checksum") != std::string::npos);
    CHECK(PathExists(data + "/media/extra.bin"));
    CHECK_FALSE(PathExists(data + "/.restore-staging"));
    auto store = OpenTestStore(data);
    CHECK(Scalar(*store, "SELECT COUNT(*) FROM interviews") == 2);
  }
  SUBCASE("a truncated archive is refused") {
    REQUIRE(::truncate(archive.c_str(), *FileSize(archive) - 2048) == 0);
    CHECK_FALSE(ops::VerifyBackup(archive, nullptr).ok());
    CHECK_FALSE(ops::RestoreBackup(archive, data, 8000, nullptr).ok());
    CHECK(PathExists(data + "/media/extra.bin"));
  }
  SUBCASE("a good archive replaces database and media; the old ones are kept aside") {
    ops::RestoreResult rr;
    Status s = ops::RestoreBackup(archive, data, 8000, &rr);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    CHECK(rr.previous_dir == data + "/pre-restore-19700101T021320Z");
    CHECK(PathExists(rr.previous_dir + "/cammio.db"));
    CHECK(PathExists(rr.previous_dir + "/media/extra.bin"));
    CHECK_FALSE(PathExists(data + "/media/extra.bin"));
    for (const auto& f : seeded.files) CHECK(PathExists(f));
    auto store = OpenTestStore(data);
    CHECK(Scalar(*store, "SELECT COUNT(*) FROM interviews") == 1);
    CHECK(Scalar(*store, "SELECT COUNT(*) FROM candidates WHERE email = 'bob@cand.test'") == 0);
    // The lock was released: a server could start now.
    CHECK_FALSE(ops::DataDirLock::IsHeld(data));
  }
}

TEST_CASE("ops restore: a backup from a newer schema is refused") {
  SetLogQuiet(true);
  TempDir dir;
  const std::string data = dir.path() + "/data";
  REQUIRE(MakeDirs(data).ok());
  {
    auto db = Db::Open(data + "/cammio.db", Db::Options());
    REQUIRE(db.ok());
    REQUIRE((*db)->Exec("CREATE TABLE t (x); PRAGMA user_version = 999;").ok());
  }
  const std::string archive = dir.path() + "/new.tar";
  REQUIRE(ops::BackupDataDir(data, archive, 1, nullptr).ok());
  Status s = ops::RestoreBackup(archive, dir.path() + "/other", 2, nullptr);
  CHECK(s.code() == Status::Code::kUnavailable);
  CHECK(s.details().find("999") != std::string::npos);
  CHECK_FALSE(PathExists(dir.path() + "/other/cammio.db"));
}

// The first `n` embedded migrations.
std::vector<Migration> FirstMigrations(int n) {
  auto all = EmbeddedMigrations();
  REQUIRE(static_cast<int>(all.size()) >= n);
  all.resize(static_cast<size_t>(n));
  return all;
}

TEST_CASE("ops migrate: an upgrade is backed up first; a failed upgrade leaves the old version") {
  SetLogQuiet(true);
  TempDir dir;
  const std::string path = dir.path() + "/cammio.db";
  auto db = Db::Open(path, Db::Options());
  REQUIRE(db.ok());
  int v = 0;
  REQUIRE(Migrate(**db, FirstMigrations(6), &v).ok());
  REQUIRE(v == 6);
  REQUIRE((*db)->Exec("INSERT INTO accounts (name, created_at) VALUES ('Old', 1)").ok());
  CHECK_FALSE(PathExists(dir.path() + "/backups"));  // a fresh database needs none

  auto next = FirstMigrations(6);
  next.push_back({7, "007_fine.sql", "CREATE TABLE seven (x INTEGER);"});
  next.push_back({8, "008_broken.sql", "CREATE TABLE eight (y); INSERT INTO nowhere VALUES (1);"});
  Status s = Migrate(**db, next, &v, ops::BackupBeforeMigrations);
  CHECK_FALSE(s.ok());
  CHECK(s.details().find("008_broken.sql") != std::string::npos);
  {
    Stmt st = (*db)->Prepare("PRAGMA user_version");
    Status r;
    REQUIRE(st.Step(&r));
    CHECK(st.Int(0) == 6);  // not 7: the whole upgrade rolled back
  }
  CHECK((*db)->Exec("CREATE TABLE seven (x INTEGER)").ok());  // 007 left nothing behind
  CHECK((*db)->Exec("DROP TABLE seven").ok());

  auto backups = ListFiles(dir.path() + "/backups");
  REQUIRE(backups.ok());
  REQUIRE(backups->size() == 1);
  const std::string archive = dir.path() + "/backups/" + backups->front();
  CHECK(archive.find("-v006-v008.tar") != std::string::npos);
  ops::Manifest m;
  REQUIRE(ops::VerifyBackup(archive, &m).ok());
  CHECK(m.kind == "pre-migration");
  CHECK_FALSE(m.includes_media);
  CHECK(m.schema_version == 6);

  // A good upgrade: another backup, and the new version; old ones pruned
  // beyond kKeepPreMigrationBackups.
  next.back() = {8, "008_ok.sql", "CREATE TABLE eight (y);"};
  REQUIRE(Migrate(**db, next, &v, ops::BackupBeforeMigrations).ok());
  CHECK(v == 8);
  backups = ListFiles(dir.path() + "/backups");
  CHECK(backups->size() == 2);
  for (int i = 9; i <= 12; ++i) {
    next.push_back({i, "0xx.sql", "SELECT 1;"});
    REQUIRE(Migrate(**db, next, &v, ops::BackupBeforeMigrations).ok());
  }
  backups = ListFiles(dir.path() + "/backups");
  CHECK(backups->size() == static_cast<size_t>(ops::kKeepPreMigrationBackups));
}

}  // namespace
}  // namespace cammio
