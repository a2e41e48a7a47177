#include "tls/client_config.h"

#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

namespace cammio::tls {

const char kSystemCaFile[] = "/etc/ssl/certs/ca-certificates.crt";

ClientConfig::ClientConfig() {
  mbedtls_x509_crt_init(&ca_);
  mbedtls_ssl_config_init(&conf_);
}

ClientConfig::~ClientConfig() {
  mbedtls_ssl_config_free(&conf_);
  mbedtls_x509_crt_free(&ca_);
}

Result<std::shared_ptr<const ClientConfig>> ClientConfig::Load(const std::string& ca_pem,
                                                               bool verify) {
  std::shared_ptr<ClientConfig> config(new ClientConfig());
  Status s = config->Init(ca_pem, verify);
  if (!s.ok()) return s;
  return std::shared_ptr<const ClientConfig>(std::move(config));
}

Status ClientConfig::Init(const std::string& ca_pem, bool verify) {
  int rc = TlsConfigDefaults(&conf_, MBEDTLS_SSL_IS_CLIENT);
  if (rc != 0) return Status::Internal("TLS client config: " + MbedtlsErrorText(rc));
  if (!verify) {
    mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_NONE);
    return Status::OK();
  }
  // A positive result means some certificates of a bundle were skipped
  // (unsupported algorithms in the system store); fine if any loaded.
  if (ca_pem.empty()) {
    rc = mbedtls_x509_crt_parse_file(&ca_, kSystemCaFile);
  } else {
    rc = mbedtls_x509_crt_parse(&ca_, reinterpret_cast<const unsigned char*>(ca_pem.c_str()),
                                ca_pem.size() + 1);  // PEM: length includes the NUL.
  }
  if (rc < 0 || ca_.version == 0) {
    return Status::InvalidArgument(rc < 0 ? MbedtlsErrorText(rc) : "");
  }
  mbedtls_ssl_conf_ca_chain(&conf_, &ca_, nullptr);
  mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_REQUIRED);
  return Status::OK();
}

bool IsVerifyFailure(int rc) { return rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED; }

std::string VerifyFailureInfo(const TlsConnection& conn, int rc) {
  const uint32_t flags = mbedtls_ssl_get_verify_result(conn.ssl());
  if (!IsVerifyFailure(rc) || flags == 0 || flags == uint32_t(-1)) return "";
  char info[512];
  if (mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags) <= 0) return "";
  return info;
}

}  // namespace cammio::tls
