#include "util/crypto.h"

#include <mbedtls/base64.h>
#include <mbedtls/md.h>
#include <mbedtls/sha256.h>
#include <psa/crypto.h>

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

bool Base64Decode(std::string_view text, std::string* out) {
  size_t n = 0;
  const auto* src = reinterpret_cast<const unsigned char*>(text.data());
  int rc = mbedtls_base64_decode(nullptr, 0, &n, src, text.size());
  if (rc == MBEDTLS_ERR_BASE64_INVALID_CHARACTER) return false;
  out->assign(n, '\0');
  if (mbedtls_base64_decode(reinterpret_cast<unsigned char*>(out->data()), out->size(), &n, src,
                            text.size()) != 0) {
    return false;
  }
  out->resize(n);
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
