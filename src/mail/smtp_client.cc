#include "mail/smtp_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "tls/session.h"
#include "util/crypto.h"
#include "util/random.h"

namespace cammio::mail {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr char kSystemCaFile[] = "/etc/ssl/certs/ca-certificates.crt";
constexpr size_t kMaxLine = 4096;  // a reply line (RFC 5321 says 512)
constexpr int kMaxReplyLines = 200;
constexpr auto kWaitSlice = milliseconds(200);

bool IsAscii(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string ReplyText(int code, const std::string& text) {
  return std::to_string(code) + (text.empty() ? "" : " " + text);
}

}  // namespace

// The client's mbedTLS configuration and trust anchors; shared with the
// TlsConnection so it outlives the session.
struct SmtpClient::TlsConfig {
  TlsConfig() {
    mbedtls_x509_crt_init(&ca);
    mbedtls_ssl_config_init(&conf);
  }
  ~TlsConfig() {
    mbedtls_ssl_config_free(&conf);
    mbedtls_x509_crt_free(&ca);
  }
  TlsConfig(const TlsConfig&) = delete;
  TlsConfig& operator=(const TlsConfig&) = delete;

  // "" or why TLS cannot be configured.
  std::string Init(const RelaySettings& relay) {
    int rc = tls::TlsConfigDefaults(&conf, MBEDTLS_SSL_IS_CLIENT);
    if (rc != 0) return "TLS client config: " + tls::MbedtlsErrorText(rc);
    if (!relay.verify_tls) {
      mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_NONE);
      return "";
    }
    const bool own = relay.ca_pem && !relay.ca_pem->empty();
    if (own) {
      rc =
          mbedtls_x509_crt_parse(&ca, reinterpret_cast<const unsigned char*>(relay.ca_pem->c_str()),
                                 relay.ca_pem->size() + 1);
    } else {
      rc = mbedtls_x509_crt_parse_file(&ca, kSystemCaFile);
    }
    // A positive result: some certificates of a bundle were skipped.
    if (rc < 0 || ca.version == 0) {
      return std::string("no usable CA certificate in ") +
             (own ? "the relay's ca_pem" : kSystemCaFile);
    }
    mbedtls_ssl_conf_ca_chain(&conf, &ca, nullptr);
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    return "";
  }

  mbedtls_x509_crt ca;
  mbedtls_ssl_config conf;
};

SmtpClient::SmtpClient(RelaySettings relay, SmtpOptions options)
    : relay_(std::move(relay)), options_(options) {}

SmtpClient::~SmtpClient() { Close(); }

void SmtpClient::Cancel() {
  cancelled_ = true;
  std::lock_guard<std::mutex> lock(fd_mu_);
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void SmtpClient::Close() {
  usable_ = false;
  if (tls_) tls_->Close(/*send_close_notify=*/false);
  tls_.reset();
  std::lock_guard<std::mutex> lock(fd_mu_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

int SmtpClient::WaitSocket(short events, milliseconds timeout) const {
  const auto deadline = steady_clock::now() + timeout;
  for (;;) {
    if (cancelled_) return 0;
    auto left = std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now());
    if (left.count() <= 0) return 0;
    pollfd pfd{fd_, events, 0};
    int r = ::poll(&pfd, 1, static_cast<int>(std::min(left, kWaitSlice).count()));
    if (r > 0) return r;
    if (r < 0 && errno != EINTR) return -1;
  }
}

SmtpOutcome SmtpClient::Connect() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* list = nullptr;
  const std::string port = std::to_string(relay_.port);
  int rc = ::getaddrinfo(relay_.host.c_str(), port.c_str(), &hints, &list);
  if (rc != 0) {
    return SmtpOutcome::Transient("cannot resolve " + relay_.host + ": " + gai_strerror(rc));
  }
  std::string error = "no address";
  for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (cancelled_) {
      error = "cancelled";
      break;
    }
    int fd =
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      error = std::strerror(errno);
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(fd_mu_);
      fd_ = fd;
    }
    int c = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (c != 0 && errno == EINPROGRESS) {
      int w = WaitSocket(POLLOUT, options_.connect_timeout);
      int soerr = 0;
      socklen_t len = sizeof(soerr);
      if (w > 0 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0) {
        c = 0;
      } else {
        errno = w > 0 ? soerr : (w == 0 ? ETIMEDOUT : errno);
        c = -1;
      }
    }
    if (c == 0) {
      ::freeaddrinfo(list);
      return SmtpOutcome::Ok();
    }
    error = cancelled_ ? std::string("cancelled") : std::strerror(errno);
    Close();
  }
  ::freeaddrinfo(list);
  return SmtpOutcome::Transient("connect to " + relay_.host + ":" + port + ": " + error);
}

bool SmtpClient::WriteAll(const std::string& data, std::string* error) {
  size_t done = 0;
  while (done < data.size()) {
    if (cancelled_) {
      *error = "cancelled";
      return false;
    }
    if (tls_) {
      ssize_t n = tls_->Write(data.data() + done, data.size() - done);
      if (n <= 0) {
        *error = "TLS write failed or timed out";
        return false;
      }
      done += static_cast<size_t>(n);
      continue;
    }
    ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      *error = std::string("write: ") + std::strerror(errno);
      return false;
    }
    if (WaitSocket(POLLOUT, options_.io_timeout) <= 0) {
      *error = cancelled_ ? "cancelled" : "write timed out";
      return false;
    }
  }
  return true;
}

bool SmtpClient::ReadLine(std::string* line, std::string* error) {
  for (;;) {
    size_t nl = rbuf_.find('\n');
    if (nl != std::string::npos) {
      *line = rbuf_.substr(0, nl);
      if (!line->empty() && line->back() == '\r') line->pop_back();
      rbuf_.erase(0, nl + 1);
      return true;
    }
    if (rbuf_.size() > kMaxLine) {
      *error = "reply line too long";
      return false;
    }
    char buf[4096];
    ssize_t n;
    if (tls_) {
      n = tls_->Read(buf, sizeof(buf));
      if (n < 0) {
        *error = cancelled_ ? "cancelled" : "TLS read failed or timed out";
        return false;
      }
    } else {
      n = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
          *error = std::string("read: ") + std::strerror(errno);
          return false;
        }
        int w = WaitSocket(POLLIN, options_.io_timeout);
        if (w <= 0) {
          *error = cancelled_ ? "cancelled"
                              : (w == 0 ? "timed out waiting for the relay" : "poll failed");
          return false;
        }
        continue;
      }
    }
    if (n == 0) {
      *error = cancelled_ ? "cancelled" : "the relay closed the connection";
      return false;
    }
    rbuf_.append(buf, static_cast<size_t>(n));
  }
}

bool SmtpClient::ReadReply(Reply* reply, std::string* error) {
  reply->code = 0;
  reply->text.clear();
  for (int i = 0; i < kMaxReplyLines; ++i) {
    std::string line;
    if (!ReadLine(&line, error)) return false;
    if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
        !std::isdigit(static_cast<unsigned char>(line[1])) ||
        !std::isdigit(static_cast<unsigned char>(line[2])) ||
        (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
      *error = "malformed reply from the relay";
      return false;
    }
    int code = std::stoi(line.substr(0, 3));
    if (reply->code != 0 && code != reply->code) {
      *error = "inconsistent multi-line reply from the relay";
      return false;
    }
    reply->code = code;
    if (line.size() > 4) {
      if (!reply->text.empty()) reply->text += "\n";
      reply->text += line.substr(4);
    }
    if (line.size() == 3 || line[3] == ' ') return true;
  }
  *error = "reply from the relay too long";
  return false;
}

bool SmtpClient::Command(const std::string& line, Reply* reply, std::string* error) {
  if (!WriteAll(line + "\r\n", error) || !ReadReply(reply, error)) {
    usable_ = false;
    return false;
  }
  if (reply->code == 421) usable_ = false;  // the relay is closing the session
  return true;
}

SmtpOutcome SmtpClient::SessionRefused(const std::string& step, const Reply& r) {
  usable_ = false;
  std::string text = r.text;
  std::replace(text.begin(), text.end(), '\n', ' ');
  return SmtpOutcome::Transient(step + ": " + ReplyText(r.code, text), r.code);
}

SmtpOutcome SmtpClient::MessageRefused(const std::string& step, const Reply& r) {
  std::string text = r.text;
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::string message = step + ": " + ReplyText(r.code, text);
  if (r.code >= 500 && r.code < 600) return SmtpOutcome::Permanent(message, r.code);
  return SmtpOutcome::Transient(message, r.code);
}

std::string SmtpClient::HeloName() const {
  if (relay_.helo_name && !relay_.helo_name->empty()) return *relay_.helo_name;
  char host[256] = {0};
  if (::gethostname(host, sizeof(host) - 1) == 0 && std::strchr(host, '.') != nullptr) {
    std::string h = host;
    bool ok = true;
    for (char c : h)
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.');
    if (ok) return h;
  }
  // No fully qualified name: an address literal of this end (RFC 5321 4.1.4).
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  char addr[INET6_ADDRSTRLEN] = {0};
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    if (ss.ss_family == AF_INET &&
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr, addr, sizeof(addr))) {
      return std::string("[") + addr + "]";
    }
    if (ss.ss_family == AF_INET6 &&
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr, addr, sizeof(addr))) {
      return std::string("[IPv6:") + addr + "]";
    }
  }
  return "localhost";
}

SmtpOutcome SmtpClient::StartTls() {
  if (!tls_config_) {
    tls_config_ = std::make_shared<TlsConfig>();
    std::string err = tls_config_->Init(relay_);
    if (!err.empty()) {
      tls_config_.reset();
      return SmtpOutcome::Transient(err);
    }
  }
  auto conn = std::make_unique<tls::TlsConnection>(fd_, options_.io_timeout, options_.io_timeout,
                                                   tls_config_);
  int rc = conn->Setup(&tls_config_->conf, relay_.host.c_str());
  if (rc == 0) rc = conn->Handshake(options_.io_timeout);
  if (rc != 0) {
    std::string text = "TLS handshake with " + relay_.host + ": " + tls::MbedtlsErrorText(rc);
    uint32_t flags = mbedtls_ssl_get_verify_result(conn->ssl());
    if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED && flags != 0 && flags != uint32_t(-1)) {
      char info[512];
      if (mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags) > 0) {
        text += ": ";
        text += info;
        while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
        std::replace(text.begin(), text.end(), '\n', ';');
      }
    }
    usable_ = false;
    return SmtpOutcome::Transient(text);
  }
  tls_ = std::move(conn);
  return SmtpOutcome::Ok();
}

SmtpOutcome SmtpClient::Hello() {
  Reply r;
  std::string error;
  const std::string name = HeloName();
  if (!Command("EHLO " + name, &r, &error)) return SmtpOutcome::Transient("EHLO: " + error);
  cap_starttls_ = cap_smtputf8_ = false;
  cap_size_ = -1;
  cap_auth_.clear();
  if (r.code == 250) {
    esmtp_ = true;
    size_t start = 0;
    bool first = true;
    while (start <= r.text.size()) {
      size_t end = r.text.find('\n', start);
      std::string line = r.text.substr(start, end == std::string::npos ? end : end - start);
      if (!first) {  // the first line is the relay's greeting name
        std::string up = Upper(line);
        std::string keyword = up.substr(0, up.find_first_of(" ="));
        std::string params = up.size() > keyword.size() ? up.substr(keyword.size() + 1) : "";
        if (keyword == "STARTTLS") cap_starttls_ = true;
        if (keyword == "SMTPUTF8") cap_smtputf8_ = true;
        if (keyword == "SIZE") cap_size_ = params.empty() ? 0 : std::atoll(params.c_str());
        if (keyword == "AUTH") {
          size_t p = 0;
          while (p < params.size()) {
            size_t sp = params.find(' ', p);
            std::string mech = params.substr(p, sp == std::string::npos ? sp : sp - p);
            if (!mech.empty()) cap_auth_.insert(mech);
            if (sp == std::string::npos) break;
            p = sp + 1;
          }
        }
      }
      first = false;
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return SmtpOutcome::Ok();
  }
  if (r.code >= 500 && r.code < 600 && usable_) {
    // An old relay without ESMTP.
    if (!Command("HELO " + name, &r, &error)) return SmtpOutcome::Transient("HELO: " + error);
    if (r.code == 250) {
      esmtp_ = false;
      return SmtpOutcome::Ok();
    }
    return SessionRefused("HELO", r);
  }
  return SessionRefused("EHLO", r);
}

SmtpOutcome SmtpClient::Authenticate() {
  const std::string user = *relay_.username;
  const std::string pass = relay_.password.value_or("");
  Reply r;
  std::string error;
  if (cap_auth_.count("PLAIN")) {
    std::string token = Base64Encode(std::string("\0", 1) + user + std::string("\0", 1) + pass);
    if (!Command("AUTH PLAIN " + token, &r, &error))
      return SmtpOutcome::Transient("AUTH: " + error);
    if (r.code == 334) {  // some relays want the response on its own line
      if (!Command(token, &r, &error)) return SmtpOutcome::Transient("AUTH: " + error);
    }
  } else if (cap_auth_.count("LOGIN")) {
    if (!Command("AUTH LOGIN", &r, &error)) return SmtpOutcome::Transient("AUTH: " + error);
    if (r.code == 334 && !Command(Base64Encode(user), &r, &error)) {
      return SmtpOutcome::Transient("AUTH: " + error);
    }
    if (r.code == 334 && !Command(Base64Encode(pass), &r, &error)) {
      return SmtpOutcome::Transient("AUTH: " + error);
    }
  } else {
    usable_ = false;
    return SmtpOutcome::Transient(esmtp_ ? "the relay offers neither AUTH PLAIN nor AUTH LOGIN"
                                         : "the relay does not support AUTH");
  }
  if (r.code != 235) return SessionRefused("AUTH", r);
  authenticated_ = true;
  return SmtpOutcome::Ok();
}

SmtpOutcome SmtpClient::Open() {
  Close();
  rbuf_.clear();
  authenticated_ = false;
  SmtpOutcome o = Connect();
  if (!o.ok()) return o;
  usable_ = true;
  if (relay_.security == Security::kTls) {
    o = StartTls();
    if (!o.ok()) return o;
  }
  Reply r;
  std::string error;
  if (!ReadReply(&r, &error)) {
    usable_ = false;
    return SmtpOutcome::Transient("greeting: " + error);
  }
  if (r.code != 220) return SessionRefused("greeting", r);
  o = Hello();
  if (!o.ok()) return o;
  if (relay_.security == Security::kStartTls) {
    if (!cap_starttls_) {
      usable_ = false;
      return SmtpOutcome::Transient("the relay does not offer STARTTLS");
    }
    if (!Command("STARTTLS", &r, &error)) return SmtpOutcome::Transient("STARTTLS: " + error);
    if (r.code != 220) return SessionRefused("STARTTLS", r);
    // Anything the relay sent after its 220 was not protected by TLS and
    // must not be read as if it were (response injection).
    if (!rbuf_.empty()) {
      usable_ = false;
      return SmtpOutcome::Transient("STARTTLS: the relay sent data before the TLS handshake");
    }
    o = StartTls();
    if (!o.ok()) return o;
    o = Hello();
    if (!o.ok()) return o;
  }
  if (relay_.username) {
    o = Authenticate();
    if (!o.ok()) return o;
  }
  return SmtpOutcome::Ok();
}

std::string SmtpClient::DotStuff(const std::string& data) {
  std::string out;
  out.reserve(data.size() + data.size() / 64 + 2);
  bool line_start = true;
  for (size_t i = 0; i < data.size(); ++i) {
    char c = data[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
      out += "\r\n";
      line_start = true;
      continue;
    }
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = false;
  }
  if (!line_start) out += "\r\n";
  return out;
}

void SmtpClient::Reset() {
  if (!usable_) return;
  Reply r;
  std::string error;
  if (!Command("RSET", &r, &error) || r.code != 250) usable_ = false;
}

SmtpOutcome SmtpClient::Send(const std::string& mail_from, const std::string& rcpt_to,
                             const std::string& data) {
  if (!usable_) return SmtpOutcome::Transient("no usable session with the relay");
  const bool intl = !IsAscii(mail_from) || !IsAscii(rcpt_to);
  if (intl && !cap_smtputf8_) {
    return SmtpOutcome::Permanent(
        "the relay does not accept internationalised addresses (SMTPUTF8)");
  }
  const std::string body = DotStuff(data);
  if (cap_size_ > 0 && static_cast<int64_t>(body.size()) > cap_size_) {
    return SmtpOutcome::Permanent("the message (" + std::to_string(body.size()) +
                                  " bytes) is larger than the relay accepts (" +
                                  std::to_string(cap_size_) + ")");
  }
  std::string mail = "MAIL FROM:<" + mail_from + ">";
  if (cap_size_ >= 0) mail += " SIZE=" + std::to_string(body.size());
  if (intl) mail += " SMTPUTF8";
  Reply r;
  std::string error;
  if (!Command(mail, &r, &error)) return SmtpOutcome::Transient("MAIL FROM: " + error);
  if (r.code != 250) {
    SmtpOutcome o = MessageRefused("MAIL FROM", r);
    Reset();
    return o;
  }
  if (!Command("RCPT TO:<" + rcpt_to + ">", &r, &error)) {
    return SmtpOutcome::Transient("RCPT TO: " + error);
  }
  if (r.code != 250 && r.code != 251) {
    SmtpOutcome o = MessageRefused("RCPT TO", r);
    Reset();
    return o;
  }
  if (!Command("DATA", &r, &error)) return SmtpOutcome::Transient("DATA: " + error);
  if (r.code != 354) {
    SmtpOutcome o = MessageRefused("DATA", r);
    Reset();
    return o;
  }
  if (!WriteAll(body, &error) || !WriteAll(".\r\n", &error) || !ReadReply(&r, &error)) {
    usable_ = false;
    return SmtpOutcome::Transient("end of data: " + error);
  }
  if (r.code == 421) usable_ = false;
  if (r.code != 250) {
    SmtpOutcome o = MessageRefused("end of data", r);
    Reset();
    return o;
  }
  return SmtpOutcome::Ok();
}

void SmtpClient::Quit() {
  if (usable_) {
    Reply r;
    std::string error;
    Command("QUIT", &r, &error);
  }
  if (tls_) tls_->Close(/*send_close_notify=*/usable_);
  Close();
}

}  // namespace cammio::mail
