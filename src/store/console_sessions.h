// Console sessions and set-password links (docs/console.md). Only SHA-256
// hashes of session ids and link tokens are stored; callers pass the hash
// (util/crypto.h Sha256) of what the browser holds. Every function takes the
// Db of a Store::Read or Store::Write callback; writers must be called from
// Store::Write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/accounts.h"
#include "store/db.h"

namespace cammio {

struct ConsoleSessionRow {
  int64_t id = 0;
  int64_t user_id = 0;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t idle_expires_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> revoked_at;
  std::optional<std::string> user_agent;
  std::optional<std::string> client_address;
};

struct NewConsoleSession {
  int64_t user_id = 0;
  std::string session_hash;  // SHA-256 of the session id
  std::string csrf_token;
  int64_t now = 0;
  int64_t idle_seconds = 0;      // idle_expires_at = now + this
  int64_t absolute_seconds = 0;  // expires_at = now + this
  std::optional<std::string> user_agent;
  std::optional<std::string> client_address;
};
// Inserts a session; its id.
Result<int64_t> CreateConsoleSession(Db& db, const NewConsoleSession& s);

// The principal of the session whose id hashes to `session_hash`, if it is
// valid at `now` (not revoked, before both expiries, user and account not
// disabled). Unauthenticated otherwise (one answer for all, so the reason is
// not told to whoever holds the cookie).
Result<Principal> AuthenticateSession(Db& db, const std::string& session_hash, int64_t now);

// Marks the session used at `now`, moving its idle expiry to now +
// idle_seconds (never past expires_at). Revoked sessions stay revoked.
Status TouchConsoleSession(Db& db, int64_t session_id, int64_t now, int64_t idle_seconds);

// Revokes the session by the hash of its id (sign-out, a cookie sent to the
// sign-in). OK when none matched.
Status RevokeConsoleSessionByHash(Db& db, const std::string& session_hash, int64_t now);
// Revokes session `session_id` of user `user_id`. NotFound when it is not
// that user's or not active.
Status RevokeUserConsoleSession(Db& db, int64_t user_id, int64_t session_id, int64_t now);
// Revokes every active session of the user.
Status RevokeAllConsoleSessions(Db& db, int64_t user_id, int64_t now);
// The user's sessions valid at `now`, newest first.
Result<std::vector<ConsoleSessionRow>> ListConsoleSessions(Db& db, int64_t user_id, int64_t now);

// A new set-password link for the user, open until now + ttl_seconds; any
// older open link of the user is closed. Returns the token (its only
// plaintext copy): 32 random bytes as [a-z0-9].
Result<std::string> CreatePasswordLink(Db& db, int64_t user_id, int64_t now, int64_t ttl_seconds);
// The user an open link belongs to. NotFound for an unknown token; Gone for
// one used, closed by a newer link, or expired.
Result<User> GetPasswordLinkUser(Db& db, const std::string& token, int64_t now);
// Uses an open link: sets the user's password hash, closes the link and
// revokes the user's sessions. Same errors as GetPasswordLinkUser.
Result<User> UsePasswordLink(Db& db, const std::string& token, int64_t now,
                             const std::string& password_hash);

}  // namespace cammio
