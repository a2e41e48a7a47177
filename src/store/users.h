// The console's view of users (docs/console.md): passwords, roles, the
// disabled flag, and an account's users and tokens for its admins. Every
// function takes the Db of a Store::Read or Store::Write callback; writers
// must be called from Store::Write. Functions that take an `account_id`
// answer NotFound for a row of another account, exactly like a missing one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/accounts.h"
#include "store/db.h"

namespace cammio {

// What signing in needs to know of a user.
struct UserCredentials {
  User user;
  std::optional<std::string> password_hash;  // util/password.h; none: no sign-in
  bool account_disabled = false;
};

// True for "admin" and "recruiter".
bool IsValidRole(const std::string& role);

// NotFound when no user has that email (compared case-insensitively).
Result<UserCredentials> GetUserCredentials(Db& db, const std::string& email);

// Replaces the user's password hash. NotFound when no such user.
Status SetPasswordHash(Db& db, int64_t user_id, const std::string& hash);

// The account's users, by id.
Result<std::vector<User>> ListUsers(Db& db, int64_t account_id);
// One user of the account; NotFound otherwise.
Result<User> GetAccountUser(Db& db, int64_t account_id, int64_t user_id);

struct UserChange {
  std::optional<std::string> role;  // must be IsValidRole
  std::optional<bool> disabled;
  std::optional<std::string> name;  // not empty
};
// Applies `change` to a user of the account and returns the row after it.
// Disabling a user revokes their console sessions in the same transaction.
// NotFound for a user outside the account; PreconditionFailed for an invalid
// role or an empty name.
Result<User> UpdateAccountUser(Db& db, int64_t account_id, int64_t user_id,
                               const UserChange& change, int64_t now);

}  // namespace cammio
