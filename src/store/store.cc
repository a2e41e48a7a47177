#include "store/store.h"

#include <cassert>
#include <chrono>
#include <exception>

#include "store/change_scopes.h"
#include "store/checkpointer.h"
#include "store/migrate.h"
#include "util/blocking.h"
#include "util/log.h"
#include "util/thread_priority.h"

namespace cammio {
namespace {

constexpr const char kBegin[] = "BEGIN";
constexpr const char kBeginImmediate[] = "BEGIN IMMEDIATE";
constexpr const char kCommit[] = "COMMIT";
constexpr const char kRollback[] = "ROLLBACK";
constexpr const char kSavepoint[] = "SAVEPOINT job";
constexpr const char kRelease[] = "RELEASE job";
constexpr const char kRollbackTo[] = "ROLLBACK TO job";
// schema/011_change_generation.sql
constexpr const char kBumpGeneration[] =
    "UPDATE change_generation SET value = value + 1 WHERE id = 1 RETURNING value";
constexpr const char kGetGeneration[] = "SELECT value FROM change_generation WHERE id = 1";

// A job that throws fails alone, like one that returns an error: the
// committing thread is some request's, and the other jobs of its group (and
// every later write, which waits for this group) must not be left behind.
Status RunJob(const std::function<Status(Db&)>& fn, Db& db) {
  try {
    return fn(db);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("the write failed with an exception: ") + e.what());
  } catch (...) {
    return Status::Internal("the write failed with an exception");
  }
}

Db::Options DbOptions(const StoreOptions& o) {
  Db::Options d;
  d.busy_timeout_ms = o.busy_timeout_ms;
  d.cache_size_kib = o.cache_size_kib;
  d.vfs = o.vfs;
  d.unsafe_synchronous_off = o.unsafe_synchronous_off;
  return d;
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  std::unique_ptr<Store> store(new Store(options));
  Status s = store->Init();
  if (!s.ok()) return s;
  return store;
}

Status Store::Init() {
  auto db = Db::Open(options_.path, DbOptions(options_));
  if (!db.ok()) return db.status();
  writer_db_ = std::move(db.value());
  if (options_.run_migrations) {
    Status s =
        Migrate(*writer_db_, EmbeddedMigrations(), &schema_version_, options_.before_migration);
    if (!s.ok()) return s;
  }
  // After the migrations: their rows are no request's writes.
  auto recorder = ChangeRecorder::Attach(*writer_db_);
  if (!recorder.ok()) return recorder.status();
  recorder_ = std::move(recorder.value());
  if (options_.checkpoint_frames > 0) {
    CheckpointerOptions c;
    c.path = options_.path;
    c.vfs = options_.vfs;
    c.busy_timeout_ms = options_.busy_timeout_ms;
    c.wake_frames = options_.checkpoint_frames;
    c.writer_frames = 20 * options_.checkpoint_frames;
    c.restart_frames = 4 * options_.checkpoint_frames;
    c.between_commits = [this](const std::function<void()>& fn) { BetweenCommits(fn); };
    auto started = Checkpointer::Start(*writer_db_, std::move(c));
    if (!started.ok()) return started.status();
    checkpointer_ = std::move(started.value());
  }
  if (options_.writer_nice != 0) {
    if (util::MayRaisePriority(options_.writer_nice)) {
      writer_nice_ = options_.writer_nice;
    } else {
      LogWarn("the group commit runs at normal priority: this process may not set nice " +
              std::to_string(options_.writer_nice) +
              " (needs LimitNICE= in its systemd unit, CAP_SYS_NICE or root; writer_nice "
              "0 turns this off)");
    }
  }
  writer_ = std::thread([this] { WriterLoop(); });
  return Status::OK();
}

Store::Store(StoreOptions options) : options_(std::move(options)) {}

Store::~Store() { Close(); }

void Store::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closing_ && !writer_.joinable()) return;
    closing_ = true;
  }
  work_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (checkpointer_) checkpointer_->Stop();  // no commit runs now: the hook can go
  recorder_.reset();                         // before the connection it hooks
  writer_db_.reset();
  std::lock_guard<std::mutex> lock(readers_mu_);
  open_readers_ -= readers_.size();
  readers_.clear();
}

Result<std::unique_ptr<Db>> Store::AcquireReader() {
  {
    std::unique_lock<std::mutex> lock(readers_mu_);
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.reader_wait_ms);
    auto available = [&] { return !readers_.empty() || open_readers_ < options_.max_readers; };
    if (!available()) {
      util::ScopedBlocking blocking;
      readers_cv_.wait_until(lock, deadline, available);
    }
    if (!readers_.empty()) {
      auto db = std::move(readers_.back());
      readers_.pop_back();
      return db;
    }
    ++open_readers_;  // counted before opening, so concurrent openers see it
  }
  Db::Options o = DbOptions(options_);
  o.cache_size_kib = options_.reader_cache_size_kib;
  auto db = Db::Open(options_.path, o);
  Status s = db.ok() ? db.value()->Exec("PRAGMA query_only=1") : db.status();
  if (!s.ok()) {
    std::lock_guard<std::mutex> lock(readers_mu_);
    --open_readers_;
    readers_cv_.notify_one();
    return s;
  }
  return std::move(db.value());
}

void Store::ReleaseReader(std::unique_ptr<Db> db) {
  {
    std::lock_guard<std::mutex> lock(readers_mu_);
    // Bound idle connections (each holds its own page cache); extra ones
    // opened after a wait close when they are done.
    if (readers_.size() < options_.max_idle_readers) {
      readers_.push_back(std::move(db));
    } else {
      --open_readers_;
    }
  }
  readers_cv_.notify_one();
  // An extra connection closes here, outside the lock.
}

Status Store::Read(const ReadFn& fn) {
  auto db = AcquireReader();
  if (!db.ok()) return db.status();
  Db& conn = *db.value();
  Status s = conn.Prepare(kBegin).Run();
  if (s.ok()) {
    s = fn(conn);
    Status end = conn.Prepare(kCommit).Run();
    if (s.ok()) s = end;
  }
  ReleaseReader(std::move(db.value()));
  return s;
}

Result<std::unique_ptr<Store::ReadSnapshot>> Store::Snapshot() {
  auto db = AcquireReader();
  if (!db.ok()) return db.status();
  Status s = db.value()->Prepare(kBegin).Run();
  if (!s.ok()) {
    ReleaseReader(std::move(db.value()));
    return s;
  }
  return std::unique_ptr<ReadSnapshot>(new ReadSnapshot(this, std::move(db.value())));
}

Store::ReadSnapshot::~ReadSnapshot() {
  db_->Prepare(kCommit).Run();
  store_->ReleaseReader(std::move(db_));
}

Status Store::Write(WriteFn fn) {
  auto job = std::make_shared<Job>();
  job->fn = std::move(fn);
  std::unique_lock<std::mutex> lock(mu_);
  if (closing_) return Status::Unavailable("the server is shutting down");
  queue_.push_back(job);
  auto my_turn = [&] { return !committing_ && pausing_ == 0; };
  for (;;) {
    if (job->done) return job->result;
    if (my_turn()) {
      // No group is being committed: this caller commits what is queued
      // (its own job first in line or behind others), on its own thread.
      LeadLocked(lock);
      continue;  // done, unless more than max_group were queued ahead
    }
    // Another caller (or the writer thread) is committing: wait without a
    // running slot (a worker pool lets another request run meanwhile).
    util::ScopedBlocking blocking;
    job->cv.wait(lock, [&] { return job->done || my_turn(); });
  }
}

void Store::WriteAsync(WriteFn fn) {
  auto job = std::make_shared<Job>();
  job->fn = std::move(fn);
  job->wait = false;
  std::lock_guard<std::mutex> lock(mu_);
  if (closing_) return;
  queue_.push_back(job);
  if (!committing_ && pausing_ == 0) work_cv_.notify_one();
}

void Store::WriterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    // Async jobs no caller waits for, and whatever is queued at Close().
    work_cv_.wait(lock,
                  [&] { return !committing_ && pausing_ == 0 && (closing_ || !queue_.empty()); });
    if (queue_.empty()) return;  // closing, and nothing is queued or committing
    LeadLocked(lock);
  }
}

void Store::LeadLocked(std::unique_lock<std::mutex>& lock) {
  assert(!committing_ && !queue_.empty());
  committing_ = true;
  std::vector<std::shared_ptr<Job>> group;
  while (!queue_.empty() && group.size() < options_.max_group) {
    group.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  lock.unlock();
  {
    // Every caller queued behind this group waits for this thread, and on a
    // busy machine it shares the CPUs with the request threads: preempted
    // mid-group it held them all up (the mixed ATS load's POST p99 was 11-12
    // ms at normal priority, 7-8 ms at nice -10, tools/bench on 2 cores).
    util::ScopedNice priority(writer_nice_);
    CommitGroup(group);
  }
  lock.lock();
  for (auto& job : group) job->done = true;
  committing_ = false;
  const Next next = NextLocked();
  lock.unlock();
  // `group` keeps each Job alive while it is notified, even if its caller
  // has already woken (spuriously) and returned.
  for (auto& job : group) job->cv.notify_one();
  Notify(next);
  lock.lock();
}

Store::Next Store::NextLocked() const {
  assert(!committing_);
  Next next;
  if (pausing_ > 0) {
    next.pauser = true;  // it waits for exactly this; the queue waits for its end
    return next;
  }
  // The next group's leader: the first queued caller (it is waiting for
  // exactly this), or the writer thread for an async job or at Close().
  const std::shared_ptr<Job> front = queue_.empty() ? nullptr : queue_.front();
  if (front && front->wait) next.leader = front;
  next.writer = closing_ || (front && !front->wait);
  return next;
}

void Store::Notify(const Next& next) {
  if (next.pauser) pause_cv_.notify_all();
  if (next.leader) next.leader->cv.notify_one();
  if (next.writer) work_cv_.notify_one();
}

void Store::BetweenCommits(const std::function<void()>& fn) {
  std::unique_lock<std::mutex> lock(mu_);
  ++pausing_;
  pause_cv_.wait(lock, [&] { return !committing_; });
  // Taken like a group's turn: Write() and the writer thread wait for it.
  committing_ = true;
  lock.unlock();
  {
    util::ScopedNice priority(writer_nice_);  // everyone queued waits for it, as for a group
    fn();
  }
  lock.lock();
  committing_ = false;
  --pausing_;
  const Next next = NextLocked();
  lock.unlock();
  Notify(next);
}

// Runs each job in its own savepoint inside one transaction, then commits
// once. Invariant: a job's result is OK only if the COMMIT that covers it
// succeeded. Some errors (disk full, I/O error) make SQLite roll back the
// whole transaction on its own: then the earlier jobs of that transaction are
// failed too, and the rest of the group continues in a new transaction.
void Store::CommitGroup(std::vector<std::shared_ptr<Job>>& group) {
  Db& db = *writer_db_;
  groups_.fetch_add(1, std::memory_order_relaxed);
  size_t first = 0;  // the first job of the current transaction
  Status s;          // of its BEGIN
  int64_t changes_at_begin = 0;
  // Opens the transaction whose first job is group[next].
  auto begin = [&](size_t next) {
    first = next;
    s = db.Prepare(kBeginImmediate).Run();
    changes_at_begin = sqlite3_total_changes64(db.raw());
  };
  begin(0);
  // Rows of a transaction rolled back below stay recorded: they can only
  // widen what the commit is said to touch.
  recorder_->Clear();
  for (size_t i = 0; i < group.size(); ++i) {
    Job& job = *group[i];
    (job.wait ? writes_ : async_writes_).fetch_add(1, std::memory_order_relaxed);
    if (!s.ok()) {  // no transaction could be started
      job.result = s;
      continue;
    }
    // The first job of a transaction runs without a savepoint: rolling the
    // whole transaction back undoes exactly that job, and a savepoint would
    // copy every page it changes into the statement journal first (about
    // 50K instructions for a new invitation).
    const bool alone = i == first;
    Status js = alone ? Status::OK() : db.Prepare(kSavepoint).Run();
    if (js.ok()) js = RunJob(job.fn, db);
    if (alone && !js.ok() && !sqlite3_get_autocommit(db.raw())) {
      db.Prepare(kRollback).Run();
      job.result = js;
      if (!job.wait) LogWarn("background write failed: " + js.ToString());
      begin(i + 1);
      continue;
    }
    if (sqlite3_get_autocommit(db.raw())) {
      // The transaction is gone, and with it the writes of jobs first..i.
      Status lost = js.ok() ? Status::IoError("the transaction was rolled back") : js;
      for (size_t j = first; j < i; ++j) {
        if (group[j]->result.ok()) {
          group[j]->result = Status::IoError(
              "the transaction was rolled back by another write's failure: " + lost.details());
        }
      }
      job.result = lost;
      LogWarn("a write rolled back its whole group transaction: " + lost.ToString());
      begin(i + 1);
      continue;
    }
    if (alone) {
      job.result = js;  // OK: it failed above otherwise
      continue;
    }
    if (!js.ok()) db.Prepare(kRollbackTo).Run();
    Status released = db.Prepare(kRelease).Run();
    job.result = js.ok() ? released : js;
    if (!job.wait && !job.result.ok()) LogWarn("background write failed: " + js.ToString());
  }
  if (!s.ok()) return;
  // Moves the change generation forward with the changes it announces, in
  // the same commit: a reader can never see the new rows with the old value.
  // (A job rolled back to its savepoint still counts as a change: that only
  // costs the response cache a needless miss. A failed first job took its
  // transaction with it, and its changes with the count.) What the rows belong to is
  // registered in the change log before the COMMIT, so a reader that sees
  // the new generation finds it there (store/change_log.h).
  Status commit;
  int64_t generation = 0;
  const int64_t changes = sqlite3_total_changes64(db.raw()) - changes_at_begin;
  if (changes != 0) {
    const ChangeSet touched = recorder_->Resolve(db, changes);
    {
      Stmt bump = db.Prepare(kBumpGeneration);  // reset before the COMMIT
      if (bump.Step(&commit)) {
        generation = bump.Int(0);
        if (bump.Step(&commit)) commit = Status::Internal("change_generation has two rows");
      } else if (commit.ok()) {
        commit = Status::Internal("change_generation has no row");
      }
    }
    if (commit.ok()) {
      change_log_.Register(generation, touched);
    } else {
      generation = 0;
    }
  }
  if (commit.ok()) {
    // The WAL write and its fsync: on a worker (a caller leading the group)
    // this is a wait, not running: its slot goes to another request.
    util::ScopedBlocking blocking;
    commit = db.Prepare(kCommit).Run();
  }
  if (generation != 0) {
    if (commit.ok()) {
      change_log_.Committed(generation);
    } else {
      change_log_.Abandoned(generation);
    }
  }
  if (!commit.ok()) {
    db.Prepare(kRollback).Run();
    LogError("commit failed: " + commit.ToString());
    for (size_t j = first; j < group.size(); ++j) {
      if (group[j]->result.ok()) group[j]->result = commit;
    }
  }
}

WriteStats Store::write_stats() const {
  WriteStats w;
  w.writes = writes_.load(std::memory_order_relaxed);
  w.async_writes = async_writes_.load(std::memory_order_relaxed);
  w.groups = groups_.load(std::memory_order_relaxed);
  if (checkpointer_) {
    const CheckpointStats c = checkpointer_->stats();
    w.checkpoints = c.background;
    w.writer_checkpoints = c.by_writer;
    w.checkpoint_failures = c.failed;
    w.checkpoint_catch_ups = c.catch_ups;
    w.wal_restarts = c.restarts;
  }
  return w;
}

Result<int64_t> ChangeGeneration(Db& db) {
  Stmt st = db.Prepare(kGetGeneration);
  Status s;
  if (!st.Step(&s)) return s.ok() ? Status::Internal("change_generation has no row") : s;
  return st.Int(0);
}

}  // namespace cammio
