// TlsServer against an independent TLS implementation: the `openssl
// s_client` CLI on 127.0.0.1. Protocol versions (1.3 and 1.2 accepted, 1.1
// refused), the suites and groups negotiated, RSA and EC certificates,
// session resumption by ticket in both versions (and none with tickets
// off); and TlsClient verifying a
// certificate whose only name is an IP address. Also: the linked mbedTLS is
// the 3.6 LTS the headers describe.
#include <doctest/doctest.h>
#include <mbedtls/version.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <utility>

#include "http/tls_listener.h"
#include "tls/certificate.h"
#include "tls/client.h"
#include "tls/gcm_accel.h"
#include "tls/session.h"

namespace cammio::tls {
namespace {

struct Dir {
  Dir() {
    char tmpl[] = "/tmp/cammio-tls-interop-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~Dir() { std::filesystem::remove_all(path); }
  std::string File(const std::string& name) const { return path + "/" + name; }
  std::string path;
};

// Runs a shell command; returns its stdout and stderr, and its exit status.
std::string Run(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  const int rc = ::pclose(p);
  if (status != nullptr) *status = rc;
  return out;
}

// A TlsServer answering GET /hello on 127.0.0.1 with a certificate from
// `make_cert` (cert and key paths), until destroyed; `session_tickets` as
// TlsServerContext::Load takes it.
class Server {
 public:
  explicit Server(const std::string& cert, const std::string& key, bool session_tickets = true) {
    auto ctx = TlsServerContext::Load(cert, key, session_tickets);
    REQUIRE_MESSAGE(ctx.ok(), ctx.status().ToString());
    server_ = std::make_unique<http::TlsServer>(*ctx);
    server_->Get("/hello", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("hello over tls", "text/plain");
    });
    port = server_->bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Server() {
    server_->stop();
    thread_.join();
  }
  http::TlsServer& server() { return *server_; }
  int port = -1;

 private:
  std::unique_ptr<http::TlsServer> server_;
  std::thread thread_;
};

// What one `openssl s_client` run negotiated.
struct Handshake {
  bool ok = false;      // the answer to GET /hello arrived
  std::string session;  // "New" or "Reused"
  std::string version;  // "TLSv1.3"
  std::string cipher;   // OpenSSL's name: "TLS_AES_128_GCM_SHA256"
  std::string output;   // everything s_client printed, for failure messages
};

// One connection: handshake, GET /hello, read the answer until the server
// closes. `flags` go to s_client as they are (-tls1_3, -sess_out F, ...).
Handshake SClient(int port, const std::string& ca_file, const std::string& flags) {
  const std::string request =
      "GET /hello HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n";
  Handshake h;
  h.output = Run("printf '" + request + "' | timeout 20 openssl s_client -connect 127.0.0.1:" +
                 std::to_string(port) + " -servername localhost -CAfile " + ca_file +
                 " -verify_return_error -ign_eof " + flags);
  std::smatch m;
  if (std::regex_search(h.output, m,
                        std::regex("(New|Reused), (TLSv1\\.[0-9]), Cipher is (\\S+)"))) {
    h.session = m[1];
    h.version = m[2];
    h.cipher = m[3];
  }
  h.ok = h.output.find("hello over tls") != std::string::npos;
  return h;
}

// An EC P-256 certificate for "localhost" (as the product generates).
struct EcPki {
  EcPki() {
    cert = dir.File("cert.pem");
    key = dir.File("key.pem");
    Status s = GenerateSelfSignedCert({"localhost"}, cert, key);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  }
  Dir dir;
  std::string cert, key;
};

TEST_CASE("openssl s_client: TLS 1.3 and 1.2 with the allowed suites; TLS 1.1 is refused") {
  EcPki pki;
  Server srv(pki.cert, pki.key);

  Handshake h13 = SClient(srv.port, pki.cert, "-tls1_3");
  CHECK_MESSAGE(h13.ok, h13.output);
  CHECK(h13.version == "TLSv1.3");
  CHECK((h13.cipher == "TLS_AES_128_GCM_SHA256" || h13.cipher == "TLS_AES_256_GCM_SHA384" ||
         h13.cipher == "TLS_CHACHA20_POLY1305_SHA256"));
  CHECK(h13.output.find("Verify return code: 0 (ok)") != std::string::npos);

  Handshake h12 = SClient(srv.port, pki.cert, "-tls1_2");
  CHECK_MESSAGE(h12.ok, h12.output);
  CHECK(h12.version == "TLSv1.2");
  CHECK(h12.cipher == "ECDHE-ECDSA-AES128-GCM-SHA256");

  for (const char* suite :
       {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}) {
    Handshake h = SClient(srv.port, pki.cert, std::string("-tls1_3 -ciphersuites ") + suite);
    CHECK_MESSAGE(h.ok, h.output);
    CHECK(h.cipher == suite);
  }
  for (const char* suite : {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
                            "ECDHE-ECDSA-CHACHA20-POLY1305"}) {
    Handshake h = SClient(srv.port, pki.cert, std::string("-tls1_2 -cipher ") + suite);
    CHECK_MESSAGE(h.ok, h.output);
    CHECK(h.cipher == suite);
  }
  // The key exchange group: s_client prints "Server Temp Key: X25519, ..."
  // or "ECDH, secp384r1, ...". TLS 1.2 clients must offer the certificate's
  // curve (P-256) too (RFC 4492), and the server prefers X25519.
  const std::pair<const char*, const char*> groups[] = {
      {"-tls1_3 -groups X25519", "X25519"},    {"-tls1_3 -groups P-256", "prime256v1"},
      {"-tls1_3 -groups P-384", "secp384r1"},  {"-tls1_2 -groups P-256:X25519", "X25519"},
      {"-tls1_2 -groups P-256", "prime256v1"},
  };
  for (const auto& [flags, name] : groups) {
    const Handshake h = SClient(srv.port, pki.cert, flags);
    const std::string context = std::string(flags) + "\n" + h.output;
    const std::string key = std::string(name) == "X25519" ? "X25519" : "ECDH, " + std::string(name);
    CHECK_MESSAGE(h.ok, context);
    CHECK_MESSAGE(h.output.find("Server Temp Key: " + key) != std::string::npos, context);
  }
  const uint64_t failed = srv.server().handshakes_failed();
  // Suites and groups outside the list, and older protocols (the client is
  // told to allow them: OpenSSL's own defaults would refuse first).
  CHECK(!SClient(srv.port, pki.cert, "-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA256").ok);
  CHECK(!SClient(srv.port, pki.cert, "-tls1_3 -groups P-521").ok);
  CHECK(!SClient(srv.port, pki.cert, "-tls1_1 -cipher DEFAULT:@SECLEVEL=0").ok);
  CHECK(srv.server().handshakes_failed() == failed + 3);
}

// A self-signed certificate made by the openssl CLI (an independent issuer)
// with `key_options` choosing the key, subject CN `cn` and subjectAltName
// `san`; writes NAME.pem and NAME.key in `dir`.
void OpensslSelfSigned(Dir& dir, const std::string& name, const std::string& key_options,
                       const std::string& cn, const std::string& san) {
  int status = -1;
  const std::string out =
      Run("openssl req -x509 " + key_options + " -nodes -days 2 -subj /CN=" + cn +
              " -addext subjectAltName=" + san + " -keyout " + dir.File(name + ".key") + " -out " +
              dir.File(name + ".pem"),
          &status);
  REQUIRE_MESSAGE(status == 0, out);
}

TEST_CASE("openssl s_client: an RSA certificate works in TLS 1.3 (PSS) and 1.2 (ECDHE-RSA)") {
  Dir dir;
  OpensslSelfSigned(dir, "rsa", "-newkey rsa:2048", "localhost", "DNS:localhost");
  const std::string cert = dir.File("rsa.pem"), key = dir.File("rsa.key");
  Server srv(cert, key);
  Handshake h13 = SClient(srv.port, cert, "-tls1_3");
  CHECK_MESSAGE(h13.ok, h13.output);
  CHECK(h13.version == "TLSv1.3");
  Handshake h12 = SClient(srv.port, cert, "-tls1_2");
  CHECK_MESSAGE(h12.ok, h12.output);
  CHECK(h12.cipher == "ECDHE-RSA-AES128-GCM-SHA256");
}

// Two connections in `version` (-tls1_3, -tls1_2): the first saves its
// session to pki.dir/session<version>, the second offers it.
std::pair<Handshake, Handshake> Reconnect(int port, const EcPki& pki, const std::string& version) {
  const std::string session = pki.dir.File("session" + version);
  Handshake first = SClient(port, pki.cert, version + " -sess_out " + session);
  Handshake again = SClient(port, pki.cert, version + " -sess_in " + session);
  return {first, again};
}

TEST_CASE("openssl s_client: a reconnect resumes its session by ticket, TLS 1.3 and 1.2") {
  EcPki pki;
  Server srv(pki.cert, pki.key);
  for (const char* version : {"-tls1_3", "-tls1_2"}) {
    CAPTURE(version);
    // (named members: clang 14 cannot capture a structured binding)
    const auto handshakes = Reconnect(srv.port, pki, version);
    const Handshake& first = handshakes.first;
    const Handshake& again = handshakes.second;
    REQUIRE_MESSAGE(first.ok, first.output);
    CHECK(first.session == "New");
    CHECK(first.output.find("TLS session ticket:") != std::string::npos);
    CHECK_MESSAGE(again.ok, again.output);
    CHECK_MESSAGE(again.session == "Reused", again.output);
    CHECK(again.version == first.version);
  }
  // A ticket from another server (another ticket key) is not accepted: a
  // full handshake instead, which still succeeds.
  Server other(pki.cert, pki.key);
  const std::string session = pki.dir.File("session-tls1_3");
  REQUIRE(std::filesystem::exists(session));
  Handshake h = SClient(other.port, pki.cert, "-tls1_3 -sess_in " + session);
  CHECK_MESSAGE(h.ok, h.output);
  CHECK(h.session == "New");
}

TEST_CASE("openssl s_client: with session tickets off, a reconnect is a full handshake") {
  EcPki pki;
  Server srv(pki.cert, pki.key, /*session_tickets=*/false);
  for (const char* version : {"-tls1_3", "-tls1_2"}) {
    CAPTURE(version);
    // (named members: clang 14 cannot capture a structured binding)
    const auto handshakes = Reconnect(srv.port, pki, version);
    const Handshake& first = handshakes.first;
    const Handshake& again = handshakes.second;
    REQUIRE_MESSAGE(first.ok, first.output);
    CHECK(first.session == "New");
    // No ticket was issued (TLS 1.3 sends no NewSessionTicket, TLS 1.2 no
    // SessionTicket).
    CHECK(first.output.find("TLS session ticket:") == std::string::npos);
    if (std::string(version) == "-tls1_3") {
      // Without a NewSessionTicket s_client has no resumable session to save.
      CHECK_FALSE(std::filesystem::exists(pki.dir.File(std::string("session") + version)));
    } else {
      // s_client saved the session (its id) and offers it, but the server
      // caches no sessions: a full handshake.
      CHECK_MESSAGE(again.ok, again.output);
      CHECK_MESSAGE(again.session == "New", again.output);
    }
  }
  CHECK(srv.server().handshakes_failed() == 0);
}

TEST_CASE("TlsClient verifies a certificate whose only name is the IP address 127.0.0.1") {
  Dir dir;
  OpensslSelfSigned(dir, "ip", "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1", "cammio-ip-test",
                    "IP:127.0.0.1");
  const std::string cert = dir.File("ip.pem"), key = dir.File("ip.key");
  Server srv(cert, key);
  std::string ca_pem;
  {
    FILE* f = std::fopen(cert.c_str(), "rb");
    REQUIRE(f != nullptr);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) ca_pem.append(buf, n);
    std::fclose(f);
  }
  TlsClient client("127.0.0.1", srv.port, TlsClientOptions{ca_pem, true, ""});
  client.set_connection_timeout(5);
  auto res = client.Get("/hello");
  REQUIRE_MESSAGE(res, httplib::to_string(res.error()) << " " << client.last_tls_error());
  CHECK(res->body == "hello over tls");

  // Another address is not that certificate's name.
  TlsClient wrong("127.0.0.1", srv.port, TlsClientOptions{ca_pem, true, "127.0.0.2"});
  wrong.set_connection_timeout(5);
  auto bad = wrong.Get("/hello");
  CHECK(!bad);
  if (!bad) CHECK(bad.error() == httplib::Error::SSLServerVerification);
}

#if defined(__x86_64__)
TEST_CASE("TLS 1.3 and TLS 1.2 AES-GCM records are sealed and opened by gcm_accel") {
  REQUIRE(GcmAccelerated());
  EcPki pki;
  Server srv(pki.cert, pki.key);
  for (const char* flags : {"-tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384",
                            "-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256"}) {
    CAPTURE(flags);
    const uint64_t before = GcmAcceleratedCalls();
    Handshake h = SClient(srv.port, pki.cert, flags);
    REQUIRE_MESSAGE(h.ok, h.output);
    // At least: the server's Finished (1.3) and the answer sealed, the
    // client's Finished and request opened.
    CHECK(GcmAcceleratedCalls() >= before + 3);
  }
  const uint64_t before = GcmAcceleratedCalls();
  Handshake chacha =
      SClient(srv.port, pki.cert, "-tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256");
  REQUIRE_MESSAGE(chacha.ok, chacha.output);
  // Only session tickets (AES-256-GCM) are sealed by it then.
  CHECK(GcmAcceleratedCalls() <= before + 2);
}
#endif

TEST_CASE("the linked mbedTLS is 3.6 LTS, the version its headers describe") {
  char version[16] = {0};
  mbedtls_version_get_string(version);
  CHECK(std::string(version).rfind("3.6.", 0) == 0);
  CHECK(mbedtls_version_get_number() == MBEDTLS_VERSION_NUMBER);
}

}  // namespace
}  // namespace cammio::tls
