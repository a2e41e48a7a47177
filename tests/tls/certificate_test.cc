// Certificates (tls/certificate.h): the self-signed certificate a fresh
// installation starts with, what `cammio check` reads from it, and
// CheckCaPem, what the mail and notification settings accept as a CA bundle
// (mail: one certificate usable; notifications: PEM, read completely). Also
// the load errors of TlsServerContext and TlsClient (session.h, client.h).
#include <doctest/doctest.h>
#include <httplib.h>
#include <mbedtls/asn1.h>
#include <mbedtls/x509_crt.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tls/ca_pem.h"
#include "tls/certificate.h"
#include "tls/client.h"
#include "tls/session.h"

namespace cammio::tls {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/cammio-tls-cert-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string File(const std::string& name) const { return path + "/" + name; }
  std::string path;
};

// The PEM text of a freshly generated self-signed certificate.
std::string GeneratedCaPem() {
  TempDir dir;
  REQUIRE(GenerateSelfSignedCert({"localhost"}, dir.File("cert.pem"), dir.File("key.pem")).ok());
  const std::string pem = ReadFile(dir.File("cert.pem"));
  REQUIRE(pem.find("-----BEGIN CERTIFICATE-----") != std::string::npos);
  return pem;
}

std::vector<std::string> SubjectAltNames(const mbedtls_x509_crt& crt) {
  std::vector<std::string> names;
  for (const mbedtls_x509_sequence* cur = &crt.subject_alt_names; cur != nullptr && cur->buf.p;
       cur = cur->next) {
    if (cur->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2)) {
      names.emplace_back(reinterpret_cast<const char*>(cur->buf.p), cur->buf.len);
    }
  }
  return names;
}

void CheckNothingUsable(const CaPemCheck& c) {
  CHECK_FALSE(c.usable);
  CHECK_FALSE(c.complete);
}

TEST_CASE("CheckCaPem: a generated certificate is a complete PEM bundle") {
  const CaPemCheck c = CheckCaPem(GeneratedCaPem());
  CHECK(c.pem);
  CHECK(c.usable);
  CHECK(c.complete);
}

TEST_CASE("CheckCaPem: garbage, empty text and a PEM frame around garbage are unusable") {
  const CaPemCheck garbage = CheckCaPem("not a certificate");
  CHECK_FALSE(garbage.pem);
  CheckNothingUsable(garbage);

  const CaPemCheck empty = CheckCaPem("");
  CHECK_FALSE(empty.pem);
  CheckNothingUsable(empty);

  const CaPemCheck framed =
      CheckCaPem("-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n");
  CHECK(framed.pem);
  CheckNothingUsable(framed);

  // A NUL ends the text for mbedTLS: what follows it is never read.
  const std::string pem = GeneratedCaPem();
  CheckNothingUsable(CheckCaPem(std::string("\0", 1) + pem));
}

TEST_CASE("CheckCaPem: a bundle with one unreadable certificate is usable, not complete") {
  const std::string pem = GeneratedCaPem();
  const std::string broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  for (const std::string& bundle : {pem + broken, broken + pem}) {
    const CaPemCheck c = CheckCaPem(bundle);
    CHECK(c.pem);
    CHECK(c.usable);
    CHECK_FALSE(c.complete);
  }
}

TEST_CASE("CheckCaPem: huge input") {
  const std::string pem = GeneratedCaPem();
  std::string bundle;
  for (int i = 0; i < 300; ++i) bundle += pem;  // about 200 KiB
  const CaPemCheck many = CheckCaPem(bundle);
  CHECK(many.pem);
  CHECK(many.usable);
  CHECK(many.complete);

  // 4 MiB of base64 in a PEM frame, and 4 MiB of noise without one.
  const std::string junk(4 << 20, 'A');
  const CaPemCheck framed =
      CheckCaPem("-----BEGIN CERTIFICATE-----\n" + junk + "\n-----END CERTIFICATE-----\n");
  CHECK(framed.pem);
  CheckNothingUsable(framed);
  const CaPemCheck noise = CheckCaPem(junk);
  CHECK_FALSE(noise.pem);
  CheckNothingUsable(noise);
}

TEST_CASE("GenerateSelfSignedCert writes a usable CA certificate and a private key") {
  TempDir dir;
  const std::string cert = dir.File("cert.pem"), key = dir.File("key.pem");
  REQUIRE(
      GenerateSelfSignedCert({"cam.example.org", "localhost", "*.lan.example"}, cert, key).ok());

  struct stat st {};
  REQUIRE(::stat(key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(cert.c_str(), &st) == 0);
  CHECK((st.st_mode & 0077 & ~0044) == 0);  // Not writable by others.
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path))
    files += !entry.is_directory();
  CHECK(files == 2);  // No temporary files left behind.
  CHECK(ReadFile(key).find("-----BEGIN EC PRIVATE KEY-----") == 0);

  mbedtls_x509_crt crt;
  mbedtls_x509_crt_init(&crt);
  REQUIRE(mbedtls_x509_crt_parse_file(&crt, cert.c_str()) == 0);
  CHECK(crt.version == 3);
  CHECK(crt.MBEDTLS_PRIVATE(ca_istrue) == 1);
  CHECK(SubjectAltNames(crt) ==
        std::vector<std::string>{"cam.example.org", "localhost", "*.lan.example"});
  char subject[256];
  mbedtls_x509_dn_gets(subject, sizeof(subject), &crt.subject);
  CHECK(std::string(subject) == "CN=cam.example.org");
  CHECK(mbedtls_x509_time_is_past(&crt.valid_from) == 1);
  CHECK(mbedtls_x509_time_is_future(&crt.valid_to) == 1);
  mbedtls_x509_crt_free(&crt);

  auto fp = CertificateFingerprintSha256(cert);
  REQUIRE(fp.ok());
  REQUIRE(fp->size() == 95);
  for (size_t i = 0; i < fp->size(); ++i) {
    const char c = (*fp)[i];
    if (i % 3 == 2) {
      CHECK(c == ':');
    } else {
      CHECK(((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')));
    }
  }

  auto not_after = CertificateNotAfter(cert);
  REQUIRE(not_after.ok());
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  CHECK(not_after->size() == 20);
  CHECK(not_after->substr(0, 4) == std::to_string(tm.tm_year + 1900 + 10));
  CHECK(not_after->back() == 'Z');
  CHECK((*not_after)[10] == 'T');

  // A second generation replaces the pair with a different certificate.
  REQUIRE(GenerateSelfSignedCert({"localhost"}, cert, key).ok());
  CHECK(*CertificateFingerprintSha256(cert) != *fp);
}

TEST_CASE("GenerateSelfSignedCert names IP addresses as iPAddress entries that clients verify") {
  TempDir dir;
  const std::string cert = dir.File("cert.pem"), key = dir.File("key.pem");
  REQUIRE(GenerateSelfSignedCert({"localhost", "cammio-box.local", "192.168.1.20", "fd00::7"}, cert,
                                 key)
              .ok());
  mbedtls_x509_crt crt;
  mbedtls_x509_crt_init(&crt);
  REQUIRE(mbedtls_x509_crt_parse_file(&crt, cert.c_str()) == 0);
  CHECK(SubjectAltNames(crt) == std::vector<std::string>{"localhost", "cammio-box.local"});
  // A client that pins the certificate and checks the name it connected to.
  auto verify = [&](const char* name) {
    uint32_t flags = 0;
    mbedtls_x509_crt_verify(&crt, &crt, nullptr, name, &flags, nullptr, nullptr);
    return flags;
  };
  CHECK(verify("cammio-box.local") == 0);
  CHECK(verify("192.168.1.20") == 0);
  CHECK(verify("fd00::7") == 0);
  CHECK((verify("192.168.1.21") & MBEDTLS_X509_BADCERT_CN_MISMATCH) != 0);
  CHECK((verify("other.local") & MBEDTLS_X509_BADCERT_CN_MISMATCH) != 0);
  mbedtls_x509_crt_free(&crt);
}

TEST_CASE("certificate helpers and TlsServerContext report bad input") {
  TempDir dir;
  const std::string cert = dir.File("c.pem"), key = dir.File("k.pem");
  CHECK(GenerateSelfSignedCert({}, cert, key).code() == Status::Code::kInvalidArgument);
  CHECK(GenerateSelfSignedCert({"bad name"}, cert, key).code() == Status::Code::kInvalidArgument);
  CHECK(GenerateSelfSignedCert({"a,CN=b"}, cert, key).code() == Status::Code::kInvalidArgument);
  CHECK(GenerateSelfSignedCert({"x"}, dir.File("no/such/dir.pem"), key).code() ==
        Status::Code::kIoError);
  CHECK(!std::filesystem::exists(key));  // Not committed when the certificate fails.

  CHECK(CertificateFingerprintSha256(dir.File("missing.pem")).status().code() ==
        Status::Code::kIoError);
  std::ofstream(dir.File("junk.pem")) << "not a certificate\n";
  CHECK(CertificateNotAfter(dir.File("junk.pem")).status().code() ==
        Status::Code::kInvalidArgument);

  REQUIRE(GenerateSelfSignedCert({"localhost"}, cert, key).ok());
  REQUIRE(GenerateSelfSignedCert({"localhost"}, dir.File("c2.pem"), dir.File("k2.pem")).ok());
  CHECK(TlsServerContext::Load(cert, key).ok());
  CHECK(TlsServerContext::Load(dir.File("missing.pem"), key).status().code() ==
        Status::Code::kIoError);
  CHECK(TlsServerContext::Load(cert, dir.File("missing.pem")).status().code() ==
        Status::Code::kIoError);
  CHECK(TlsServerContext::Load(dir.File("junk.pem"), key).status().code() ==
        Status::Code::kInvalidArgument);
  CHECK(TlsServerContext::Load(cert, dir.File("junk.pem")).status().code() ==
        Status::Code::kInvalidArgument);
  CHECK(TlsServerContext::Load(cert, dir.File("k2.pem")).status().code() ==  // Other key.
        Status::Code::kInvalidArgument);

  if (std::filesystem::exists("/etc/ssl/certs/ca-certificates.crt")) {
    CHECK(TlsClient("example.org", 443, TlsClientOptions{}).is_valid());  // System store.
  }
  TlsClient bad_ca("127.0.0.1", 1, TlsClientOptions{"garbage", true, ""});
  CHECK(!bad_ca.is_valid());
  CHECK_MESSAGE(bad_ca.load_error().rfind("no usable CA certificate in ca_pem: ", 0) == 0,
                bad_ca.load_error());
  auto res = bad_ca.Get("/");
  CHECK(!res);
  CHECK(res.error() == httplib::Error::SSLLoadingCerts);
}

}  // namespace
}  // namespace cammio::tls
