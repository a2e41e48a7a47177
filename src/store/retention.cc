#include "store/retention.h"

#include <string>

#include "store/accounts.h"
#include "store/erase.h"

namespace cammio {
namespace {

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

}  // namespace

Status SetRetentionPeriod(Db& db, int64_t account_id, std::optional<int64_t> days, int64_t now) {
  if (days && (*days < 1 || *days > kMaxRetentionDays)) {
    return Status::InvalidArgument("the retention period must be 1 to " +
                                   std::to_string(kMaxRetentionDays) + " days");
  }
  auto exists = AccountExists(db, account_id);
  if (!exists.ok()) return exists.status();
  if (!*exists) return Status::NotFound("no account " + std::to_string(account_id));
  if (!days) return DeleteRetentionSetting(db, account_id);
  return UpsertRetentionSetting(db, account_id, *days, now);
}

Status UpsertRetentionSetting(Db& db, int64_t account_id, int64_t days, int64_t now) {
  Stmt up = db.Prepare(kUpsertRetention);
  up.Bind(1, account_id).Bind(2, days).Bind(3, now);
  return up.Run();
}

Result<std::optional<int64_t>> GetRetentionSetting(Db& db, int64_t account_id) {
  std::optional<int64_t> days;
  Stmt st = db.Prepare(kGetRetention);
  st.Bind(1, account_id);
  Status r;
  if (st.Step(&r)) days = st.Int(0);
  if (!r.ok()) return r;
  return days;
}

Result<std::vector<std::pair<int64_t, int64_t>>> ListRetentionSettings(Db& db) {
  std::vector<std::pair<int64_t, int64_t>> accounts;
  Stmt st = db.Prepare(kAllRetention);
  Status r;
  while (st.Step(&r)) accounts.emplace_back(st.Int(0), st.Int(1));
  if (!r.ok()) return r;
  return accounts;
}

Result<std::vector<int64_t>> DueInterviews(Db& db, int64_t account_id, int64_t cutoff,
                                           int64_t limit) {
  std::vector<int64_t> due;
  Stmt st = db.Prepare(kDueInterviews);
  st.Bind(1, account_id).Bind(2, cutoff).Bind(3, limit);
  Status r;
  while (st.Step(&r)) due.push_back(st.Int(0));
  if (!r.ok()) return r;
  return due;
}

}  // namespace cammio
