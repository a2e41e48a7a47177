// Console passwords (docs/console.md "Passwords"): PBKDF2-HMAC-SHA256 with a
// 16-byte random salt and a 32-byte key, kept as one self-describing text
//   pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>
// so the work factor can rise without a migration: a stored hash with fewer
// iterations than the current setting verifies as before and is rehashed at
// the next sign-in (NeedsRehash).
//
// Thread-safety: pure functions (randomness from util/random.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cammio/status.h"

namespace cammio {

// Bounds of the work factor (the setting's validator uses them too): below
// the minimum a stolen hash is cheap to guess; above the maximum one sign-in
// would hold a request thread for many seconds.
constexpr int64_t kMinPasswordIterations = 10000;
constexpr int64_t kMaxPasswordIterations = 10000000;
// New passwords: at least this many characters (bytes of UTF-8), at most
// kMaxPasswordBytes (a bound on the form, not on strength).
constexpr size_t kMinPasswordLength = 10;
constexpr size_t kMaxPasswordBytes = 1024;

struct PasswordHash {
  int64_t iterations = 0;
  std::string salt;  // raw bytes
  std::string hash;  // raw bytes
};

// The stored text for `password` with a fresh random salt and `iterations`
// (clamped to the bounds above).
std::string HashPassword(std::string_view password, int64_t iterations);

// Parses a stored text. False when it is not of the form above (another
// scheme, bad base64, iterations out of bounds, empty salt or hash).
bool ParsePasswordHash(std::string_view stored, PasswordHash* out);

// True when `password` matches `stored` (constant-time comparison of the
// derived keys). False for a wrong password and for an unparsable `stored`.
bool VerifyPassword(std::string_view password, std::string_view stored);

// True when `stored` should be replaced by a new hash: it does not parse, or
// it has fewer iterations than `iterations`.
bool NeedsRehash(std::string_view stored, int64_t iterations);

// Checks a new password: InvalidArgument naming the rule when it is shorter
// than kMinPasswordLength, longer than kMaxPasswordBytes, or equal to the
// user's email (case-insensitively).
Status CheckNewPassword(std::string_view password, std::string_view email);

}  // namespace cammio
