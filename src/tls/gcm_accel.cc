// The GCM and AES contexts' fields are private in mbedTLS 3: read them here
// only, and check on every call that they mean what we think (LoadKeys).
// Before any mbedTLS header.
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include "tls/gcm_accel.h"

#include <atomic>

#if defined(__x86_64__)

#include <cpuid.h>
#include <immintrin.h>
#include <mbedtls/aes.h>
#include <mbedtls/cipher.h>
#include <mbedtls/gcm.h>
#include <mbedtls/platform_util.h>

#include <cstring>

#define CAMMIO_GCM_TARGET __attribute__((target("aes,pclmul,ssse3,sse4.1")))

namespace cammio::tls {
namespace {

std::atomic<uint64_t> g_calls{0};
std::atomic<bool> g_allow_wide{true};

bool CpuSupported() {
  static const bool ok = __builtin_cpu_supports("aes") && __builtin_cpu_supports("pclmul") &&
                         __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("sse4.1");
  return ok;
}

// AVX-512 with VAES and VPCLMULQDQ: four blocks per instruction (Zen 4,
// Ice Lake and later). libgcc's check includes the OS saving zmm state.
bool WideSupported() {
#if defined(__clang__)
  // clang 14's __builtin_cpu_supports knows neither "vaes" nor "vpclmulqdq":
  // CPUID leaf 7 reports them in ECX bits 9 and 10. The AVX-512 checks
  // (with the OS's zmm state) still come from the builtin.
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  static const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                         __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) != 0 &&
                         (ecx & (1u << 9)) != 0 && (ecx & (1u << 10)) != 0;
#else
  static const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                         __builtin_cpu_supports("vaes") && __builtin_cpu_supports("vpclmulqdq");
#endif
  return ok;
}

// The key material of one call: AES round keys, and H^1..H^4 in GHASH's
// byte-reversed representation (Reverse below).
struct Keys {
  __m128i rk[15];
  int nr = 0;
  __m128i h[16];      // h[i] = H^(i+1); the wide path uses all 16, others 8
  bool wide = false;  // h[8..15] are set
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
// The loops over blocks must unroll completely, so that b[] lives in
// registers: left as loops (GCC 12 did not unroll them under the runtime
// round loop), every round loaded, encrypted and stored each block through
// the stack, which cost about five instructions per byte sealed.
template <int N>
CAMMIO_GCM_TARGET inline void EncryptN(const Keys& k, __m128i b[N]) {
#pragma GCC unroll 8
  for (int j = 0; j < N; ++j) b[j] = _mm_xor_si128(b[j], k.rk[0]);
  for (int i = 1; i < k.nr; ++i) {
    const __m128i key = k.rk[i];
#pragma GCC unroll 8
    for (int j = 0; j < N; ++j) b[j] = _mm_aesenc_si128(b[j], key);
  }
  const __m128i last = k.rk[k.nr];
#pragma GCC unroll 8
  for (int j = 0; j < N; ++j) b[j] = _mm_aesenclast_si128(b[j], last);
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
  // Multiply's three partial products summed over the blocks, and the
  // middle one split across the halves once at the end (XOR is linear):
  // fewer shifts and fewer live registers than summing
  // Multiply's results.
  const __m128i a = _mm_xor_si128(x, c[0]), b = k.h[N - 1];
  __m128i lo = _mm_clmulepi64_si128(a, b, 0x00);
  __m128i hi = _mm_clmulepi64_si128(a, b, 0x11);
  __m128i mid = _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x10), _mm_clmulepi64_si128(a, b, 0x01));
#pragma GCC unroll 8
  for (int j = 1; j < N; ++j) {
    const __m128i h = k.h[N - 1 - j];
    lo = _mm_xor_si128(lo, _mm_clmulepi64_si128(c[j], h, 0x00));
    hi = _mm_xor_si128(hi, _mm_clmulepi64_si128(c[j], h, 0x11));
    mid = _mm_xor_si128(mid, _mm_clmulepi64_si128(c[j], h, 0x10));
    mid = _mm_xor_si128(mid, _mm_clmulepi64_si128(c[j], h, 0x01));
  }
  return Reduce(
      {_mm_xor_si128(lo, _mm_slli_si128(mid, 8)), _mm_xor_si128(hi, _mm_srli_si128(mid, 8))});
}

CAMMIO_GCM_TARGET inline __m128i Ghash1(const Keys& k, __m128i x, __m128i c) {
  return GhashN<1>(k, x, &c);
}

// Loads the AES round keys mbedtls_gcm_setkey left in the context and
// derives H. False when the context is not one this code understands: the
// caller then lets mbedTLS do the work.
CAMMIO_GCM_TARGET bool DeriveKeys(const mbedtls_gcm_context* ctx, const mbedtls_aes_context* aes,
                                  Keys* k) {
  k->nr = aes->nr;
  const auto* rk = reinterpret_cast<const unsigned char*>(aes->buf + aes->rk_offset);
  for (int i = 0; i <= k->nr; ++i) k->rk[i] = Load(rk + size_t{16} * i);
  // H = E(K, 0). mbedTLS 3.6 keeps it, on a CPU with AES-NI and PCLMULQDQ
  // (the only one this path runs on), as the raw 16 bytes in H[8]; they must
  // agree, or these are not the round keys we think they are.
  const __m128i raw_h = EncryptBlock(*k, _mm_setzero_si128());
  unsigned char raw[16];
  Store(raw, raw_h);
  static_assert(sizeof(ctx->H[8]) == 16, "mbedTLS's GCM hash table changed");
  if (std::memcmp(raw, ctx->H[8], sizeof(raw)) != 0) return false;
  const __m128i h = Reverse(raw_h);
  k->h[0] = h;
  k->wide = WideSupported() && g_allow_wide.load(std::memory_order_relaxed);
  const int powers = k->wide ? 16 : 8;
  for (int i = 1; i < powers; ++i) k->h[i] = MulReduce(k->h[i - 1], h);
  return true;
}

// The keys of the last contexts this thread used: a connection seals and
// opens every record with the same two, and deriving the powers of H costs
// more than sealing a small record's hash. An entry is reused only when
// the context holds the very round keys and H it was derived from (and the
// wide choice is unchanged), so a reused or re-keyed context is never
// served stale keys: the answer is the one DeriveKeys would give.
struct KeyCacheEntry {
  bool valid = false;
  unsigned char rk[16 * 15];  // the round keys' bytes, nr + 1 blocks
  unsigned char h[16];        // the context's H[8]
  Keys keys;
};
thread_local KeyCacheEntry t_key_cache[2];
thread_local unsigned t_key_cache_next = 0;

// The keys for `ctx`, or null when the context is not one this code
// understands. The pointer is valid until this thread's next call.
CAMMIO_GCM_TARGET const Keys* LoadKeys(const mbedtls_gcm_context* ctx) {
  const mbedtls_cipher_info_t* info = ctx->cipher_ctx.cipher_info;
  if (info == nullptr || ctx->cipher_ctx.cipher_ctx == nullptr) return nullptr;
  const mbedtls_cipher_type_t type = mbedtls_cipher_info_get_type(info);
  if (type != MBEDTLS_CIPHER_AES_128_ECB && type != MBEDTLS_CIPHER_AES_192_ECB &&
      type != MBEDTLS_CIPHER_AES_256_ECB) {
    return nullptr;
  }
  const auto* aes = static_cast<const mbedtls_aes_context*>(ctx->cipher_ctx.cipher_ctx);
  if ((aes->nr != 10 && aes->nr != 12 && aes->nr != 14) ||
      aes->rk_offset + size_t{4} * (aes->nr + 1) > sizeof(aes->buf) / sizeof(aes->buf[0])) {
    return nullptr;
  }
  const auto* rk = reinterpret_cast<const unsigned char*>(aes->buf + aes->rk_offset);
  const size_t rk_bytes = size_t{16} * (aes->nr + 1);
  const bool wide = WideSupported() && g_allow_wide.load(std::memory_order_relaxed);
  for (KeyCacheEntry& e : t_key_cache) {
    if (e.valid && e.keys.nr == aes->nr && e.keys.wide == wide &&
        std::memcmp(e.rk, rk, rk_bytes) == 0 && std::memcmp(e.h, ctx->H[8], 16) == 0) {
      return &e.keys;
    }
  }
  KeyCacheEntry& e = t_key_cache[t_key_cache_next];
  t_key_cache_next = (t_key_cache_next + 1) % 2;
  e.valid = false;
  if (!DeriveKeys(ctx, aes, &e.keys)) return nullptr;
  std::memcpy(e.rk, rk, rk_bytes);
  std::memcpy(e.h, ctx->H[8], 16);
  e.valid = true;
  return &e.keys;
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
#pragma GCC unroll 8
  for (int j = 0; j < N; ++j) ks[j] = Counter(iv_block, n + static_cast<uint32_t>(j));
  EncryptN<N>(k, ks);
  // Read every input block before writing: `in` may be `out`.
  __m128i data[N];
#pragma GCC unroll 8
  for (int j = 0; j < N; ++j) data[j] = Load(in + size_t{16} * j);
  __m128i cipher[N];
#pragma GCC unroll 8
  for (int j = 0; j < N; ++j) {
    __m128i result = _mm_xor_si128(data[j], ks[j]);
    Store(out + size_t{16} * j, result);
    cipher[j] = Reverse(encrypt ? result : data[j]);
  }
  return GhashN<N>(k, x, cipher);
}

// GCC 12's AVX-512 headers pass _mm512_undefined_epi32() to the broadcast
// and extract builtins, which -Wmaybe-uninitialized reports wherever they
// are inlined; nothing of ours is uninitialised.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#define CAMMIO_GCM_WIDE_TARGET \
  __attribute__((target("aes,pclmul,ssse3,sse4.1,avx2,avx512f,avx512bw,vaes,vpclmulqdq")))

// Sixteen blocks per step in four 512-bit registers (four blocks each):
// the counters through the AES rounds with VAES, and the ciphertext folded
// into the GHASH with VPCLMULQDQ against H^16..H^1 and one reduction, as
// GhashN does for eight. Lane j of a register is block j of its 64 bytes.
struct WideKeys {
  __m512i rk[15];
  __m512i hp[4];  // hp[r] lane j = H^(16 - 4r - j): the power for block 4r+j
};

CAMMIO_GCM_WIDE_TARGET inline __m512i Reverse512(__m512i v) {
  const __m512i mask =
      _mm512_broadcast_i32x4(_mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  return _mm512_shuffle_epi8(v, mask);
}

CAMMIO_GCM_WIDE_TARGET void LoadWideKeys(const Keys& k, WideKeys* w) {
  for (int i = 0; i <= k.nr; ++i) w->rk[i] = _mm512_broadcast_i32x4(k.rk[i]);
  for (int r = 0; r < 4; ++r) {
    // _mm512_set_m128i does not exist; build from the four lanes, highest first.
    __m128i l0 = k.h[15 - 4 * r], l1 = k.h[14 - 4 * r], l2 = k.h[13 - 4 * r], l3 = k.h[12 - 4 * r];
    __m512i v = _mm512_castsi128_si512(l0);
    v = _mm512_inserti32x4(v, l1, 1);
    v = _mm512_inserti32x4(v, l2, 2);
    w->hp[r] = _mm512_inserti32x4(v, l3, 3);
  }
}

// Xors the four 128-bit lanes of v together.
CAMMIO_GCM_WIDE_TARGET inline __m128i FoldLanes(__m512i v) {
  __m256i y = _mm256_xor_si256(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
  return _mm_xor_si128(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
}

// 256 bytes from block counter n on: out = in ^ keystream, and the
// ciphertext folded into x. `ctr` holds the byte-reversed counter blocks
// n..n+3 (so the counter is an ordinary little-endian 32-bit lane); it
// advances by 16.
CAMMIO_GCM_WIDE_TARGET inline __m128i Crypt16(const Keys& k, const WideKeys& w, bool encrypt,
                                              __m512i* ctr, const unsigned char* in,
                                              unsigned char* out, __m128i x) {
  const __m512i four = _mm512_broadcast_i32x4(_mm_set_epi32(0, 0, 0, 4));
  // Four named registers, not an array: an array indexed in the round loop
  // went through the stack, one store-to-load round trip per round.
  __m512i c0 = *ctr, c1 = _mm512_add_epi32(c0, four), c2 = _mm512_add_epi32(c1, four),
          c3 = _mm512_add_epi32(c2, four);
  *ctr = _mm512_add_epi32(c3, four);
  __m512i b0 = _mm512_xor_si512(Reverse512(c0), w.rk[0]);
  __m512i b1 = _mm512_xor_si512(Reverse512(c1), w.rk[0]);
  __m512i b2 = _mm512_xor_si512(Reverse512(c2), w.rk[0]);
  __m512i b3 = _mm512_xor_si512(Reverse512(c3), w.rk[0]);
  for (int i = 1; i < k.nr; ++i) {
    const __m512i key = w.rk[i];
    b0 = _mm512_aesenc_epi128(b0, key);
    b1 = _mm512_aesenc_epi128(b1, key);
    b2 = _mm512_aesenc_epi128(b2, key);
    b3 = _mm512_aesenc_epi128(b3, key);
  }
  const __m512i b[4] = {
      _mm512_aesenclast_epi128(b0, w.rk[k.nr]), _mm512_aesenclast_epi128(b1, w.rk[k.nr]),
      _mm512_aesenclast_epi128(b2, w.rk[k.nr]), _mm512_aesenclast_epi128(b3, w.rk[k.nr])};
  // Read every input block before writing: `in` may be `out`.
  __m512i data[4];
  for (int r = 0; r < 4; ++r) data[r] = _mm512_loadu_si512(in + 64 * r);
  __m512i lo = _mm512_setzero_si512(), hi = lo, mid = lo;
#pragma GCC unroll 4
  for (int r = 0; r < 4; ++r) {
    __m512i result = _mm512_xor_si512(data[r], b[r]);
    _mm512_storeu_si512(out + 64 * r, result);
    __m512i c = Reverse512(encrypt ? result : data[r]);
    if (r == 0) c = _mm512_xor_si512(c, _mm512_zextsi128_si512(x));  // x joins block 0
    lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(c, w.hp[r], 0x00));
    hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(c, w.hp[r], 0x11));
    mid = _mm512_xor_si512(mid, _mm512_clmulepi64_epi128(c, w.hp[r], 0x10));
    mid = _mm512_xor_si512(mid, _mm512_clmulepi64_epi128(c, w.hp[r], 0x01));
  }
  __m128i m = FoldLanes(mid);
  Wide sum{_mm_xor_si128(FoldLanes(lo), _mm_slli_si128(m, 8)),
           _mm_xor_si128(FoldLanes(hi), _mm_srli_si128(m, 8))};
  return Reduce(sum);
}

// Runs Crypt16 over the longest multiple of 256 bytes of [0, len); returns
// the bytes done and advances *n (the next block counter) and *x.
CAMMIO_GCM_WIDE_TARGET size_t CryptWide(const Keys& k, bool encrypt, __m128i iv_block, uint32_t* n,
                                        const unsigned char* in, unsigned char* out, size_t len,
                                        __m128i* x) {
  if (len < 256) return 0;
  WideKeys w;
  LoadWideKeys(k, &w);
  // Counter blocks n, n+1, n+2, n+3, byte-reversed.
  __m512i ctr = _mm512_broadcast_i32x4(Reverse(Counter(iv_block, *n)));
  ctr = _mm512_add_epi32(ctr, _mm512_set_epi32(0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0));
  size_t i = 0;
  for (; i + 256 <= len; i += 256) *x = Crypt16(k, w, encrypt, &ctr, in + i, out + i, *x);
  *n += static_cast<uint32_t>(i / 16);
  return i;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

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
  size_t i = k.wide ? CryptWide(k, encrypt, iv_block, &n, in, out, len, &x) : 0;
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
bool GcmWideAccelerated() { return CpuSupported() && WideSupported(); }
void GcmAllowWide(bool allow) { g_allow_wide.store(allow); }
uint64_t GcmAcceleratedCalls() { return g_calls.load(std::memory_order_relaxed); }

}  // namespace cammio::tls

using cammio::tls::Keys;

extern "C" int __wrap_mbedtls_gcm_crypt_and_tag(mbedtls_gcm_context* ctx, int mode, size_t length,
                                                const unsigned char* iv, size_t iv_len,
                                                const unsigned char* add, size_t add_len,
                                                const unsigned char* input, unsigned char* output,
                                                size_t tag_len, unsigned char* tag) {
  const Keys* k = nullptr;
  if (ctx == nullptr || !cammio::tls::Usable(iv_len, tag_len, length, add_len) ||
      (k = cammio::tls::LoadKeys(ctx)) == nullptr) {
    return __real_mbedtls_gcm_crypt_and_tag(ctx, mode, length, iv, iv_len, add, add_len, input,
                                            output, tag_len, tag);
  }
  unsigned char full[16];
  cammio::tls::Seal(*k, mode == MBEDTLS_GCM_ENCRYPT, iv, add, add_len, input, output, length, full);
  std::memcpy(tag, full, tag_len);
  cammio::tls::g_calls.fetch_add(1, std::memory_order_relaxed);
  return 0;
}

extern "C" int __wrap_mbedtls_gcm_auth_decrypt(mbedtls_gcm_context* ctx, size_t length,
                                               const unsigned char* iv, size_t iv_len,
                                               const unsigned char* add, size_t add_len,
                                               const unsigned char* tag, size_t tag_len,
                                               const unsigned char* input, unsigned char* output) {
  const Keys* k = nullptr;
  if (ctx == nullptr || !cammio::tls::Usable(iv_len, tag_len, length, add_len) ||
      (k = cammio::tls::LoadKeys(ctx)) == nullptr) {
    return __real_mbedtls_gcm_auth_decrypt(ctx, length, iv, iv_len, add, add_len, tag, tag_len,
                                           input, output);
  }
  unsigned char expected[16];
  cammio::tls::Seal(*k, false, iv, add, add_len, input, output, length, expected);
  cammio::tls::g_calls.fetch_add(1, std::memory_order_relaxed);
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

namespace cammio::tls {
bool GcmAccelerated() { return false; }
bool GcmWideAccelerated() { return false; }
void GcmAllowWide(bool) {}
uint64_t GcmAcceleratedCalls() { return 0; }
}  // namespace cammio::tls

#endif
