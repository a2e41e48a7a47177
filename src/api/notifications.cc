// /api/settings/notifications and /api/notifications (see notifications.h).
#include "api/notifications.h"

#include <cctype>
#include <chrono>
#include <optional>

#include "api/fields.h"
#include "api/list_query.h"
#include "notify/outbox.h"
#include "notify/render.h"
#include "notify/sender.h"
#include "notify/settings.h"
#include "util/blocking.h"
#include "util/keyed_slots.h"

namespace cammio {
namespace {

// A test call waits for the ATS on a request thread: it ends after this
// long, and only a few run at once (per account, and on the whole server).
constexpr std::chrono::milliseconds kTestTimeout{5000};
constexpr int kTestsPerAccount = 2;
constexpr int kTestsPerServer = 8;
constexpr int kTestRetryAfterSeconds = 5;

// The test calls running now (util/keyed_slots.h). A slot is held for the
// whole call.
util::KeyedSlots& RunningTests() {
  static util::KeyedSlots slots(kTestsPerAccount, kTestsPerServer);
  return slots;
}

Value OptTime(const std::optional<int64_t>& t) {
  return t ? Value::Datetime(FormatUtc(*t)) : Value::Null();
}

Value SettingsDocument(const NotificationSettings& s,
                       const std::optional<std::string>& new_secret = std::nullopt) {
  Value o = Value::Object();
  o.Set("host", Value::StringOrNull(s.host));
  o.Set("endpoint", Value::StringOrNull(s.endpoint));
  o.Set("method", Value::String(s.method));
  o.Set("query_params", Value::Bool(s.query_params));
  o.Set("body_msg", Value::StringOrNull(s.body_msg));
  o.Set("content_type", Value::String(s.content_type));
  o.Set("username", Value::StringOrNull(s.username));
  o.Set("has_password", Value::Bool(s.password.has_value()));
  o.Set("ssl", Value::Bool(s.ssl));
  o.Set("disable_email", Value::Bool(s.disable_email));
  o.Set("has_signing_secret", Value::Bool(s.signing_secret.has_value()));
  if (new_secret) o.Set("signing_secret", Value::String(*new_secret));  // shown once
  o.Set("ca_pem", Value::StringOrNull(s.ca_pem));
  o.Set("verify_tls", Value::Bool(s.verify_tls));
  o.Set("timeout_seconds", Value::Int(s.timeout_seconds));
  o.Set("soap_action", Value::StringOrNull(s.soap_action));
  o.Set("datetime_updated",
        s.updated_at ? Value::Datetime(FormatUtc(s.updated_at)) : Value::Null());
  return Value::Wrap("notification_settings", std::move(o));
}

Value DeliveryDocument(const NotificationDelivery& d) {
  Value o = Value::Object();
  o.Set("id", Value::Int(d.id));
  o.Set("interview_id", Value::Int(d.interview_id));
  o.Set("webhook_id", Value::String(d.webhook_id));
  o.Set("status", Value::String(d.status));
  o.Set("method", Value::String(d.request.method));
  o.Set("url", Value::String(ToValidUtf8(d.request.url)));
  o.Set("attempts", Value::Int(d.attempts));
  o.Set("last_status_code", Value::IntOrNull(d.last_status_code));
  o.Set("last_response", Value::StringOrNull(d.last_response));
  o.Set("last_error", Value::StringOrNull(d.last_error));
  o.Set("last_attempt_at", OptTime(d.last_attempt_at));
  o.Set("next_attempt_at", OptTime(d.next_attempt_at));
  o.Set("created_at", Value::Datetime(FormatUtc(d.created_at)));
  o.Set("delivered_at", OptTime(d.delivered_at));
  return Value::Wrap("notification", std::move(o));
}

// A boolean field: JSON true/false, XML text true/false/1/0. Absent or null:
// nullopt (null means "the default" for the boolean settings).
std::optional<bool> Bool(Fields& f, const Value& body, const char* name) {
  const Value* v = body.Find(name);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->type() == Value::Type::kBool) return v->as_bool();
  if (v->from_xml_text()) {
    const std::string& s = v->as_string();
    if (s == "true" || s == "1") return true;
    if (s == "false" || s == "0") return false;
    f.Fail(Status::PreconditionFailed(std::string(name) + " must be true or false"));
    return std::nullopt;
  }
  f.Fail(Status::InvalidArgument(std::string(name) + " must be a boolean"));
  return std::nullopt;
}

// A nullable text setting: absent (leave), null or "" (clear), or a value.
struct TextPatch {
  bool given = false;
  std::optional<std::string> value;
};

TextPatch Text(Fields& f, const char* name, size_t max_len) {
  TextPatch p;
  if (!f.Has(name)) return p;
  p.given = true;
  p.value = f.String(name, max_len);
  if (p.value && p.value->empty()) p.value.reset();
  return p;
}

void Apply(const TextPatch& p, std::optional<std::string>* field) {
  if (p.given) *field = p.value;
}

// The body of a PUT, parsed and type-checked; applied to the stored settings
// inside the write transaction.
struct SettingsPatch {
  TextPatch host, endpoint, body_msg, username, password, signing_secret, ca_pem, soap_action;
  std::optional<std::string> method, content_type;
  bool method_given = false, content_type_given = false, timeout_given = false;
  std::optional<bool> query_params, ssl, disable_email, verify_tls;
  bool query_params_given = false, ssl_given = false, disable_email_given = false,
       verify_tls_given = false;
  std::optional<int64_t> timeout_seconds;
  bool generate_secret = false;
};

Status ParseSettingsPatch(const Value& body, SettingsPatch* p) {
  Fields f(body);
  p->host = Text(f, "host", 255);
  p->endpoint = Text(f, "endpoint", 2048);
  p->method_given = f.Has("method");
  if (auto m = f.String("method", 16)) {
    std::string upper = *m;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper != "GET" && upper != "POST" && upper != "PUT") {
      f.Fail(Status::PreconditionFailed("method must be one of: GET, POST, PUT"));
    }
    p->method = upper;
  }
  p->query_params_given = f.Has("query_params");
  p->query_params = Bool(f, body, "query_params");
  p->body_msg = Text(f, "body_msg", 65536);
  p->content_type_given = f.Has("content_type");
  p->content_type = f.String("content_type", 255);
  if (p->content_type && p->content_type->empty()) p->content_type.reset();
  p->username = Text(f, "username", 255);
  p->password = Text(f, "password", 255);
  p->ssl_given = f.Has("ssl");
  p->ssl = Bool(f, body, "ssl");
  p->disable_email_given = f.Has("disable_email");
  p->disable_email = Bool(f, body, "disable_email");
  p->signing_secret = Text(f, "signing_secret", 200);
  p->generate_secret = Bool(f, body, "generate_signing_secret").value_or(false);
  if (p->generate_secret && p->signing_secret.value) {
    f.Fail(Status::PreconditionFailed(
        "signing_secret and generate_signing_secret cannot be given together"));
  }
  p->ca_pem = Text(f, "ca_pem", 262144);
  p->verify_tls_given = f.Has("verify_tls");
  p->verify_tls = Bool(f, body, "verify_tls");
  p->timeout_given = f.Has("timeout_seconds");
  p->timeout_seconds = f.Int("timeout_seconds", kMinNotifyTimeoutSeconds, kMaxNotifyTimeoutSeconds);
  p->soap_action = Text(f, "soap_action", 1024);
  return f.status();
}

// Merges `p` onto `s`; `generated` is the secret made before the write when
// `p` asked for one (GenerateSigningSecret).
void ApplyPatch(const SettingsPatch& p, const std::optional<std::string>& generated,
                NotificationSettings* s) {
  const NotificationSettings defaults;
  Apply(p.host, &s->host);
  Apply(p.endpoint, &s->endpoint);
  if (p.method_given) s->method = p.method.value_or(defaults.method);
  if (p.query_params_given) s->query_params = p.query_params.value_or(defaults.query_params);
  Apply(p.body_msg, &s->body_msg);
  if (p.content_type_given) s->content_type = p.content_type.value_or(defaults.content_type);
  Apply(p.username, &s->username);
  Apply(p.password, &s->password);
  if (p.ssl_given) s->ssl = p.ssl.value_or(defaults.ssl);
  if (p.disable_email_given) s->disable_email = p.disable_email.value_or(defaults.disable_email);
  Apply(p.signing_secret, &s->signing_secret);
  Apply(p.ca_pem, &s->ca_pem);
  if (p.verify_tls_given) s->verify_tls = p.verify_tls.value_or(defaults.verify_tls);
  if (p.timeout_given) s->timeout_seconds = p.timeout_seconds.value_or(defaults.timeout_seconds);
  Apply(p.soap_action, &s->soap_action);
  // SOAP is a POST of an XML envelope: fill in what the caller left out.
  if (s->soap_action) {
    if (!p.content_type_given && BodyKindFor(s->content_type) != BodyKind::kXml) {
      s->content_type = "text/xml; charset=utf-8";
    }
    if (!p.method_given) s->method = "POST";
  }
  if (p.generate_secret) s->signing_secret = generated;
}

// callback_params of a test request: an object of strings, numbers, booleans
// or null; or, without a body, "sample-<name>" for each placeholder of the
// endpoint and body_msg.
Status TestParams(const Call& call, const NotificationSettings& s, Value* params) {
  *params = Value::Object();
  if (call.body().find_first_not_of(" \t\r\n") != std::string::npos) {
    auto body = call.BodyObject("notification_test");
    if (!body.ok()) return body.status();
    if (const Value* cp = body->Find("callback_params")) {
      if (cp->is_null()) return Status::OK();
      if (!cp->is_object()) return Status::InvalidArgument("callback_params must be an object");
      for (const auto& [name, value] : cp->members()) {
        if (value.is_object() || value.is_array()) {
          return Status::InvalidArgument("callback_params." + name +
                                         " must be a string or a number");
        }
        params->Set(name, value);
      }
      return Status::OK();
    }
  }
  std::vector<std::string> names = PlaceholderNames(s.endpoint.value_or(""));
  for (const auto& n : PlaceholderNames(s.body_msg.value_or(""))) names.push_back(n);
  for (const auto& n : names) {
    if (n != "CAMMIO_URL" && params->Find(n) == nullptr) {
      params->Set(n, Value::String("sample-" + n));
    }
  }
  return Status::OK();
}

}  // namespace

Result<Value> NotificationSettingsDocument(Store& store, int64_t account_id) {
  NotificationSettings settings;
  Status s = store.Read([&](Db& db) {
    auto got = GetNotificationSettings(db, account_id);
    if (!got.ok()) return got.status();
    settings = std::move(got.value());
    return Status::OK();
  });
  if (!s.ok()) return s;
  return SettingsDocument(settings);
}

Result<Value> UpdateNotificationSettings(Store& store, int64_t account_id, const Value& body,
                                         int64_t now) {
  SettingsPatch patch;
  Status s = ParseSettingsPatch(body, &patch);
  if (!s.ok()) return s;
  NotificationSettings settings;
  std::optional<std::string> generated;
  if (patch.generate_secret) generated = GenerateSigningSecret();  // before the write
  // The rules are over the merged row: checked on a snapshot first, so an
  // invalid patch never reaches the writer, and again inside
  // (PutNotificationSettings), where the stored row may have moved.
  s = store.Read([&](Db& db) {
    auto got = GetNotificationSettings(db, account_id);
    if (!got.ok()) return got.status();
    ApplyPatch(patch, generated, &got.value());
    return ValidateNotificationSettings(got.value());
  });
  if (!s.ok()) return s;
  s = store.Write([&](Db& db) {
    auto got = GetNotificationSettings(db, account_id);
    if (!got.ok()) return got.status();
    settings = std::move(got.value());
    ApplyPatch(patch, generated, &settings);
    settings.updated_at = now;
    return PutNotificationSettings(db, settings);
  });
  if (!s.ok()) return s;
  return SettingsDocument(settings, generated);
}

Value NotificationDeliveryDocument(const NotificationDelivery& d) { return DeliveryDocument(d); }

Status GetNotificationSettingsHandler(Call& call) {
  auto doc = NotificationSettingsDocument(call.store(), call.account_id());
  if (!doc.ok()) return doc.status();
  call.Reply(200, *doc);
  return Status::OK();
}

// The account's settings belong to its admins (docs/console.md, roles). Every
// user made before roles existed is an admin (schema 019), so the ATS
// integrations that change these settings keep doing so.
constexpr char kSettingsAdminOnly[] = "only an account admin can change the account's settings";

Status PutNotificationSettingsHandler(Call& call) {
  if (Status s = RequireAdmin(call, kSettingsAdminOnly); !s.ok()) return s;
  auto body = call.BodyObject("notification_settings");
  if (!body.ok()) return body.status();
  auto doc = UpdateNotificationSettings(call.store(), call.account_id(), *body, call.now());
  if (!doc.ok()) return doc.status();
  call.Reply(200, *doc);
  return Status::OK();
}

Status TestNotificationSettingsHandler(Call& call) {
  if (Status s = RequireAdmin(call, kSettingsAdminOnly); !s.ok()) return s;
  NotificationSettings settings;
  Status s = call.store().Read([&](Db& db) {
    auto got = GetNotificationSettings(db, call.account_id());
    if (!got.ok()) return got.status();
    settings = std::move(got.value());
    return Status::OK();
  });
  if (!s.ok()) return s;
  if (!settings.configured()) {
    return Status::PreconditionFailed("host is not configured: there is nothing to test");
  }
  Value params;
  s = TestParams(call, settings, &params);
  if (!s.ok()) return s;
  std::string interview_url = call.ctx().links.RecruiterReview(0);
  auto request = RenderNotification(settings, params, interview_url);
  if (!request.ok()) return request.status();
  std::string webhook_id = NewWebhookId();
  util::KeyedSlots::Full full;
  std::optional<util::KeyedSlots::Slot> slot = RunningTests().TryAcquire(call.account_id(), &full);
  if (!slot) {
    call.res().set_header("Retry-After", std::to_string(kTestRetryAfterSeconds));
    if (full == util::KeyedSlots::Full::kTotal) {
      return Status::TooManyRequests(
          "too many notification tests are running on this server; retry in a few seconds");
    }
    return Status::TooManyRequests(
        std::to_string(kTestsPerAccount) +
        " notification tests of this account are already running; retry when one has finished "
        "(each ends within " +
        std::to_string(kTestTimeout.count() / 1000) + " seconds)");
  }
  SendResult r;
  {
    util::ScopedBlocking waiting;  // on the ATS: let another request thread run
    SendOptions options;
    options.outbound = call.ctx().outbound;
    options.total_timeout = kTestTimeout;
    r = SendNotification(*request, settings, webhook_id, call.now(), options);
  }
  slot.reset();  // the call is over
  Value o = Value::Object();
  o.Set("webhook_id", Value::String(webhook_id));
  o.Set("method", Value::String(request->method));
  o.Set("url", Value::String(ToValidUtf8(request->url)));
  o.Set("success", Value::Bool(r.ok()));
  o.Set("status_code", r.status_code > 0 ? Value::Int(r.status_code) : Value::Null());
  // Only the status line: the body may come from any service the address
  // reaches, and is never shown.
  o.Set("status_text", r.status_code > 0 ? Value::String(r.StatusLine()) : Value::Null());
  o.Set("response_body", Value::Null());
  o.Set("error", r.error.empty()
                     ? (r.ok() || r.status_code == 0
                            ? Value::Null()
                            : Value::String("the ATS answered " + std::to_string(r.status_code)))
                     : Value::String(r.error));
  o.Set("duration_ms", Value::Int(r.duration_ms));
  call.Reply(200, Value::Wrap("notification_test", std::move(o)));
  return Status::OK();
}

Status ListNotificationsHandler(Call& call) {
  ListQuery q;
  Status s = ParseListQuery(call, {}, &q);
  if (!s.ok()) return s;
  DeliveryFilter f;
  f.from = q.from;
  f.to = q.to;
  f.limit = q.limit;
  f.offset = q.offset;
  std::vector<NotificationDelivery> rows;
  int64_t total = 0;
  s = call.store().Read(
      [&](Db& db) { return ListDeliveries(db, call.account_id(), f, &rows, &total); });
  if (!s.ok()) return s;
  Value list = Value::Array();
  for (const auto& d : rows) list.Push(DeliveryDocument(d));
  call.ReplyList(list, "notifications", total);
  return Status::OK();
}

Status GetNotificationHandler(Call& call) {
  NotificationDelivery d;
  Status s = call.store().Read([&](Db& db) {
    auto got = GetDelivery(db, call.account_id(), call.Param("id"));
    if (!got.ok()) return got.status();
    d = std::move(got.value());
    return Status::OK();
  });
  if (!s.ok()) return s;
  call.Reply(200, DeliveryDocument(d));
  return Status::OK();
}

Status RedeliverNotificationHandler(Call& call) {
  NotificationDelivery d;
  int64_t now = call.now();
  Status s = call.WriteAndReply(
      [&](Db& db) {
        Status st = RedeliverDelivery(db, call.account_id(), call.Param("id"), now);
        if (!st.ok()) return st;
        auto got = GetDelivery(db, call.account_id(), call.Param("id"));
        if (!got.ok()) return got.status();
        d = std::move(got.value());
        return Status::OK();
      },
      [&] { call.Reply(200, DeliveryDocument(d)); });
  if (!s.ok()) return s;
  call.ctx().events->NotificationQueued();
  return Status::OK();
}

}  // namespace cammio
