// Checkpointer: copies the WAL back into the database file on its own thread
// and connection, so a commit never waits for a checkpoint.
//
// Why: by default SQLite checkpoints inside the COMMIT that takes the WAL
// past 1000 frames, on the connection that commits: here the Store's one
// writer, so every write queued behind that group waits too. Under a steady
// mixed load with readers always open the WAL rarely restarts, so it stays
// past the threshold and SQLite tried again after about one commit in ten
// (0.7-1.9 ms each, measured under the mixed ATS load of tools/bench).
//
// How: the writer's WAL hook (run by SQLite after each of its commits, on the
// committing thread) notes the WAL's size. Past `wake_frames` it wakes this
// thread, which runs a PASSIVE checkpoint (never waits for readers or the
// writer) at most once per `min_interval`. Past `writer_frames` the
// committing thread also runs one itself, as SQLite would have: the bound on
// the WAL's growth when the background thread cannot keep up. Durability is
// SQLite's: a checkpoint syncs the WAL before it copies, and the database
// file once it has copied the whole WAL, whichever thread runs it.
//
// Restarting the WAL: SQLite writes the WAL from its start again only when a
// checkpoint copied every frame back (and synced the database file) and no
// reader still uses the old frames. Under a steady write load neither holds
// for long: commits land while a background checkpoint copies, and some
// reader (often preempted) is always on an older snapshot. So the WAL grew to
// `writer_frames`, and a committing thread checkpointed inline with every
// write queued behind it (1.5 times a second under tools/bench's mixed load,
// 11-16 ms each: mostly the sync of the database file). So past
// `restart_frames` a catch-up follows the background checkpoint: it syncs the
// database file (commits go on), then `between_commits` (the Store) holds off
// group commits while a RESTART checkpoint copies the few frames committed
// meanwhile, syncs again, waits at most `catch_up_wait` for readers of older
// snapshots, and restarts the WAL. A catch-up that cannot restart (a long
// read pins old frames) is retried after a wait that doubles up to
// `catch_up_backoff`.
//
// Thread-safety: Start() and Stop() from the thread that owns the writer
// connection (the Store, at open and close); stats() from any thread. The
// hook runs on whichever thread commits on the writer connection.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

struct CheckpointerOptions {
  std::string path;         // the database file (the writer's)
  std::string vfs;          // SQLite VFS of the checkpointer's connection ("": default)
  int busy_timeout_ms = 0;  // of the checkpointer's connection
  // WAL frames (pages) after a commit that wake the background checkpoint:
  // SQLite's own autocheckpoint threshold. > 0.
  int64_t wake_frames = 1000;
  // WAL frames after a commit past which the committing thread checkpoints
  // too (about 80 MiB with 4 KiB pages). > wake_frames.
  int64_t writer_frames = 20000;
  // The shortest time between two background checkpoints. While readers pin
  // the WAL's tail every commit stays past wake_frames; and a page written by
  // many commits meanwhile is copied back once per checkpoint, with one sync
  // of the WAL and one of the database file.
  std::chrono::milliseconds min_interval{100};
  // Runs its argument while no write commits on the writer connection and
  // returns after it (the Store's commit queue). Empty: no catch-ups.
  std::function<void(const std::function<void()>&)> between_commits;
  // WAL frames at the start of a background checkpoint past which a
  // catch-up follows it. >= wake_frames, < writer_frames.
  int64_t restart_frames = 4000;
  // How long a catch-up waits for readers of older snapshots (commits are
  // held off meanwhile): about a short read's duration.
  std::chrono::microseconds catch_up_wait{2000};
  // The longest wait after a catch-up that could not restart the WAL (the
  // first is min_interval but at least 10 ms, doubling).
  std::chrono::milliseconds catch_up_backoff{1000};
};

struct CheckpointStats {
  uint64_t background = 0;  // checkpoints run by the checkpointer's thread
  uint64_t by_writer = 0;   // run by a committing thread past writer_frames
  uint64_t failed = 0;      // any kind, ended with an error (logged)
  uint64_t catch_ups = 0;   // catch-ups run between commits (background only)
  uint64_t restarts = 0;    // of those, the ones that restarted the WAL
};

class Checkpointer {
 public:
  // Opens the checkpointer's own connection to `options.path`, installs the
  // WAL hook on `writer` (which replaces SQLite's autocheckpoint on it) and
  // starts the thread. `writer` must outlive the Checkpointer and must not
  // commit concurrently with Start() or Stop(). The Status of opening the
  // connection on failure (nothing installed then).
  static Result<std::unique_ptr<Checkpointer>> Start(Db& writer, CheckpointerOptions options);
  ~Checkpointer();  // Stop()s

  // Removes the hook (SQLite's autocheckpoint is back on `writer`), ends a
  // running checkpoint's wait and joins the thread. Idempotent.
  void Stop();

  CheckpointStats stats() const;

 private:
  Checkpointer(Db& writer, CheckpointerOptions options, std::unique_ptr<Db> own);
  // sqlite3_wal_hook's callback.
  static int OnCommit(void* self, sqlite3* db, const char* schema, int frames);
  void Loop();
  // Runs a checkpoint of `db` in `mode`, counts it in *ran, sets *log to the
  // WAL's frames when it began. SQLite's result code; errors other than
  // BUSY are counted as failures and logged.
  int Run(sqlite3* db, int mode, std::atomic<uint64_t>* ran, int* log);
  // The catch-up: syncs the database file, then a RESTART checkpoint
  // between commits. Whether it restarted the WAL.
  bool CatchUp();
  std::chrono::milliseconds FirstBackoff() const;
  // sqlite3_busy_handler's callback on own_: waits (briefly, in steps)
  // until wait_until_, then gives up.
  static int OnBusy(void* self, int count);

  Db& writer_;
  const CheckpointerOptions options_;
  std::unique_ptr<Db> own_;  // used by the thread only
  std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;  // under mu_: a commit passed wake_frames since the last run
  bool stop_ = false;    // under mu_
  std::atomic<uint64_t> background_{0};
  std::atomic<uint64_t> by_writer_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<uint64_t> catch_ups_{0};
  std::atomic<uint64_t> restarts_{0};
  // The thread's only: OnBusy's deadline during a catch-up, and the
  // earliest time of the next catch-up.
  std::chrono::steady_clock::time_point wait_until_{};
  std::chrono::steady_clock::time_point next_catch_up_{};
  // The wait after the next failed catch-up: FirstBackoff(), doubling.
  std::chrono::milliseconds backoff_;
  std::thread thread_;
};

}  // namespace cammio
