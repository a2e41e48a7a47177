// Store: the SQLite database in the data directory, shared by all request
// threads (and, through its own Store, by the admin CLI in another process).
//
// Reads run on a pooled read-only connection (WAL lets them proceed while a
// write commits). Writes are queued and committed in groups, one group at a
// time on the one writer connection: the committer opens one IMMEDIATE
// transaction, runs each write after the first inside its own SAVEPOINT (a
// failed write is rolled back alone; a failed first write takes the
// transaction with it, which holds nothing else, and the next write starts a
// new one), commits once with synchronous=FULL, and only then wakes
// each caller. So a Write() that returns OK is durable against kill -9 and
// power loss, and 32 concurrent writers pay for one fsync between them, not 32.
//
// Who commits a group (as in LevelDB's write queue): a Write() caller that
// finds no group being committed commits the queued writes itself, on its own
// thread; callers that find one wait, and the first of them commits the next
// group. No hand-off to another thread on the way, so a write costs no extra
// wake-up. The Store's own writer thread commits only what no caller waits
// for (WriteAsync) and what is queued at Close(). "The writer thread" in the
// rest of the code means whichever thread commits: one at a time, in order.
//
// Checkpoints (copying the WAL back into the database file) run on their own
// thread and connection (store/checkpointer.h), not inside a group's COMMIT.
// Their catch-up holds off the next group for one short checkpoint
// (BetweenCommits), taking the committer's turn like a group would.
//
// Thread-safety: all methods are thread-safe. Callbacks run on the calling
// thread (Read) or on the committing thread (Write: the caller's, another
// caller's, or the writer thread) and must not call back into the Store.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cammio/status.h"
#include "store/change_log.h"
#include "store/db.h"
#include "store/migrate.h"

namespace cammio {

class ChangeRecorder;  // store/change_scopes.h
class Checkpointer;    // store/checkpointer.h

struct StoreOptions {
  std::string path;                  // the SQLite file, e.g. DATA/cammio.db
  int busy_timeout_ms = 5000;        // waiting for the CLI's transactions
  int cache_size_kib = 8192;         // page cache of the writer connection
  int reader_cache_size_kib = 2048;  // page cache of each reader connection
  size_t max_idle_readers = 8;       // reader connections kept open when idle
  // Reads beyond this many at once wait (up to reader_wait_ms) for a pooled
  // connection instead of opening a cold one: with a few cores more parallel
  // readers add page-cache memory and misses, not throughput. After the wait
  // an extra connection is opened, so a nested or long read cannot deadlock.
  size_t max_readers = 8;
  int reader_wait_ms = 200;
  size_t max_group = 256;  // writes committed together at most
  // The nice value of a thread while it commits a group (< 0: a higher
  // priority than the request threads, which all wait for it; see
  // store.cc). Needs the permission util::MayRaisePriority checks; without
  // it the Store logs once and commits at the thread's own priority. 0: off.
  int writer_nice = 0;
  // WAL frames after a commit that start a checkpoint on the checkpointer's
  // thread (store/checkpointer.h; 4 times as many make a catch-up follow it,
  // 20 times as many make the committing thread checkpoint too). 0: SQLite's
  // autocheckpoint inside the COMMIT instead.
  int64_t checkpoint_frames = 1000;
  bool run_migrations = true;  // apply schema/*.sql at open
  // Runs before migrations upgrade an existing schema (see Migrate); empty:
  // none. cli::OpenDataStore sets it to the pre-migration backup.
  BeforeMigration before_migration;
  // Tests only (see Db::Options): the SQLite VFS of every connection, and
  // synchronous=OFF for the power-loss test's negative control.
  std::string vfs;
  bool unsafe_synchronous_off = false;
};

// How many writes the writer thread has run since the Store opened: what a
// test reads to prove that a request never reached the writer (api handlers
// validate before they write, docs/decisions.md). Counted on the writer
// thread as each job runs, so a Write() that returned is already counted.
struct WriteStats {
  uint64_t writes = 0;        // jobs queued by Write() (the callers that wait)
  uint64_t async_writes = 0;  // jobs queued by WriteAsync() (bookkeeping)
  uint64_t groups = 0;        // transactions the writer opened for them
  // WAL checkpoints (store/checkpointer.h): on the checkpointer's thread, by
  // a committing thread past the WAL's bound, and those that failed.
  uint64_t checkpoints = 0;
  uint64_t writer_checkpoints = 0;
  uint64_t checkpoint_failures = 0;
  // Catch-ups between commits, and those that restarted the WAL.
  uint64_t checkpoint_catch_ups = 0;
  uint64_t wal_restarts = 0;
};

class Store {
 public:
  using ReadFn = std::function<Status(Db&)>;
  using WriteFn = std::function<Status(Db&)>;

  // Opens the database, applies pending migrations (each in a transaction,
  // PRAGMA user_version tracking the last one) and starts the writer thread.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store();  // Close()s.

  // Runs `fn` on a read connection inside a read transaction (a consistent
  // snapshot). Returns fn's status.
  Status Read(const ReadFn& fn);

  // A read transaction that outlives a callback, for streaming a large
  // result after the handler has returned. Holds a pooled connection (and its
  // snapshot) until destroyed; destroy it before the Store.
  class ReadSnapshot {
   public:
    ~ReadSnapshot();
    Db& db() { return *db_; }

   private:
    friend class Store;
    ReadSnapshot(Store* store, std::unique_ptr<Db> db) : store_(store), db_(std::move(db)) {}
    Store* store_;
    std::unique_ptr<Db> db_;
  };
  Result<std::unique_ptr<ReadSnapshot>> Snapshot();

  // Queues `fn` for the writer thread and waits until its transaction is
  // committed (OK) or rolled back (fn's error, or the commit's). Whatever fn
  // wrote is visible to reads started after Write returns.
  Status Write(WriteFn fn);

  // Queues `fn` without waiting (bookkeeping such as token last-used times).
  void WriteAsync(WriteFn fn);

  // The counters above; thread-safe, cheap (three relaxed loads).
  WriteStats write_stats() const;

  // What each of this Store's commits changed (store/change_log.h): the
  // response cache's evidence that an answer is still current.
  ChangeLog& change_log() { return change_log_; }

  // The schema version after migrations.
  int schema_version() const { return schema_version_; }

  // Finishes queued writes, stops the writer, closes every connection.
  // Later Write()s fail with Unavailable. Idempotent.
  void Close();

 private:
  struct Job {
    WriteFn fn;
    Status result;
    bool done = false;  // guarded by mu_
    bool wait = true;
    // Its own wake-up: a commit wakes the callers of its group only, not
    // every caller waiting for a later group.
    std::condition_variable cv;
  };

  explicit Store(StoreOptions options);
  Status Init();
  void WriterLoop();
  // Under mu_ (held by `lock`), with no group being committed and a job
  // queued: commits the next group (mu_ released meanwhile), marks its jobs
  // done and wakes their callers and the next group's committer.
  void LeadLocked(std::unique_lock<std::mutex>& lock);
  void CommitGroup(std::vector<std::shared_ptr<Job>>& group);
  // Waits until no group is being committed, runs `fn` while none starts
  // (the checkpointer's catch-up), then lets the next group's leader go.
  void BetweenCommits(const std::function<void()>& fn);
  // Who goes next once a group or a BetweenCommits ends: a waiting
  // BetweenCommits, else the first queued caller or the writer thread.
  // NextLocked under mu_ (after committing_ turned false), Notify after
  // releasing it.
  struct Next {
    bool pauser = false;
    std::shared_ptr<Job> leader;
    bool writer = false;
  };
  Next NextLocked() const;
  void Notify(const Next& next);
  Result<std::unique_ptr<Db>> AcquireReader();
  void ReleaseReader(std::unique_ptr<Db> db);

  StoreOptions options_;
  int schema_version_ = 0;
  std::unique_ptr<Db> writer_db_;
  // The writer connection's pre-update hook (the committing thread only
  // after Init).
  std::unique_ptr<ChangeRecorder> recorder_;
  // The writer connection's WAL hook and the checkpoints' thread; null with
  // checkpoint_frames 0. Stopped before the writer connection closes.
  std::unique_ptr<Checkpointer> checkpointer_;
  ChangeLog change_log_;

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::deque<std::shared_ptr<Job>> queue_;
  bool closing_ = false;
  bool committing_ = false;  // a group is being committed (one at a time)
  // BetweenCommits callers waiting for the current group to end: no new
  // group starts while > 0 (else a steady queue would starve them).
  int pausing_ = 0;
  std::condition_variable pause_cv_;
  int writer_nice_ = 0;  // options_.writer_nice if permitted, else 0
  std::thread writer_;
  std::atomic<uint64_t> writes_{0}, async_writes_{0}, groups_{0};

  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Db>> readers_;  // idle, newest last
  size_t open_readers_ = 0;                   // idle + in use
};

// The database's change generation (schema/011): moves forward with every
// commit of a Store write group that changed rows, in any process. Read it
// inside a read transaction; equal values in two transactions mean the same
// committed state. Errors are the database's.
Result<int64_t> ChangeGeneration(Db& db);

}  // namespace cammio
