// Tests for src/mail/smtp_client against a real SMTP server (aiosmtpd, see
// tests/testing/smtp_peer.h) on loopback: plain delivery parsed by Python's
// email package, STARTTLS with a self-signed certificate trusted through the
// CA PEM setting, AUTH, implicit TLS, certificate verification failures,
// refusals, dot-stuffing on the wire, and Cancel().
#include "mail/smtp_client.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "mail/message.h"
#include "testing/smtp_peer.h"
#include "testing/test_support.h"
#include "tls/certificate.h"

namespace cammio::mail {
namespace {

using testing::SmtpPeer;
using testing::SmtpPeerOptions;
using testing::TempDir;

SmtpOptions FastOptions() {
  SmtpOptions o;
  o.connect_timeout = std::chrono::milliseconds(3000);
  o.io_timeout = std::chrono::milliseconds(5000);
  return o;
}

RelaySettings Relay(int port, Security security) {
  RelaySettings r;
  r.account_id = 1;
  r.host = "localhost";  // the certificate's name; resolves to loopback
  r.port = port;
  r.security = security;
  r.from_address = "no-reply@agency.test";
  r.from_name = "Agency";
  r.helo_name = "cammio.test";
  return r;
}

std::string TestMessage(const std::string& subject) {
  Message m;
  m.from = {"Agency", "no-reply@agency.test"};
  m.to = {"Zo\xC3\xAB", "zoe@example.com"};
  m.subject = subject;
  m.text = "Hello\n.a line with a dot\n";
  m.html = "<p>Hello</p>\n";
  m.message_id = NewMessageId("agency.test");
  m.date = 1700000000;
  return Compose(m);
}

// A certificate for "localhost" and its key, for the peer and as CA PEM.
struct Cert {
  TempDir dir;
  std::string cert = dir.path() + "/cert.pem";
  std::string key = dir.path() + "/key.pem";
  Cert() {
    Status s = tls::GenerateSelfSignedCert({"localhost"}, cert, key);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  }
  std::string pem() const { return testing::ReadFile(cert); }
};

#define REQUIRE_PEER(peer) REQUIRE_MESSAGE((peer).ok(), (peer).error())

TEST_CASE("mail: SMTP client delivers over plain SMTP; Python parses the message cleanly") {
  SmtpPeer peer;
  REQUIRE_PEER(peer);
  SmtpClient client(Relay(peer.port(), Security::kNone), FastOptions());
  SmtpOutcome o = client.Open();
  REQUIRE_MESSAGE(o.ok(), o.message);
  CHECK_FALSE(client.tls_active());
  o = client.Send("no-reply@agency.test", "zoe@example.com",
                  TestMessage("Uitnodiging voor Zo\xC3\xAB \xE2\x80\x93 ontwikkelaar"));
  REQUIRE_MESSAGE(o.ok(), o.message);
  // The session carries a second message.
  o = client.Send("no-reply@agency.test", "second@example.com", TestMessage("Second"));
  REQUIRE_MESSAGE(o.ok(), o.message);
  client.Quit();

  REQUIRE(peer.WaitForMessages(2));
  auto msgs = peer.Messages();
  const Value& m = msgs[0];
  CHECK(m.Find("mail_from")->as_string() == "no-reply@agency.test");
  CHECK(m.Find("rcpt_tos")->items()[0].as_string() == "zoe@example.com");
  CHECK(m.Find("subject")->as_string() == "Uitnodiging voor Zo\xC3\xAB \xE2\x80\x93 ontwikkelaar");
  CHECK(m.Find("to_name")->as_string() == "Zo\xC3\xAB");
  CHECK(m.Find("content_type")->as_string() == "multipart/alternative");
  CHECK(m.Find("defects")->size() == 0);
  CHECK(m.Find("date_parses")->as_bool());
  CHECK_FALSE(m.Find("bare_line_feed")->as_bool());
  CHECK_FALSE(m.Find("eight_bit")->as_bool());
  CHECK(m.Find("max_line_length")->as_int() <= 78);
  CHECK_FALSE(m.Find("tls")->as_bool());
  const Value& parts = *m.Find("parts");
  REQUIRE(parts.size() == 2);
  CHECK(parts.items()[0].Find("content_type")->as_string() == "text/plain");
  CHECK(parts.items()[0].Find("charset")->as_string() == "utf-8");
  CHECK(parts.items()[0].Find("transfer_encoding")->as_string() == "quoted-printable");
  CHECK(parts.items()[0].Find("content")->as_string() == "Hello\n.a line with a dot\n");
  CHECK(parts.items()[1].Find("content_type")->as_string() == "text/html");
  CHECK(msgs[1].Find("rcpt_tos")->items()[0].as_string() == "second@example.com");
}

TEST_CASE("mail: dot-stuffing survives the wire exactly") {
  SmtpPeer peer;
  REQUIRE_PEER(peer);
  SmtpClient client(Relay(peer.port(), Security::kNone), FastOptions());
  REQUIRE(client.Open().ok());
  const std::string raw =
      "Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\nmiddle . dot\r\n. \r\nend\r\n";
  SmtpOutcome o = client.Send("a@agency.test", "b@example.com", raw);
  REQUIRE_MESSAGE(o.ok(), o.message);
  client.Quit();
  REQUIRE(peer.WaitForMessages(1));
  CHECK(peer.Raw(0) == raw);
}

TEST_CASE("mail: STARTTLS with a CA PEM-trusted certificate, then AUTH") {
  Cert cert;
  SmtpPeerOptions po;
  po.cert_file = cert.cert;
  po.key_file = cert.key;
  po.starttls = true;
  po.auth = "relayuser:s3cret pass";
  SmtpPeer peer(po);
  REQUIRE_PEER(peer);

  RelaySettings r = Relay(peer.port(), Security::kStartTls);
  r.ca_pem = cert.pem();
  r.username = "relayuser";
  r.password = "s3cret pass";
  {
    SmtpClient client(r, FastOptions());
    SmtpOutcome o = client.Open();
    REQUIRE_MESSAGE(o.ok(), o.message);
    CHECK(client.tls_active());
    CHECK(client.authenticated());
    o = client.Send(r.from_address, "zoe@example.com", TestMessage("Over TLS"));
    REQUIRE_MESSAGE(o.ok(), o.message);
    client.Quit();
  }
  REQUIRE(peer.WaitForMessages(1));
  Value m = peer.Messages()[0];
  CHECK(m.Find("tls")->as_bool());
  CHECK(m.Find("authenticated")->as_bool());
  CHECK(m.Find("login")->as_string() == "relayuser");

  {
    INFO("a wrong password is refused, transiently (the session, not the message)");
    RelaySettings c = r;
    c.password = "wrong";
    SmtpClient client(c, FastOptions());
    SmtpOutcome o = client.Open();
    CHECK(o.kind == SmtpOutcome::Kind::kTransient);
    CHECK_MESSAGE(o.code == 535, o.message);
    CHECK(o.message.find("AUTH") != std::string::npos);
  }
  {
    INFO("an untrusted certificate fails verification");
    RelaySettings c = r;
    Cert other;
    c.ca_pem = other.pem();
    SmtpClient client(c, FastOptions());
    SmtpOutcome o = client.Open();
    CHECK(o.kind == SmtpOutcome::Kind::kTransient);
    CHECK(o.message.find("TLS handshake") != std::string::npos);
    CHECK(o.message.find("not correctly signed") != std::string::npos);
  }
  {
    INFO("a ca_pem with no usable certificate fails before the handshake");
    RelaySettings c = r;
    c.ca_pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    SmtpClient client(c, FastOptions());
    SmtpOutcome o = client.Open();
    CHECK(o.kind == SmtpOutcome::Kind::kTransient);
    CHECK(o.message == "no usable CA certificate in the relay's ca_pem");
  }
  {
    INFO("the system store does not trust a self-signed certificate");
    RelaySettings c = r;
    c.ca_pem.reset();
    SmtpClient client(c, FastOptions());
    CHECK_FALSE(client.Open().ok());
  }
  {
    INFO("a name the certificate does not carry fails verification");
    RelaySettings c = r;
    c.host = "127.0.0.1";
    SmtpClient client(c, FastOptions());
    SmtpOutcome o = client.Open();
    CHECK_FALSE(o.ok());
    CHECK(o.message.find("TLS handshake") != std::string::npos);
    CHECK_MESSAGE(o.message.find("Common Name") != std::string::npos, o.message);
  }
  {
    INFO("verify off accepts any certificate (lab relays)");
    RelaySettings c = r;
    c.ca_pem.reset();
    c.host = "127.0.0.1";
    c.verify_tls = false;
    SmtpClient client(c, FastOptions());
    SmtpOutcome o = client.Open();
    CHECK_MESSAGE(o.ok(), o.message);
    CHECK(client.tls_active());
  }
}

TEST_CASE("mail: implicit TLS (port 465 style)") {
  Cert cert;
  SmtpPeerOptions po;
  po.cert_file = cert.cert;
  po.key_file = cert.key;
  po.implicit_tls = true;
  po.auth = "u:p";
  SmtpPeer peer(po);
  REQUIRE_PEER(peer);
  RelaySettings r = Relay(peer.port(), Security::kTls);
  r.ca_pem = cert.pem();
  r.username = "u";
  r.password = "p";
  SmtpClient client(r, FastOptions());
  SmtpOutcome o = client.Open();
  REQUIRE_MESSAGE(o.ok(), o.message);
  o = client.Send(r.from_address, "x@example.com", TestMessage("Implicit"));
  REQUIRE_MESSAGE(o.ok(), o.message);
  client.Quit();
  REQUIRE(peer.WaitForMessages(1));
  CHECK(peer.Messages()[0].Find("tls")->as_bool());
  CHECK(peer.Messages()[0].Find("authenticated")->as_bool());
}

TEST_CASE("mail: STARTTLS configured but not offered is a failure, never plain text") {
  SmtpPeer peer;  // no TLS
  REQUIRE_PEER(peer);
  SmtpClient client(Relay(peer.port(), Security::kStartTls), FastOptions());
  SmtpOutcome o = client.Open();
  CHECK(o.kind == SmtpOutcome::Kind::kTransient);
  CHECK(o.message == "the relay does not offer STARTTLS");
  CHECK_FALSE(client.usable());
}

TEST_CASE("mail: 550 at RCPT is permanent, 451 at DATA transient; the session goes on") {
  SmtpPeerOptions po;
  po.reject = "nobody";
  po.tempfail = 1;
  SmtpPeer peer(po);
  REQUIRE_PEER(peer);
  SmtpClient client(Relay(peer.port(), Security::kNone), FastOptions());
  REQUIRE(client.Open().ok());
  SmtpOutcome o = client.Send("a@agency.test", "nobody@example.com", TestMessage("x"));
  CHECK(o.kind == SmtpOutcome::Kind::kPermanent);
  CHECK(o.code == 550);
  CHECK(o.message.find("RCPT TO: 550 5.1.1") != std::string::npos);
  CHECK(client.usable());
  o = client.Send("a@agency.test", "someone@example.com", TestMessage("x"));
  CHECK(o.kind == SmtpOutcome::Kind::kTransient);
  CHECK(o.code == 451);
  CHECK(client.usable());
  o = client.Send("a@agency.test", "someone@example.com", TestMessage("y"));
  CHECK_MESSAGE(o.ok(), o.message);
  client.Quit();
  REQUIRE(peer.WaitForMessages(1));
  CHECK(peer.Count() == 1);
}

TEST_CASE("mail: connection failures are transient") {
  // A port nobody listens on: bind, note, close.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  RelaySettings r = Relay(ntohs(addr.sin_port), Security::kNone);
  r.host = "127.0.0.1";
  SmtpClient client(r, FastOptions());
  SmtpOutcome o = client.Open();
  CHECK(o.kind == SmtpOutcome::Kind::kTransient);
  CHECK(o.message.find("connect to 127.0.0.1") != std::string::npos);

  r.host = "no-such-host.invalid";
  SmtpClient unknown(r, FastOptions());
  CHECK(unknown.Open().kind == SmtpOutcome::Kind::kTransient);
}

TEST_CASE("mail: a silent relay times out, and Cancel() ends the wait at once") {
  // Listens but never answers: the kernel completes the TCP handshake.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  RelaySettings r = Relay(ntohs(addr.sin_port), Security::kNone);
  r.host = "127.0.0.1";

  SmtpOptions quick = FastOptions();
  quick.io_timeout = std::chrono::milliseconds(300);
  SmtpClient timing_out(r, quick);
  SmtpOutcome o = timing_out.Open();
  CHECK(o.kind == SmtpOutcome::Kind::kTransient);
  CHECK(o.message == "greeting: timed out waiting for the relay");

  SmtpOptions slow = FastOptions();
  slow.io_timeout = std::chrono::milliseconds(60000);
  SmtpClient client(r, slow);
  auto start = std::chrono::steady_clock::now();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    client.Cancel();
  });
  o = client.Open();
  canceller.join();
  CHECK_FALSE(o.ok());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  ::close(fd);
}

}  // namespace
}  // namespace cammio::mail
