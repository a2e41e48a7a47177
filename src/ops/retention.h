// Data retention: each account may set a period (retention_settings,
// schema 008) after which the server itself deletes every completed
// interview -- with its invitation, recordings, reviews, media files and
// outgoing messages (store/erase.h) -- counted from the interview's completion
// (interviews.datetime_end_ts). Candidates left with nothing are deleted
// too. Each run that deletes something records an erasure_audit row per
// account (counts only).
//
// RetentionWorker runs ApplyRetention on a background thread of `cammio
// serve`: shortly after Start, then every `interval_seconds`. Deletions go
// through Store::Write in batches (one transaction per batch of interviews),
// so the API keeps being served in between; media files are unlinked after
// each batch has committed.
//
// Thread-safety: ApplyRetention is reentrant. RetentionWorker: Start/Stop
// from one controlling thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "cammio/status.h"
#include "store/store.h"
#include "util/time.h"

namespace cammio::ops {

struct RetentionRun {
  int64_t accounts = 0;  // accounts with something deleted
  int64_t interviews = 0;
  int64_t media_files = 0;
  int64_t files_not_removed = 0;
};

// Sets (days >= 1) or clears (nullopt) an account's retention period.
// NotFound for an unknown account, InvalidArgument for days out of 1..36500.
Status SetRetentionDays(Store& store, int64_t account_id, std::optional<int64_t> days, int64_t now);
// The account's period, nullopt when none is set.
Result<std::optional<int64_t>> GetRetentionDays(Store& store, int64_t account_id);

// Deletes everything due at `now` for every account with a period. Errors
// of a batch stop the run (what earlier batches deleted stays deleted).
Status ApplyRetention(Store& store, const std::string& data_dir, int64_t now, RetentionRun* run,
                      int batch_size = 100);

class RetentionWorker {
 public:
  RetentionWorker(Store* store, std::string data_dir, Clock* clock, int64_t interval_seconds = 3600)
      : store_(store), data_dir_(std::move(data_dir)), clock_(clock), interval_(interval_seconds) {}
  ~RetentionWorker() { Stop(); }

  // Starts the thread (idempotent).
  void Start();
  // Wakes and joins the thread; a run in progress finishes its batch first.
  void Stop();
  // Runs completed so far (tests wait on it).
  int64_t runs() const;

 private:
  void Loop();
  Store* store_;
  std::string data_dir_;
  Clock* clock_;
  int64_t interval_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  int64_t runs_ = 0;
  std::thread thread_;
};

}  // namespace cammio::ops
