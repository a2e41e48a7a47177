#include "ops/retention.h"

#include <chrono>
#include <vector>

#include "ops/purge.h"
#include "store/erase.h"
#include "util/log.h"

namespace cammio::ops {
namespace {

constexpr const char kAccountExists[] = "SELECT 1 FROM accounts WHERE id = ?1";
constexpr const char kUpsertRetention[] =
    "INSERT INTO retention_settings (account_id, interview_days, updated_at) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (account_id) DO UPDATE SET interview_days = ?2, updated_at = ?3";
constexpr const char kGetRetention[] =
    "SELECT interview_days FROM retention_settings WHERE account_id = ?1";
constexpr const char kAllRetention[] =
    "SELECT account_id, interview_days FROM retention_settings ORDER BY account_id";
// Uses interviews_account_end (account_id, datetime_end_ts, id).
constexpr const char kDueInterviews[] =
    "SELECT id FROM interviews WHERE account_id = ?1 AND datetime_end_ts < ?2"
    " ORDER BY datetime_end_ts, id LIMIT ?3";

constexpr int64_t kMaxDays = 36500;

}  // namespace

Status SetRetentionDays(Store& store, int64_t account_id, std::optional<int64_t> days,
                        int64_t now) {
  if (days && (*days < 1 || *days > kMaxDays)) {
    return Status::InvalidArgument("the retention period must be 1 to " +
                                   std::to_string(kMaxDays) + " days");
  }
  return store.Write([&](Db& db) {
    Stmt ex = db.Prepare(kAccountExists);
    ex.Bind(1, account_id);
    Status s;
    if (!ex.Step(&s)) return s.ok() ? Status::NotFound("no account " + std::to_string(account_id)) : s;
    if (!days) {
      return DeleteRetentionSetting(db, account_id);
    }
    Stmt up = db.Prepare(kUpsertRetention);
    up.Bind(1, account_id).Bind(2, *days).Bind(3, now);
    return up.Run();
  });
}

Result<std::optional<int64_t>> GetRetentionDays(Store& store, int64_t account_id) {
  std::optional<int64_t> days;
  Status s = store.Read([&](Db& db) {
    Stmt st = db.Prepare(kGetRetention);
    st.Bind(1, account_id);
    Status r;
    if (st.Step(&r)) days = st.Int(0);
    return r;
  });
  if (!s.ok()) return s;
  return days;
}

Status ApplyRetention(Store& store, const std::string& data_dir, int64_t now, RetentionRun* run,
                      int batch_size) {
  std::vector<std::pair<int64_t, int64_t>> accounts;
  Status s = store.Read([&](Db& db) {
    Stmt st = db.Prepare(kAllRetention);
    Status r;
    while (st.Step(&r)) accounts.emplace_back(st.Int(0), st.Int(1));
    return r;
  });
  for (size_t a = 0; s.ok() && a < accounts.size(); ++a) {
    const int64_t account_id = accounts[a].first;
    const int64_t cutoff = now - accounts[a].second * 86400;
    bool touched = false;
    for (bool more = true; s.ok() && more;) {
      std::vector<std::string> files;
      EraseCounts counts;
      s = store.Write([&](Db& db) {
        std::vector<int64_t> due;
        Stmt st = db.Prepare(kDueInterviews);
        st.Bind(1, account_id).Bind(2, cutoff).Bind(3, batch_size);
        Status r;
        while (st.Step(&r)) due.push_back(st.Int(0));
        if (!r.ok()) return r;
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
              std::to_string(run.media_files) + " media files in " +
              std::to_string(run.accounts) + " accounts");
    }
    std::unique_lock<std::mutex> lock(mu_);
    ++runs_;
    cv_.notify_all();
    if (cv_.wait_for(lock, std::chrono::seconds(interval_), [this] { return stopping_; })) return;
  }
}

}  // namespace cammio::ops
