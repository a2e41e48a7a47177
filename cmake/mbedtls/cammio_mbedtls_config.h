// The mbedTLS 3.6 configuration cammio is built with (MBEDTLS_CONFIG_FILE,
// set by cmake/Dependencies.cmake for the library and for every file that
// includes its headers: struct layouts depend on it).
//
// Only what the product uses: TLS 1.3 and 1.2 (no DTLS, no renegotiation, no
// CBC, no static-RSA or PSK key exchanges), ECDHE over X25519, P-256 and
// P-384, AES-GCM and ChaCha20-Poly1305 records, ECDSA and RSA (PKCS#1 v1.5
// and PSS) certificates, session tickets for resumption in both versions,
// PSA crypto (TLS 1.3's key schedule and key exchange need it), pthread
// locking, and what certificate generation (src/tls/certificate.cc) and
// util/crypto need (X.509 writing, PEM, SHA-1 for the key identifier, SHA-2,
// HMAC, base64), and PBKDF2 for console passwords (util/password.h). The
// rationale is in docs/decisions.md, "TLS stack".
#pragma once

// System support.
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_FS_IO
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_THREADING_C
#define MBEDTLS_THREADING_PTHREAD
#define MBEDTLS_DEPRECATED_REMOVED

// Randomness: the OS source (getrandom) through CTR-DRBG; PSA uses it too.
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

// Symmetric crypto: AES (AES-NI on x86-64, the Armv8 crypto extension on
// aarch64, both detected at run time), GCM, ChaCha20-Poly1305.
#define MBEDTLS_CIPHER_C
#define MBEDTLS_AES_C
#define MBEDTLS_AESNI_C
#define MBEDTLS_AESCE_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C

// Hashes and MACs. SHA-1 only because X.509 key identifiers are SHA-1
// (RFC 5280) and some CA chains still carry SHA-1 signatures.
#define MBEDTLS_MD_C
#define MBEDTLS_SHA1_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_HKDF_C
// PBKDF2-HMAC-SHA256 for the console's passwords (util/password.h).
#define MBEDTLS_PKCS5_C

// Public-key crypto.
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
// X25519's ladder step and final division in 51-bit limbs instead of
// mbedTLS's generic bignum code (cmake/mbedtls/curve25519_ladder.c): about
// ten times faster, and X25519 is the key exchange of nearly every TLS 1.3
// handshake. Other curves keep mbedTLS's code. It needs 64-bit limbs and
// 128-bit products: x86-64 and aarch64.
#if defined(__SIZEOF_INT128__) && (defined(__x86_64__) || defined(__aarch64__))
#define MBEDTLS_ECP_INTERNAL_ALT
#define MBEDTLS_ECP_DOUBLE_ADD_MXZ_ALT
#define MBEDTLS_ECP_NORMALIZE_MXZ_ALT
#endif
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C

// PSA crypto: the API TLS 1.3 is built on (key schedule, ECDHE); no key
// storage. The legacy API stays the one our code and TLS 1.2 use
// (MBEDTLS_USE_PSA_CRYPTO off), so records are sealed through the cipher
// layer's mbedtls_gcm_crypt_and_tag in both versions (see gcm_accel.h).
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_PSA_KEY_STORE_DYNAMIC

// Encodings and X.509 (parsing, verification, writing our own certificate).
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_OID_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PEM_WRITE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CREATE_C
#define MBEDTLS_X509_CRT_WRITE_C
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT

// TLS.
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE  // TLS 1.3 requires it
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_TICKET_C

// Diagnostics: error texts and the version string (`cammio version`).
#define MBEDTLS_ERROR_C
#define MBEDTLS_VERSION_C
