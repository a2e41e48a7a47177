#include "store/users.h"

#include "store/console_sessions.h"

namespace cammio {
namespace {

constexpr const char kSelectCredentials[] =
    "SELECT u.id, u.account_id, u.email, u.name, u.phone, u.role, u.disabled, u.password_hash, "
    "a.disabled FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.email = ?1";
constexpr const char kSetPassword[] = "UPDATE users SET password_hash = ?2 WHERE id = ?1";
constexpr const char kListUsers[] =
    "SELECT id, account_id, email, name, phone, role, disabled FROM users "
    "WHERE account_id = ?1 ORDER BY id";
constexpr const char kGetUser[] =
    "SELECT id, account_id, email, name, phone, role, disabled FROM users "
    "WHERE account_id = ?1 AND id = ?2";
constexpr const char kUpdateUser[] =
    "UPDATE users SET role = ?3, disabled = ?4, name = ?5 WHERE account_id = ?1 AND id = ?2";

User UserFrom(const Stmt& st) {
  User u{st.Int(0), st.Int(1), st.Text(2), st.Text(3), st.OptText(4)};
  u.role = st.Text(5);
  u.disabled = st.Int(6) != 0;
  return u;
}

}  // namespace

bool IsValidRole(const std::string& role) { return role == "admin" || role == "recruiter"; }

Result<UserCredentials> GetUserCredentials(Db& db, const std::string& email) {
  Stmt st = db.Prepare(kSelectCredentials);
  st.Bind(1, email);
  Status s;
  if (st.Step(&s)) return UserCredentials{UserFrom(st), st.OptText(7), st.Int(8) != 0};
  if (!s.ok()) return s;
  return Status::NotFound("no such user");
}

Status SetPasswordHash(Db& db, int64_t user_id, const std::string& hash) {
  Status s = db.Prepare(kSetPassword).Bind(1, user_id).Bind(2, hash).Run();
  if (s.ok() && db.Changes() == 0) return Status::NotFound("no such user");
  return s;
}

Result<std::vector<User>> ListUsers(Db& db, int64_t account_id) {
  Stmt st = db.Prepare(kListUsers);
  st.Bind(1, account_id);
  std::vector<User> out;
  Status s;
  while (st.Step(&s)) out.push_back(UserFrom(st));
  if (!s.ok()) return s;
  return out;
}

Result<User> GetAccountUser(Db& db, int64_t account_id, int64_t user_id) {
  Stmt st = db.Prepare(kGetUser);
  st.Bind(1, account_id).Bind(2, user_id);
  Status s;
  if (st.Step(&s)) return UserFrom(st);
  if (!s.ok()) return s;
  return Status::NotFound("no user with id " + std::to_string(user_id));
}

Result<User> UpdateAccountUser(Db& db, int64_t account_id, int64_t user_id,
                               const UserChange& change, int64_t now) {
  auto user = GetAccountUser(db, account_id, user_id);
  if (!user.ok()) return user.status();
  User u = user.value();
  if (change.role) {
    if (!IsValidRole(*change.role)) {
      return Status::PreconditionFailed("role must be admin or recruiter");
    }
    u.role = *change.role;
  }
  if (change.name) {
    if (change.name->empty()) return Status::PreconditionFailed("name must not be empty");
    u.name = *change.name;
  }
  if (change.disabled) u.disabled = *change.disabled;
  Status s = db.Prepare(kUpdateUser)
                 .Bind(1, account_id)
                 .Bind(2, user_id)
                 .Bind(3, u.role)
                 .Bind(4, u.disabled ? 1 : 0)
                 .Bind(5, u.name)
                 .Run();
  if (!s.ok()) return s;
  if (u.disabled) {
    s = RevokeAllConsoleSessions(db, user_id, now);
    if (!s.ok()) return s;
  }
  return u;
}

}  // namespace cammio
