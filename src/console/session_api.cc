// GET /console/api/session, GET /console/api/sessions, DELETE
// /console/api/sessions/:id: the signed-in user's own session(s).
#include "console/handlers.h"
#include "store/console_sessions.h"
#include "util/time.h"
#include "web/i18n.h"

namespace cammio::console {
namespace {

Status RequireSession(const Call& call) {
  if (!call.principal().session) {
    return Status::Unauthenticated("this route needs a console session, not Basic credentials");
  }
  return Status::OK();
}

Value Time(int64_t t) { return Value::Datetime(FormatUtc(t)); }

}  // namespace

Status GetSessionHandler(Call& call) {
  Status s = RequireSession(call);
  if (!s.ok()) return s;
  const Principal& p = call.principal();
  Result<Account> account = Status::Internal("unset");
  s = call.store().Read([&](Db& db) {
    account = GetAccount(db, p.user.account_id);
    return account.status();
  });
  if (!s.ok()) return s;
  Value o = Value::Object();
  o.Set("user_id", Value::Int(p.user.id));
  o.Set("email", Value::String(p.user.email));
  o.Set("name", Value::String(p.user.name));
  o.Set("role", Value::String(p.user.role));
  o.Set("account_id", Value::Int(account->id));
  o.Set("account_name", Value::String(account->name));
  o.Set("session_id", Value::Int(p.session->id));
  o.Set("csrf_token", Value::String(p.session->csrf_token));
  o.Set("locale", Value::String(web::PickLanguage(std::nullopt,
                                                  call.req().get_header_value("Accept-Language"))));
  o.Set("idle_expires_at", Time(p.session->idle_expires_at));
  o.Set("expires_at", Time(p.session->expires_at));
  o.Set("idle_timeout_seconds", Value::Int(call.ctx().console.idle_seconds));
  o.Set("absolute_timeout_seconds", Value::Int(call.ctx().console.absolute_seconds));
  call.res().set_header("Cache-Control", "no-store");
  call.Reply(200, Value::Wrap("session", std::move(o)));
  return Status::OK();
}

Status ListSessionsHandler(Call& call) {
  Status s = RequireSession(call);
  if (!s.ok()) return s;
  Result<std::vector<ConsoleSessionRow>> rows = Status::Internal("unset");
  s = call.store().Read([&](Db& db) {
    rows = ListConsoleSessions(db, call.principal().user.id, call.now());
    return rows.status();
  });
  if (!s.ok()) return s;
  Value list = Value::Array();
  for (const ConsoleSessionRow& r : *rows) {
    Value o = Value::Object();
    o.Set("id", Value::Int(r.id));
    o.Set("current", Value::Bool(r.id == call.principal().session->id));
    o.Set("created_at", Time(r.created_at));
    o.Set("last_seen_at", Time(r.last_seen_at));
    o.Set("idle_expires_at", Time(r.idle_expires_at));
    o.Set("expires_at", Time(r.expires_at));
    o.Set("user_agent", Value::StringOrNull(r.user_agent));
    o.Set("client_address", Value::StringOrNull(r.client_address));
    list.Push(Value::Wrap("session", std::move(o)));
  }
  call.res().set_header("Cache-Control", "no-store");
  call.ReplyList(list, "sessions", static_cast<int64_t>(rows->size()));
  return Status::OK();
}

Status RevokeSessionHandler(Call& call) {
  const int64_t user = call.principal().user.id, id = call.Param("id"), now = call.now();
  Status s =
      call.store().Write([&](Db& db) { return RevokeUserConsoleSession(db, user, id, now); });
  if (!s.ok()) return s;
  call.res().status = 204;
  return Status::OK();
}

}  // namespace cammio::console
