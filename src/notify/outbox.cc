#include "notify/outbox.h"

#include "notify/settings.h"
#include "store/interviews.h"
#include "util/log.h"
#include "util/random.h"

namespace cammio {
namespace {

constexpr size_t kResponseCut = 500;
constexpr size_t kErrorCut = 1000;

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
    "SELECT " DELIVERY_COLUMNS "FROM notifications WHERE account_id = ?1 "
    "AND (?2 IS NULL OR created_at >= ?2) AND (?3 IS NULL OR created_at <= ?3) "
    "ORDER BY id LIMIT ?4 OFFSET ?5";
constexpr const char kCountDeliveries[] =
    "SELECT COUNT(*) FROM notifications WHERE account_id = ?1 "
    "AND (?2 IS NULL OR created_at >= ?2) AND (?3 IS NULL OR created_at <= ?3)";
constexpr const char kDueAccounts[] =
    "SELECT DISTINCT account_id FROM notifications "
    "WHERE status = 'pending' AND next_attempt_at <= ?1";
constexpr const char kNextDueForAccount[] =
    "SELECT " DELIVERY_COLUMNS "FROM notifications "
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

// The first `max` bytes of `s`, not splitting a UTF-8 sequence, as valid UTF-8.
std::string Cut(const std::string& s, size_t max) {
  if (s.size() <= max) return ToValidUtf8(s);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return ToValidUtf8(std::string_view(s).substr(0, n));
}

std::string HeadersJson(const HeaderList& headers) {
  Value list = Value::Array();
  for (const auto& [name, value] : headers) {
    list.Push(Value::Array().Push(Value::String(name)).Push(Value::String(value)));
  }
  return RenderJson(list);
}

HeaderList ParseHeadersJson(const std::string& text) {
  HeaderList out;
  auto parsed = ParseJson(text);
  if (!parsed.ok() || !parsed->is_array()) return out;
  for (const Value& pair : parsed->items()) {
    if (pair.is_array() && pair.items().size() == 2 && pair.items()[0].is_string() &&
        pair.items()[1].is_string()) {
      out.emplace_back(pair.items()[0].as_string(), pair.items()[1].as_string());
    }
  }
  return out;
}

NotificationDelivery FromRow(const Stmt& st) {
  NotificationDelivery d;
  d.id = st.Int(0);
  d.account_id = st.Int(1);
  d.interview_id = st.Int(2);
  d.webhook_id = st.Text(3);
  d.status = st.Text(4);
  d.request.method = st.Text(5);
  d.request.url = st.Text(6);
  d.request.headers = ParseHeadersJson(st.Text(7));
  d.request.body = st.Text(8);
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

std::string NewWebhookId() { return "msg_" + RandomToken(16); }

Status InsertDelivery(Db& db, NotificationDelivery* d) {
  if (d->webhook_id.empty()) d->webhook_id = NewWebhookId();
  Status s = db.Prepare(kInsertDelivery)
                 .Bind(1, d->account_id)
                 .Bind(2, d->interview_id)
                 .Bind(3, d->webhook_id)
                 .Bind(4, d->status)
                 .Bind(5, d->request.method)
                 .Bind(6, d->request.url)
                 .Bind(7, HeadersJson(d->request.headers))
                 .BindBlob(8, d->request.body)
                 .Bind(9, d->next_attempt_at)
                 .Bind(10, d->last_error)
                 .Bind(11, d->created_at)
                 .Run();
  if (!s.ok()) return s;
  d->id = db.Changes() > 0 ? db.LastInsertId() : 0;
  return Status::OK();
}

Status EnqueueCompletionNotification(Db& db, int64_t interview_id, const PublicLinks& links,
                                     int64_t now) {
  Stmt find = db.Prepare(kSelectCompletion);
  find.Bind(1, interview_id);
  Status s;
  if (!find.Step(&s)) return s;  // no interview, or no invitation: nothing to notify
  int64_t account_id = find.Int(0);
  std::optional<std::string> params_text = find.OptText(1);
  if (!params_text) return Status::OK();  // no callback_params: no notification (the seed)
  auto settings = GetNotificationSettings(db, account_id);
  if (!settings.ok()) return settings.status();
  if (!settings->configured()) return Status::OK();

  NotificationDelivery d;
  d.account_id = account_id;
  d.interview_id = interview_id;
  d.created_at = now;
  auto params = ParseJson(*params_text);
  Result<RenderedRequest> request =
      params.ok()
          ? RenderNotification(*settings, *params, links.RecruiterReview(interview_id))
          : Result<RenderedRequest>(Status::Internal("stored callback_params are not JSON"));
  if (request.ok()) {
    d.request = std::move(request.value());
    d.next_attempt_at = now;
  } else {
    // Keep the completion; make the problem visible in GET /api/notifications.
    LogWarn("notification for interview " + std::to_string(interview_id) +
            " cannot be rendered: " + request.status().details());
    d.status = "failed";
    d.request.method = settings->method;
    d.request.url = *settings->host;
    d.last_error = "the request could not be rendered: " + request.status().details();
  }
  return InsertDelivery(db, &d);
}

Result<NotificationDelivery> GetDelivery(Db& db, int64_t account_id, int64_t id) {
  Stmt st = db.Prepare(kSelectDelivery);
  st.Bind(1, account_id).Bind(2, id);
  Status s;
  if (st.Step(&s)) return FromRow(st);
  if (!s.ok()) return s;
  return Status::NotFound("no notification with id " + std::to_string(id));
}

Status ListDeliveries(Db& db, int64_t account_id, const DeliveryFilter& f,
                      std::vector<NotificationDelivery>* out, int64_t* total) {
  Stmt count = db.Prepare(kCountDeliveries);
  count.Bind(1, account_id).Bind(2, f.from).Bind(3, f.to);
  Status s;
  if (count.Step(&s)) *total = count.Int(0);
  if (!s.ok()) return s;
  Stmt st = db.Prepare(kListDeliveries);
  st.Bind(1, account_id).Bind(2, f.from).Bind(3, f.to).Bind(4, f.limit).Bind(5, f.offset);
  while (st.Step(&s)) out->push_back(FromRow(st));
  return s;
}

Status DueAccounts(Db& db, int64_t now, std::vector<int64_t>* accounts) {
  Stmt st = db.Prepare(kDueAccounts);
  st.Bind(1, now);
  Status s;
  while (st.Step(&s)) accounts->push_back(st.Int(0));
  return s;
}

Result<std::optional<NotificationDelivery>> NextDueDelivery(Db& db, int64_t account_id,
                                                            int64_t now) {
  Stmt st = db.Prepare(kNextDueForAccount);
  st.Bind(1, account_id).Bind(2, now);
  Status s;
  if (st.Step(&s)) return std::optional<NotificationDelivery>(FromRow(st));
  if (!s.ok()) return s;
  return std::optional<NotificationDelivery>();
}

Result<std::optional<int64_t>> NextDueTime(Db& db) {
  Stmt st = db.Prepare(kNextDueTime);
  Status s;
  if (st.Step(&s)) return st.OptInt(0);
  if (!s.ok()) return s;
  return std::optional<int64_t>();
}

Status RecordAttempt(Db& db, const NotificationDelivery& d, const AttemptRecord& a) {
  std::optional<int64_t> code;
  if (a.status_code > 0) code = a.status_code;
  std::string response = Cut(a.response, kResponseCut);
  if (a.delivered) {
    Status s = db.Prepare(kRecordDelivered)
                   .Bind(1, d.account_id)
                   .Bind(2, d.id)
                   .Bind(3, a.at)
                   .Bind(4, code)
                   .Bind(5, response)
                   .Bind(6, d.round_attempts)
                   .Run();
    if (!s.ok() || db.Changes() == 0) return s;
    return SetInterviewSynchronized(db, d.interview_id, a.at);
  }
  return db.Prepare(kRecordRetry)
      .Bind(1, d.account_id)
      .Bind(2, d.id)
      .Bind(3, a.next_attempt_at ? "pending" : "failed")
      .Bind(4, a.next_attempt_at)
      .Bind(5, a.at)
      .Bind(6, code)
      .Bind(7, response)
      .Bind(8, Cut(a.error, kErrorCut))
      .Bind(9, d.round_attempts)
      .Run();
}

Status RedeliverDelivery(Db& db, int64_t account_id, int64_t id, int64_t now) {
  Status s = db.Prepare(kRedeliver).Bind(1, account_id).Bind(2, id).Bind(3, now).Run();
  if (!s.ok()) return s;
  if (db.Changes() == 0) return Status::NotFound("no notification with id " + std::to_string(id));
  return Status::OK();
}

}  // namespace cammio
