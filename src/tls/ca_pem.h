// CheckCaPem: what mbedTLS makes of a CA bundle given as text (the relay's or
// an ATS's ca_pem in the mail and notification settings), read the way the TLS
// clients read it (tls/client_config.h). A file of its own because it needs
// only mbedTLS's X.509 parser (the fuzz targets link it without the rest of
// tls).
//
// Thread-safety: a pure function.
#pragma once

#include <string>

namespace cammio::tls {

// What mbedTLS makes of a CA bundle given as text (a relay's or an ATS's
// ca_pem), read the way the TLS clients read it (client_config.h).
struct CaPemCheck {
  // The text holds a "-----BEGIN CERTIFICATE-----" line (else mbedTLS reads
  // it as one DER certificate).
  bool pem = false;
  // At least one certificate was read; others may have been skipped.
  bool usable = false;
  // Every certificate in it was read, and there was at least one.
  bool complete = false;
};
CaPemCheck CheckCaPem(const std::string& ca_pem);

}  // namespace cammio::tls
