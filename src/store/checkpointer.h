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
// SQLite's: a checkpoint syncs the WAL before it copies and the database
// file after, whichever thread runs it.
//
// Thread-safety: Start() and Stop() from the thread that owns the writer
// connection (the Store, at open and close); stats() from any thread. The
// hook runs on whichever thread commits on the writer connection.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
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
};

struct CheckpointStats {
  uint64_t background = 0;  // checkpoints run by the checkpointer's thread
  uint64_t by_writer = 0;   // run by a committing thread past writer_frames
  uint64_t failed = 0;      // either kind, ended with an error (logged)
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
  // Runs a PASSIVE checkpoint of `db` and counts it in *ran.
  void Run(sqlite3* db, std::atomic<uint64_t>* ran);

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
  std::thread thread_;
};

}  // namespace cammio
