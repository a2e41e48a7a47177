#include "tls/certificate.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <mbedtls/asn1write.h>
#include <mbedtls/ecp.h>
#include <mbedtls/error.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509_crt.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "util/random.h"

namespace cammio::tls {

namespace {

Status MbedtlsFailure(const char* what, int rc) {
  char text[160];
  mbedtls_strerror(rc, text, sizeof(text));
  return Status::Internal(std::string(what) + ": " + text);
}

// Letters, digits and '-' in non-empty labels of at most 63 characters,
// separated by '.', with an optional leading "*." wildcard label.
bool IsDnsName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  const size_t start = name.compare(0, 2, "*.") == 0 ? 2 : 0;
  size_t label = 0;
  for (size_t i = start; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      if (label == 0 || label > 63) return false;
      label = 0;
    } else if (std::isalnum(static_cast<unsigned char>(name[i])) || name[i] == '-') {
      ++label;
    } else {
      return false;
    }
  }
  return true;
}

// The 4 or 16 bytes of an IPv4 or IPv6 literal ("192.0.2.7", "fe80::1"),
// as an iPAddress SAN holds them; empty when `name` is not one.
std::string IpBytes(const std::string& name) {
  unsigned char buf[16];
  if (::inet_pton(AF_INET, name.c_str(), buf) == 1) return std::string(buf, buf + 4);
  if (::inet_pton(AF_INET6, name.c_str(), buf) == 1) return std::string(buf, buf + 16);
  return std::string();
}

// "YYYYMMDDhhmmss" (UTC), the form mbedtls_x509write_crt_set_validity takes.
std::string X509Time(const std::tm& tm) {
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%d%H%M%S", &tm);
  return buf;
}

// DER of GeneralNames ::= SEQUENCE OF GeneralName: an iPAddress
// ([7] IMPLICIT OCTET STRING, 4 or 16 bytes) for an IP literal, else a dNSName
// ([2] IMPLICIT IA5String).
Status SubjectAltNameDer(const std::vector<std::string>& names, std::vector<unsigned char>* der) {
  size_t capacity = 16;
  for (const std::string& n : names) capacity += n.size() + 8;
  std::vector<unsigned char> buf(capacity);
  unsigned char* const start = buf.data();
  unsigned char* p = start + buf.size();  // asn1write fills backwards.
  size_t len = 0;
  int rc = 0;
  auto add = [&](int r) {
    if (r < 0)
      rc = r;
    else
      len += static_cast<size_t>(r);
  };
  for (auto it = names.rbegin(); it != names.rend() && rc == 0; ++it) {
    const std::string ip = IpBytes(*it);
    const std::string& value = ip.empty() ? *it : ip;
    const size_t before = len;
    add(mbedtls_asn1_write_raw_buffer(
        &p, start, reinterpret_cast<const unsigned char*>(value.data()), value.size()));
    add(mbedtls_asn1_write_len(&p, start, len - before));
    add(mbedtls_asn1_write_tag(&p, start, MBEDTLS_ASN1_CONTEXT_SPECIFIC | (ip.empty() ? 2 : 7)));
  }
  add(mbedtls_asn1_write_len(&p, start, len));
  add(mbedtls_asn1_write_tag(&p, start, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
  if (rc != 0) return MbedtlsFailure("subjectAltName", rc);
  der->assign(p, start + buf.size());
  return Status::OK();
}

// Everything a certificate is made of, freed in one place.
struct CertBuilder {
  CertBuilder() {
    mbedtls_pk_init(&key);
    mbedtls_x509write_crt_init(&crt);
  }
  ~CertBuilder() {
    mbedtls_x509write_crt_free(&crt);
    mbedtls_pk_free(&key);
  }
  mbedtls_pk_context key;
  mbedtls_x509write_cert crt;
};

Status GenerateKey(mbedtls_pk_context* key) {
  int rc = mbedtls_pk_setup(key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
  if (rc == 0) {
    rc = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*key), MbedtlsRandom, nullptr);
  }
  return rc == 0 ? Status::OK() : MbedtlsFailure("EC key generation", rc);
}

Status FillCertificate(const std::vector<std::string>& dns_names, CertBuilder* b) {
  unsigned char serial[16];
  RandomFill(serial, sizeof(serial));
  serial[0] = (serial[0] & 0x7f) | 0x40;  // Positive, and always 16 bytes long.
  const std::time_t now = std::time(nullptr);
  const std::time_t yesterday = now - 24 * 60 * 60;
  std::tm from{}, to{};
  gmtime_r(&yesterday, &from);
  gmtime_r(&now, &to);
  to.tm_year += 10;
  if (to.tm_mon == 1 && to.tm_mday == 29) to.tm_mday = 28;
  std::vector<unsigned char> san;
  Status s = SubjectAltNameDer(dns_names, &san);
  if (!s.ok()) return s;

  const std::string name = "CN=" + dns_names[0];
  mbedtls_x509write_cert* crt = &b->crt;
  mbedtls_x509write_crt_set_version(crt, MBEDTLS_X509_CRT_VERSION_3);
  mbedtls_x509write_crt_set_md_alg(crt, MBEDTLS_MD_SHA256);
  mbedtls_x509write_crt_set_subject_key(crt, &b->key);
  mbedtls_x509write_crt_set_issuer_key(crt, &b->key);
  int rc = mbedtls_x509write_crt_set_serial_raw(crt, serial, sizeof(serial));
  if (rc == 0) rc = mbedtls_x509write_crt_set_subject_name(crt, name.c_str());
  if (rc == 0) rc = mbedtls_x509write_crt_set_issuer_name(crt, name.c_str());
  if (rc == 0)
    rc = mbedtls_x509write_crt_set_validity(crt, X509Time(from).c_str(), X509Time(to).c_str());
  if (rc == 0) rc = mbedtls_x509write_crt_set_basic_constraints(crt, 1, -1);
  if (rc == 0) rc = mbedtls_x509write_crt_set_subject_key_identifier(crt);
  if (rc == 0) rc = mbedtls_x509write_crt_set_authority_key_identifier(crt);
  if (rc == 0) {
    rc = mbedtls_x509write_crt_set_key_usage(
        crt, MBEDTLS_X509_KU_DIGITAL_SIGNATURE | MBEDTLS_X509_KU_KEY_CERT_SIGN);
  }
  if (rc == 0) {
    rc = mbedtls_x509write_crt_set_extension(crt, MBEDTLS_OID_SUBJECT_ALT_NAME,
                                             MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0,
                                             san.data(), san.size());
  }
  return rc == 0 ? Status::OK() : MbedtlsFailure("certificate fields", rc);
}

// Writes `data` to a new file next to `path` created with `mode`, fsyncs it
// and returns its name in *tmp. Nothing is left behind on failure.
Status WriteTemp(const std::string& path, const std::string& data, mode_t mode, std::string* tmp) {
  *tmp = path + ".tmp-" + RandomToken(8);
  int fd = ::open(tmp->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return Status::IoError("create " + *tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok = done == data.size() && ::fsync(fd) == 0;
  int err = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(tmp->c_str());
    return Status::IoError("write " + *tmp + ": " + std::strerror(err));
  }
  return Status::OK();
}

Status Commit(const std::string& tmp, const std::string& path) {
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return Status::IoError("rename to " + path + ": " + std::strerror(err));
  }
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);  // Best effort: makes the rename durable where supported.
    ::close(fd);
  }
  return Status::OK();
}

Status WritePemFiles(const std::string& cert_pem, const std::string& cert_path,
                     const std::string& key_pem, const std::string& key_path) {
  std::string key_tmp, cert_tmp;
  Status s = WriteTemp(key_path, key_pem, 0600, &key_tmp);
  if (!s.ok()) return s;
  s = WriteTemp(cert_path, cert_pem, 0644, &cert_tmp);
  if (!s.ok()) {
    ::unlink(key_tmp.c_str());
    return s;
  }
  s = Commit(key_tmp, key_path);
  if (!s.ok()) {
    ::unlink(cert_tmp.c_str());
    return s;
  }
  return Commit(cert_tmp, cert_path);
}

// Parses the PEM file into *chain; its head is the first certificate.
Status LoadCertificates(const std::string& path, mbedtls_x509_crt* chain) {
  int rc = mbedtls_x509_crt_parse_file(chain, path.c_str());
  if (rc == MBEDTLS_ERR_PK_FILE_IO_ERROR || rc == MBEDTLS_ERR_X509_FILE_IO_ERROR) {
    return Status::IoError("cannot read certificate file " + path);
  }
  if (rc < 0 || chain->version == 0) {
    return Status::InvalidArgument("no certificate in " + path);
  }
  return Status::OK();
}

// mbedtls_x509_crt with automatic cleanup.
struct Certificates {
  Certificates() { mbedtls_x509_crt_init(&chain); }
  ~Certificates() { mbedtls_x509_crt_free(&chain); }
  mbedtls_x509_crt chain;
};

}  // namespace

bool IsCertificateName(const std::string& name) {
  return IsDnsName(name) || !IpBytes(name).empty();
}

Status GenerateSelfSignedCert(const std::vector<std::string>& dns_names,
                              const std::string& cert_pem_path, const std::string& key_pem_path) {
  if (dns_names.empty()) return Status::InvalidArgument("no name for the certificate");
  for (const std::string& n : dns_names) {
    if (!IsCertificateName(n)) {
      return Status::InvalidArgument("not a DNS name or IP address: '" + n + "'");
    }
  }
  CertBuilder b;
  Status s = GenerateKey(&b.key);
  if (s.ok()) s = FillCertificate(dns_names, &b);
  if (!s.ok()) return s;

  std::vector<unsigned char> cert_buf(4096 + 4 * dns_names.size() * 260);
  int rc =
      mbedtls_x509write_crt_pem(&b.crt, cert_buf.data(), cert_buf.size(), MbedtlsRandom, nullptr);
  if (rc != 0) return MbedtlsFailure("certificate signing", rc);
  unsigned char key_buf[1024];
  rc = mbedtls_pk_write_key_pem(&b.key, key_buf, sizeof(key_buf));
  if (rc != 0) return MbedtlsFailure("key encoding", rc);
  std::string key_pem(reinterpret_cast<const char*>(key_buf));
  mbedtls_platform_zeroize(key_buf, sizeof(key_buf));

  s = WritePemFiles(reinterpret_cast<const char*>(cert_buf.data()), cert_pem_path, key_pem,
                    key_pem_path);
  mbedtls_platform_zeroize(&key_pem[0], key_pem.size());
  return s;
}

Result<std::string> CertificateFingerprintSha256(const std::string& cert_pem_path) {
  Certificates certs;
  Status s = LoadCertificates(cert_pem_path, &certs.chain);
  if (!s.ok()) return s;
  unsigned char digest[32];
  if (mbedtls_sha256(certs.chain.raw.p, certs.chain.raw.len, digest, 0) != 0) {
    return Status::Internal("SHA-256 failed");
  }
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char byte : digest) {
    if (!out.empty()) out.push_back(':');
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 15]);
  }
  return out;
}

Result<std::string> CertificateNotAfter(const std::string& cert_pem_path) {
  Certificates certs;
  Status s = LoadCertificates(cert_pem_path, &certs.chain);
  if (!s.ok()) return s;
  const mbedtls_x509_time& t = certs.chain.valid_to;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", t.year, t.mon, t.day, t.hour,
                t.min, t.sec);
  return std::string(buf);
}

}  // namespace cammio::tls
