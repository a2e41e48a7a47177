// X25519 through PSA, the way a TLS 1.3 handshake computes it (key pair,
// public key, shared secret), checked against RFC 7748's answers. On x86-64
// and aarch64 this runs cmake/mbedtls/curve25519_ladder.c's field
// arithmetic inside mbedTLS's ladder; a wrong carry or reduction there shows
// as a wrong byte here (the iterated test feeds every output back in, so
// rare limb values get exercised too).
#include <doctest/doctest.h>
#include <psa/crypto.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<uint8_t>;

Bytes FromHex(const std::string& hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string ToHex(const Bytes& b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) {
    s.push_back(digits[c >> 4]);
    s.push_back(digits[c & 15]);
  }
  return s;
}

psa_key_attributes_t X25519Attributes() {
  psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
  psa_set_key_type(&a, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY));
  psa_set_key_bits(&a, 255);
  psa_set_key_usage_flags(&a, PSA_KEY_USAGE_DERIVE);
  psa_set_key_algorithm(&a, PSA_ALG_ECDH);
  return a;
}

// X25519(scalar, 9): the public key. Empty on failure.
Bytes PublicKey(const Bytes& scalar) {
  psa_key_attributes_t a = X25519Attributes();
  psa_key_id_t key = 0;
  if (psa_import_key(&a, scalar.data(), scalar.size(), &key) != PSA_SUCCESS) return {};
  Bytes pub(32);
  size_t len = 0;
  psa_status_t s = psa_export_public_key(key, pub.data(), pub.size(), &len);
  psa_destroy_key(key);
  if (s != PSA_SUCCESS || len != 32) return {};
  return pub;
}

// X25519(scalar, u): the shared secret. Empty when PSA refuses.
Bytes Agree(const Bytes& scalar, const Bytes& u) {
  psa_key_attributes_t a = X25519Attributes();
  psa_key_id_t key = 0;
  if (psa_import_key(&a, scalar.data(), scalar.size(), &key) != PSA_SUCCESS) return {};
  Bytes secret(32);
  size_t len = 0;
  psa_status_t s = psa_raw_key_agreement(PSA_ALG_ECDH, key, u.data(), u.size(), secret.data(),
                                         secret.size(), &len);
  psa_destroy_key(key);
  if (s != PSA_SUCCESS || len != 32) return {};
  return secret;
}

TEST_CASE("X25519 gives RFC 7748's public keys and shared secret (section 6.1)") {
  REQUIRE(psa_crypto_init() == PSA_SUCCESS);
  const Bytes alice = FromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const Bytes bob = FromHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  const Bytes alice_pub = PublicKey(alice);
  const Bytes bob_pub = PublicKey(bob);
  CHECK(ToHex(alice_pub) == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  CHECK(ToHex(bob_pub) == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  const char* shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
  CHECK(ToHex(Agree(alice, bob_pub)) == shared);
  CHECK(ToHex(Agree(bob, alice_pub)) == shared);
}

TEST_CASE("X25519 matches RFC 7748's scalar multiplication vector and iterated test (5.2)") {
  REQUIRE(psa_crypto_init() == PSA_SUCCESS);
  CHECK(ToHex(Agree(FromHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                    FromHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))) ==
        "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
  // k = u = 9; repeatedly k, u = X25519(k, u), k. (The RFC gives 1, 1000 and
  // 10^6 iterations; 100 was computed with an independent implementation.)
  Bytes k(32, 0), u(32, 0);
  k[0] = u[0] = 9;
  for (int i = 1; i <= 100; ++i) {
    Bytes next = Agree(k, u);
    REQUIRE(next.size() == 32);
    u = k;
    k = next;
    if (i == 1) {
      CHECK(ToHex(k) == "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
    }
  }
  CHECK(ToHex(k) == "b1a5a73158904c020866c13939dd7e1aa26852ee1d2609c92e5a8f1debe2150a");
}

TEST_CASE("X25519 key agreement is symmetric for random keys") {
  REQUIRE(psa_crypto_init() == PSA_SUCCESS);
  std::mt19937 rng(25519);
  for (int i = 0; i < 32; ++i) {
    Bytes a(32), b(32);
    for (auto& c : a) c = static_cast<uint8_t>(rng());
    for (auto& c : b) c = static_cast<uint8_t>(rng());
    const Bytes ab = Agree(a, PublicKey(b));
    REQUIRE(ab.size() == 32);
    CHECK(ab == Agree(b, PublicKey(a)));
  }
}

TEST_CASE("X25519 refuses a low-order peer point") {
  REQUIRE(psa_crypto_init() == PSA_SUCCESS);
  const Bytes scalar = FromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  CHECK(Agree(scalar, Bytes(32, 0)).empty());  // u = 0
  Bytes one(32, 0);
  one[0] = 1;
  CHECK(Agree(scalar, one).empty());  // u = 1
}

}  // namespace
