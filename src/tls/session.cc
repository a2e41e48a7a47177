#include "tls/session.h"

#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/version.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <psa/crypto.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "util/blocking.h"
#include "util/random.h"
#include "util/socket_name.h"

namespace cammio::tls {

namespace {

using std::chrono::microseconds;
using std::chrono::steady_clock;

// Upper bound on consecutive WANT_READ/WANT_WRITE results (renegotiation
// refusals and similar non-progress); the BIO itself never returns them.
constexpr int kMaxRetries = 64;

bool IsRetry(int rc) { return rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE; }

bool IsFileError(int rc) {
  return rc == MBEDTLS_ERR_PK_FILE_IO_ERROR || rc == MBEDTLS_ERR_X509_FILE_IO_ERROR;
}

}  // namespace

const int kTlsCipherSuites[] = {
    // TLS 1.3
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
    // TLS 1.2
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    0,
};

const uint16_t kTlsGroups[] = {
    MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_NONE,
};

int TlsConfigDefaults(mbedtls_ssl_config* conf, int endpoint) {
  const psa_status_t status = psa_crypto_init();
  if (status != PSA_SUCCESS) return MBEDTLS_ERR_SSL_INTERNAL_ERROR;  // never, in practice
  int rc = mbedtls_ssl_config_defaults(conf, endpoint, MBEDTLS_SSL_TRANSPORT_STREAM,
                                       MBEDTLS_SSL_PRESET_DEFAULT);
  if (rc != 0) return rc;
  mbedtls_ssl_conf_rng(conf, MbedtlsRandom, nullptr);
  mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
  mbedtls_ssl_conf_max_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_3);
  mbedtls_ssl_conf_ciphersuites(conf, kTlsCipherSuites);
  mbedtls_ssl_conf_groups(conf, kTlsGroups);
  return 0;
}

std::string MbedtlsErrorText(int code) {
  char text[200];
  mbedtls_strerror(code, text, sizeof(text));
  char hex[16];
  std::snprintf(hex, sizeof(hex), "%s0x%04X", code < 0 ? "-" : "", code < 0 ? -code : code);
  return std::string(text) + " (" + hex + ")";
}

std::string LibraryName() { return "mbedtls"; }

std::string LibraryVersion() {
  char text[16] = {0};  // "x.y.z": mbedTLS writes at most 9 bytes
  mbedtls_version_get_string(text);
  return text;
}

// ---------------------------------------------------------------------------
// TlsServerContext

TlsServerContext::TlsServerContext() {
  mbedtls_x509_crt_init(&chain_);
  mbedtls_pk_init(&key_);
  mbedtls_ssl_ticket_init(&tickets_);
  mbedtls_ssl_config_init(&conf_);
}

TlsServerContext::~TlsServerContext() {
  mbedtls_ssl_config_free(&conf_);
  mbedtls_ssl_ticket_free(&tickets_);
  mbedtls_pk_free(&key_);
  mbedtls_x509_crt_free(&chain_);
}

Result<std::shared_ptr<TlsServerContext>> TlsServerContext::Load(const std::string& cert_pem_path,
                                                                 const std::string& key_pem_path,
                                                                 bool session_tickets) {
  std::shared_ptr<TlsServerContext> ctx(new TlsServerContext());
  Status s = ctx->Init(cert_pem_path, key_pem_path, session_tickets);
  if (!s.ok()) return s;
  return ctx;
}

Status TlsServerContext::Init(const std::string& cert_pem_path, const std::string& key_pem_path,
                              bool session_tickets) {
  int rc = mbedtls_x509_crt_parse_file(&chain_, cert_pem_path.c_str());
  if (IsFileError(rc)) return Status::IoError("cannot read certificate file " + cert_pem_path);
  if (rc != 0) {
    return Status::InvalidArgument("bad certificate file " + cert_pem_path + ": " +
                                   (rc > 0 ? "unparsable certificate" : MbedtlsErrorText(rc)));
  }
  rc = mbedtls_pk_parse_keyfile(&key_, key_pem_path.c_str(), nullptr, MbedtlsRandom, nullptr);
  if (IsFileError(rc)) return Status::IoError("cannot read key file " + key_pem_path);
  if (rc != 0) {
    return Status::InvalidArgument("bad private key file " + key_pem_path + ": " +
                                   MbedtlsErrorText(rc));
  }
  if (mbedtls_pk_check_pair(&chain_.pk, &key_, MbedtlsRandom, nullptr) != 0) {
    return Status::InvalidArgument("private key " + key_pem_path + " does not match certificate " +
                                   cert_pem_path);
  }
  // A key that cannot sign (a curve or algorithm this build leaves out)
  // would fail every handshake: refuse it at startup instead.
  unsigned char digest[32] = {0};
  unsigned char sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
  size_t sig_len = 0;
  rc = mbedtls_pk_sign(&key_, MBEDTLS_MD_SHA256, digest, sizeof(digest), sig, sizeof(sig), &sig_len,
                       MbedtlsRandom, nullptr);
  if (rc != 0) return Status::InvalidArgument("key cannot sign: " + MbedtlsErrorText(rc));

  rc = TlsConfigDefaults(&conf_, MBEDTLS_SSL_IS_SERVER);
  if (rc == 0) rc = mbedtls_ssl_conf_own_cert(&conf_, &chain_, &key_);
  // Resumption (TLS 1.2 session tickets, TLS 1.3 NewSessionTicket + PSK with
  // ECDHE): tickets are sealed with AES-256-GCM under a key mbedTLS replaces
  // every lifetime (the previous one still opens tickets for one more), and
  // its ticket context locks itself (MBEDTLS_THREADING_C). Without the
  // callbacks mbedTLS neither issues tickets (no NewSessionTicket in TLS 1.3,
  // no SessionTicket extension in TLS 1.2) nor accepts one, and it keeps no
  // session cache (none is configured): every handshake is a full one.
  if (rc == 0 && session_tickets) {
    rc = mbedtls_ssl_ticket_setup(&tickets_, MbedtlsRandom, nullptr, MBEDTLS_CIPHER_AES_256_GCM,
                                  kTlsTicketLifetimeSeconds);
  }
  if (rc != 0) return Status::Internal("TLS server config: " + MbedtlsErrorText(rc));
  if (session_tickets) {
    mbedtls_ssl_conf_session_tickets_cb(&conf_, mbedtls_ssl_ticket_write, mbedtls_ssl_ticket_parse,
                                        &tickets_);
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------
// TlsConnection

TlsConnection::TlsConnection(int fd, microseconds read_timeout, microseconds write_timeout,
                             std::shared_ptr<const void> config_owner)
    : fd_(fd),
      read_timeout_(read_timeout),
      write_timeout_(write_timeout),
      config_owner_(std::move(config_owner)) {
  mbedtls_ssl_init(&ssl_);
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

TlsConnection::~TlsConnection() { mbedtls_ssl_free(&ssl_); }

int TlsConnection::Setup(const mbedtls_ssl_config* conf, const char* hostname) {
  int rc = mbedtls_ssl_setup(&ssl_, conf);
  if (rc == 0 && hostname != nullptr) rc = mbedtls_ssl_set_hostname(&ssl_, hostname);
  if (rc == 0) mbedtls_ssl_set_bio(&ssl_, this, BioSend, BioRecv, nullptr);
  return rc;
}

int TlsConnection::Handshake(microseconds budget) {
  has_deadline_ = true;
  deadline_ = steady_clock::now() + budget;
  int rc = MBEDTLS_ERR_SSL_WANT_READ;
  for (int i = 0; i < kMaxRetries && IsRetry(rc); ++i) rc = mbedtls_ssl_handshake(&ssl_);
  has_deadline_ = false;
  handshake_done_ = rc == 0;
  if (rc != 0) failed_ = true;
  return rc;
}

int TlsConnection::HandshakeStep() {
  if (failed_ || closed_) return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
  recv_nowait_ = true;
  int rc = MBEDTLS_ERR_SSL_WANT_WRITE;
  for (int i = 0; i < kMaxRetries && rc == MBEDTLS_ERR_SSL_WANT_WRITE; ++i) {
    rc = mbedtls_ssl_handshake(&ssl_);
  }
  recv_nowait_ = false;
  if (rc == 0) {
    handshake_done_ = true;
  } else if (rc != MBEDTLS_ERR_SSL_WANT_READ) {
    failed_ = true;
  }
  return rc;
}

ssize_t TlsConnection::ReadAvailable(char* buf, size_t size) {
  if (closed_ || failed_) return -1;
  if (nonblocking_) {  // raw bytes, dropped by the caller: no TLS output
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, size, MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return -2;
      failed_ = true;
      return -1;
    }
  }
  recv_nowait_ = true;
  int rc = MBEDTLS_ERR_SSL_WANT_READ;
  // WANT_READ with bytes still buffered: a record that carried no data
  // (or a refused renegotiation); go on with what is there.
  for (int i = 0; i < kMaxRetries; ++i) {
    rc = mbedtls_ssl_read(&ssl_, reinterpret_cast<unsigned char*>(buf), size);
    if (!IsRetry(rc) || mbedtls_ssl_check_pending(&ssl_) == 0) break;
  }
  recv_nowait_ = false;
  if (rc >= 0) return rc;
  if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || rc == MBEDTLS_ERR_SSL_CONN_EOF) return 0;
  if (IsRetry(rc)) return -2;
  failed_ = true;
  return -1;
}

ssize_t TlsConnection::Read(char* buf, size_t size) {
  if (closed_ || failed_) return -1;
  for (int i = 0; i < kMaxRetries; ++i) {
    int rc = mbedtls_ssl_read(&ssl_, reinterpret_cast<unsigned char*>(buf), size);
    if (rc >= 0) return rc;
    if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) return 0;
    // A TLS 1.3 NewSessionTicket a client asked to hear about: not data.
    if (!IsRetry(rc) && rc != MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) break;
  }
  failed_ = true;
  return -1;
}

ssize_t TlsConnection::Write(const char* buf, size_t size) {
  if (closed_ || failed_) return -1;
  if (size == 0) return 0;
  for (int i = 0; i < kMaxRetries; ++i) {
    int rc = mbedtls_ssl_write(&ssl_, reinterpret_cast<const unsigned char*>(buf), size);
    if (rc > 0) return rc;
    if (!IsRetry(rc)) break;
  }
  failed_ = true;
  return -1;
}

ssize_t TlsConnection::WriteAvailable(const char* buf, size_t size) {
  if (closed_ || failed_) return -1;
  if (size == 0) return 0;
  send_nowait_ = true;
  const int rc = mbedtls_ssl_write(&ssl_, reinterpret_cast<const unsigned char*>(buf), size);
  send_nowait_ = false;
  if (rc > 0) return rc;
  if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) return -2;
  failed_ = true;
  return -1;
}

bool TlsConnection::WriteRecord(const char* buf, size_t size, bool more) {
  send_more_ = more;
  size_t done = 0;
  while (done < size) {
    ssize_t n = Write(buf + done, size - done);
    if (n < 0) break;
    done += static_cast<size_t>(n);
  }
  send_more_ = false;
  return done == size;
}

size_t TlsConnection::MaxRecordPayload() const {
  int n = mbedtls_ssl_get_max_out_record_payload(&ssl_);
  return n > 0 ? static_cast<size_t>(n) : size_t{512};  // 512: the least any peer may ask
}

bool TlsConnection::HasBufferedData() const {
  return mbedtls_ssl_get_bytes_avail(&ssl_) > 0 || mbedtls_ssl_check_pending(&ssl_) != 0;
}

int TlsConnection::Wait(short events, microseconds timeout) const {
  auto limit = steady_clock::now() + std::max(timeout, microseconds(0));
  if (has_deadline_ && deadline_ < limit) limit = deadline_;
  pollfd pfd{fd_, events, 0};
  int r = ::poll(&pfd, 1, 0);  // ready already: no wait to report
  if (r > 0 || (r < 0 && errno != EINTR)) return r;
  if (limit <= steady_clock::now()) return 0;  // no time to wait: nothing to report
  util::ScopedBlocking blocking;               // lets the worker pool run another connection
  for (;;) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(limit - steady_clock::now());
    int ms = static_cast<int>(std::clamp<int64_t>(left.count(), 0, INT_MAX));
    pfd.revents = 0;
    r = ::poll(&pfd, 1, ms);
    if (r >= 0 || errno != EINTR) return r;
  }
}

void TlsConnection::Close(bool send_close_notify) {
  if (closed_) return;
  // Non-blocking: WANT_WRITE (the socket is full) is ignored, best effort.
  if (send_close_notify && handshake_done_ && !failed_) mbedtls_ssl_close_notify(&ssl_);
  closed_ = true;
}

void TlsConnection::SetNonBlocking() { nonblocking_ = true; }

int TlsConnection::BioSend(void* ctx, const unsigned char* buf, size_t len) {
  auto* self = static_cast<TlsConnection*>(ctx);
  len = std::min<size_t>(len, INT_MAX);
  for (;;) {
    const int flags = MSG_NOSIGNAL | MSG_DONTWAIT | (self->send_more_ ? MSG_MORE : 0);
    ssize_t n = ::send(self->fd_, buf, len, flags);
    if (n >= 0) return static_cast<int>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (self->send_nowait_ || self->nonblocking_) return MBEDTLS_ERR_SSL_WANT_WRITE;
      int r = self->Wait(POLLOUT, self->write_timeout_);
      if (r > 0) continue;
      return r == 0 ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_NET_SEND_FAILED;
    }
    return errno == EPIPE || errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET
                                                 : MBEDTLS_ERR_NET_SEND_FAILED;
  }
}

int TlsConnection::BioRecv(void* ctx, unsigned char* buf, size_t len) {
  auto* self = static_cast<TlsConnection*>(ctx);
  len = std::min<size_t>(len, INT_MAX);
  for (;;) {
    ssize_t n = ::recv(self->fd_, buf, len, MSG_DONTWAIT);
    if (n >= 0) return static_cast<int>(n);  // 0: EOF, mbedTLS reports CONN_EOF.
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (self->recv_nowait_ || self->nonblocking_) return MBEDTLS_ERR_SSL_WANT_READ;
      int r = self->Wait(POLLIN, self->read_timeout_);
      if (r > 0) continue;
      return r == 0 ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_NET_RECV_FAILED;
    }
    return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
  }
}

// ---------------------------------------------------------------------------
// TlsStream

TlsStream::~TlsStream() { Flush(); }

bool TlsStream::Flush() {
  if (pending_.empty()) return true;
  bool ok = conn_->WriteRecord(pending_.data(), pending_.size(), /*more=*/false);
  pending_.clear();
  return ok;
}

bool TlsStream::is_readable() const {
  // The peer may be waiting for what is held back (a 100 Continue, a
  // request) before it sends anything: send it first.
  if (!const_cast<TlsStream*>(this)->Flush()) return false;
  return conn_->HasBufferedData() || conn_->Wait(POLLIN, conn_->read_timeout()) > 0;
}

bool TlsStream::is_writable() const { return conn_->Wait(POLLOUT, conn_->write_timeout()) > 0; }

ssize_t TlsStream::read(char* ptr, size_t size) {
  if (!Flush()) return -1;
  return conn_->Read(ptr, size);
}

ssize_t TlsStream::write(const char* ptr, size_t size) {
  const size_t record = conn_->MaxRecordPayload();
  size_t taken = 0;
  // More than a record at hand: seal full records, each with "more follows".
  // The last (possibly full) record stays held back, so Flush() always has
  // the final bytes to send without MSG_MORE.
  while (pending_.size() + (size - taken) > record) {
    bool ok;
    if (pending_.empty()) {
      ok = conn_->WriteRecord(ptr + taken, record, /*more=*/true);  // no copy
      taken += record;
    } else {
      const size_t fill = record - pending_.size();
      pending_.append(ptr + taken, fill);
      taken += fill;
      ok = conn_->WriteRecord(pending_.data(), pending_.size(), /*more=*/true);
      pending_.clear();
    }
    if (!ok) return -1;
  }
  pending_.append(ptr + taken, size - taken);
  return static_cast<ssize_t>(size);
}

void TlsStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  PeerAddress(conn_->fd(), &ip, &port);
}

void TlsStream::get_local_ip_and_port(std::string& ip, int& port) const {
  LocalAddress(conn_->fd(), &ip, &port);
}

}  // namespace cammio::tls
