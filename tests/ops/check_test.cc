// `cammio check` and `cammio version` (src/ops/check.h).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>
#include <cstdio>

#include "ops/check.h"
#include "ops/ops_fixture.h"
#include "store/migrate.h"
#include "tls/certificate.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/time.h"
#include "util/version.h"

namespace cammio {
namespace {

using testing::TempDir;

std::string StatusOf(const std::vector<ops::CheckItem>& items, const std::string& name) {
  for (const auto& i : items) {
    if (i.name == name) return i.status + ": " + i.detail;
  }
  return "absent";
}

bool Is(const std::vector<ops::CheckItem>& items, const std::string& name, const std::string& st) {
  std::string got = StatusOf(items, name);
  INFO(name << " -> " << got);
  return got.rfind(st + ":", 0) == 0;
}

TEST_CASE("ops check: certificate expiry, disk space, integrity and media are reported") {
  SetLogQuiet(true);
  TempDir dir;
  const std::string data = dir.path() + "/data";
  REQUIRE(MakeDirs(data).ok());
  REQUIRE(::mount("tmpfs", data.c_str(), "tmpfs", 0, "size=16m,mode=0700") == 0);
  struct Unmount {
    std::string p;
    ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
  } unmount{data};
  Config config = DefaultConfig();
  config.data_dir = data;
  ops::CheckOptions o;
  o.now = SystemClock().Now();
  o.min_free_warn_bytes = 2 << 20;
  o.min_free_fail_bytes = 1 << 20;

  // A fresh directory: nothing yet, nothing wrong.
  auto items = ops::RunChecks(config, o);
  CHECK(ops::ChecksPassed(items));
  CHECK(Is(items, "database", "ok"));
  CHECK(Is(items, "certificate", "ok"));

  testing::OpenTestStore(data)->Close();
  auto acc = testing::SeedAccountWithVacancy(data, "Agency");
  auto seeded = testing::SeedInterview(data, acc, "ann@cand.test", 5000);
  REQUIRE(MakeDirs(data + "/tls").ok());
  REQUIRE(tls::GenerateSelfSignedCert({"localhost"}, data + "/tls/cert.pem", data + "/tls/key.pem")
              .ok());
  items = ops::RunChecks(config, o);
  CHECK(ops::ChecksPassed(items));
  for (const char* name : {"config", "certificate", "disk", "database", "media", "server"}) {
    CHECK(Is(items, name, "ok"));
  }
  CHECK(StatusOf(items, "database")
            .find("schema v" + std::to_string(EmbeddedMigrations().back().version)) !=
        std::string::npos);

  // Certificate expiry, seen from later dates.
  auto not_after = tls::CertificateNotAfter(data + "/tls/cert.pem");
  REQUIRE(not_after.ok());
  int64_t expiry = ParseDatetime(*not_after, "x")->epoch;
  o.now = expiry - 10 * 86400;
  CHECK(Is(ops::RunChecks(config, o), "certificate", "warn"));
  o.now = expiry + 1;
  items = ops::RunChecks(config, o);
  CHECK(Is(items, "certificate", "fail"));
  CHECK_FALSE(ops::ChecksPassed(items));
  o.now = SystemClock().Now();

  // Media: an unreferenced file warns, a missing indexed file fails.
  testing::WriteTestFile(data + "/media/stray.bin", "x");
  CHECK(Is(ops::RunChecks(config, o), "media", "warn"));
  REQUIRE(RemoveFile(seeded.files.front()).ok());
  CHECK(Is(ops::RunChecks(config, o), "media", "fail"));

  // A disk nearly full.
  {
    int fd = ::open((data + "/filler").c_str(), O_WRONLY | O_CREAT, 0600);
    std::string chunk(1 << 20, 'f');
    for (int i = 0; i < 15; ++i) {
      if (::write(fd, chunk.data(), chunk.size()) <= 0) break;
    }
    ::close(fd);
  }
  CHECK(Is(ops::RunChecks(config, o), "disk", "fail"));
  REQUIRE(RemoveFile(data + "/filler").ok());

  // A damaged database fails the integrity check. (Checkpoint first, so the
  // pages damaged in the file are not superseded by the log.)
  {
    auto db = Db::Open(data + "/cammio.db", Db::Options());
    REQUIRE(db.ok());
    REQUIRE((*db)->Exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE").ok());
  }
  {
    int fd = ::open((data + "/cammio.db").c_str(), O_RDWR);
    REQUIRE(fd >= 0);
    std::string junk(4096, '\x5a');  // whole pages, b-tree headers included
    for (off_t page = 1; page < 40; ++page) {
      REQUIRE(::pwrite(fd, junk.data(), junk.size(), page * 4096) ==
              static_cast<ssize_t>(junk.size()));
    }
    ::close(fd);
  }
  items = ops::RunChecks(config, o);
  CHECK(Is(items, "database", "fail"));
  CHECK_FALSE(ops::ChecksPassed(items));
  Value json = ops::ChecksJson(items);
  CHECK_FALSE(json.Find("ok")->as_bool());
}

TEST_CASE("ops version: the first line is unchanged, then schema and libraries") {
  std::string v = ops::VersionText();
  CHECK(v.rfind(std::string("cammio ") + CammioVersion() + "\n", 0) == 0);
  CHECK(v.find("\nschema " + std::to_string(EmbeddedMigrations().back().version) + "\n") !=
        std::string::npos);
  CHECK(v.find("\nsqlite 3.") != std::string::npos);
  CHECK(v.find("\nmbedtls ") != std::string::npos);
}

// Runs a shell command; its stdout without the trailing newline, or "" when
// it fails.
std::string CommandOutput(const std::string& cmd) {
  FILE* p = ::popen((cmd + " 2>/dev/null").c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[256];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = ::pclose(p);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return rc == 0 ? out : "";
}

TEST_CASE("ops version: VERSION, plus git describe's commit in a checkout") {
  const std::string src = CAMMIO_SOURCE_DIR;
  const std::string release = CommandOutput("head -1 '" + src + "/VERSION'");
  REQUIRE_FALSE(release.empty());
  const std::string v = CammioVersion();
  CAPTURE(v);
  REQUIRE(v.rfind(release, 0) == 0);
  const std::string suffix = v.substr(release.size());
  const bool tagged =
      CommandOutput("git -C '" + src + "' describe --tags --exact-match --match 'v" + release +
                    "'") == "v" + release;
  if (CommandOutput("git -C '" + src + "' rev-parse HEAD").empty() || tagged) {
    // No checkout (a source tarball), or a release build. (Built from an
    // older commit and not rebuilt since, it may still carry a suffix.)
    CHECK((suffix.empty() || suffix[0] == '+' || suffix[0] == '~'));
    return;
  }
  // "~N.gSHA" (no tag yet) or "+N.gSHA" (after the tag), SHA a commit of
  // this repository.
  REQUIRE(suffix.size() > 2);
  CHECK((suffix[0] == '+' || suffix[0] == '~'));
  CHECK(suffix.find(".g") != std::string::npos);
  size_t g = suffix.find('g');
  REQUIRE(g != std::string::npos);
  const std::string sha = suffix.substr(g + 1);
  CHECK(sha.size() >= 7);
  CHECK(sha.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK_FALSE(CommandOutput("git -C '" + src + "' cat-file -t '" + sha + "'").empty());
}

}  // namespace
}  // namespace cammio
