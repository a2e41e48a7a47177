// store/checkpointer.h: checkpoints run on the checkpointer's thread, never
// inside a commit below `writer_frames`; the WAL stays bounded by the
// writer's fallback even when the thread is slow; a reader that pins the WAL
// makes the writer take over and costs nothing once it ends; a catch-up runs
// between commits, waits for a reader of an older snapshot and restarts the
// WAL, or gives up after `catch_up_wait` and backs off; Stop() gives the
// connection back to SQLite's own autocheckpoint; and a power failure at any
// write or sync, checkpoints and catch-ups included, keeps every acknowledged
// write.
#include "store/checkpointer.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <atomic>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "testing/lossy_vfs.h"
#include "testing/power_loss.h"
#include "testing/test_support.h"
#include "testing/wait.h"

namespace cammio {
namespace {

using testing::SecondsSince;
using testing::TempDir;
using testing::WaitUntil;

constexpr int64_t kFrameBytes = 4096 + 24;  // a WAL frame: header and page

int64_t FileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

// `vfs`: Db::Options::vfs ("": SQLite's default).
std::unique_ptr<Db> OpenWithTable(const std::string& path, const std::string& vfs = "") {
  Db::Options o;
  o.vfs = vfs;
  auto db = Db::Open(path, o);
  REQUIRE(db.ok());
  REQUIRE(db.value()->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)").ok());
  return std::move(db.value());
}

// One commit of about two pages.
void Commit(Db& db) { REQUIRE(db.Exec("INSERT INTO t (b) VALUES (randomblob(8000))").ok()); }

int64_t Rows(const std::string& path) {
  auto db = Db::Open(path, Db::Options());
  REQUIRE(db.ok());
  auto st = db.value()->PrepareDynamic("SELECT COUNT(*) FROM t");
  REQUIRE(st.ok());
  Status s;
  REQUIRE(st->Step(&s));
  return st->Int(0);
}

// `n` commits on `writer`; the largest size the WAL file reached meanwhile.
int64_t CommitsLargestWal(Db& writer, const std::string& path, int n) {
  int64_t largest = 0;
  for (int i = 0; i < n; ++i) {
    Commit(writer);
    largest = std::max(largest, FileSize(path + "-wal"));
  }
  return largest;
}

CheckpointerOptions Small(const std::string& path) {
  CheckpointerOptions o;
  o.path = path;
  o.wake_frames = 8;
  o.writer_frames = 64;
  o.min_interval = std::chrono::milliseconds(0);
  return o;
}

// A database with table t, its writer connection and a Checkpointer on it
// with Small() options.
struct Started {
  TempDir dir;
  const std::string path = dir.path() + "/c.db";
  std::unique_ptr<Db> writer = OpenWithTable(path);
  std::unique_ptr<Checkpointer> checkpointer;
  Started() {
    auto started = Checkpointer::Start(*writer, Small(path));
    REQUIRE(started.ok());
    checkpointer = std::move(started.value());
  }
};

TEST_CASE("checkpointer: its thread checkpoints, commits do not, the WAL stays bounded") {
  Started t;
  const std::string& path = t.path;
  Checkpointer& c = *t.checkpointer;
  const int64_t largest = CommitsLargestWal(*t.writer, path, 300);
  CHECK(WaitUntil([&] { return c.stats().background >= 1; }));
  // 300 commits of three frames each: without checkpoints the WAL would
  // hold all of them (~900 frames). Past the writer's bound (64 frames) a
  // commit checkpoints itself, unless the thread's checkpoint is running
  // (then busy); the file grows past the bound only by the commits made
  // during one such checkpoint, which on a loaded machine was 40 frames
  // (104 in a CI run): a third of the unbounded size is the limit asserted.
  INFO("largest WAL: " << largest / kFrameBytes << " frames");
  CHECK(largest <= 300 * kFrameBytes);
  CHECK(c.stats().failed == 0);
  c.Stop();
  c.Stop();  // idempotent
  CHECK(Rows(path) == 300);
}

TEST_CASE(
    "checkpointer: a reader that pins the WAL makes the writer take over, then costs nothing") {
  Started t;
  const std::string& path = t.path;
  Db* writer = t.writer.get();
  const CheckpointerOptions o = Small(path);
  Checkpointer& c = *t.checkpointer;
  Commit(*writer);

  auto reader = Db::Open(path, Db::Options());
  REQUIRE(reader.ok());
  REQUIRE(reader.value()->Exec("BEGIN").ok());
  {  // the snapshot lasts until COMMIT, after the statement is done
    auto pin = reader.value()->PrepareDynamic("SELECT COUNT(*) FROM t");
    REQUIRE(pin.ok());
    Status s;
    REQUIRE(pin->Step(&s));
    CHECK(pin->Int(0) == 1);
  }
  for (int i = 0; i < 100; ++i) Commit(*writer);
  // Nothing past the reader's snapshot can be copied back: the WAL grows,
  // and every commit past the bound tries a checkpoint itself.
  const int64_t pinned = FileSize(path + "-wal");
  CHECK(pinned > o.writer_frames * kFrameBytes);
  CHECK(c.stats().by_writer >= 1);
  REQUIRE(reader.value()->Exec("COMMIT").ok());

  // Once the reader is gone a checkpoint copies everything back and the
  // next commits reuse the file from its start: 200 more commits (~600
  // frames) grow it only by those made before that checkpoint finished (a
  // few frames when idle; a third of them is the limit asserted, as above).
  for (int i = 0; i < 200; ++i) Commit(*writer);
  CHECK(FileSize(path + "-wal") <= pinned + 200 * kFrameBytes);
  CHECK(c.stats().failed == 0);
  c.Stop();
  CHECK(Rows(path) == 301);
}

// One commit of about 20 pages: past a catch-up's restart_frames at once.
void BigCommit(Db& db) { REQUIRE(db.Exec("INSERT INTO t (b) VALUES (randomblob(80000))").ok()); }

// A reader on its own connection holding the snapshot it began with until
// End(), as a request's read transaction does while it runs.
struct PinnedReader {
  std::unique_ptr<Db> db;
  explicit PinnedReader(const std::string& path) {
    auto opened = Db::Open(path, Db::Options());
    REQUIRE(opened.ok());
    db = std::move(opened.value());
    REQUIRE(db->Exec("BEGIN").ok());
    auto st = db->PrepareDynamic("SELECT COUNT(*) FROM t");
    REQUIRE(st.ok());
    Status s;
    REQUIRE(st->Step(&s));
  }
  void End() { REQUIRE(db->Exec("COMMIT").ok()); }
};

// A Checkpointer whose between_commits is the test's: it holds `commit_mu`
// (which the test's commits take too) and counts its calls. Every
// BigCommit() is followed by a catch-up. `vfs` as in OpenWithTable, for the
// writer and the checkpointer.
struct WithCatchUp {
  TempDir dir;
  const std::string path = dir.path() + "/c.db";
  std::unique_ptr<Db> writer;
  std::mutex commit_mu;
  std::atomic<int> between{0};
  std::atomic<bool> inside{false};
  std::unique_ptr<Checkpointer> checkpointer;
  explicit WithCatchUp(std::chrono::microseconds wait,
                       std::chrono::milliseconds backoff = std::chrono::milliseconds(1000),
                       const std::string& vfs = "") {
    writer = OpenWithTable(path, vfs);
    CheckpointerOptions o = Small(path);
    o.vfs = vfs;
    o.restart_frames = 16;
    o.writer_frames = 100000;  // out of the way: the catch-up alone bounds the WAL here
    o.catch_up_wait = wait;
    o.catch_up_backoff = backoff;
    o.between_commits = [this](const std::function<void()>& fn) {
      std::lock_guard<std::mutex> lock(commit_mu);
      ++between;
      inside = true;
      fn();
      inside = false;
    };
    auto started = Checkpointer::Start(*writer, std::move(o));
    REQUIRE(started.ok());
    checkpointer = std::move(started.value());
  }
  void Commit() {
    std::lock_guard<std::mutex> lock(commit_mu);
    BigCommit(*writer);
  }
};

TEST_CASE("checkpointer: a catch-up between commits restarts the WAL, so it stays small") {
  WithCatchUp t(std::chrono::milliseconds(100));
  Checkpointer& c = *t.checkpointer;
  // Each commit takes the WAL past restart_frames; the next one waits for
  // the catch-up it caused, so every commit after a restart writes the WAL
  // from its start again and the file never grows past about two commits.
  int64_t largest = 0;
  for (uint64_t i = 1; i <= 20; ++i) {
    t.Commit();
    largest = std::max(largest, FileSize(t.path + "-wal"));
    REQUIRE(WaitUntil([&] { return c.stats().restarts >= i; }));
  }
  INFO("largest WAL: " << largest / kFrameBytes << " frames");
  CHECK(largest <= 2 * 24 * kFrameBytes);  // 20 commits without restarts: ~440 frames
  CHECK(c.stats().catch_ups == c.stats().restarts);
  CHECK(t.between.load() == static_cast<int>(c.stats().catch_ups));
  CHECK(c.stats().failed == 0);
  c.Stop();
  CHECK(Rows(t.path) == 20);
}

TEST_CASE("checkpointer: a catch-up waits for a reader of an older snapshot, then restarts") {
  WithCatchUp t(std::chrono::seconds(5));
  Checkpointer& c = *t.checkpointer;
  PinnedReader reader(t.path);
  t.Commit();
  // The catch-up holds commits off and waits for the reader's snapshot.
  REQUIRE(WaitUntil([&] { return t.inside.load(); }));
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(t.inside.load());
  CHECK(c.stats().restarts == 0);
  reader.End();
  REQUIRE(WaitUntil([&] { return c.stats().restarts == 1; }));
  CHECK(SecondsSince(start) < 2.0);  // it ended soon after the reader did, not at its 5 s limit
  CHECK(c.stats().catch_ups == 1);
  // Restarted: the next commit writes the WAL from its start.
  const int64_t size = FileSize(t.path + "-wal");
  t.Commit();
  CHECK(FileSize(t.path + "-wal") == size);
  c.Stop();
  CHECK(Rows(t.path) == 2);
}

TEST_CASE(
    "checkpointer: a catch-up gives up after catch_up_wait and backs off while a read lasts") {
  WithCatchUp t(std::chrono::milliseconds(5), std::chrono::milliseconds(200));
  Checkpointer& c = *t.checkpointer;
  PinnedReader reader(t.path);
  t.Commit();
  REQUIRE(WaitUntil([&] { return c.stats().catch_ups >= 1; }));
  // Commits go on (the catch-up gave up within its 5 ms), each waking the
  // thread: without the back-off each would be followed by a catch-up.
  const auto start = std::chrono::steady_clock::now();
  int commits = 0;
  while (SecondsSince(start) < 0.3) {
    t.Commit();
    ++commits;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const uint64_t tried = c.stats().catch_ups;
  INFO(commits << " commits, " << tried << " catch-ups in 0.3 s while the read lasted");
  CHECK(commits >= 20);
  // Waits of 10, 20, 40, 80, 160, 200 ms: at most 6 more within 0.3 s.
  CHECK(tried <= 8);
  CHECK(c.stats().restarts == 0);
  CHECK(c.stats().failed == 0);
  reader.End();
  t.Commit();
  REQUIRE(WaitUntil([&] {
    t.Commit();
    return c.stats().restarts >= 1;
  }));
  c.Stop();
}

TEST_CASE("checkpointer: Stop gives the writer SQLite's own autocheckpoint back") {
  Started t;
  Checkpointer& c = *t.checkpointer;
  c.Stop();
  const uint64_t ran = c.stats().background + c.stats().by_writer;
  const int64_t largest = CommitsLargestWal(*t.writer, t.path, 300);
  // SQLite's hook at the same threshold (8 frames) checkpoints in the commit.
  CHECK(largest <= 16 * kFrameBytes);
  CHECK(c.stats().background + c.stats().by_writer == ran);
}

TEST_CASE(
    "checkpointer: catch-ups in a Store take turns with group commits; no write waits forever") {
  TempDir dir;
  const std::string path = dir.path() + "/cammio.db";
  StoreOptions so;
  so.path = path;
  so.checkpoint_frames = 8;  // catch-ups past 32 frames, the writers' own past 160
  auto opened = Store::Open(so);
  REQUIRE(opened.ok());
  Store& store = *opened.value();
  REQUIRE(
      store.Write([](Db& db) { return db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)"); })
          .ok());
  constexpr int kWriters = 8;
  constexpr uint64_t kRestarts = 3;
  std::atomic<int> written{0};
  std::atomic<int> async_queued{0};
  std::atomic<int> failures{0};
  std::atomic<bool> done{false};
  // Writers, bookkeeping writes and readers run until the catch-ups have
  // restarted the WAL a few times (a background checkpoint runs at most every
  // 100 ms) or 30 s have passed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto enough = [&] {
    return store.write_stats().wal_restarts >= kRestarts ||
           std::chrono::steady_clock::now() > deadline;
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&] {
      while (!enough()) {
        Status s = store.Write(
            [](Db& db) { return db.Exec("INSERT INTO t (b) VALUES (randomblob(6000))"); });
        if (s.ok()) {
          ++written;
        } else {
          ++failures;
        }
      }
    });
  }
  threads.emplace_back([&] {  // bookkeeping writes nobody waits for
    while (!enough()) {
      store.WriteAsync(
          [](Db& db) { return db.Exec("INSERT INTO t (b) VALUES (randomblob(100))"); });
      ++async_queued;
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  });
  for (int r = 0; r < 2; ++r) {  // short reads, on older snapshots all along
    threads.emplace_back([&] {
      while (!done) {
        Status s = store.Read([](Db& db) {
          auto st = db.PrepareDynamic("SELECT MAX(id) FROM t");
          if (!st.ok()) return st.status();
          Status step;
          st->Step(&step);
          return step;
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (int i = 0; i < kWriters + 1; ++i) threads[i].join();
  REQUIRE(WaitUntil([&] {
    return store.write_stats().async_writes == static_cast<uint64_t>(async_queued.load());
  }));
  done = true;
  for (auto& th : threads) {
    if (th.joinable()) th.join();
  }
  const WriteStats w = store.write_stats();
  INFO(written.load() << " writes, " << w.checkpoints << " checkpoints, " << w.checkpoint_catch_ups
                      << " catch-ups, " << w.wal_restarts << " restarts, " << w.writer_checkpoints
                      << " by writers");
  CHECK(failures == 0);
  CHECK(w.wal_restarts >= kRestarts);
  CHECK(w.checkpoint_catch_ups >= w.wal_restarts);
  CHECK(w.checkpoint_failures == 0);
  store.Close();  // with the checkpointer possibly in a catch-up: must not hang
  CHECK(Rows(path) == written.load() + async_queued.load());
}

// The machine after rebooting: opened with the default VFS (recovery from
// the WAL), the database is intact and holds every acknowledged row of t.
void CheckAfterReboot(const std::string& path, const std::vector<int64_t>& acked) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  CHECK(testing::Query(db, "PRAGMA integrity_check") == "ok\n");
  std::vector<int64_t> missing;
  for (int64_t id : acked) {
    if (testing::Query(db, "SELECT COUNT(*) FROM t WHERE id = ?1", id) != "1\n") {
      missing.push_back(id);
    }
  }
  sqlite3_close(db);
  CHECK(missing.empty());
}

TEST_CASE("checkpointer: a power failure at any write or sync keeps every acknowledged write") {
  testing::QuietLogs quiet;
  const uint64_t seed = testing::Seed();
  INFO("CAMMIO_POWER_LOSS_SEED=" << seed);
  std::mt19937_64 rng(seed);
  int with_checkpoints = 0;
  for (int run = 0; run < 12; ++run) {
    TempDir dir;
    const std::string path = dir.path() + "/cammio.db";
    testing::LossyVfs vfs("lossy-ckpt", testing::LossyVfs::Mode::kRandomSubset, rng());
    std::vector<int64_t> acked;
    {
      StoreOptions so;
      so.path = path;
      so.vfs = vfs.name();
      so.checkpoint_frames = 8;  // checkpoints among the commits below
      auto store = Store::Open(so);
      REQUIRE_MESSAGE(store.ok(), store.status().ToString());
      REQUIRE(store.value()
                  ->Write([](Db& db) {
                    return db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)");
                  })
                  .ok());
      vfs.ArmCrash(std::uniform_int_distribution<int64_t>(1, 600)(rng));
      for (int64_t id = 1; id <= 150 && !vfs.crashed(); ++id) {
        Status s = store.value()->Write([id](Db& db) {
          const std::string sql =
              "INSERT INTO t (id, b) VALUES (" + std::to_string(id) + ", randomblob(6000))";
          return db.Exec(sql.c_str());
        });
        if (s.ok()) acked.push_back(id);
      }
      if (store.value()->write_stats().checkpoints > 0) ++with_checkpoints;
      vfs.CrashNow();
      store.value()->Close();
    }
    INFO("run " << run << ": " << acked.size() << " acknowledged");
    CheckAfterReboot(path, acked);
  }
  // The test is about checkpoints: most runs must have had some.
  CHECK(with_checkpoints >= 6);
}

TEST_CASE("checkpointer: a power failure during catch-ups keeps every acknowledged write") {
  testing::QuietLogs quiet;
  const uint64_t seed = testing::Seed();
  INFO("CAMMIO_POWER_LOSS_SEED=" << seed);
  std::mt19937_64 rng(seed);
  int with_catch_ups = 0;
  for (int run = 0; run < 12; ++run) {
    testing::LossyVfs vfs("lossy-catch-up", testing::LossyVfs::Mode::kRandomSubset, rng());
    WithCatchUp t(std::chrono::milliseconds(2), std::chrono::milliseconds(1000), vfs.name());
    Checkpointer& c = *t.checkpointer;
    std::vector<int64_t> acked;
    // The power fails somewhere among the commits, the checkpoints, the
    // catch-ups' syncs of the database file and their RESTARTs.
    vfs.ArmCrash(std::uniform_int_distribution<int64_t>(1, 600)(rng));
    for (int64_t id = 1; id <= 40 && !vfs.crashed(); ++id) {
      const uint64_t before = c.stats().catch_ups;
      Status s;
      {
        std::lock_guard<std::mutex> lock(t.commit_mu);
        const std::string sql =
            "INSERT INTO t (id, b) VALUES (" + std::to_string(id) + ", randomblob(80000))";
        s = t.writer->Exec(sql.c_str());
      }
      if (s.ok()) acked.push_back(id);
      WaitUntil([&] { return c.stats().catch_ups > before || vfs.crashed(); },
                std::chrono::milliseconds(500));
    }
    if (c.stats().catch_ups > 0) ++with_catch_ups;
    vfs.CrashNow();
    c.Stop();
    t.writer.reset();
    INFO("run " << run << ": " << acked.size() << " acknowledged");
    CheckAfterReboot(t.path, acked);
  }
  INFO(with_catch_ups << " of 12 runs had catch-ups before the power failed");
  CHECK(with_catch_ups >= 6);
}

}  // namespace
}  // namespace cammio
