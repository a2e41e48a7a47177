#include "tls/ca_pem.h"

#include <mbedtls/x509_crt.h>

namespace cammio::tls {

CaPemCheck CheckCaPem(const std::string& ca_pem) {
  CaPemCheck out;
  out.pem = ca_pem.find("-----BEGIN CERTIFICATE-----") != std::string::npos;
  mbedtls_x509_crt crt;
  mbedtls_x509_crt_init(&crt);
  // mbedTLS wants the terminating NUL counted in the length of PEM text. A
  // positive result counts the certificates of a bundle it skipped.
  const int rc = mbedtls_x509_crt_parse(
      &crt, reinterpret_cast<const unsigned char*>(ca_pem.c_str()), ca_pem.size() + 1);
  out.usable = rc >= 0 && crt.version != 0;
  out.complete = rc == 0 && crt.version != 0;
  mbedtls_x509_crt_free(&crt);
  return out;
}

}  // namespace cammio::tls
