// Backups of a damaged database, and the certificate in backups
// (src/ops/backup.h, restore.h; docs/operations.md "Damaged database",
// "Backups and the certificate"). The CLI and server side are in
// tests/shell/integrity_test.sh.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include "ops/backup.h"
#include "ops/ops_fixture.h"
#include "ops/restore.h"
#include "store/integrity.h"
#include "util/fs.h"

namespace cammio {
namespace {

using testing::OpenTestStore;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteTestFile;

// Overwrites the header and cell pointers of the root page of `index` in the
// database file (checkpointed first, so the log does not supersede it).
void DamageIndex(const std::string& path, const std::string& index) {
  int64_t root = 0, page_size = 0;
  {
    auto db = Db::Open(path, Db::Options());
    REQUIRE(db.ok());
    REQUIRE((*db)->Exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
    Status s;
    Stmt r = (*db)->Prepare("SELECT rootpage FROM sqlite_master WHERE name = ?");
    r.Bind(1, index);
    REQUIRE(r.Step(&s));
    root = r.Int(0);
    Stmt p = (*db)->Prepare("PRAGMA page_size");
    REQUIRE(p.Step(&s));
    page_size = p.Int(0);
  }
  int fd = ::open(path.c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  std::string junk(64, '\xff');
  REQUIRE(::pwrite(fd, junk.data(), junk.size(), (root - 1) * page_size) == 64);
  ::close(fd);
}

TEST_CASE("ops backup: a database failing its integrity check is not backed up") {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  REQUIRE(MakeDirs(data).ok());
  OpenTestStore(data).reset();
  testing::SeedAccountWithVacancy(data, "Agency");
  DamageIndex(data + "/cammio.db", "guests_invitation");

  const std::string archive = dir.path() + "/b.tar";
  Status s = ops::BackupDataDir(data, archive, 7000, nullptr);
  CHECK(s.code() == Status::Code::kIoError);
  CHECK(s.details().find("fails its integrity check") != std::string::npos);
  CHECK(s.details().find("no backup was written") != std::string::npos);
  CHECK_FALSE(PathExists(archive));
  CHECK_FALSE(PathExists(archive + ".partial"));
  CHECK_FALSE(PathExists(archive + ".db-partial"));

  // The server's start check (quick_check) sees the same damage.
  DatabaseIntegrity integrity;
  integrity.StartCheck(data + "/cammio.db");
  integrity.Wait();
  CHECK(integrity.Get().state == DatabaseIntegrity::State::kFailed);
  CHECK_FALSE(integrity.Get().detail.empty());
}

TEST_CASE("ops backup: tls/ only on request; restore puts it back only on request") {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  REQUIRE(MakeDirs(data).ok());
  OpenTestStore(data).reset();
  WriteTestFile(data + "/tls/cert.pem", "CERT");
  WriteTestFile(data + "/tls/key.pem", "KEY");

  DatabaseIntegrity integrity;
  integrity.StartCheck(data + "/cammio.db");
  integrity.Wait();
  CHECK(integrity.Get().state == DatabaseIntegrity::State::kOk);

  ops::Manifest plain, with_tls;
  REQUIRE(ops::BackupDataDir(data, dir.path() + "/plain.tar", 1, &plain).ok());
  CHECK_FALSE(plain.includes_tls);
  REQUIRE(ops::BackupDataDir(data, dir.path() + "/tls.tar", 1, &with_tls, true).ok());
  CHECK(with_tls.includes_tls);
  ops::Manifest verified;
  REQUIRE(ops::VerifyBackup(dir.path() + "/tls.tar", &verified).ok());
  CHECK(verified.includes_tls);
  CHECK(verified.members.size() == 3);  // cammio.db, tls/cert.pem, tls/key.pem

  // A manifest written before includes_tls existed reads as false.
  std::string old_json = ops::ManifestToJson(plain);
  const std::string field = "\"includes_tls\":false,";
  REQUIRE(old_json.find(field) != std::string::npos);
  old_json.erase(old_json.find(field), field.size());
  auto old = ops::ManifestFromJson(old_json);
  REQUIRE(old.ok());
  CHECK_FALSE(old->includes_tls);

  ops::RestoreOptions put_back;
  put_back.restore_tls = true;
  const std::string fresh = dir.path() + "/fresh";
  CHECK(ops::RestoreBackup(dir.path() + "/plain.tar", fresh, 2, nullptr, put_back).code() ==
        Status::Code::kInvalidArgument);
  CHECK_FALSE(PathExists(fresh + "/cammio.db"));

  ops::RestoreResult rr;
  REQUIRE(ops::RestoreBackup(dir.path() + "/tls.tar", fresh, 2, &rr).ok());
  CHECK_FALSE(rr.tls_restored);
  CHECK_FALSE(PathExists(fresh + "/tls"));

  // Over an existing tls/: the archive's goes in, the current one aside.
  WriteTestFile(fresh + "/tls/key.pem", "OTHER KEY");
  REQUIRE(ops::RestoreBackup(dir.path() + "/tls.tar", fresh, 3, &rr, put_back).ok());
  CHECK(rr.tls_restored);
  CHECK(ReadFile(fresh + "/tls/key.pem") == "KEY");
  CHECK(ReadFile(fresh + "/tls/cert.pem") == "CERT");
  CHECK(ReadFile(rr.previous_dir + "/tls/key.pem") == "OTHER KEY");
}

}  // namespace
}  // namespace cammio
