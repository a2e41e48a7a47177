// Storage faults: a full disk answers 507, a read-only data directory 503,
// and neither corrupts or changes data. Faults are real where the kernel can
// make them (tests run as root: small tmpfs mounts, filled up or remounted
// read-only) and injected into SQLite where a running server's open files
// prevent a read-only remount (PRAGMA query_only makes every write fail with
// SQLITE_READONLY, exactly what SQLite reports for a read-only file).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ops/backup.h"
#include "ops/check.h"
#include "ops/ops_fixture.h"
#include "ops/restore.h"
#include "store/integrity.h"
#include "tls/certificate.h"
#include "util/crypto.h"
#include "util/fs.h"
#include "util/log.h"

namespace cammio {
namespace {

using testing::Scalar;
using testing::TempDir;

// A tmpfs of `size` mounted at `path` for the test's lifetime.
class Tmpfs {
 public:
  Tmpfs(const std::string& path, const std::string& size) : path_(path) {
    REQUIRE(MakeDirs(path).ok());
    std::string opts = "size=" + size + ",mode=0700";
    INFO("mount tmpfs at " << path << ": " << std::strerror(errno));
    REQUIRE(::mount("tmpfs", path.c_str(), "tmpfs", 0, opts.c_str()) == 0);
  }
  ~Tmpfs() { ::umount2(path_.c_str(), MNT_DETACH); }
  void ReadOnly() {
    INFO("remount read-only: " << std::strerror(errno));
    REQUIRE(::mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0);
  }

 private:
  std::string path_;
};

// Writes to `path` until the filesystem is full.
void FillUp(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  std::string chunk(4096, 'f');
  while (::write(fd, chunk.data(), chunk.size()) > 0) {
  }
  CHECK(errno == ENOSPC);
  ::close(fd);
}

std::string BigVacancy(const std::string& title) {
  return "{\"vacancy\": {\"title\": \"" + title +
         "\", \"datetime_start\": \"2013-07-28\","
         " \"datetime_end\": \"2013-07-29\", \"generic_invitation_text\": \"" +
         std::string(60000, 'x') + "\"}}";
}

// A server whose data directory is `dir` (TestServer always uses a new one).
struct ServerOn {
  // With `reuse_auth`, the directory is one a previous ServerOn set up
  // (certificate, account), which may since have become read-only.
  explicit ServerOn(const std::string& dir, const std::string& reuse_auth = "") {
    std::string cert = dir + "/cert.pem", key = dir + "/key.pem";
    if (reuse_auth.empty()) REQUIRE(tls::GenerateSelfSignedCert({"localhost"}, cert, key).ok());
    cert_pem = testing::ReadFile(cert);
    store = testing::OpenTestStore(dir);
    auth = reuse_auth;
    if (auth.empty())
      REQUIRE(store
                  ->Write([&](Db& db) {
                    auto a = CreateAccount(db, "A", 1);
                    auto u = CreateUser(db, a->id, "r@a.test", "R", std::nullopt, 1);
                    auto t = CreateToken(db, u->id, 1, nullptr);
                    auth = "Basic " + Base64Encode("r@a.test:" + *t);
                    return t.status();
                  })
                  .ok());
    testing::ServerOptions o;
    o.listen_host = "127.0.0.1";
    o.listen_port = 0;
    o.cert_file = cert;
    o.key_file = key;
    o.workers = 4;
    ServerContext ctx;
    ctx.store = store.get();
    ctx.clock = &clock;
    ctx.throttle = &throttle;
    ctx.links = PublicLinks("https://cammio.test");
    ctx.data_dir = dir;
    server = std::make_unique<testing::ApiStack>(ctx, o);
    REQUIRE(server->Start().ok());
  }
  ~ServerOn() {
    server->Stop();
    store->Close();
  }
  std::unique_ptr<tls::TlsClient> Client() {
    tls::TlsClientOptions o;
    o.ca_pem = cert_pem;
    o.server_name = "localhost";
    auto c = std::make_unique<tls::TlsClient>("127.0.0.1", server->port(), o);
    c->set_default_headers({{"Authorization", auth}});
    return c;
  }
  ManualClock clock{1700000000};
  AuthThrottle throttle;
  std::unique_ptr<Store> store;
  std::unique_ptr<testing::ApiStack> server;
  std::string cert_pem, auth;
};

TEST_CASE("ops faults: a full disk answers 507 and leaves the database intact") {
  SetLogQuiet(true);
  TempDir dir;
  const std::string data = dir.path() + "/data";
  Tmpfs fs(data, "4m");
  {
    ServerOn srv(data);
    auto cli = srv.Client();
    REQUIRE(cli->Post("/api/vacancies", BigVacancy("first"), "application/json")->status == 201);
    FillUp(data + "/filler");
    auto r = cli->Post("/api/vacancies", BigVacancy("second"), "application/json");
    REQUIRE(r);
    CHECK(r->status == 507);
    CHECK(r->body.find("Insufficient storage") != std::string::npos);
    CHECK(cli->Get("/api/vacancies")->status == 200);  // reads keep working
    CHECK(Scalar(*srv.store, "SELECT COUNT(*) FROM vacancies") == 1);
    CHECK(CheckDatabaseIntegrity(data + "/cammio.db").ok());
    // Space again: writes work again.
    REQUIRE(RemoveFile(data + "/filler").ok());
    CHECK(cli->Post("/api/vacancies", BigVacancy("third"), "application/json")->status == 201);
    CHECK(Scalar(*srv.store, "SELECT COUNT(*) FROM vacancies") == 2);
  }
  CHECK(CheckDatabaseIntegrity(data + "/cammio.db").ok());
}

// The storage turning read-only under a running server (the database files
// are open, so the mount cannot be remounted: injected into SQLite).
TEST_CASE("ops faults: storage turning read-only answers 503 and changes nothing") {
  SetLogQuiet(true);
  testing::TestServer srv;
  auto cli = srv.AuthedClient();
  REQUIRE(cli->Post("/api/vacancies", BigVacancy("first"), "application/json")->status == 201);
  REQUIRE(srv.store().Write([](Db& db) { return db.Exec("PRAGMA query_only = 1"); }).ok());
  auto r = cli->Post("/api/vacancies", BigVacancy("second"), "application/json");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(r->body.find("not writable") != std::string::npos);
  CHECK(Scalar(srv.store(), "SELECT COUNT(*) FROM vacancies") == 1);
  CHECK(CheckDatabaseIntegrity(srv.data_dir() + "/cammio.db").ok());
  // While it lasts, every write answers 503 and reads keep working.
  CHECK(cli->Delete("/api/vacancies/1")->status == 503);
  CHECK(cli->Get("/api/vacancies")->status == 200);
  CHECK(Scalar(srv.store(), "SELECT COUNT(*) FROM vacancies") == 1);
}

TEST_CASE("ops faults: a read-only data directory is reported, refused and left alone") {
  SetLogQuiet(true);
  TempDir dir;
  const std::string data = dir.path() + "/data";
  Tmpfs fs(data, "8m");
  std::string auth;
  {
    ServerOn srv(data);
    auth = srv.auth;
    REQUIRE(srv.Client()->Post("/api/vacancies", BigVacancy("first"), "application/json")->status ==
            201);
  }
  const std::string archive = dir.path() + "/b.tar";
  REQUIRE(ops::BackupDataDir(data, archive, 1, nullptr).ok());
  fs.ReadOnly();
  {
    // A server on it starts (SQLite opens the database read-only), reads
    // work, writes answer 503.
    ServerOn srv(data, auth);
    auto cli = srv.Client();
    CHECK(cli->Get("/api/vacancies")->status == 200);
    auto r = cli->Post("/api/vacancies", BigVacancy("second"), "application/json");
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(r->body.find("not writable") != std::string::npos);
    CHECK(Scalar(*srv.store, "SELECT COUNT(*) FROM vacancies") == 1);
  }

  Status s = ops::RestoreBackup(archive, data, 2, nullptr);
  CHECK(s.code() == Status::Code::kUnavailable);
  CHECK(s.details().find("not writable") != std::string::npos);

  Config config = DefaultConfig();
  config.data_dir = data;
  ops::CheckOptions o;
  o.now = 1;
  auto items = ops::RunChecks(config, o);
  CHECK_FALSE(ops::ChecksPassed(items));
  CHECK(items.at(0).name == "config");
  CHECK(items.at(0).status == "fail");
  CHECK(items.at(0).detail.find("not writable") != std::string::npos);
  CHECK(CheckDatabaseIntegrity(data + "/cammio.db").ok());
}

TEST_CASE("ops faults: backup and restore on a full disk fail cleanly") {
  SetLogQuiet(true);
  TempDir dir;
  const std::string data = dir.path() + "/data";
  REQUIRE(MakeDirs(data).ok());
  testing::OpenTestStore(data)->Close();
  auto acc = testing::SeedAccountWithVacancy(data, "Agency");
  testing::SeedInterview(data, acc, "ann@cand.test", 5000);
  testing::WriteTestFile(data + "/media/big.bin", std::string(600000, 'b'));

  const std::string small = dir.path() + "/small";
  Tmpfs fs(small, "256k");
  Status s = ops::BackupDataDir(data, small + "/b.tar", 1, nullptr);
  CHECK(s.code() == Status::Code::kInsufficientStorage);
  auto left = ListFiles(small);
  REQUIRE(left.ok());
  CHECK(left->empty());  // no partial archive, no database copy
  CHECK(CheckDatabaseIntegrity(data + "/cammio.db").ok());

  // Restoring into a data directory without room: nothing replaced.
  const std::string archive = dir.path() + "/b.tar";
  REQUIRE(ops::BackupDataDir(data, archive, 1, nullptr).ok());
  const std::string target = small + "/data";
  REQUIRE(MakeDirs(target + "/media").ok());
  testing::WriteTestFile(target + "/media/mine.bin", "keep me");
  s = ops::RestoreBackup(archive, target, 2, nullptr);
  CHECK(s.code() == Status::Code::kInsufficientStorage);
  CHECK(testing::ReadFile(target + "/media/mine.bin") == "keep me");
  CHECK_FALSE(PathExists(target + "/.restore-staging"));
  CHECK_FALSE(PathExists(target + "/cammio.db"));
}

}  // namespace
}  // namespace cammio
