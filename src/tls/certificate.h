// X.509 helpers: generating the self-signed certificate a fresh installation
// starts with, reading what `cammio check` reports about the certificate in
// use (fingerprint, expiry), and checking a CA bundle a setting carries.
//
// All functions are stateless and thread-safe; they touch only the files
// named by their arguments.
#pragma once

#include <string>
#include <vector>

#include "cammio/status.h"

namespace cammio::tls {

// Creates a new EC P-256 key and a self-signed X.509 v3 certificate for it:
// CN = dns_names[0], subjectAltName = every name as a dNSName, or as an
// iPAddress when it is an IPv4 or IPv6 literal (clients that reach the
// appliance by address verify it against that entry), basicConstraints
// CA:true (so clients can pin it as their own trust anchor), key usage
// digitalSignature + keyCertSign, a random positive 128-bit serial, SHA-256
// signature, valid from now - 1 day to now + 10 years.
//
// Writes both PEM files atomically (temporary file in the same directory,
// fsync, rename), the key with mode 0600 from creation and the certificate
// with 0644, replacing existing files. The key is renamed into place first.
//
// Returns InvalidArgument if dns_names is empty or a name is neither a DNS
// name (letters, digits, '-', '.', optionally a leading "*.") nor an IP
// literal, IoError if a file
// cannot be written (no partial file is left behind), Internal on an mbedTLS
// failure.
// True when `name` can be a subjectAltName of GenerateSelfSignedCert: a DNS
// name (letters, digits, '-', '.', optionally a leading "*.") or an IPv4 or
// IPv6 literal.
bool IsCertificateName(const std::string& name);

Status GenerateSelfSignedCert(const std::vector<std::string>& dns_names,
                              const std::string& cert_pem_path, const std::string& key_pem_path);

// SHA-256 of the DER encoding of the first certificate in the PEM file, as 32
// uppercase hex pairs joined by ':' ("AB:CD:...", 95 characters).
// IoError if the file cannot be read, InvalidArgument if it holds no
// certificate.
Result<std::string> CertificateFingerprintSha256(const std::string& cert_pem_path);

// notAfter of the first certificate in the PEM file as "YYYY-MM-DDTHH:MM:SSZ"
// (UTC). Errors as CertificateFingerprintSha256.
Result<std::string> CertificateNotAfter(const std::string& cert_pem_path);

}  // namespace cammio::tls
