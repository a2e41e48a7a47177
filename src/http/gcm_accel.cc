#include "http/gcm_accel.h"

#include <atomic>

#if defined(__x86_64__)

#include <immintrin.h>
#include <mbedtls/aes.h>
#include <mbedtls/cipher.h>
#include <mbedtls/gcm.h>
#include <mbedtls/platform_util.h>

#include <cstring>

#define CAMMIO_GCM_TARGET __attribute__((target("aes,pclmul,ssse3,sse4.1")))

namespace cammio::http {
namespace {

std::atomic<uint64_t> g_calls{0};

bool CpuSupported() {
  static const bool ok = __builtin_cpu_supports("aes") && __builtin_cpu_supports("pclmul") &&
                         __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("sse4.1");
  return ok;
}

// The key material of one call: AES round keys, and H^1..H^4 in GHASH's
// byte-reversed representation (Reverse below).
struct Keys {
  __m128i rk[15];
  int nr = 0;
  __m128i h[8];  // h[i] = H^(i+1)
};

CAMMIO_GCM_TARGET inline __m128i Reverse(__m128i v) {
  const __m128i mask = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  return _mm_shuffle_epi8(v, mask);
}

CAMMIO_GCM_TARGET inline __m128i Load(const unsigned char* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

CAMMIO_GCM_TARGET inline void Store(unsigned char* p, __m128i v) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
}

// Up to 15 bytes, zero-padded to a block.
CAMMIO_GCM_TARGET inline __m128i LoadPartial(const unsigned char* p, size_t n) {
  unsigned char block[16] = {0};
  std::memcpy(block, p, n);
  return Load(block);
}

CAMMIO_GCM_TARGET inline __m128i EncryptBlock(const Keys& k, __m128i b) {
  b = _mm_xor_si128(b, k.rk[0]);
  for (int i = 1; i < k.nr; ++i) b = _mm_aesenc_si128(b, k.rk[i]);
  return _mm_aesenclast_si128(b, k.rk[k.nr]);
}

// N independent blocks through the rounds together, so the AES units
// overlap their latencies (eight cover a four-cycle latency at two per cycle).
template <int N>
CAMMIO_GCM_TARGET inline void EncryptN(const Keys& k, __m128i b[N]) {
  for (int j = 0; j < N; ++j) b[j] = _mm_xor_si128(b[j], k.rk[0]);
  for (int i = 1; i < k.nr; ++i) {
    for (int j = 0; j < N; ++j) b[j] = _mm_aesenc_si128(b[j], k.rk[i]);
  }
  for (int j = 0; j < N; ++j) b[j] = _mm_aesenclast_si128(b[j], k.rk[k.nr]);
}

// A 256-bit carry-less product, not yet reduced: hi:lo.
struct Wide {
  __m128i lo;
  __m128i hi;
};

CAMMIO_GCM_TARGET inline Wide Multiply(__m128i a, __m128i b) {
  __m128i lo = _mm_clmulepi64_si128(a, b, 0x00);
  __m128i hi = _mm_clmulepi64_si128(a, b, 0x11);
  __m128i mid = _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x10), _mm_clmulepi64_si128(a, b, 0x01));
  lo = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));
  hi = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));
  return {lo, hi};
}

CAMMIO_GCM_TARGET inline void Accumulate(Wide* sum, Wide w) {
  sum->lo = _mm_xor_si128(sum->lo, w.lo);
  sum->hi = _mm_xor_si128(sum->hi, w.hi);
}

// Reduces a product modulo the GCM polynomial x^128 + x^7 + x^2 + x + 1 in
// the bit-reflected representation: first the whole 256-bit value moves one
// bit left (the product of two reflected 128-bit values is one bit short),
// then the low half is folded into the high half. Both steps are linear, so
// a sum of products can be reduced once (the aggregation in GhashN).
CAMMIO_GCM_TARGET inline __m128i Reduce(Wide w) {
  __m128i lo = w.lo, hi = w.hi;
  // 256-bit shift left by one: each 32-bit lane shifts, and the bit that
  // falls off the top of a lane moves to the bottom of the next one.
  __m128i carry_lo = _mm_srli_epi32(lo, 31);
  __m128i carry_hi = _mm_srli_epi32(hi, 31);
  lo = _mm_slli_epi32(lo, 1);
  hi = _mm_slli_epi32(hi, 1);
  __m128i cross = _mm_srli_si128(carry_lo, 12);  // lo's top bit into hi's lowest lane
  lo = _mm_or_si128(lo, _mm_slli_si128(carry_lo, 4));
  hi = _mm_or_si128(hi, _mm_or_si128(_mm_slli_si128(carry_hi, 4), cross));
  // First fold: the multiples x^127, x^126, x^121 of the low half.
  __m128i t = _mm_xor_si128(_mm_xor_si128(_mm_slli_epi32(lo, 31), _mm_slli_epi32(lo, 30)),
                            _mm_slli_epi32(lo, 25));
  __m128i spill = _mm_srli_si128(t, 4);
  lo = _mm_xor_si128(lo, _mm_slli_si128(t, 12));
  // Second fold: x^1, x^2, x^7 shifts of the adjusted low half.
  __m128i u = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi32(lo, 1), _mm_srli_epi32(lo, 2)),
                            _mm_xor_si128(_mm_srli_epi32(lo, 7), spill));
  lo = _mm_xor_si128(lo, u);
  return _mm_xor_si128(hi, lo);
}

CAMMIO_GCM_TARGET inline __m128i MulReduce(__m128i a, __m128i b) { return Reduce(Multiply(a, b)); }

// x = (x ^ c0)·H^N ^ c1·H^(N-1) ^ ... ^ c(N-1)·H, one reduction for N
// blocks. c[] are byte-reversed ciphertext blocks.
template <int N>
CAMMIO_GCM_TARGET inline __m128i GhashN(const Keys& k, __m128i x, const __m128i c[N]) {
  static_assert(N >= 1 && N <= 8, "H powers are kept up to H^8");
  Wide sum = Multiply(_mm_xor_si128(x, c[0]), k.h[N - 1]);
  for (int j = 1; j < N; ++j) Accumulate(&sum, Multiply(c[j], k.h[N - 1 - j]));
  return Reduce(sum);
}

CAMMIO_GCM_TARGET inline __m128i Ghash1(const Keys& k, __m128i x, __m128i c) {
  return GhashN<1>(k, x, &c);
}

// Loads the AES round keys mbedtls_gcm_setkey left in the context and
// derives H. False when the context is not one this code understands: the
// caller then lets mbedTLS do the work.
CAMMIO_GCM_TARGET bool LoadKeys(const mbedtls_gcm_context* ctx, Keys* k) {
  const mbedtls_cipher_info_t* info = ctx->cipher_ctx.cipher_info;
  if (info == nullptr || ctx->cipher_ctx.cipher_ctx == nullptr) return false;
  if (info->type != MBEDTLS_CIPHER_AES_128_ECB && info->type != MBEDTLS_CIPHER_AES_192_ECB &&
      info->type != MBEDTLS_CIPHER_AES_256_ECB) {
    return false;
  }
  const auto* aes = static_cast<const mbedtls_aes_context*>(ctx->cipher_ctx.cipher_ctx);
  if ((aes->nr != 10 && aes->nr != 12 && aes->nr != 14) || aes->rk == nullptr) return false;
  k->nr = aes->nr;
  const auto* rk = reinterpret_cast<const unsigned char*>(aes->rk);
  for (int i = 0; i <= k->nr; ++i) k->rk[i] = Load(rk + size_t{16} * i);
  // H = E(K, 0). mbedTLS keeps it as two big-endian halves in HH[8]:HL[8];
  // they must agree, or these are not the round keys we think they are.
  __m128i h = Reverse(EncryptBlock(*k, _mm_setzero_si128()));
  if (static_cast<uint64_t>(_mm_extract_epi64(h, 0)) != ctx->HL[8] ||
      static_cast<uint64_t>(_mm_extract_epi64(h, 1)) != ctx->HH[8]) {
    return false;
  }
  k->h[0] = h;
  for (int i = 1; i < 8; ++i) k->h[i] = MulReduce(k->h[i - 1], h);
  return true;
}

// Hashes `len` bytes (associated data), the last block zero-padded.
CAMMIO_GCM_TARGET __m128i GhashBytes(const Keys& k, __m128i x, const unsigned char* p, size_t len) {
  size_t i = 0;
  for (; i + 64 <= len; i += 64) {
    __m128i c[4] = {Reverse(Load(p + i)), Reverse(Load(p + i + 16)), Reverse(Load(p + i + 32)),
                    Reverse(Load(p + i + 48))};
    x = GhashN<4>(k, x, c);
  }
  for (; i + 16 <= len; i += 16) x = Ghash1(k, x, Reverse(Load(p + i)));
  if (i < len) x = Ghash1(k, x, Reverse(LoadPartial(p + i, len - i)));
  return x;
}

// The counter block IV || BE32(n).
CAMMIO_GCM_TARGET inline __m128i Counter(__m128i iv_block, uint32_t n) {
  return _mm_insert_epi32(iv_block, static_cast<int>(__builtin_bswap32(n)), 3);
}

// N whole blocks with counters n..n+N-1: out = in ^ keystream, and the
// ciphertext (out when encrypting, in when decrypting) folded into x.
template <int N>
CAMMIO_GCM_TARGET inline __m128i CryptN(const Keys& k, bool encrypt, __m128i iv_block, uint32_t n,
                                        const unsigned char* in, unsigned char* out, __m128i x) {
  __m128i ks[N];
  for (int j = 0; j < N; ++j) ks[j] = Counter(iv_block, n + static_cast<uint32_t>(j));
  EncryptN<N>(k, ks);
  // Read every input block before writing: `in` may be `out`.
  __m128i data[N];
  for (int j = 0; j < N; ++j) data[j] = Load(in + size_t{16} * j);
  __m128i cipher[N];
  for (int j = 0; j < N; ++j) {
    __m128i result = _mm_xor_si128(data[j], ks[j]);
    Store(out + size_t{16} * j, result);
    cipher[j] = Reverse(encrypt ? result : data[j]);
  }
  return GhashN<N>(k, x, cipher);
}

// Encrypts or decrypts `len` bytes (in place allowed) and computes the full
// 16-byte tag. Preconditions (checked by Usable): 12-byte IV, len and
// add_len under 4 GiB.
CAMMIO_GCM_TARGET void Seal(const Keys& k, bool encrypt, const unsigned char* iv,
                            const unsigned char* add, size_t add_len, const unsigned char* in,
                            unsigned char* out, size_t len, unsigned char tag[16]) {
  unsigned char iv_bytes[16] = {0};
  std::memcpy(iv_bytes, iv, 12);
  const __m128i iv_block = Load(iv_bytes);
  __m128i x = GhashBytes(k, _mm_setzero_si128(), add, add_len);
  uint32_t n = 2;  // counter 1 (J0) encrypts the tag
  size_t i = 0;
  for (; i + 128 <= len; i += 128, n += 8)
    x = CryptN<8>(k, encrypt, iv_block, n, in + i, out + i, x);
  for (; i + 64 <= len; i += 64, n += 4) x = CryptN<4>(k, encrypt, iv_block, n, in + i, out + i, x);
  for (; i + 16 <= len; i += 16, ++n) {
    __m128i data = Load(in + i);
    __m128i result = _mm_xor_si128(data, EncryptBlock(k, Counter(iv_block, n)));
    Store(out + i, result);
    x = Ghash1(k, x, Reverse(encrypt ? result : data));
  }
  if (i < len) {
    const size_t rest = len - i;
    __m128i data = LoadPartial(in + i, rest);
    __m128i result = _mm_xor_si128(data, EncryptBlock(k, Counter(iv_block, n)));
    unsigned char bytes[16];
    Store(bytes, result);
    std::memset(bytes + rest, 0, 16 - rest);  // the hash sees the ciphertext zero-padded
    std::memcpy(out + i, bytes, rest);
    x = Ghash1(k, x, Reverse(encrypt ? Load(bytes) : data));
  }
  // The lengths block BE64(bits of A) || BE64(bits of C), byte-reversed.
  const __m128i lengths =
      _mm_set_epi64x(static_cast<int64_t>(add_len) * 8, static_cast<int64_t>(len) * 8);
  x = Ghash1(k, x, lengths);
  Store(tag, _mm_xor_si128(Reverse(x), EncryptBlock(k, Counter(iv_block, 1))));
}

bool Usable(size_t iv_len, size_t tag_len, size_t length, size_t add_len) {
  constexpr size_t kLimit = size_t{1} << 32;  // far above any TLS record
  return CpuSupported() && iv_len == 12 && tag_len >= 4 && tag_len <= 16 && length < kLimit &&
         add_len < kLimit;
}

}  // namespace

bool GcmAccelerated() { return CpuSupported(); }
uint64_t GcmAcceleratedCalls() { return g_calls.load(std::memory_order_relaxed); }

}  // namespace cammio::http

using cammio::http::Keys;

extern "C" int __wrap_mbedtls_gcm_crypt_and_tag(mbedtls_gcm_context* ctx, int mode, size_t length,
                                                const unsigned char* iv, size_t iv_len,
                                                const unsigned char* add, size_t add_len,
                                                const unsigned char* input, unsigned char* output,
                                                size_t tag_len, unsigned char* tag) {
  Keys k;
  if (ctx == nullptr || !cammio::http::Usable(iv_len, tag_len, length, add_len) ||
      !cammio::http::LoadKeys(ctx, &k)) {
    return __real_mbedtls_gcm_crypt_and_tag(ctx, mode, length, iv, iv_len, add, add_len, input,
                                            output, tag_len, tag);
  }
  unsigned char full[16];
  cammio::http::Seal(k, mode == MBEDTLS_GCM_ENCRYPT, iv, add, add_len, input, output, length, full);
  std::memcpy(tag, full, tag_len);
  cammio::http::g_calls.fetch_add(1, std::memory_order_relaxed);
  return 0;
}

extern "C" int __wrap_mbedtls_gcm_auth_decrypt(mbedtls_gcm_context* ctx, size_t length,
                                               const unsigned char* iv, size_t iv_len,
                                               const unsigned char* add, size_t add_len,
                                               const unsigned char* tag, size_t tag_len,
                                               const unsigned char* input, unsigned char* output) {
  Keys k;
  if (ctx == nullptr || !cammio::http::Usable(iv_len, tag_len, length, add_len) ||
      !cammio::http::LoadKeys(ctx, &k)) {
    return __real_mbedtls_gcm_auth_decrypt(ctx, length, iv, iv_len, add, add_len, tag, tag_len,
                                           input, output);
  }
  unsigned char expected[16];
  cammio::http::Seal(k, false, iv, add, add_len, input, output, length, expected);
  cammio::http::g_calls.fetch_add(1, std::memory_order_relaxed);
  // Constant time: the position of the first differing byte must not leak.
  unsigned char diff = 0;
  for (size_t i = 0; i < tag_len; ++i) diff |= static_cast<unsigned char>(tag[i] ^ expected[i]);
  if (diff != 0) {
    mbedtls_platform_zeroize(output, length);
    return MBEDTLS_ERR_GCM_AUTH_FAILED;
  }
  return 0;
}

#else  // not x86-64: mbedTLS's GCM, unwrapped

namespace cammio::http {
bool GcmAccelerated() { return false; }
uint64_t GcmAcceleratedCalls() { return 0; }
}  // namespace cammio::http

#endif
