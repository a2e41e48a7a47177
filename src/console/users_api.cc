// GET/POST /console/api/users and PATCH /console/api/users/:id: the
// account's users, for its admins (a recruiter gets 403). A new user gets a
// set-password link (console/invite.h), emailed unless "invite" is false;
// the answer carries the link too, for an admin whose mail is not set up.
#include "api/fields.h"
#include "console/handlers.h"
#include "console/invite.h"
#include "store/users.h"
#include "web/i18n.h"

namespace cammio::console {
namespace {

Value UserDocument(const User& u) {
  Value o = Value::Object();
  o.Set("id", Value::Int(u.id));
  o.Set("email", Value::String(u.email));
  o.Set("name", Value::String(u.name));
  o.Set("phone", Value::StringOrNull(u.phone));
  o.Set("role", Value::String(u.role));
  o.Set("disabled", Value::Bool(u.disabled));
  return o;
}

}  // namespace

Status ListUsersHandler(Call& call) {
  if (Status s = RequireAdmin(call); !s.ok()) return s;
  Result<std::vector<User>> users = Status::Internal("unset");
  Status s = call.store().Read([&](Db& db) {
    users = ListUsers(db, call.account_id());
    return users.status();
  });
  if (!s.ok()) return s;
  Value list = Value::Array();
  for (const User& u : *users) list.Push(Value::Wrap("user", UserDocument(u)));
  call.ReplyList(list, "users", static_cast<int64_t>(users->size()));
  return Status::OK();
}

Status CreateUserHandler(Call& call) {
  if (Status s = RequireAdmin(call); !s.ok()) return s;
  auto body = call.BodyObject("user");
  if (!body.ok()) return body.status();
  Fields f(*body);
  auto email = f.Email("email");
  f.Require("email");
  std::string name = f.RequiredString("name", 255);
  auto phone = f.String("phone", 64, true);
  auto role = f.Enum("role", {"admin", "recruiter"});
  std::optional<bool> invite;
  if (const Value* v = f.Raw("invite"); v != nullptr && !v->is_null()) {
    if (v->type() != Value::Type::kBool) {
      f.Fail(Status::InvalidArgument("invite must be true or false"));
    } else {
      invite = v->as_bool();
    }
  }
  if (!f.ok()) return f.status();
  const std::string lang =
      web::PickLanguage(std::nullopt, call.req().get_header_value("Accept-Language"));
  const int64_t account = call.account_id(), now = call.now();
  const PublicLinks links = call.ctx().links;
  User created;
  std::string link;
  return call.WriteAndReply(
      [&](Db& db) {
        auto u = CreateUser(db, account, *email, name, phone, now);
        if (!u.ok()) return u.status();
        created = u.value();
        if (role) {
          UserChange change;
          change.role = role;
          auto changed = UpdateAccountUser(db, account, created.id, change, now);
          if (!changed.ok()) return changed.status();
          created = changed.value();
        }
        auto url = IssuePasswordLink(db, links, created, invite.value_or(true), lang, now);
        if (!url.ok()) return url.status();
        link = url.value();
        return Status::OK();
      },
      [&] {
        Value o = UserDocument(created);
        o.Set("set_password_link", Value::String(link));
        call.Reply(201, Value::Wrap("user", std::move(o)));
      });
}

Status UpdateUserHandler(Call& call) {
  if (Status s = RequireAdmin(call); !s.ok()) return s;
  auto body = call.BodyObject("user");
  if (!body.ok()) return body.status();
  Fields f(*body);
  UserChange change;
  change.role = f.Enum("role", {"admin", "recruiter"});
  change.name = f.String("name", 255);
  if (const Value* v = f.Raw("disabled"); v != nullptr && !v->is_null()) {
    if (v->type() != Value::Type::kBool) {
      f.Fail(Status::InvalidArgument("disabled must be true or false"));
    } else {
      change.disabled = v->as_bool();
    }
  }
  if (!f.ok()) return f.status();
  const int64_t account = call.account_id(), id = call.Param("id"), now = call.now();
  if (id == call.principal().user.id &&
      ((change.role && *change.role != "admin") || (change.disabled && *change.disabled))) {
    return Status::PreconditionFailed(
        "an admin cannot take the admin role from themselves or disable themselves");
  }
  User updated;
  return call.WriteAndReply(
      [&](Db& db) {
        auto u = UpdateAccountUser(db, account, id, change, now);
        if (!u.ok()) return u.status();
        updated = u.value();
        return Status::OK();
      },
      [&] { call.Reply(200, Value::Wrap("user", UserDocument(updated))); });
}

}  // namespace cammio::console
