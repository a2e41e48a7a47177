// SmtpClient: one SMTP session with an account's relay (RFC 5321), for
// sending one or more messages:
//
//   Open():  connect (each address of the host in turn), TLS at once for
//            Security::kTls, the 220 greeting, EHLO (HELO if EHLO is
//            refused), STARTTLS + EHLO again for Security::kStartTls (never
//            falls back to plain text), AUTH PLAIN or LOGIN when a user is
//            set;
//   Send():  MAIL FROM, RCPT TO, DATA with the message dot-stuffed; after a
//            refusal, RSET so the session can carry the next message;
//   Quit():  QUIT and close.
//
// Every socket wait is bounded (connect_timeout, io_timeout); Cancel() from
// another thread makes a blocked wait end at once. TLS is mbedTLS (TLS 1.3 or 1.2,
// the server's ECDHE + AEAD suites) through tls::TlsConnection; the relay's
// certificate is verified against the relay's CA PEM or the system store
// (/etc/ssl/certs/ca-certificates.crt) and its name against the host (a DNS
// name, or an IP address matched against the certificate's iPAddress SANs),
// unless verification is explicitly off.
//
// Outcomes are classified for the outbox:
//   kPermanent: the relay refused this message (5xx to MAIL, RCPT, DATA or
//               the end of data), or the message cannot be sent through it
//               (too large, internationalised address without SMTPUTF8);
//   kTransient: everything else: 4xx replies, connection / TLS / timeout
//               failures, and refusals of the session itself (greeting, EHLO,
//               STARTTLS, AUTH): those are relay or configuration problems an
//               administrator can fix while the mail waits.
//
// Thread-safety: one thread drives a client; only Cancel() may be called
// from another thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "mail/settings.h"

namespace cammio::tls {
class ClientConfig;
class TlsConnection;
}  // namespace cammio::tls

namespace cammio::mail {

struct SmtpOptions {
  std::chrono::milliseconds connect_timeout{15000};  // per address tried
  std::chrono::milliseconds io_timeout{60000};  // each read or write wait, and the TLS handshake
};

struct SmtpOutcome {
  enum class Kind { kOk, kTransient, kPermanent };
  Kind kind = Kind::kOk;
  int code = 0;         // the relay's reply code; 0 for network / TLS / local errors
  std::string message;  // "RCPT TO: 550 5.1.1 no such user", "connect: Connection refused"

  bool ok() const { return kind == Kind::kOk; }
  bool permanent() const { return kind == Kind::kPermanent; }
  static SmtpOutcome Ok() { return {}; }
  static SmtpOutcome Transient(std::string m, int code = 0) {
    return {Kind::kTransient, code, std::move(m)};
  }
  static SmtpOutcome Permanent(std::string m, int code = 0) {
    return {Kind::kPermanent, code, std::move(m)};
  }
};

class SmtpClient {
 public:
  SmtpClient(RelaySettings relay, SmtpOptions options);
  ~SmtpClient();  // Closes the connection (without QUIT).
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;

  // Connects and prepares the session (see above). Failures are transient.
  SmtpOutcome Open();
  // Sends one message (`data`: the RFC 5322 message with CRLF line endings)
  // from `mail_from` to `rcpt_to`. Requires a successful Open().
  SmtpOutcome Send(const std::string& mail_from, const std::string& rcpt_to,
                   const std::string& data);
  // QUIT (best effort) and close.
  void Quit();

  // True while the session can carry another message.
  bool usable() const { return usable_; }
  bool tls_active() const { return tls_ != nullptr; }
  bool authenticated() const { return authenticated_; }
  // Makes a blocked connect, read or write fail at once; later calls fail.
  void Cancel();

  // "a.b\r\n..c\r\n" for "a.b\r\n.c": the DATA body, with bare LF / CR made
  // CRLF and a final CRLF ensured (the terminating ".\r\n" is not added).
  static std::string DotStuff(const std::string& data);

 private:
  struct Reply {
    int code = 0;
    std::string text;  // all lines, joined by " / "
  };

  SmtpOutcome Connect();
  SmtpOutcome StartTls();
  SmtpOutcome Hello();
  SmtpOutcome Authenticate();
  // Sends `line` + CRLF and reads the reply. False on a network failure
  // (*error set, session unusable).
  bool Command(const std::string& line, Reply* reply, std::string* error);
  bool ReadReply(Reply* reply, std::string* error);
  bool ReadLine(std::string* line, std::string* error);
  bool WriteAll(const std::string& data, std::string* error);
  // Waits for `events` on the socket for at most `timeout`, in short slices
  // so that Cancel() is noticed. > 0 ready, 0 timed out / cancelled, < 0 error.
  int WaitSocket(short events, std::chrono::milliseconds timeout) const;
  std::string HeloName() const;
  // A reply outside 2xx/3xx during the session setup, as a transient outcome.
  SmtpOutcome SessionRefused(const std::string& step, const Reply& r);
  // A reply outside 2xx/3xx to a message command: 5xx permanent, else transient.
  SmtpOutcome MessageRefused(const std::string& step, const Reply& r);
  void Reset();
  void Close();

  const RelaySettings relay_;
  const SmtpOptions options_;
  std::shared_ptr<const tls::ClientConfig> tls_config_;  // loaded at the first STARTTLS
  std::unique_ptr<tls::TlsConnection> tls_;
  std::string rbuf_;
  bool usable_ = false;
  bool authenticated_ = false;
  bool esmtp_ = false;
  bool cap_starttls_ = false;
  bool cap_smtputf8_ = false;
  int64_t cap_size_ = -1;  // -1: no SIZE extension; 0: no limit announced
  std::set<std::string> cap_auth_;

  mutable std::mutex fd_mu_;  // guards fd_ against Cancel()
  int fd_ = -1;
  std::atomic<bool> cancelled_{false};
};

}  // namespace cammio::mail
