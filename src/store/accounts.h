// Accounts (customers), their users (recruiters) and users' access tokens.
// Every function takes the Db of a Store::Read or Store::Write callback;
// writers must be called from Store::Write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

struct Account {
  int64_t id = 0;
  std::string name;
  bool disabled = false;
  int64_t created_at = 0;
};

struct User {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string email;
  std::string name;
  std::optional<std::string> phone;
  // Console role (docs/console.md "Roles"): "admin" or "recruiter".
  std::string role = "admin";
  bool disabled = false;  // cannot sign in, tokens refused, sessions end

  // May change the account's users, tokens and settings.
  bool is_admin() const { return role == "admin"; }
};

struct TokenInfo {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string email;
  std::string prefix;  // first characters of the token, to tell tokens apart
  int64_t created_at = 0;
  std::optional<int64_t> last_used_at;
  std::optional<int64_t> revoked_at;
  std::optional<std::string> name;  // what the token is for (console)
};

// The console session a Principal was authenticated by (store/console_sessions.h).
struct SessionInfo {
  int64_t id = 0;
  std::string csrf_token;  // must come back with each unsafe request
  int64_t last_seen_at = 0;
  int64_t idle_expires_at = 0;
  int64_t expires_at = 0;
};

// Who is calling: the authenticated user, their account and the token used,
// or the console session (then token_id is 0 and `session` is set).
struct Principal {
  User user;
  int64_t token_id = 0;
  std::optional<int64_t> token_last_used_at;
  std::optional<SessionInfo> session;
};

Result<Account> CreateAccount(Db& db, const std::string& name, int64_t now);
// NotFound when there is no such account.
Result<Account> GetAccount(Db& db, int64_t id);
// Whether an account with that id exists (any state).
Result<bool> AccountExists(Db& db, int64_t id);
// How many accounts have no user with that email (all of them when there is
// no such user); a failed read's Status otherwise.
Result<int64_t> CountAccountsWithoutUser(Db& db, const std::string& email);
Result<std::vector<Account>> ListAccounts(Db& db);
// One cheap read of the accounts table: OK when the database answers
// (GET /healthz); the SQLite error otherwise.
Status PingDatabase(Db& db);
Status SetAccountDisabled(Db& db, int64_t id, bool disabled);

// PreconditionFailed when the email is taken (emails are logins, unique
// across accounts) or the account does not exist.
Result<User> CreateUser(Db& db, int64_t account_id, const std::string& email,
                        const std::string& name, const std::optional<std::string>& phone,
                        int64_t now);
Result<User> GetUserByEmail(Db& db, const std::string& email);

// Creates a token for the user and returns its plaintext: the only time it
// exists outside the client. `info` (optional) receives its row.
Result<std::string> CreateToken(Db& db, int64_t user_id, int64_t now, TokenInfo* info);
// Revokes by id, or by the token's prefix. NotFound when nothing matched.
Status RevokeToken(Db& db, int64_t token_id, int64_t now);
// All tokens of one user (email) or, with an empty email, of everyone.
Result<std::vector<TokenInfo>> ListTokens(Db& db, const std::string& email);
Status TouchToken(Db& db, int64_t token_id, int64_t now);
// The tokens of the account's users, by id.
Result<std::vector<TokenInfo>> ListAccountTokens(Db& db, int64_t account_id);
// Revokes a token of one of the account's users. NotFound for a token of
// another account or one already revoked.
Status RevokeAccountToken(Db& db, int64_t account_id, int64_t token_id, int64_t now);

// Names token `token_id` (console: what it is for). NotFound when no such token.
Status SetTokenName(Db& db, int64_t token_id, const std::string& name);

// Authentication lookup: the user with that email whose active (unrevoked)
// token hashes to SHA-256(token), compared in constant time.
//   Unauthenticated: no such user or no matching token.
//   Disabled: the credentials are right but the account or the user is
//   disabled.
Result<Principal> Authenticate(Db& db, const std::string& email, const std::string& token);

// Validates an email address (RFC 5321-ish: local@domain.tld, <= 254 chars).
bool IsValidEmail(const std::string& email);

}  // namespace cammio
