// The configuration of an outgoing TLS session, shared by TlsClient
// (client.h) and the SMTP client's STARTTLS: TlsConfigDefaults for a client
// (TLS 1.2 to 1.3, the ECDHE + AEAD suites of session.h) and the trust
// anchors, so no caller outside this module handles an mbedTLS type.
//
// Thread-safety: a ClientConfig is immutable once loaded and safe to share
// between threads; every TlsConnection set up with config() must keep it
// alive (pass the shared_ptr as the connection's config_owner).
#pragma once

#include <memory>
#include <string>

#include "cammio/status.h"
#include "tls/session.h"

namespace cammio::tls {

// The system's CA bundle, used when no CA PEM is given.
extern const char kSystemCaFile[];

class ClientConfig {
 public:
  // `ca_pem`: PEM text of the trusted CA certificate(s); empty: the system
  // store (kSystemCaFile). A bundle of which some certificates cannot be read
  // (algorithms this build leaves out) is fine as long as one can.
  // `verify` false: any certificate and name is accepted (still TLS 1.2+ and
  // AEAD); the CAs are then not read at all.
  // Returns Internal ("TLS client config: <mbedTLS error>") when mbedTLS
  // cannot be set up, and InvalidArgument when no CA certificate is usable;
  // its details are then mbedTLS's reason, or empty when mbedTLS gave none.
  static Result<std::shared_ptr<const ClientConfig>> Load(const std::string& ca_pem, bool verify);

  ~ClientConfig();
  ClientConfig(const ClientConfig&) = delete;
  ClientConfig& operator=(const ClientConfig&) = delete;

  // For TlsConnection::Setup; valid for the lifetime of this object.
  const mbedtls_ssl_config* config() const { return &conf_; }

 private:
  ClientConfig();
  Status Init(const std::string& ca_pem, bool verify);

  mbedtls_x509_crt ca_;
  mbedtls_ssl_config conf_;
};

// Why the server's certificate failed verification in a handshake that
// returned `rc` on `conn`: mbedTLS's text, one line per reason, each ending
// in '\n'. Empty when `rc` is not a verification failure or mbedTLS names
// no reason.
std::string VerifyFailureInfo(const TlsConnection& conn, int rc);

// True when `rc` (from TlsConnection::Handshake) says the peer's
// certificate failed verification.
bool IsVerifyFailure(int rc);

}  // namespace cammio::tls
