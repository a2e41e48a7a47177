#include "ops/retention.h"

#include <chrono>
#include <vector>

#include "ops/purge.h"
#include "store/accounts.h"
#include "store/erase.h"
#include "store/retention.h"
#include "util/log.h"

namespace cammio::ops {
Status SetRetentionDays(Store& store, int64_t account_id, std::optional<int64_t> days,
                        int64_t now) {
  return store.Write([&](Db& db) { return SetRetentionPeriod(db, account_id, days, now); });
}

Result<std::optional<int64_t>> GetRetentionDays(Store& store, int64_t account_id) {
  std::optional<int64_t> days;
  Status s = store.Read([&](Db& db) {
    auto got = GetRetentionSetting(db, account_id);
    if (!got.ok()) return got.status();
    days = *got;
    return Status::OK();
  });
  if (!s.ok()) return s;
  return days;
}

Status ApplyRetention(Store& store, const std::string& data_dir, int64_t now, RetentionRun* run,
                      int batch_size) {
  std::vector<std::pair<int64_t, int64_t>> accounts;
  Status s = store.Read([&](Db& db) {
    auto all = ListRetentionSettings(db);
    if (!all.ok()) return all.status();
    accounts = std::move(*all);
    return Status::OK();
  });
  for (size_t a = 0; s.ok() && a < accounts.size(); ++a) {
    const int64_t account_id = accounts[a].first;
    const int64_t cutoff = now - accounts[a].second * 86400;
    bool touched = false;
    for (bool more = true; s.ok() && more;) {
      std::vector<std::string> files;
      EraseCounts counts;
      s = store.Write([&](Db& db) {
        auto found = DueInterviews(db, account_id, cutoff, batch_size);
        if (!found.ok()) return found.status();
        const std::vector<int64_t>& due = *found;
        Status r;
        more = static_cast<int>(due.size()) == batch_size;
        if (due.empty()) return Status::OK();
        Eraser p(db, account_id, data_dir + "/media");
        for (size_t i = 0; r.ok() && i < due.size(); ++i) {
          r = p.Interview(due[i]);
          if (r.IsNotFound()) r = Status::OK();  // went with an earlier one's invitation
        }
        if (r.ok()) r = p.FinishMedia();
        if (r.ok()) r = p.DropOrphanCandidates({});
        if (r.ok()) r = p.Audit("retention", now, nullptr);
        if (!r.ok()) return r;
        counts = p.counts();
        files = p.files();
        return Status::OK();
      });
      if (!s.ok()) break;
      if (counts.interviews > 0) touched = true;
      run->interviews += counts.interviews;
      run->media_files += counts.media_files;
      run->files_not_removed += UnlinkFiles(files);
    }
    if (touched) ++run->accounts;
  }
  return s;
}

void RetentionWorker::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void RetentionWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int64_t RetentionWorker::runs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return runs_;
}

void RetentionWorker::Loop() {
  for (;;) {
    RetentionRun run;
    Status s = ApplyRetention(*store_, data_dir_, clock_->Now(), &run);
    if (!s.ok()) {
      LogWarn("retention run failed (retried next run): " + s.ToString());
    } else if (run.interviews > 0) {
      LogInfo("retention deleted " + std::to_string(run.interviews) + " interviews and " +
              std::to_string(run.media_files) + " media files in " + std::to_string(run.accounts) +
              " accounts");
    }
    std::unique_lock<std::mutex> lock(mu_);
    ++runs_;
    cv_.notify_all();
    if (cv_.wait_for(lock, std::chrono::seconds(interval_), [this] { return stopping_; })) return;
  }
}

}  // namespace cammio::ops
