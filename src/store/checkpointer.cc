#include "store/checkpointer.h"

#include <cassert>

#include "util/log.h"

namespace cammio {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(Db& writer, CheckpointerOptions options) {
  assert(options.wake_frames > 0 && options.writer_frames > options.wake_frames);
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
    : writer_(writer), options_(std::move(options)), own_(std::move(own)) {}

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
  return s;
}

int Checkpointer::OnCommit(void* self, sqlite3* db, const char* /*schema*/, int frames) {
  auto* c = static_cast<Checkpointer*>(self);
  if (frames >= c->options_.writer_frames) {
    // The background thread has not kept up (or readers pinned the WAL for
    // long): bound the file here, as SQLite's own hook would. A checkpoint
    // the thread is running meanwhile makes this one busy: counted, harmless.
    c->Run(db, &c->by_writer_);
  } else if (frames >= c->options_.wake_frames) {
    {
      std::lock_guard<std::mutex> lock(c->mu_);
      c->wanted_ = true;
    }
    c->cv_.notify_one();
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
    Run(own_->raw(), &background_);
    lock.lock();
    // While readers pin the WAL's tail every commit asks again: at most one
    // checkpoint per interval (a Stop() ends the wait).
    cv_.wait_for(lock, options_.min_interval, [&] { return stop_; });
  }
}

void Checkpointer::Run(sqlite3* db, std::atomic<uint64_t>* ran) {
  int log = 0;
  int copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
  ran->fetch_add(1, std::memory_order_relaxed);
  // BUSY: another checkpoint (this process's other kind, or the CLI's) is
  // running; it does the same work.
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    LogWarn(std::string("WAL checkpoint failed (retried after the next commits): ") +
            sqlite3_errstr(rc));
  }
}

}  // namespace cammio
