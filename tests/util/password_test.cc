// util/password.h: the stored format, its parameters, verification,
// rehash decisions and the rules for new passwords.
#include "util/password.h"

#include <doctest/doctest.h>

#include "util/crypto.h"

namespace cammio {
namespace {

TEST_CASE("password: the stored text names scheme, iterations, a 16-byte salt and a 32-byte key") {
  std::string stored = HashPassword("correct horse battery", 12345);
  CHECK(stored.rfind("pbkdf2-sha256$12345$", 0) == 0);
  PasswordHash h;
  REQUIRE(ParsePasswordHash(stored, &h));
  CHECK(h.iterations == 12345);
  CHECK(h.salt.size() == 16);
  CHECK(h.hash.size() == 32);
  // A fresh salt each time: the same password never hashes the same.
  CHECK(HashPassword("correct horse battery", 12345) != stored);
  CHECK(VerifyPassword("correct horse battery", stored));
  CHECK_FALSE(VerifyPassword("correct horse batterY", stored));
  CHECK_FALSE(VerifyPassword("", stored));
}

TEST_CASE("password: PBKDF2-HMAC-SHA256 as RFC 7914's test vector computes it") {
  // RFC 7914 section 11's second vector (P="Password", S="NaCl", c=80000,
  // dkLen=64; the first has c=1, below our minimum), as a stored text.
  const std::string expected =
      "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
      "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d";
  std::string key;
  for (size_t i = 0; i < expected.size(); i += 2) {
    key.push_back(static_cast<char>(std::stoi(expected.substr(i, 2), nullptr, 16)));
  }
  std::string stored = "pbkdf2-sha256$80000$" + Base64Encode("NaCl") + "$" + Base64Encode(key);
  CHECK(VerifyPassword("Password", stored));
  CHECK_FALSE(VerifyPassword("password", stored));
}

TEST_CASE("password: malformed stored texts never verify and always need a rehash") {
  for (const char* bad : {"", "pbkdf2-sha256", "bcrypt$10$abc$def", "pbkdf2-sha256$$AAAA$AAAA",
                          "pbkdf2-sha256$9999$AAAA$AAAA", "pbkdf2-sha256$10000000000$AAAA$AAAA",
                          "pbkdf2-sha256$10000$!!!!$AAAA", "pbkdf2-sha256$10000$AAAA$",
                          "pbkdf2-sha256$10000$AAAA$AAAA$AAAA", "pbkdf2-sha256$1e5$AAAA$AAAA"}) {
    CAPTURE(bad);
    PasswordHash h;
    CHECK_FALSE(ParsePasswordHash(bad, &h));
    CHECK_FALSE(VerifyPassword("anything", bad));
    CHECK(NeedsRehash(bad, 10000));
  }
}

TEST_CASE("password: a hash with fewer iterations than the setting needs a rehash") {
  std::string stored = HashPassword("correct horse battery", 20000);
  CHECK_FALSE(NeedsRehash(stored, 20000));
  CHECK_FALSE(NeedsRehash(stored, 10000));
  CHECK(NeedsRehash(stored, 20001));
  // Iterations below the minimum are raised to it.
  CHECK(HashPassword("x", 5).rfind("pbkdf2-sha256$10000$", 0) == 0);
}

TEST_CASE("password: new passwords have at least 10 characters and are not the email") {
  CHECK(CheckNewPassword("123456789", "a@b.test").code() == Status::Code::kInvalidArgument);
  CHECK(CheckNewPassword("1234567890", "a@b.test").ok());
  CHECK(CheckNewPassword("Recruiter@Agency.test", "recruiter@agency.test").code() ==
        Status::Code::kInvalidArgument);
  CHECK(CheckNewPassword(std::string(1025, 'x'), "a@b.test").code() ==
        Status::Code::kInvalidArgument);
  CHECK(CheckNewPassword(std::string(1024, 'x'), "a@b.test").ok());
}

}  // namespace
}  // namespace cammio
