// AES-GCM for TLS records with AES-NI and PCLMULQDQ, in place of mbedTLS's.
//
// Why: mbedTLS (2.28, and still 3.6) encrypts GCM one 16-byte block at a
// time (one AES call and one carry-less multiply with its own reduction per
// block). Profiling the vacancy GET (a 43 KiB answer) on 2.28 showed 63% of
// the server's CPU in mbedtls_aesni_gcm_mult, gcm_mult,
// mbedtls_aesni_crypt_ecb and mbedtls_gcm_update; on 3.6 this path still
// seals and opens 16 KiB records several times faster than mbedTLS's own
// AES-NI GCM (figures: docs/decisions.md, "TLS stack"). This path runs the counter blocks eight at
// a time through the AES rounds and folds eight blocks into the GHASH with one reduction (the
// aggregated form of the carry-less multiplication), which is several times faster for the same
// bytes on the wire. On CPUs with AVX-512 VAES and VPCLMULQDQ, sixteen blocks go through per step
// in four 512-bit registers (a 43 KiB answer seals in about a third of the time again).
//
// How it is attached: on x86-64 the link wraps mbedtls_gcm_crypt_and_tag and
// mbedtls_gcm_auth_decrypt (-Wl,--wrap, CMakeLists.txt), the two calls
// through which mbedTLS 3.6's cipher layer seals and opens every AES-GCM
// record of TLS 1.2 and TLS 1.3 (MBEDTLS_USE_PSA_CRYPTO is off in our
// configuration; PSA's one-shot AEAD would reach them too) and ticket.
// The wrappers use the context mbedTLS itself set up (mbedtls_gcm_setkey:
// the AES round keys and the hash key H) and hand the call to mbedTLS's own
// implementation whenever they cannot take it: a CPU without AES-NI or
// PCLMULQDQ, a non-AES cipher, an IV that is not 12 bytes (TLS always uses
// 12), a tag shorter than 4 bytes, lengths of 4 GiB or more, or a context
// whose round keys do not reproduce mbedTLS's H (checked on every call, so a
// different mbedTLS layout falls back instead of miscomputing). Other
// architectures (aarch64) build none of this and use mbedTLS unchanged.
//
// Results are bit-identical to mbedTLS's (tests/tls/gcm_accel_test.cc
// compares both on every length, key size and tag size, in place and not).
//
// Each thread keeps the keys derived for the last two contexts it used
// (round keys and the powers of H: deriving them costs more than sealing a
// small record's hash). An entry serves a call only when the context holds
// byte for byte the round keys and H it came from, so a re-keyed or reused
// context gets freshly derived keys.
//
// Thread-safety: the call counter is atomic and the key cache is per thread;
// safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__x86_64__)
#include <mbedtls/gcm.h>

extern "C" {
// mbedTLS's own implementations, reachable under these names through the
// link's --wrap: the fallback of the wrappers, and the reference the tests
// compare against.
int __real_mbedtls_gcm_crypt_and_tag(mbedtls_gcm_context* ctx, int mode, size_t length,
                                     const unsigned char* iv, size_t iv_len,
                                     const unsigned char* add, size_t add_len,
                                     const unsigned char* input, unsigned char* output,
                                     size_t tag_len, unsigned char* tag);
int __real_mbedtls_gcm_auth_decrypt(mbedtls_gcm_context* ctx, size_t length,
                                    const unsigned char* iv, size_t iv_len,
                                    const unsigned char* add, size_t add_len,
                                    const unsigned char* tag, size_t tag_len,
                                    const unsigned char* input, unsigned char* output);
}
#endif

namespace cammio::tls {

// True when this build and this CPU take the accelerated path.
bool GcmAccelerated();

// True when it also takes the wide path: sixteen blocks per step with
// AVX-512 VAES and VPCLMULQDQ (four blocks per instruction). Calls on
// other CPUs use the eight-block AES-NI path.
bool GcmWideAccelerated();
// Lets tests run the eight-block path on a CPU with the wide one (default:
// allowed). Takes effect for the following calls, on every thread.
void GcmAllowWide(bool allow);

// How many GCM operations the accelerated path has done (tests, to show it
// is really used).
uint64_t GcmAcceleratedCalls();

}  // namespace cammio::tls
