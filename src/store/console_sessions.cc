#include "store/console_sessions.h"

#include <algorithm>

#include "util/crypto.h"
#include "util/random.h"

namespace cammio {
namespace {

constexpr const char kInsertSession[] =
    "INSERT INTO console_sessions (user_id, session_hash, csrf_token, created_at, last_seen_at, "
    "idle_expires_at, expires_at, user_agent, client_address) "
    "VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8)";
constexpr const char kAuthSession[] =
    "SELECT u.id, u.account_id, u.email, u.name, u.phone, u.role, s.id, s.csrf_token, "
    "s.last_seen_at, s.idle_expires_at, s.expires_at FROM console_sessions s "
    "JOIN users u ON u.id = s.user_id JOIN accounts a ON a.id = u.account_id "
    "WHERE s.session_hash = ?1 AND s.revoked_at IS NULL AND s.idle_expires_at > ?2 "
    "AND s.expires_at > ?2 AND u.disabled = 0 AND a.disabled = 0";
constexpr const char kTouchSession[] =
    "UPDATE console_sessions SET last_seen_at = ?2, idle_expires_at = MIN(expires_at, ?3) "
    "WHERE id = ?1 AND revoked_at IS NULL";
constexpr const char kRevokeByHash[] =
    "UPDATE console_sessions SET revoked_at = ?2 WHERE session_hash = ?1 AND revoked_at IS NULL";
constexpr const char kRevokeOne[] =
    "UPDATE console_sessions SET revoked_at = ?3 WHERE id = ?2 AND user_id = ?1 "
    "AND revoked_at IS NULL AND idle_expires_at > ?3 AND expires_at > ?3";
constexpr const char kRevokeAll[] =
    "UPDATE console_sessions SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL";
constexpr const char kListSessions[] =
    "SELECT id, user_id, created_at, last_seen_at, idle_expires_at, expires_at, revoked_at, "
    "user_agent, client_address FROM console_sessions WHERE user_id = ?1 "
    "AND revoked_at IS NULL AND idle_expires_at > ?2 AND expires_at > ?2 ORDER BY id DESC";

constexpr const char kCloseLinks[] =
    "UPDATE password_links SET expires_at = ?2 WHERE user_id = ?1 AND used_at IS NULL "
    "AND expires_at > ?2";
constexpr const char kInsertLink[] =
    "INSERT INTO password_links (user_id, token_hash, created_at, expires_at) "
    "VALUES (?1, ?2, ?3, ?4)";
constexpr const char kSelectLink[] =
    "SELECT l.id, l.expires_at, l.used_at, u.id, u.account_id, u.email, u.name, u.phone, "
    "u.role, u.disabled FROM password_links l JOIN users u ON u.id = l.user_id "
    "WHERE l.token_hash = ?1";
constexpr const char kUseLink[] = "UPDATE password_links SET used_at = ?2 WHERE id = ?1";
constexpr const char kSetPassword[] = "UPDATE users SET password_hash = ?2 WHERE id = ?1";

// The open link's row id and user; NotFound / Gone otherwise.
Result<std::pair<int64_t, User>> OpenLink(Db& db, const std::string& token, int64_t now) {
  Stmt st = db.Prepare(kSelectLink);
  st.BindBlob(1, Sha256(token));
  Status s;
  if (!st.Step(&s)) {
    if (!s.ok()) return s;
    return Status::NotFound("this set-password link is not known");
  }
  if (!st.IsNull(2) || st.Int(1) <= now) {
    return Status::Gone("this set-password link was used or has expired");
  }
  User u{st.Int(3), st.Int(4), st.Text(5), st.Text(6), st.OptText(7)};
  u.role = st.Text(8);
  u.disabled = st.Int(9) != 0;
  return std::make_pair(st.Int(0), u);
}

}  // namespace

Result<int64_t> CreateConsoleSession(Db& db, const NewConsoleSession& n) {
  Status s = db.Prepare(kInsertSession)
                 .Bind(1, n.user_id)
                 .BindBlob(2, n.session_hash)
                 .Bind(3, n.csrf_token)
                 .Bind(4, n.now)
                 .Bind(5, n.now + std::min(n.idle_seconds, n.absolute_seconds))
                 .Bind(6, n.now + n.absolute_seconds)
                 .Bind(7, n.user_agent)
                 .Bind(8, n.client_address)
                 .Run();
  if (!s.ok()) return s;
  return db.LastInsertId();
}

Result<Principal> AuthenticateSession(Db& db, const std::string& session_hash, int64_t now) {
  Stmt st = db.Prepare(kAuthSession);
  st.BindBlob(1, session_hash).Bind(2, now);
  Status s;
  if (!st.Step(&s)) {
    if (!s.ok()) return s;
    return Status::Unauthenticated("no valid console session: sign in at /console/sign-in");
  }
  Principal p;
  p.user = User{st.Int(0), st.Int(1), st.Text(2), st.Text(3), st.OptText(4)};
  p.user.role = st.Text(5);
  p.session = SessionInfo{st.Int(6), st.Text(7), st.Int(8), st.Int(9), st.Int(10)};
  return p;
}

Status TouchConsoleSession(Db& db, int64_t session_id, int64_t now, int64_t idle_seconds) {
  return db.Prepare(kTouchSession)
      .Bind(1, session_id)
      .Bind(2, now)
      .Bind(3, now + idle_seconds)
      .Run();
}

Status RevokeConsoleSessionByHash(Db& db, const std::string& session_hash, int64_t now) {
  return db.Prepare(kRevokeByHash).BindBlob(1, session_hash).Bind(2, now).Run();
}

Status RevokeUserConsoleSession(Db& db, int64_t user_id, int64_t session_id, int64_t now) {
  Status s = db.Prepare(kRevokeOne).Bind(1, user_id).Bind(2, session_id).Bind(3, now).Run();
  if (s.ok() && db.Changes() == 0) {
    return Status::NotFound("no active session with id " + std::to_string(session_id));
  }
  return s;
}

Status RevokeAllConsoleSessions(Db& db, int64_t user_id, int64_t now) {
  return db.Prepare(kRevokeAll).Bind(1, user_id).Bind(2, now).Run();
}

Result<std::vector<ConsoleSessionRow>> ListConsoleSessions(Db& db, int64_t user_id, int64_t now) {
  Stmt st = db.Prepare(kListSessions);
  st.Bind(1, user_id).Bind(2, now);
  std::vector<ConsoleSessionRow> out;
  Status s;
  while (st.Step(&s)) {
    out.push_back(ConsoleSessionRow{st.Int(0), st.Int(1), st.Int(2), st.Int(3), st.Int(4),
                                    st.Int(5), st.OptInt(6), st.OptText(7), st.OptText(8)});
  }
  if (!s.ok()) return s;
  return out;
}

Result<std::string> CreatePasswordLink(Db& db, int64_t user_id, int64_t now, int64_t ttl_seconds) {
  Status s = db.Prepare(kCloseLinks).Bind(1, user_id).Bind(2, now).Run();
  if (!s.ok()) return s;
  std::string token = RandomToken(32);
  s = db.Prepare(kInsertLink)
          .Bind(1, user_id)
          .BindBlob(2, Sha256(token))
          .Bind(3, now)
          .Bind(4, now + ttl_seconds)
          .Run();
  if (!s.ok()) return s;
  return token;
}

Result<User> GetPasswordLinkUser(Db& db, const std::string& token, int64_t now) {
  auto link = OpenLink(db, token, now);
  if (!link.ok()) return link.status();
  return link->second;
}

Result<User> UsePasswordLink(Db& db, const std::string& token, int64_t now,
                             const std::string& password_hash) {
  auto link = OpenLink(db, token, now);
  if (!link.ok()) return link.status();
  Status s = db.Prepare(kUseLink).Bind(1, link->first).Bind(2, now).Run();
  if (s.ok()) s = db.Prepare(kSetPassword).Bind(1, link->second.id).Bind(2, password_hash).Run();
  if (s.ok()) s = RevokeAllConsoleSessions(db, link->second.id, now);
  if (!s.ok()) return s;
  return link->second;
}

}  // namespace cammio
