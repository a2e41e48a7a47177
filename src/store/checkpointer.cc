#include "store/checkpointer.h"

#include <algorithm>
#include <cassert>
#include <thread>

#include "util/log.h"

namespace cammio {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(Db& writer, CheckpointerOptions options) {
  assert(options.wake_frames > 0 && options.writer_frames > options.wake_frames);
  assert(!options.between_commits || (options.restart_frames >= options.wake_frames &&
                                      options.restart_frames < options.writer_frames));
  Db::Options o;
  o.vfs = options.vfs;
  o.busy_timeout_ms = options.busy_timeout_ms;
  o.cache_size_kib = 64;  // a checkpoint copies through the WAL, not this cache
  auto own = Db::Open(options.path, o);
  if (!own.ok()) return own.status();
  std::unique_ptr<Checkpointer> c(
      new Checkpointer(writer, std::move(options), std::move(own.value())));
  sqlite3_wal_hook(writer.raw(), &Checkpointer::OnCommit, c.get());
  c->thread_ = std::thread([p = c.get()] { p->Loop(); });
  return c;
}

Checkpointer::Checkpointer(Db& writer, CheckpointerOptions options, std::unique_ptr<Db> own)
    : writer_(writer), options_(std::move(options)), own_(std::move(own)) {
  backoff_ = FirstBackoff();
}

std::chrono::milliseconds Checkpointer::FirstBackoff() const {
  return std::min(std::max(options_.min_interval, std::chrono::milliseconds(10)),
                  options_.catch_up_backoff);
}

Checkpointer::~Checkpointer() { Stop(); }

void Checkpointer::Stop() {
  if (!thread_.joinable()) return;
  // SQLite's default: its autocheckpoint hook, at its default threshold.
  sqlite3_wal_autocheckpoint(writer_.raw(), static_cast<int>(options_.wake_frames));
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
  own_.reset();
}

CheckpointStats Checkpointer::stats() const {
  CheckpointStats s;
  s.background = background_.load(std::memory_order_relaxed);
  s.by_writer = by_writer_.load(std::memory_order_relaxed);
  s.failed = failed_.load(std::memory_order_relaxed);
  s.catch_ups = catch_ups_.load(std::memory_order_relaxed);
  s.restarts = restarts_.load(std::memory_order_relaxed);
  return s;
}

int Checkpointer::OnCommit(void* self, sqlite3* db, const char* /*schema*/, int frames) {
  auto* c = static_cast<Checkpointer*>(self);
  const bool past_bound = frames >= c->options_.writer_frames;
  // Past the bound the thread is woken only if it has catch-ups: while
  // readers pin the WAL only a catch-up (which waits for them) restarts it.
  // Without catch-ups the committing thread's own checkpoint is what lets
  // the next commit restart the WAL, and one of the thread's running
  // meanwhile would only make it busy.
  if (frames >= c->options_.wake_frames && (!past_bound || c->options_.between_commits)) {
    {
      std::lock_guard<std::mutex> lock(c->mu_);
      c->wanted_ = true;
    }
    c->cv_.notify_one();
  }
  if (past_bound) {
    // The background thread has not kept up (or readers pinned the WAL for
    // long): bound the file here, as SQLite's own hook would. A checkpoint
    // the thread is running meanwhile makes this one busy: counted, harmless.
    int log = 0;
    c->Run(db, SQLITE_CHECKPOINT_PASSIVE, &c->by_writer_, &log);
  }
  return SQLITE_OK;  // the commit itself succeeded either way
}

void Checkpointer::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || wanted_; });
    if (stop_) return;
    wanted_ = false;
    lock.unlock();
    int log = 0;
    Run(own_->raw(), SQLITE_CHECKPOINT_PASSIVE, &background_, &log);
    const auto now = std::chrono::steady_clock::now();
    if (options_.between_commits && log >= options_.restart_frames && now >= next_catch_up_) {
      if (CatchUp()) {
        backoff_ = FirstBackoff();
      } else {
        // Readers held old frames longer than catch_up_wait (a long read
        // pins them until it ends): wait longer each time before trying again.
        next_catch_up_ = now + backoff_;
        backoff_ = std::min(2 * backoff_, options_.catch_up_backoff);
      }
    }
    lock.lock();
    // While readers pin the WAL's tail every commit asks again: at most one
    // checkpoint per interval (a Stop() ends the wait).
    cv_.wait_for(lock, options_.min_interval, [&] { return stop_; });
  }
}

bool Checkpointer::CatchUp() {
  // The database file's pages copied by the checkpoints since its last
  // sync are written back now, before commits are held off: the sync that
  // RESTART runs below (after its copy) then has little left to write. That
  // sync was the catch-up's main cost: commits were held off 3-11 ms with
  // the writes of several checkpoints pending, 0.6-2.3 ms after this one
  // (tools/bench's mixed load).
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(own_->raw(), "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
      file == nullptr || file->pMethods == nullptr) {
    return false;
  }
  const int synced = file->pMethods->xSync(file, SQLITE_SYNC_NORMAL);
  if (synced != SQLITE_OK) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    LogWarn(std::string("syncing the database file before a WAL restart failed: ") +
            sqlite3_errstr(synced));
    return false;
  }
  int rc = SQLITE_OK;
  options_.between_commits([&] {
    // No commit runs now, so RESTART copies the frames committed since the
    // checkpoint before, syncs, waits (OnBusy) for readers still on older
    // snapshots, and makes the next commit write the WAL from its start.
    // SQLITE_BUSY when that wait ran out: the copy stays done, the restart is
    // left to a later catch-up.
    wait_until_ = std::chrono::steady_clock::now() + options_.catch_up_wait;
    sqlite3_busy_handler(own_->raw(), &Checkpointer::OnBusy, this);
    int log = 0;
    rc = Run(own_->raw(), SQLITE_CHECKPOINT_RESTART, &catch_ups_, &log);
    sqlite3_busy_timeout(own_->raw(), options_.busy_timeout_ms);  // Db::Open's handler back
  });
  if (rc != SQLITE_OK) return false;
  restarts_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

int Checkpointer::OnBusy(void* self, int /*count*/) {
  auto* c = static_cast<Checkpointer*>(self);
  if (std::chrono::steady_clock::now() >= c->wait_until_) return 0;  // give up: SQLITE_BUSY
  // A reader's transaction lasts about 0.1-1 ms: poll at a fraction of that
  // (SQLite's own handler sleeps 1 ms first, half the whole budget).
  std::this_thread::sleep_for(std::chrono::microseconds(100));
  return 1;
}

int Checkpointer::Run(sqlite3* db, int mode, std::atomic<uint64_t>* ran, int* log) {
  int copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db, nullptr, mode, log, &copied);
  ran->fetch_add(1, std::memory_order_relaxed);
  // BUSY: another checkpoint (this process's other kind, or the CLI's) is
  // running, which does the same work; or readers held frames back.
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    LogWarn(std::string("WAL checkpoint failed (retried after the next commits): ") +
            sqlite3_errstr(rc));
  }
  return rc;
}

}  // namespace cammio
