#include "store/accounts.h"

#include <cctype>

#include "util/crypto.h"
#include "util/random.h"

namespace cammio {
namespace {

constexpr const char kInsertAccount[] = "INSERT INTO accounts (name, created_at) VALUES (?1, ?2)";
constexpr const char kSelectAccount[] =
    "SELECT id, name, disabled, created_at FROM accounts WHERE id = ?1";
constexpr const char kAccountExists[] = "SELECT 1 FROM accounts WHERE id = ?1";
constexpr const char kPing[] = "SELECT COUNT(*) FROM accounts";
constexpr const char kSelectAccounts[] =
    "SELECT id, name, disabled, created_at FROM accounts ORDER BY id";
constexpr const char kUpdateAccountDisabled[] = "UPDATE accounts SET disabled = ?2 WHERE id = ?1";
constexpr const char kInsertUser[] =
    "INSERT INTO users (account_id, email, name, phone, created_at) VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char kSelectUserByEmail[] =
    "SELECT id, account_id, email, name, phone, role, disabled FROM users WHERE email = ?1";
constexpr const char kInsertToken[] =
    "INSERT INTO access_tokens (user_id, token_hash, prefix, created_at) VALUES (?1, ?2, ?3, ?4)";
constexpr const char kRevokeToken[] =
    "UPDATE access_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL";
constexpr const char kTouchToken[] = "UPDATE access_tokens SET last_used_at = ?2 WHERE id = ?1";
constexpr const char kNameToken[] = "UPDATE access_tokens SET name = ?2 WHERE id = ?1";
constexpr const char kListTokens[] =
    "SELECT t.id, t.user_id, u.email, t.prefix, t.created_at, t.last_used_at, t.revoked_at, "
    "t.name "
    "FROM access_tokens t JOIN users u ON u.id = t.user_id "
    "WHERE ?1 = '' OR u.email = ?1 ORDER BY t.id";
constexpr const char kListAccountTokens[] =
    "SELECT t.id, t.user_id, u.email, t.prefix, t.created_at, t.last_used_at, t.revoked_at, "
    "t.name FROM access_tokens t JOIN users u ON u.id = t.user_id "
    "WHERE u.account_id = ?1 ORDER BY t.id";
constexpr const char kRevokeAccountToken[] =
    "UPDATE access_tokens SET revoked_at = ?3 WHERE id = ?2 AND revoked_at IS NULL "
    "AND user_id IN (SELECT id FROM users WHERE account_id = ?1)";
constexpr const char kAuthTokens[] =
    "SELECT u.id, u.account_id, u.email, u.name, u.phone, a.disabled, t.id, t.token_hash, "
    "t.last_used_at, u.role, u.disabled FROM users u JOIN accounts a ON a.id = u.account_id "
    "JOIN access_tokens t ON t.user_id = u.id "
    "WHERE u.email = ?1 AND t.revoked_at IS NULL";

constexpr const char kTokenPrefix[] = "cmo_";

Account AccountFromRow(const Stmt& st) {
  return Account{st.Int(0), st.Text(1), st.Int(2) != 0, st.Int(3)};
}

User UserFromRow(const Stmt& st, int first) {
  return User{st.Int(first), st.Int(first + 1), st.Text(first + 2), st.Text(first + 3),
              st.OptText(first + 4)};
}

}  // namespace

bool IsValidEmail(const std::string& email) {
  if (email.size() < 3 || email.size() > 254) return false;
  size_t at = email.find('@');
  if (at == 0 || at == std::string::npos || at != email.rfind('@') || at > 64) return false;
  std::string domain = email.substr(at + 1);
  if (domain.empty() || domain.front() == '.' || domain.back() == '.' ||
      domain.find('.') == std::string::npos || domain.find("..") != std::string::npos) {
    return false;
  }
  for (unsigned char c : email) {
    if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' ||
        c == '(' || c == ')' || c == '[' || c == ']' || c == '\\') {
      return false;
    }
  }
  return true;
}

Result<Account> CreateAccount(Db& db, const std::string& name, int64_t now) {
  if (name.empty()) return Status::PreconditionFailed("account name must not be empty");
  Status s = db.Prepare(kInsertAccount).Bind(1, name).Bind(2, now).Run();
  if (!s.ok()) return s;
  return Account{db.LastInsertId(), name, false, now};
}

Result<Account> GetAccount(Db& db, int64_t id) {
  Stmt st = db.Prepare(kSelectAccount);
  st.Bind(1, id);
  Status s;
  if (st.Step(&s)) return AccountFromRow(st);
  if (!s.ok()) return s;
  return Status::NotFound("no account with id " + std::to_string(id));
}

Result<bool> AccountExists(Db& db, int64_t id) {
  Stmt ex = db.Prepare(kAccountExists);
  ex.Bind(1, id);
  Status s;
  if (ex.Step(&s)) return true;
  if (!s.ok()) return s;
  return false;
}

constexpr const char kCountOtherAccounts[] =
    "SELECT COUNT(*) FROM accounts WHERE id NOT IN (SELECT account_id FROM users WHERE email = ?1)";

Result<int64_t> CountAccountsWithoutUser(Db& db, const std::string& email) {
  Stmt st = db.Prepare(kCountOtherAccounts);
  st.Bind(1, email);
  Status s;
  if (st.Step(&s)) return st.Int(0);
  if (!s.ok()) return s;
  return int64_t{0};
}

Result<std::vector<Account>> ListAccounts(Db& db) {
  Stmt st = db.Prepare(kSelectAccounts);
  std::vector<Account> out;
  Status s;
  while (st.Step(&s)) out.push_back(AccountFromRow(st));
  if (!s.ok()) return s;
  return out;
}

Status SetAccountDisabled(Db& db, int64_t id, bool disabled) {
  Status s = db.Prepare(kUpdateAccountDisabled).Bind(1, id).Bind(2, disabled ? 1 : 0).Run();
  if (s.ok() && db.Changes() == 0) {
    return Status::NotFound("no account with id " + std::to_string(id));
  }
  return s;
}

Result<User> CreateUser(Db& db, int64_t account_id, const std::string& email,
                        const std::string& name, const std::optional<std::string>& phone,
                        int64_t now) {
  if (!IsValidEmail(email)) return Status::PreconditionFailed("email is not a valid address");
  if (name.empty()) return Status::PreconditionFailed("name must not be empty");
  auto account = GetAccount(db, account_id);
  if (!account.ok()) return account.status();
  if (GetUserByEmail(db, email).ok()) {
    return Status::PreconditionFailed("a user with email " + email + " already exists");
  }
  Status s = db.Prepare(kInsertUser)
                 .Bind(1, account_id)
                 .Bind(2, email)
                 .Bind(3, name)
                 .Bind(4, phone)
                 .Bind(5, now)
                 .Run();
  if (!s.ok()) return s;
  return User{db.LastInsertId(), account_id, email, name, phone};
}

Result<User> GetUserByEmail(Db& db, const std::string& email) {
  Stmt st = db.Prepare(kSelectUserByEmail);
  st.Bind(1, email);
  Status s;
  if (st.Step(&s)) {
    User u = UserFromRow(st, 0);
    u.role = st.Text(5);
    u.disabled = st.Int(6) != 0;
    return u;
  }
  if (!s.ok()) return s;
  return Status::NotFound("no user with email " + email);
}

Result<std::string> CreateToken(Db& db, int64_t user_id, int64_t now, TokenInfo* info) {
  std::string token = kTokenPrefix + RandomToken(20);  // 160 random bits
  std::string prefix = token.substr(0, 10);
  Status s = db.Prepare(kInsertToken)
                 .Bind(1, user_id)
                 .BindBlob(2, Sha256(token))
                 .Bind(3, prefix)
                 .Bind(4, now)
                 .Run();
  if (!s.ok()) return s;
  if (info != nullptr) {
    info->id = db.LastInsertId();
    info->user_id = user_id;
    info->prefix = prefix;
    info->created_at = now;
  }
  return token;
}

Status RevokeToken(Db& db, int64_t token_id, int64_t now) {
  Status s = db.Prepare(kRevokeToken).Bind(1, token_id).Bind(2, now).Run();
  if (s.ok() && db.Changes() == 0) {
    return Status::NotFound("no active token with id " + std::to_string(token_id));
  }
  return s;
}

namespace {

// The rows of a kListTokens-shaped statement.
Result<std::vector<TokenInfo>> TokenRows(Stmt& st) {
  std::vector<TokenInfo> out;
  Status s;
  while (st.Step(&s)) {
    out.push_back(TokenInfo{st.Int(0), st.Int(1), st.Text(2), st.Text(3), st.Int(4), st.OptInt(5),
                            st.OptInt(6), st.OptText(7)});
  }
  if (!s.ok()) return s;
  return out;
}

}  // namespace

Result<std::vector<TokenInfo>> ListTokens(Db& db, const std::string& email) {
  Stmt st = db.Prepare(kListTokens);
  st.Bind(1, email);
  return TokenRows(st);
}

Result<std::vector<TokenInfo>> ListAccountTokens(Db& db, int64_t account_id) {
  Stmt st = db.Prepare(kListAccountTokens);
  st.Bind(1, account_id);
  return TokenRows(st);
}

Status RevokeAccountToken(Db& db, int64_t account_id, int64_t token_id, int64_t now) {
  Status s =
      db.Prepare(kRevokeAccountToken).Bind(1, account_id).Bind(2, token_id).Bind(3, now).Run();
  if (s.ok() && db.Changes() == 0) {
    return Status::NotFound("no active token with id " + std::to_string(token_id));
  }
  return s;
}

Status TouchToken(Db& db, int64_t token_id, int64_t now) {
  return db.Prepare(kTouchToken).Bind(1, token_id).Bind(2, now).Run();
}

Status SetTokenName(Db& db, int64_t token_id, const std::string& name) {
  Status s = db.Prepare(kNameToken).Bind(1, token_id).Bind(2, name).Run();
  if (s.ok() && db.Changes() == 0) {
    return Status::NotFound("no token with id " + std::to_string(token_id));
  }
  return s;
}

Result<Principal> Authenticate(Db& db, const std::string& email, const std::string& token) {
  const std::string hash = Sha256(token);
  Stmt st = db.Prepare(kAuthTokens);
  st.Bind(1, email);
  Status s;
  std::optional<Principal> found;
  bool disabled = false, user_disabled = false;
  // Compare against every active token of the user, without stopping early.
  while (st.Step(&s)) {
    if (ConstantTimeEquals(st.Text(7), hash) && !found) {
      found = Principal{UserFromRow(st, 0), st.Int(6), st.OptInt(8), std::nullopt};
      found->user.role = st.Text(9);
      user_disabled = st.Int(10) != 0;
      disabled = st.Int(5) != 0;
    }
  }
  if (!s.ok()) return s;
  if (!found) return Status::Unauthenticated("wrong username or access token");
  if (disabled) return Status::Disabled("the account's API access is disabled");
  if (user_disabled) return Status::Disabled("this user is disabled");
  return *found;
}

Status PingDatabase(Db& db) {
  Stmt st = db.Prepare(kPing);
  Status r;
  st.Step(&r);
  return r;
}

}  // namespace cammio
