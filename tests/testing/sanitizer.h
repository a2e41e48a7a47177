// Whether the tests run under AddressSanitizer (the CI's clang ASan + UBSan
// tree). Under it, TLS handshakes are about 15 times slower and RSS counts
// the allocator's quarantine and shadow memory: tests that open hundreds of
// TLS connections or bound memory scale their counts, deadlines or
// measurements with this, never their claims.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define CAMMIO_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CAMMIO_TEST_ASAN 1
#endif
#endif

namespace cammio::testing {

#ifdef CAMMIO_TEST_ASAN
inline constexpr bool kUnderAsan = true;
#else
inline constexpr bool kUnderAsan = false;
#endif

}  // namespace cammio::testing
