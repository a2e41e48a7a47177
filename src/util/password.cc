#include "util/password.h"

#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>
#include <strings.h>

#include <cstdlib>

#include "util/crypto.h"
#include "util/random.h"

namespace cammio {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr size_t kSaltBytes = 16;
constexpr size_t kKeyBytes = 32;

std::string Derive(std::string_view password, std::string_view salt, int64_t iterations,
                   size_t key_bytes) {
  std::string out(key_bytes, '\0');
  int rc = mbedtls_pkcs5_pbkdf2_hmac_ext(
      MBEDTLS_MD_SHA256, reinterpret_cast<const unsigned char*>(password.data()), password.size(),
      reinterpret_cast<const unsigned char*>(salt.data()), salt.size(),
      static_cast<unsigned int>(iterations), static_cast<uint32_t>(key_bytes),
      reinterpret_cast<unsigned char*>(out.data()));
  // Only bad parameters fail, and ours are fixed: an empty key never matches.
  if (rc != 0) return "";
  return out;
}

int64_t Clamp(int64_t iterations) {
  if (iterations < kMinPasswordIterations) return kMinPasswordIterations;
  if (iterations > kMaxPasswordIterations) return kMaxPasswordIterations;
  return iterations;
}

}  // namespace

std::string HashPassword(std::string_view password, int64_t iterations) {
  iterations = Clamp(iterations);
  std::string salt(kSaltBytes, '\0');
  RandomFill(salt.data(), salt.size());
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + Base64Encode(salt) + "$" +
         Base64Encode(Derive(password, salt, iterations, kKeyBytes));
}

bool ParsePasswordHash(std::string_view stored, PasswordHash* out) {
  size_t a = stored.find('$');
  if (a == std::string_view::npos || stored.substr(0, a) != kScheme) return false;
  size_t b = stored.find('$', a + 1);
  if (b == std::string_view::npos) return false;
  size_t c = stored.find('$', b + 1);
  if (c == std::string_view::npos || stored.find('$', c + 1) != std::string_view::npos) {
    return false;
  }
  std::string_view digits = stored.substr(a + 1, b - a - 1);
  if (digits.empty() || digits.size() > 9) return false;
  int64_t n = 0;
  for (char ch : digits) {
    if (ch < '0' || ch > '9') return false;
    n = n * 10 + (ch - '0');
  }
  if (n < kMinPasswordIterations || n > kMaxPasswordIterations) return false;
  PasswordHash h;
  h.iterations = n;
  if (!Base64Decode(stored.substr(b + 1, c - b - 1), &h.salt) || h.salt.empty()) return false;
  if (!Base64Decode(stored.substr(c + 1), &h.hash) || h.hash.empty() || h.hash.size() > 64) {
    return false;
  }
  *out = std::move(h);
  return true;
}

bool VerifyPassword(std::string_view password, std::string_view stored) {
  PasswordHash h;
  if (!ParsePasswordHash(stored, &h)) return false;
  std::string key = Derive(password, h.salt, h.iterations, h.hash.size());
  return !key.empty() && ConstantTimeEquals(key, h.hash);
}

bool NeedsRehash(std::string_view stored, int64_t iterations) {
  PasswordHash h;
  return !ParsePasswordHash(stored, &h) || h.iterations < Clamp(iterations);
}

Status CheckNewPassword(std::string_view password, std::string_view email) {
  if (password.size() < kMinPasswordLength) {
    return Status::InvalidArgument("the password must have at least " +
                                   std::to_string(kMinPasswordLength) + " characters");
  }
  if (password.size() > kMaxPasswordBytes) {
    return Status::InvalidArgument("the password must have at most " +
                                   std::to_string(kMaxPasswordBytes) + " bytes");
  }
  if (password.size() == email.size() &&
      strncasecmp(std::string(password).c_str(), std::string(email).c_str(), email.size()) == 0) {
    return Status::InvalidArgument("the password must not be the email address");
  }
  return Status::OK();
}

}  // namespace cammio
