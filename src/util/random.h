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

// mbedTLS f_rng signature: int f(void* ctx, unsigned char* out, size_t len).
int MbedtlsRandom(void* ctx, unsigned char* out, size_t len);

}  // namespace cammio
