// Small wrappers over mbedTLS's hashing and base64, and constant-time
// comparison. All functions are pure and thread-safe (InitCrypto included);
// a Sha256Stream is used by one thread at a time. No mbedTLS type appears
// here: mbedTLS stays inside this file's .cc and the tls module.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace cammio {

// Initialises mbedTLS's PSA crypto core (which TLS 1.3 is built on). Called
// once at startup (RunCli, the test main); idempotent and thread-safe, and
// every TLS configuration calls it too. False if PSA cannot start (no
// randomness): nothing TLS can work then.
bool InitCrypto();

// Raw 32-byte SHA-256 digest.
std::string Sha256(std::string_view data);
// Raw 32-byte HMAC-SHA256.
std::string HmacSha256(std::string_view key, std::string_view data);
// Raw 20-byte HMAC-SHA1 (the TURN REST API's credentials; nothing else).
std::string HmacSha1(std::string_view key, std::string_view data);
// Lowercase hex.
std::string HexEncode(std::string_view bytes);

// Incremental SHA-256 of data that arrives in pieces (large files).
// FinishHex() returns the lowercase hex digest; call it once, after the
// last Update().
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(const char* data, size_t n);
  std::string FinishHex();

 private:
  struct Impl;  // the mbedTLS context
  std::unique_ptr<Impl> impl_;
};

std::string Base64Encode(std::string_view bytes);
// Standard base64 (RFC 4648 alphabet, '=' padding required), with the
// grammar mbedTLS's decoder has: line breaks (LF or CRLF) may appear
// anywhere, spaces only just before a line break or at the end. A table
// decoder, not a constant-time one: callers decode headers, not keys.
// False on malformed input (then *out is unspecified).
bool Base64Decode(std::string_view text, std::string* out);

// Compares without an early exit, so the time taken does not reveal where two
// secrets of equal length differ. Different lengths compare unequal at once
// (lengths are not secret here: all token hashes are 32 bytes).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace cammio
