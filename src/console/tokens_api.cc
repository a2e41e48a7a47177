// GET/POST /console/api/tokens and DELETE /console/api/tokens/:id: the
// account's API access tokens, for its admins (a recruiter gets 403). A new
// token is shown once, in the POST's answer; only its hash is kept.
#include "api/fields.h"
#include "console/handlers.h"
#include "store/users.h"
#include "util/time.h"

namespace cammio::console {
namespace {

Value OptTime(const std::optional<int64_t>& t) {
  return t ? Value::Datetime(FormatUtc(*t)) : Value::Null();
}

Value TokenDocument(const TokenInfo& t) {
  Value o = Value::Object();
  o.Set("id", Value::Int(t.id));
  o.Set("name", Value::StringOrNull(t.name));
  o.Set("user_id", Value::Int(t.user_id));
  o.Set("email", Value::String(t.email));
  o.Set("prefix", Value::String(t.prefix));
  o.Set("created_at", Value::Datetime(FormatUtc(t.created_at)));
  o.Set("last_used_at", OptTime(t.last_used_at));
  o.Set("revoked_at", OptTime(t.revoked_at));
  return o;
}

}  // namespace

Status ListTokensHandler(Call& call) {
  if (Status s = RequireAdmin(call); !s.ok()) return s;
  Result<std::vector<TokenInfo>> tokens = Status::Internal("unset");
  Status s = call.store().Read([&](Db& db) {
    tokens = ListAccountTokens(db, call.account_id());
    return tokens.status();
  });
  if (!s.ok()) return s;
  Value list = Value::Array();
  for (const TokenInfo& t : *tokens) list.Push(Value::Wrap("token", TokenDocument(t)));
  call.res().set_header("Cache-Control", "no-store");
  call.ReplyList(list, "tokens", static_cast<int64_t>(tokens->size()));
  return Status::OK();
}

Status CreateTokenHandler(Call& call) {
  if (Status s = RequireAdmin(call); !s.ok()) return s;
  auto body = call.BodyObject("token");
  if (!body.ok()) return body.status();
  Fields f(*body);
  std::string name = f.RequiredString("name", 255);
  auto user_id = f.Id("user_id");
  if (!f.ok()) return f.status();
  if (name.empty()) return Status::PreconditionFailed("name must not be empty");
  const int64_t account = call.account_id(), now = call.now();
  const int64_t owner = user_id.value_or(call.principal().user.id);
  TokenInfo info;
  std::string secret;
  return call.WriteAndReply(
      [&](Db& db) {
        auto u = GetAccountUser(db, account, owner);
        if (!u.ok()) return u.status();
        auto t = CreateToken(db, owner, now, &info);
        if (!t.ok()) return t.status();
        secret = t.value();
        info.email = u->email;
        info.name = name;
        return SetTokenName(db, info.id, name);
      },
      [&] {
        Value o = TokenDocument(info);
        o.Set("token", Value::String(secret));  // shown once
        call.res().set_header("Cache-Control", "no-store");
        call.Reply(201, Value::Wrap("token", std::move(o)));
      });
}

Status RevokeTokenHandler(Call& call) {
  if (Status s = RequireAdmin(call); !s.ok()) return s;
  const int64_t account = call.account_id(), id = call.Param("id"), now = call.now();
  Status s = call.store().Write([&](Db& db) { return RevokeAccountToken(db, account, id, now); });
  if (!s.ok()) return s;
  call.res().status = 204;
  return Status::OK();
}

}  // namespace cammio::console
