// The account's email relay and retention period in the console, for its
// admins (a recruiter gets 403), with the rules the CLI applies:
//
//   GET  /console/api/settings/mail        {"mail_settings": {...} | null}
//   PUT  /console/api/settings/mail        sets the relay (mail::PutRelaySettings)
//   POST /console/api/settings/mail/test   one message through the relay to the
//                                          signed-in user's own address (one at
//                                          a time per account: 429 otherwise)
//   GET  /console/api/settings/retention   {"retention": {"interview_days": N | null}}
//   PUT  /console/api/settings/retention   sets or clears it (SetRetentionPeriod)
//
// The relay password is write-only: answers say `has_password`, never the
// password. The CA PEM and HELO name (CLI only) are kept as they are.
#include <chrono>
#include <optional>

#include "api/fields.h"
#include "console/handlers.h"
#include "mail/message.h"
#include "mail/smtp_client.h"
#include "store/retention.h"
#include "util/blocking.h"
#include "util/keyed_slots.h"
#include "util/time.h"

namespace cammio::console {
namespace {

// A test message's waits: an administrator is looking at a spinner.
constexpr std::chrono::milliseconds kTestConnectTimeout{10000};
constexpr std::chrono::milliseconds kTestIoTimeout{20000};
constexpr int kTestRetryAfterSeconds = 10;

// A test message waits on the relay on a request thread: one at a time per
// account, four on the whole server (util/keyed_slots.h; the notification
// test call is bounded the same way in api/notifications.cc).
util::KeyedSlots& SendingTests() {
  static util::KeyedSlots slots(/*per_key=*/1, /*total=*/4);
  return slots;
}

Value RelayDocument(const mail::RelaySettings& r) {
  Value o = Value::Object();
  o.Set("host", Value::String(r.host));
  o.Set("port", Value::Int(r.port));
  o.Set("security", Value::String(mail::SecurityName(r.security)));
  o.Set("username", Value::StringOrNull(r.username));
  o.Set("has_password", Value::Bool(r.password.has_value()));
  o.Set("from_address", Value::String(r.from_address));
  o.Set("from_name", Value::StringOrNull(r.from_name));
  o.Set("verify_tls", Value::Bool(r.verify_tls));
  o.Set("updated_at", Value::Datetime(FormatUtc(r.updated_at)));
  return o;
}

// The account's relay; nullopt when none is configured.
Result<std::optional<mail::RelaySettings>> ReadRelay(Call& call) {
  std::optional<mail::RelaySettings> relay;
  Status s = call.store().Read([&](Db& db) {
    auto r = mail::GetRelaySettings(db, call.account_id());
    if (r.ok()) relay = std::move(r.value());
    return r.ok() || r.status().IsNotFound() ? Status::OK() : r.status();
  });
  if (!s.ok()) return s;
  return relay;
}

// A JSON boolean `name` of `body`, or `fallback` when absent or null.
bool BoolField(const Value& body, Fields& f, const char* name, bool fallback) {
  const Value* v = body.Find(name);
  if (v == nullptr || v->is_null()) return fallback;
  if (v->type() != Value::Type::kBool) {
    f.Fail(Status::InvalidArgument(std::string(name) + " must be true or false"));
    return fallback;
  }
  return v->as_bool();
}

// Applies the body to `r` (the stored relay, or a new one). An absent
// password keeps the stored one; "" or null clears it; no username clears it.
Status ParseRelay(const Value& body, mail::RelaySettings* r) {
  Fields f(body);
  f.Require("host");
  f.Require("from_address");
  std::string host = f.RequiredString("host", 255);
  auto security = f.Enum("security", {"starttls", "tls", "none"});
  auto port = f.Int("port", 1, 65535);
  auto username = f.String("username", 255);
  const bool password_given = f.Has("password");
  auto password = f.String("password", 255);
  std::string from_address = f.RequiredString("from_address", 255);
  auto from_name = f.String("from_name", 255);
  bool verify = BoolField(body, f, "verify_tls", true);
  if (!f.ok()) return f.status();
  r->host = host;
  mail::Security sec = mail::Security::kStartTls;
  if (security) mail::ParseSecurity(*security, &sec);
  r->security = sec;
  r->port = port.value_or(mail::DefaultPort(sec));
  r->username = username && !username->empty() ? username : std::nullopt;
  if (password_given) r->password = password && !password->empty() ? password : std::nullopt;
  if (!r->username) r->password = std::nullopt;
  r->from_address = from_address;
  r->from_name = from_name && !from_name->empty() ? from_name : std::nullopt;
  r->verify_tls = verify;
  Status valid = mail::ValidateRelaySettings(*r);
  // The CLI's flag is --from; the form's field is from_address.
  if (!valid.ok() && valid.details().rfind("from ", 0) == 0) {
    return Status::PreconditionFailed("from_address" + valid.details().substr(4));
  }
  return valid;
}

}  // namespace

Status GetMailSettingsHandler(Call& call) {
  if (Status s = RequireAdmin(call); !s.ok()) return s;
  auto relay = ReadRelay(call);
  if (!relay.ok()) return relay.status();
  call.res().set_header("Cache-Control", "no-store");
  call.Reply(200, Value::Wrap("mail_settings", *relay ? RelayDocument(**relay) : Value::Null()));
  return Status::OK();
}

Status PutMailSettingsHandler(Call& call) {
  if (Status s = RequireAdmin(call); !s.ok()) return s;
  auto body = call.BodyObject("mail_settings");
  if (!body.ok()) return body.status();
  auto stored = ReadRelay(call);
  if (!stored.ok()) return stored.status();
  mail::RelaySettings r = stored->value_or(mail::RelaySettings());
  r.account_id = call.account_id();
  if (Status s = ParseRelay(*body, &r); !s.ok()) return s;
  const int64_t now = call.now();
  return call.WriteAndReply(
      [&](Db& db) {
        Status st = mail::PutRelaySettings(db, r, now);
        if (!st.ok()) return st;
        auto again = mail::GetRelaySettings(db, r.account_id);
        if (!again.ok()) return again.status();
        r = std::move(again.value());
        return Status::OK();
      },
      [&] {
        call.res().set_header("Cache-Control", "no-store");
        call.Reply(200, Value::Wrap("mail_settings", RelayDocument(r)));
      });
}

Status TestMailSettingsHandler(Call& call) {
  if (Status s = RequireAdmin(call); !s.ok()) return s;
  auto relay = ReadRelay(call);
  if (!relay.ok()) return relay.status();
  if (!*relay) return Status::PreconditionFailed("no relay configured: save the settings first");
  const User& me = call.principal().user;
  mail::Message m;
  m.from = {(*relay)->from_name.value_or(""), (*relay)->from_address};
  m.to = {me.name, me.email};
  m.subject = "Cammio test message";
  m.text = "This message was sent from the Cammio console to test the account's email relay (" +
           (*relay)->host + ":" + std::to_string((*relay)->port) + ").";
  m.html =
      "<p>This message was sent from the Cammio console to test the account's email relay.</p>";
  m.message_id = mail::NewMessageId(call.ctx().links.host());
  m.date = call.now();
  mail::SmtpOptions options;
  options.connect_timeout = kTestConnectTimeout;
  options.io_timeout = kTestIoTimeout;
  util::KeyedSlots::Full full;
  std::optional<util::KeyedSlots::Slot> slot = SendingTests().TryAcquire(call.account_id(), &full);
  if (!slot) {
    call.res().set_header("Retry-After", std::to_string(kTestRetryAfterSeconds));
    return Status::TooManyRequests(
        full == util::KeyedSlots::Full::kKey
            ? "a test message of this account is already being sent; retry when it has finished"
            : "too many test messages are being sent on this server; retry in a few seconds");
  }
  mail::SmtpOutcome out;
  {
    util::ScopedBlocking waiting;  // on the relay: let another request thread run
    mail::SmtpClient client(**relay, options);
    out = client.Open();
    if (out.ok()) out = client.Send((*relay)->from_address, me.email, mail::Compose(m));
    client.Quit();
  }
  slot.reset();  // the message is sent (or not): the next test may run
  Value o = Value::Object();
  o.Set("success", Value::Bool(out.ok()));
  o.Set("to", Value::String(me.email));
  o.Set("error", out.ok() ? Value::Null() : Value::String(out.message));
  call.Reply(200, Value::Wrap("mail_test", std::move(o)));
  return Status::OK();
}

Status GetRetentionHandler(Call& call) {
  if (Status s = RequireAdmin(call); !s.ok()) return s;
  std::optional<int64_t> days;
  Status s = call.store().Read([&](Db& db) {
    auto got = GetRetentionSetting(db, call.account_id());
    if (got.ok()) days = *got;
    return got.status();
  });
  if (!s.ok()) return s;
  Value o = Value::Object();
  o.Set("interview_days", days ? Value::Int(*days) : Value::Null());
  o.Set("max_days", Value::Int(kMaxRetentionDays));
  call.Reply(200, Value::Wrap("retention", std::move(o)));
  return Status::OK();
}

Status PutRetentionHandler(Call& call) {
  if (Status s = RequireAdmin(call); !s.ok()) return s;
  auto body = call.BodyObject("retention");
  if (!body.ok()) return body.status();
  Fields f(*body);
  // Out of range is SetRetentionPeriod's to refuse (the CLI's message).
  auto days = f.Int("interview_days", INT64_MIN, INT64_MAX);
  if (!f.ok()) return f.status();
  const int64_t account = call.account_id(), now = call.now();
  return call.WriteAndReply(
      [&](Db& db) {
        Status st = SetRetentionPeriod(db, account, days, now);
        // The rule's refusal names the field for the form.
        if (st.code() == Status::Code::kInvalidArgument) {
          return Status::PreconditionFailed("interview_days: " + st.details());
        }
        return st;
      },
      [&] {
        Value o = Value::Object();
        o.Set("interview_days", days ? Value::Int(*days) : Value::Null());
        o.Set("max_days", Value::Int(kMaxRetentionDays));
        call.Reply(200, Value::Wrap("retention", std::move(o)));
      });
}

}  // namespace cammio::console
