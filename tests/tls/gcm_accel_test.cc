// The accelerated AES-GCM (tls/gcm_accel.h) against mbedTLS's own
// implementation (reached as __real_* through the link's --wrap): every
// length around the 16-, 64- and 128-byte steps, each key size and tag size, in
// place and not, and known answers from the GCM specification. Decryption
// must refuse a changed byte anywhere and leave no plaintext behind.
#include <doctest/doctest.h>

#include <mbedtls/gcm.h>
#include <mbedtls/version.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tls/gcm_accel.h"

#if defined(__x86_64__)

namespace cammio::tls {
namespace {

using Bytes = std::vector<unsigned char>;

Bytes Random(std::mt19937& rng, size_t n) {
  Bytes b(n);
  for (auto& c : b) c = static_cast<unsigned char>(rng());
  return b;
}

std::string ToHex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s.push_back(digits[p[i] >> 4]);
    s.push_back(digits[p[i] & 15]);
  }
  return s;
}

struct Gcm {
  explicit Gcm(const Bytes& key) {
    mbedtls_gcm_init(&ctx);
    REQUIRE(mbedtls_gcm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, key.data(),
                               static_cast<unsigned>(key.size() * 8)) == 0);
  }
  ~Gcm() { mbedtls_gcm_free(&ctx); }
  mbedtls_gcm_context ctx;
};

TEST_CASE("gcm accel: this machine takes the accelerated path") {
  // The development and CI machines are x86-64 with AES-NI: if this fails,
  // every other case here compares mbedTLS with itself.
  REQUIRE(GcmAccelerated());
}

TEST_CASE("gcm accel: known answers from the GCM specification") {
  // Test cases 1 and 2: the all-zero 128-bit key and 96-bit IV.
  Gcm gcm(Bytes(16, 0));
  const Bytes iv(12, 0);
  unsigned char tag[16];
  const uint64_t before = GcmAcceleratedCalls();
  REQUIRE(mbedtls_gcm_crypt_and_tag(&gcm.ctx, MBEDTLS_GCM_ENCRYPT, 0, iv.data(), iv.size(), nullptr,
                                    0, nullptr, nullptr, 16, tag) == 0);
  CHECK(ToHex(tag, 16) == "58e2fccefa7e3061367f1d57a4e7455a");
  const Bytes zero(16, 0);
  unsigned char out[16];
  REQUIRE(mbedtls_gcm_crypt_and_tag(&gcm.ctx, MBEDTLS_GCM_ENCRYPT, 16, iv.data(), iv.size(),
                                    nullptr, 0, zero.data(), out, 16, tag) == 0);
  CHECK(ToHex(out, 16) == "0388dace60b6a392f328c2b971b2fe78");
  CHECK(ToHex(tag, 16) == "ab6e47d42cec13bdf53a67b21257bddf");
  CHECK(GcmAcceleratedCalls() == before + 2);
}

TEST_CASE("gcm accel: identical to mbedTLS for every length, key size and tag size") {
  std::mt19937 rng(20261128);
  const size_t lengths[] = {0,   1,   15,  16,  17,  31,  32,  47,   48,   63,    64,    65,
                            79,  80,  127, 128, 129, 143, 191, 192,  193,  200,   255,   256,
                            257, 383, 384, 511, 512, 513, 767, 1000, 4096, 16384, 16408, 65536 + 7};
  const size_t add_lengths[] = {0, 1, 13, 16, 17, 64, 100};
  const size_t tag_lengths[] = {16, 12, 8, 4};
  // Both accelerated paths where the CPU has the wide one (AVX-512 VAES).
  std::vector<bool> wide_modes = {false};
  if (GcmWideAccelerated()) wide_modes.push_back(true);
  for (bool wide : wide_modes) {
    GcmAllowWide(wide);
    for (size_t key_bytes : {16, 24, 32}) {
      Gcm gcm(Random(rng, key_bytes));
      for (size_t len : lengths) {
        for (size_t add_len : add_lengths) {
          size_t tag_len = tag_lengths[(len + add_len) % 4];
          INFO((wide ? "16-block path, " : "8-block path, ")
               << "key " << key_bytes * 8 << " bits, length " << len << ", aad " << add_len
               << ", tag " << tag_len);
          const Bytes iv = Random(rng, 12), add = Random(rng, add_len), plain = Random(rng, len);
          Bytes fast(len), slow(len);
          unsigned char fast_tag[16] = {0}, slow_tag[16] = {0};
          REQUIRE(mbedtls_gcm_crypt_and_tag(&gcm.ctx, MBEDTLS_GCM_ENCRYPT, len, iv.data(), 12,
                                            add.data(), add_len, plain.data(), fast.data(), tag_len,
                                            fast_tag) == 0);
          REQUIRE(__real_mbedtls_gcm_crypt_and_tag(&gcm.ctx, MBEDTLS_GCM_ENCRYPT, len, iv.data(),
                                                   12, add.data(), add_len, plain.data(),
                                                   slow.data(), tag_len, slow_tag) == 0);
          CHECK(fast == slow);
          CHECK(std::memcmp(fast_tag, slow_tag, 16) == 0);

          // In place, as TLS records are sealed.
          Bytes inplace = plain;
          unsigned char inplace_tag[16] = {0};
          REQUIRE(mbedtls_gcm_crypt_and_tag(&gcm.ctx, MBEDTLS_GCM_ENCRYPT, len, iv.data(), 12,
                                            add.data(), add_len, inplace.data(), inplace.data(),
                                            tag_len, inplace_tag) == 0);
          CHECK(inplace == slow);
          CHECK(std::memcmp(inplace_tag, slow_tag, 16) == 0);

          // Opening: ours and mbedTLS's agree, in place too.
          Bytes opened(len);
          CHECK(mbedtls_gcm_auth_decrypt(&gcm.ctx, len, iv.data(), 12, add.data(), add_len,
                                         slow_tag, tag_len, slow.data(), opened.data()) == 0);
          CHECK(opened == plain);
          CHECK(mbedtls_gcm_auth_decrypt(&gcm.ctx, len, iv.data(), 12, add.data(), add_len,
                                         slow_tag, tag_len, inplace.data(), inplace.data()) == 0);
          CHECK(inplace == plain);
          Bytes real_opened(len);
          CHECK(__real_mbedtls_gcm_auth_decrypt(&gcm.ctx, len, iv.data(), 12, add.data(), add_len,
                                                fast_tag, tag_len, fast.data(),
                                                real_opened.data()) == 0);
          CHECK(real_opened == plain);
        }
      }
    }
  }
  GcmAllowWide(true);
}

// The wrappers keep the keys derived for a thread's last contexts: a
// context given a new key in place, and more contexts in turn than the
// cache holds, must still seal exactly as mbedTLS does.
TEST_CASE("gcm accel: re-keyed and alternating contexts never use stale keys") {
  std::mt19937 rng(20261207);
  const Bytes iv = Random(rng, 12), add = Random(rng, 13), plain = Random(rng, 300);
  auto same_as_mbedtls = [&](mbedtls_gcm_context* ctx) {
    Bytes fast(plain.size()), slow(plain.size());
    unsigned char fast_tag[16], slow_tag[16];
    REQUIRE(mbedtls_gcm_crypt_and_tag(ctx, MBEDTLS_GCM_ENCRYPT, plain.size(), iv.data(), 12,
                                      add.data(), add.size(), plain.data(), fast.data(), 16,
                                      fast_tag) == 0);
    REQUIRE(__real_mbedtls_gcm_crypt_and_tag(ctx, MBEDTLS_GCM_ENCRYPT, plain.size(), iv.data(), 12,
                                             add.data(), add.size(), plain.data(), slow.data(), 16,
                                             slow_tag) == 0);
    Bytes opened(plain.size());
    const bool opens =
        mbedtls_gcm_auth_decrypt(ctx, plain.size(), iv.data(), 12, add.data(), add.size(), slow_tag,
                                 16, slow.data(), opened.data()) == 0;
    return fast == slow && std::memcmp(fast_tag, slow_tag, 16) == 0 && opens && opened == plain;
  };
  // One context, a new key of each size in place, several times over.
  Gcm gcm(Random(rng, 16));
  const uint64_t before = GcmAcceleratedCalls();
  for (int round = 0; round < 12; ++round) {
    CAPTURE(round);
    CHECK(same_as_mbedtls(&gcm.ctx));
    const Bytes key = Random(rng, size_t{16} + 8 * static_cast<size_t>(round % 3));
    REQUIRE(mbedtls_gcm_setkey(&gcm.ctx, MBEDTLS_CIPHER_ID_AES, key.data(),
                               static_cast<unsigned>(key.size() * 8)) == 0);
    CHECK(same_as_mbedtls(&gcm.ctx));
  }
  CHECK(GcmAcceleratedCalls() >= before + 48);
  // Five contexts in turn (more than a thread's cache), one of them sharing
  // another's key.
  const Bytes shared = Random(rng, 32);
  Gcm a(shared), b(Random(rng, 16)), c(Random(rng, 24)), d(shared), e(Random(rng, 32));
  for (int round = 0; round < 4; ++round) {
    for (Gcm* g : {&a, &b, &c, &d, &e, &a, &a, &e}) CHECK(same_as_mbedtls(&g->ctx));
  }
}

TEST_CASE("gcm accel: a changed byte anywhere is refused, and no plaintext is left") {
  std::mt19937 rng(7);
  Gcm gcm(Random(rng, 16));
  const size_t len = 300;
  const Bytes iv = Random(rng, 12), add = Random(rng, 13), plain = Random(rng, len);
  Bytes sealed(len);
  unsigned char tag[16];
  REQUIRE(mbedtls_gcm_crypt_and_tag(&gcm.ctx, MBEDTLS_GCM_ENCRYPT, len, iv.data(), 12, add.data(),
                                    add.size(), plain.data(), sealed.data(), 16, tag) == 0);
  auto opens = [&](Bytes s, Bytes a, Bytes v, Bytes t) {
    Bytes out(len, 0xAA);
    int rc = mbedtls_gcm_auth_decrypt(&gcm.ctx, len, v.data(), 12, a.data(), a.size(), t.data(), 16,
                                      s.data(), out.data());
    if (rc != 0) CHECK(out == Bytes(len, 0));  // zeroed, not left as plaintext
    return rc;
  };
  const Bytes t(tag, tag + 16);
  CHECK(opens(sealed, add, iv, t) == 0);
  for (size_t i : {size_t{0}, size_t{63}, size_t{64}, size_t{299}}) {
    Bytes s = sealed;
    s[i] ^= 1;
    CHECK(opens(s, add, iv, t) == MBEDTLS_ERR_GCM_AUTH_FAILED);
  }
  Bytes a = add;
  a[12] ^= 0x80;
  CHECK(opens(sealed, a, iv, t) == MBEDTLS_ERR_GCM_AUTH_FAILED);
  Bytes v = iv;
  v[11] ^= 1;
  CHECK(opens(sealed, add, v, t) == MBEDTLS_ERR_GCM_AUTH_FAILED);
  Bytes bad = t;
  bad[15] ^= 1;
  CHECK(opens(sealed, add, iv, bad) == MBEDTLS_ERR_GCM_AUTH_FAILED);
}

TEST_CASE("gcm accel: calls it cannot take go to mbedTLS unchanged") {
  std::mt19937 rng(3);
  Gcm gcm(Random(rng, 16));
  const Bytes iv = Random(rng, 16), plain = Random(rng, 100);  // a 16-byte IV
  Bytes fast(100), slow(100);
  unsigned char fast_tag[16], slow_tag[16];
  const uint64_t before = GcmAcceleratedCalls();
  REQUIRE(mbedtls_gcm_crypt_and_tag(&gcm.ctx, MBEDTLS_GCM_ENCRYPT, 100, iv.data(), 16, nullptr, 0,
                                    plain.data(), fast.data(), 16, fast_tag) == 0);
  CHECK(GcmAcceleratedCalls() == before);
  REQUIRE(__real_mbedtls_gcm_crypt_and_tag(&gcm.ctx, MBEDTLS_GCM_ENCRYPT, 100, iv.data(), 16,
                                           nullptr, 0, plain.data(), slow.data(), 16,
                                           slow_tag) == 0);
  CHECK(fast == slow);
  CHECK(std::memcmp(fast_tag, slow_tag, 16) == 0);
  // A tag length mbedTLS refuses is refused the same way.
  CHECK(mbedtls_gcm_crypt_and_tag(&gcm.ctx, MBEDTLS_GCM_ENCRYPT, 100, iv.data(), 12, nullptr, 0,
                                  plain.data(), fast.data(), 3,
                                  fast_tag) == MBEDTLS_ERR_GCM_BAD_INPUT);
}

// Not a timing assertion: prints how fast each implementation seals and
// opens 16 KiB TLS records (docs/decisions.md, "TLS stack", quotes it), and
// checks that all of them agree. Run alone:
//   cammio_tests -tc='gcm accel: record throughput*' -s
TEST_CASE("gcm accel: record throughput of this path and of mbedTLS's own (printed)") {
  std::mt19937 rng(16384);
  const size_t kRecord = 16 * 1024;
  const Bytes iv = Random(rng, 12), add = Random(rng, 13), plain = Random(rng, kRecord);
  Bytes out(kRecord), back(kRecord);
  unsigned char tag[16];
  using Clock = std::chrono::steady_clock;
  // MiB/s of `op` over about 0.2 s.
  auto rate = [&](const auto& op) {
    int n = 0;
    const auto start = Clock::now();
    double secs = 0;
    do {
      for (int i = 0; i < 16; ++i) REQUIRE(op() == 0);
      n += 16;
      secs = std::chrono::duration<double>(Clock::now() - start).count();
    } while (secs < 0.2);
    return n * (kRecord / 1048576.0) / secs;
  };
  for (size_t key_len : {16, 32}) {
    Gcm gcm(Random(rng, key_len));
    auto seal = [&](bool real) {
      return real ? __real_mbedtls_gcm_crypt_and_tag(&gcm.ctx, MBEDTLS_GCM_ENCRYPT, kRecord,
                                                     iv.data(), 12, add.data(), add.size(),
                                                     plain.data(), out.data(), 16, tag)
                  : mbedtls_gcm_crypt_and_tag(&gcm.ctx, MBEDTLS_GCM_ENCRYPT, kRecord, iv.data(), 12,
                                              add.data(), add.size(), plain.data(), out.data(), 16,
                                              tag);
    };
    auto open = [&](bool real) {
      return real ? __real_mbedtls_gcm_auth_decrypt(&gcm.ctx, kRecord, iv.data(), 12, add.data(),
                                                    add.size(), tag, 16, out.data(), back.data())
                  : mbedtls_gcm_auth_decrypt(&gcm.ctx, kRecord, iv.data(), 12, add.data(),
                                             add.size(), tag, 16, out.data(), back.data());
    };
    const double mbed_seal = rate([&] { return seal(true); });
    const double mbed_open = rate([&] { return open(true); });
    CHECK(back == plain);
    GcmAllowWide(false);
    const double narrow_seal = rate([&] { return seal(false); });
    const double narrow_open = rate([&] { return open(false); });
    CHECK(back == plain);
    GcmAllowWide(true);
    const double wide_seal = rate([&] { return seal(false); });
    const double wide_open = rate([&] { return open(false); });
    CHECK(back == plain);
    std::printf(
        "AES-%zu-GCM, 16 KiB records, MiB/s seal/open: mbedTLS %s own %.0f/%.0f; "
        "gcm_accel 8-block %.0f/%.0f; gcm_accel 16-block%s %.0f/%.0f\n",
        key_len * 8, MBEDTLS_VERSION_STRING, mbed_seal, mbed_open, narrow_seal, narrow_open,
        GcmWideAccelerated() ? "" : " (not on this CPU: 8-block)", wide_seal, wide_open);
  }
}

}  // namespace
}  // namespace cammio::tls

#endif  // __x86_64__
