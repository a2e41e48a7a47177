#include "store/notifications.h"

namespace cammio {
namespace {

#define DELIVERY_COLUMNS                                                                     \
  "id, account_id, interview_id, webhook_id, status, method, url, headers, body, attempts, " \
  "round_attempts, next_attempt_at, last_attempt_at, last_status_code, last_response, "      \
  "last_error, created_at, delivered_at, updated_at "

constexpr const char kSelectCompletion[] =
    "SELECT w.account_id, i.callback_params FROM interviews w "
    "JOIN invitations i ON i.id = w.invitation_id AND i.account_id = w.account_id "
    "WHERE w.id = ?1";
constexpr const char kInsertDelivery[] =
    "INSERT INTO notifications (account_id, interview_id, webhook_id, status, method, url, "
    "headers, body, attempts, round_attempts, next_attempt_at, last_error, created_at, "
    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, 0, ?9, ?10, ?11, ?11) "
    "ON CONFLICT (interview_id) DO NOTHING";
constexpr const char kSelectDelivery[] =
    "SELECT " DELIVERY_COLUMNS "FROM notifications WHERE account_id = ?1 AND id = ?2";
constexpr const char kListDeliveries[] =
    "SELECT " DELIVERY_COLUMNS
    "FROM notifications WHERE account_id = ?1 "
    "AND (?2 IS NULL OR created_at >= ?2) AND (?3 IS NULL OR created_at <= ?3) "
    "ORDER BY id LIMIT ?4 OFFSET ?5";
constexpr const char kCountDeliveries[] =
    "SELECT COUNT(*) FROM notifications WHERE account_id = ?1 "
    "AND (?2 IS NULL OR created_at >= ?2) AND (?3 IS NULL OR created_at <= ?3)";
constexpr const char kDueAccounts[] =
    "SELECT DISTINCT account_id FROM notifications "
    "WHERE status = 'pending' AND next_attempt_at <= ?1";
constexpr const char kNextDueForAccount[] =
    "SELECT " DELIVERY_COLUMNS
    "FROM notifications "
    "WHERE account_id = ?1 AND status = 'pending' AND next_attempt_at <= ?2 "
    "ORDER BY next_attempt_at, id LIMIT 1";
constexpr const char kNextDueTime[] =
    "SELECT MIN(next_attempt_at) FROM notifications WHERE status = 'pending'";
constexpr const char kRecordRetry[] =
    "UPDATE notifications SET attempts = attempts + 1, round_attempts = round_attempts + 1, "
    "status = ?3, next_attempt_at = ?4, last_attempt_at = ?5, last_status_code = ?6, "
    "last_response = ?7, last_error = ?8, updated_at = ?5 "
    "WHERE account_id = ?1 AND id = ?2 AND status = 'pending' AND round_attempts = ?9";
constexpr const char kRecordDelivered[] =
    "UPDATE notifications SET attempts = attempts + 1, round_attempts = round_attempts + 1, "
    "status = 'delivered', next_attempt_at = NULL, last_attempt_at = ?3, "
    "last_status_code = ?4, last_response = ?5, last_error = NULL, delivered_at = ?3, "
    "updated_at = ?3 "
    "WHERE account_id = ?1 AND id = ?2 AND status = 'pending' AND round_attempts = ?6";
constexpr const char kRedeliver[] =
    "UPDATE notifications SET status = 'pending', round_attempts = 0, next_attempt_at = ?3, "
    "delivered_at = NULL, updated_at = ?3 WHERE account_id = ?1 AND id = ?2";

#undef DELIVERY_COLUMNS

NotificationRow FromRow(const Stmt& st) {
  NotificationRow d;
  d.id = st.Int(0);
  d.account_id = st.Int(1);
  d.interview_id = st.Int(2);
  d.webhook_id = st.Text(3);
  d.status = st.Text(4);
  d.method = st.Text(5);
  d.url = st.Text(6);
  d.headers_json = st.Text(7);
  d.body = st.Text(8);
  d.attempts = st.Int(9);
  d.round_attempts = st.Int(10);
  d.next_attempt_at = st.OptInt(11);
  d.last_attempt_at = st.OptInt(12);
  d.last_status_code = st.OptInt(13);
  d.last_response = st.OptText(14);
  d.last_error = st.OptText(15);
  d.created_at = st.Int(16);
  d.delivered_at = st.OptInt(17);
  d.updated_at = st.Int(18);
  return d;
}

}  // namespace

Result<std::optional<CompletionSource>> SelectCompletionSource(Db& db, int64_t interview_id) {
  Stmt find = db.Prepare(kSelectCompletion);
  find.Bind(1, interview_id);
  Status s;
  if (!find.Step(&s)) {
    if (!s.ok()) return s;
    return std::optional<CompletionSource>();
  }
  return std::optional<CompletionSource>(CompletionSource{find.Int(0), find.OptText(1)});
}

Result<int64_t> InsertNotificationRow(Db& db, const NotificationRow& r) {
  Status s = db.Prepare(kInsertDelivery)
                 .Bind(1, r.account_id)
                 .Bind(2, r.interview_id)
                 .Bind(3, r.webhook_id)
                 .Bind(4, r.status)
                 .Bind(5, r.method)
                 .Bind(6, r.url)
                 .Bind(7, r.headers_json)
                 .BindBlob(8, r.body)
                 .Bind(9, r.next_attempt_at)
                 .Bind(10, r.last_error)
                 .Bind(11, r.created_at)
                 .Run();
  if (!s.ok()) return s;
  return db.Changes() > 0 ? db.LastInsertId() : int64_t{0};
}

Result<NotificationRow> SelectNotificationRow(Db& db, int64_t account_id, int64_t id) {
  Stmt st = db.Prepare(kSelectDelivery);
  st.Bind(1, account_id).Bind(2, id);
  Status s;
  if (st.Step(&s)) return FromRow(st);
  if (!s.ok()) return s;
  return Status::NotFound("no notification with id " + std::to_string(id));
}

Status ListNotificationRows(Db& db, int64_t account_id, std::optional<int64_t> from,
                            std::optional<int64_t> to, int64_t limit, int64_t offset,
                            std::vector<NotificationRow>* out, int64_t* total) {
  Stmt count = db.Prepare(kCountDeliveries);
  count.Bind(1, account_id).Bind(2, from).Bind(3, to);
  Status s;
  if (count.Step(&s)) *total = count.Int(0);
  if (!s.ok()) return s;
  Stmt st = db.Prepare(kListDeliveries);
  st.Bind(1, account_id).Bind(2, from).Bind(3, to).Bind(4, limit).Bind(5, offset);
  while (st.Step(&s)) out->push_back(FromRow(st));
  return s;
}

Status SelectDueNotificationAccounts(Db& db, int64_t now, std::vector<int64_t>* accounts) {
  Stmt st = db.Prepare(kDueAccounts);
  st.Bind(1, now);
  Status s;
  while (st.Step(&s)) accounts->push_back(st.Int(0));
  return s;
}

Result<std::optional<NotificationRow>> SelectNextDueNotification(Db& db, int64_t account_id,
                                                                 int64_t now) {
  Stmt st = db.Prepare(kNextDueForAccount);
  st.Bind(1, account_id).Bind(2, now);
  Status s;
  if (st.Step(&s)) return std::optional<NotificationRow>(FromRow(st));
  if (!s.ok()) return s;
  return std::optional<NotificationRow>();
}

Result<std::optional<int64_t>> SelectNextNotificationTime(Db& db) {
  Stmt st = db.Prepare(kNextDueTime);
  Status s;
  if (st.Step(&s)) return st.OptInt(0);
  if (!s.ok()) return s;
  return std::optional<int64_t>();
}

Result<bool> MarkNotificationDelivered(Db& db, int64_t account_id, int64_t id, int64_t at,
                                       std::optional<int64_t> status_code,
                                       const std::string& response, int64_t round_attempts) {
  Status s = db.Prepare(kRecordDelivered)
                 .Bind(1, account_id)
                 .Bind(2, id)
                 .Bind(3, at)
                 .Bind(4, status_code)
                 .Bind(5, response)
                 .Bind(6, round_attempts)
                 .Run();
  if (!s.ok()) return s;
  return db.Changes() > 0;
}

Status MarkNotificationAttempt(Db& db, int64_t account_id, int64_t id, const char* status,
                               std::optional<int64_t> next_attempt_at, int64_t at,
                               std::optional<int64_t> status_code, const std::string& response,
                               const std::string& error, int64_t round_attempts) {
  return db.Prepare(kRecordRetry)
      .Bind(1, account_id)
      .Bind(2, id)
      .Bind(3, status)
      .Bind(4, next_attempt_at)
      .Bind(5, at)
      .Bind(6, status_code)
      .Bind(7, response)
      .Bind(8, error)
      .Bind(9, round_attempts)
      .Run();
}

Result<bool> ResetNotificationRound(Db& db, int64_t account_id, int64_t id, int64_t now) {
  Status s = db.Prepare(kRedeliver).Bind(1, account_id).Bind(2, id).Bind(3, now).Run();
  if (!s.ok()) return s;
  return db.Changes() > 0;
}

}  // namespace cammio
