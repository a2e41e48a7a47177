#include "util/crypto.h"

#include <mbedtls/base64.h>
#include <mbedtls/md.h>
#include <mbedtls/sha256.h>
#include <psa/crypto.h>

#include <cstdint>

namespace cammio {

bool InitCrypto() { return psa_crypto_init() == PSA_SUCCESS; }

std::string Sha256(std::string_view data) {
  unsigned char out[32];
  mbedtls_sha256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, 0);
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[32];
  mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
                  reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                  reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

std::string HmacSha1(std::string_view key, std::string_view data) {
  unsigned char out[20];
  mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA1),
                  reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                  reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

std::string HexEncode(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

struct Sha256Stream::Impl {
  mbedtls_sha256_context ctx;
};

Sha256Stream::Sha256Stream() : impl_(std::make_unique<Impl>()) {
  mbedtls_sha256_init(&impl_->ctx);
  mbedtls_sha256_starts(&impl_->ctx, 0);
}

Sha256Stream::~Sha256Stream() { mbedtls_sha256_free(&impl_->ctx); }

void Sha256Stream::Update(const char* data, size_t n) {
  mbedtls_sha256_update(&impl_->ctx, reinterpret_cast<const unsigned char*>(data), n);
}

std::string Sha256Stream::FinishHex() {
  unsigned char out[32];
  mbedtls_sha256_finish(&impl_->ctx, out);
  return HexEncode(std::string_view(reinterpret_cast<char*>(out), sizeof out));
}

std::string Base64Encode(std::string_view bytes) {
  size_t n = 0;
  mbedtls_base64_encode(nullptr, 0, &n, reinterpret_cast<const unsigned char*>(bytes.data()),
                        bytes.size());
  std::string out(n, '\0');
  mbedtls_base64_encode(reinterpret_cast<unsigned char*>(out.data()), out.size(), &n,
                        reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  out.resize(n);
  return out;
}

namespace {

// The value of each base64 digit, kNotDigit for every other byte.
constexpr unsigned char kNotDigit = 0xFF;
struct DigitTable {
  unsigned char value[256];
  constexpr DigitTable() : value() {
    for (unsigned char& v : value) v = kNotDigit;
    constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (unsigned i = 0; i < 64; ++i) value[static_cast<unsigned char>(kAlphabet[i])] = i;
  }
};
constexpr DigitTable kDigits;

}  // namespace

// A table decoder with exactly the grammar of mbedtls_base64_decode (which
// this replaced: its constant-time digit lookup cost about 500 instructions
// per header on every authenticated request, and nothing decoded here is a
// key). Line breaks (LF, CRLF) may appear anywhere; spaces only where a line
// ends (before a line break or the end); up to two '=' close the text, and
// digits plus '=' must be a multiple of four. tests/util/crypto_test.cc
// compares the two on hostile input.
bool Base64Decode(std::string_view text, std::string* out) {
  const size_t len = text.size();
  const auto* src = reinterpret_cast<const unsigned char*>(text.data());
  // First pass: validate and count, as mbedTLS does.
  size_t n = 0;  // digits and '='
  unsigned equals = 0;
  for (size_t i = 0; i < len; ++i) {
    // A digit before any '=': the common case, decided by one lookup.
    if (kDigits.value[src[i]] != kNotDigit && equals == 0) {
      ++n;
      continue;
    }
    bool spaces = false;
    while (i < len && src[i] == ' ') {
      ++i;
      spaces = true;
    }
    if (i == len) break;
    if (src[i] == '\n' || (src[i] == '\r' && i + 1 < len && src[i + 1] == '\n')) continue;
    if (spaces) return false;
    if (src[i] == '=') {
      if (++equals > 2) return false;
    } else if (equals != 0 || kDigits.value[src[i]] == kNotDigit) {
      return false;
    }
    ++n;
  }
  if ((n - equals) % 4 == 1 || n % 4 != 0) return false;
  out->resize((n / 4) * 3 - equals);
  auto* dst = reinterpret_cast<unsigned char*>(out->data());
  uint32_t x = 0;
  unsigned digits = 0;
  for (size_t i = 0; i < len; ++i) {
    const unsigned char v = kDigits.value[src[i]];
    if (v == kNotDigit) {
      if (src[i] == '=') break;  // only '=' or spaces follow
      continue;                  // a space or line break
    }
    x = (x << 6) | v;
    if (++digits == 4) {
      *dst++ = static_cast<unsigned char>(x >> 16);
      *dst++ = static_cast<unsigned char>(x >> 8);
      *dst++ = static_cast<unsigned char>(x);
      digits = 0;
    }
  }
  if (digits == 3) {
    *dst++ = static_cast<unsigned char>(x >> 10);
    *dst++ = static_cast<unsigned char>(x >> 2);
  } else if (digits == 2) {
    *dst++ = static_cast<unsigned char>(x >> 4);
  }
  return true;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace cammio
