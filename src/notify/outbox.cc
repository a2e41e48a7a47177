#include "notify/outbox.h"

#include "notify/settings.h"
#include "store/interviews.h"
#include "store/notifications.h"
#include "util/log.h"
#include "util/random.h"

namespace cammio {
namespace {

constexpr size_t kResponseCut = 500;
constexpr size_t kErrorCut = 1000;

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

NotificationDelivery FromRow(const NotificationRow& row) {
  NotificationDelivery d;
  d.id = row.id;
  d.account_id = row.account_id;
  d.interview_id = row.interview_id;
  d.webhook_id = row.webhook_id;
  d.status = row.status;
  d.request.method = row.method;
  d.request.url = row.url;
  d.request.headers = ParseHeadersJson(row.headers_json);
  d.request.body = row.body;
  d.attempts = row.attempts;
  d.round_attempts = row.round_attempts;
  d.next_attempt_at = row.next_attempt_at;
  d.last_attempt_at = row.last_attempt_at;
  d.last_status_code = row.last_status_code;
  d.last_response = row.last_response;
  d.last_error = row.last_error;
  d.created_at = row.created_at;
  d.delivered_at = row.delivered_at;
  d.updated_at = row.updated_at;
  return d;
}

}  // namespace

std::string NewWebhookId() { return "msg_" + RandomToken(16); }

Status InsertDelivery(Db& db, NotificationDelivery* d) {
  if (d->webhook_id.empty()) d->webhook_id = NewWebhookId();
  NotificationRow row;
  row.account_id = d->account_id;
  row.interview_id = d->interview_id;
  row.webhook_id = d->webhook_id;
  row.status = d->status;
  row.method = d->request.method;
  row.url = d->request.url;
  row.headers_json = HeadersJson(d->request.headers);
  row.body = d->request.body;
  row.next_attempt_at = d->next_attempt_at;
  row.last_error = d->last_error;
  row.created_at = d->created_at;
  auto id = InsertNotificationRow(db, row);
  if (!id.ok()) return id.status();
  d->id = *id;
  return Status::OK();
}

Status EnqueueCompletionNotification(Db& db, int64_t interview_id, const PublicLinks& links,
                                     int64_t now) {
  auto found = SelectCompletionSource(db, interview_id);
  if (!found.ok()) return found.status();
  if (!*found) return Status::OK();  // no interview, or no invitation: nothing to notify
  int64_t account_id = (*found)->account_id;
  std::optional<std::string> params_text = (*found)->callback_params;
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
  auto row = SelectNotificationRow(db, account_id, id);
  if (!row.ok()) return row.status();
  return FromRow(*row);
}

Status ListDeliveries(Db& db, int64_t account_id, const DeliveryFilter& f,
                      std::vector<NotificationDelivery>* out, int64_t* total) {
  std::vector<NotificationRow> rows;
  Status s = ListNotificationRows(db, account_id, f.from, f.to, f.limit, f.offset, &rows, total);
  for (const NotificationRow& row : rows) out->push_back(FromRow(row));
  return s;
}

Status DueAccounts(Db& db, int64_t now, std::vector<int64_t>* accounts) {
  return SelectDueNotificationAccounts(db, now, accounts);
}

Result<std::optional<NotificationDelivery>> NextDueDelivery(Db& db, int64_t account_id,
                                                            int64_t now) {
  auto row = SelectNextDueNotification(db, account_id, now);
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<NotificationDelivery>();
  return std::optional<NotificationDelivery>(FromRow(**row));
}

Result<std::optional<int64_t>> NextDueTime(Db& db) { return SelectNextNotificationTime(db); }

Status RecordAttempt(Db& db, const NotificationDelivery& d, const AttemptRecord& a) {
  std::optional<int64_t> code;
  if (a.status_code > 0) code = a.status_code;
  std::string response = Cut(a.response, kResponseCut);
  if (a.delivered) {
    auto changed =
        MarkNotificationDelivered(db, d.account_id, d.id, a.at, code, response, d.round_attempts);
    if (!changed.ok()) return changed.status();
    if (!*changed) return Status::OK();
    return SetInterviewSynchronized(db, d.interview_id, a.at);
  }
  return MarkNotificationAttempt(db, d.account_id, d.id, a.next_attempt_at ? "pending" : "failed",
                                 a.next_attempt_at, a.at, code, response, Cut(a.error, kErrorCut),
                                 d.round_attempts);
}

Status RedeliverDelivery(Db& db, int64_t account_id, int64_t id, int64_t now) {
  auto changed = ResetNotificationRound(db, account_id, id, now);
  if (!changed.ok()) return changed.status();
  if (!*changed) return Status::NotFound("no notification with id " + std::to_string(id));
  return Status::OK();
}

}  // namespace cammio
