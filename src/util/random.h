// Cryptographically secure random bytes from the kernel (getrandom(2)).
// Thread-safe; never blocks after early boot. Used for tokens and as the RNG
// callback that mbedTLS asks for.
#pragma once

#include <cstddef>
#include <string>

namespace cammio {

// Fills buf with n random bytes. Aborts if the kernel refuses (it does not
// once the pool is initialised); a server without randomness must not run.
void RandomFill(void* buf, size_t n);

// n random bytes encoded as lowercase base32-ish alphanumerics [a-z0-9]:
// ceil(n*8/5) characters, URL- and filename-safe. 16 bytes -> 26 chars, 128 bits.
std::string RandomToken(size_t n_bytes = 20);

// A RandomToken(n_bytes) behind 11 characters that grow with the wall clock
// (microseconds, in [2-7a-z], which sorts in ASCII order). For keys of
// UNIQUE indexes written often (invitation link tokens, Message-IDs): new keys
// land next to each other at the end of the index instead of on a random
// page each, so a write dirties, reads and checkpoints far fewer pages. The
// random part alone carries the secret (n_bytes * 8 bits); the prefix tells
// only when the token was made. 11 + ceil(n*8/5) characters.
std::string OrderedToken(size_t n_bytes = 20);

// mbedTLS f_rng signature: int f(void* ctx, unsigned char* out, size_t len).
int MbedtlsRandom(void* ctx, unsigned char* out, size_t len);

}  // namespace cammio
