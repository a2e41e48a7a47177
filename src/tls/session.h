// The mbedTLS 3.6 adapter under cammio's HTTPS endpoints (httplib 0.18.7 only
// knows OpenSSL, which this project never links).
//
// TlsServerContext is the TLS configuration of a server: the certificate
// chain, the private key, the session ticket keys and an mbedtls_ssl_config
// restricted to TLS 1.3 and 1.2 with ECDHE + AEAD cipher suites. It is loaded
// once and then shared by every connection of every worker thread.
//
// TlsConnection and TlsStream are the socket-level pieces shared by the
// HTTPS listener (http/tls_listener.h), TlsClient (tls/client.h) and the SMTP
// client's STARTTLS: an mbedtls_ssl_context bound to a connected socket
// whose I/O waits with poll(2) and gives up after the configured timeouts.
//
// Thread-safety: TlsServerContext is immutable after Load() and safe to share.
// A TlsConnection / TlsStream belongs to one thread at a time.
#pragma once

#include <httplib.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "cammio/status.h"

namespace cammio::tls {

// Cipher suites (Mozilla "intermediate": TLS 1.3 AES-GCM and
// ChaCha20-Poly1305; TLS 1.2 ECDHE-ECDSA/RSA with the same AEADs) and key
// exchange groups (X25519, P-256, P-384) both ends accept, 0-terminated.
extern const int kTlsCipherSuites[];
extern const uint16_t kTlsGroups[];
// Session tickets (resumption without a full handshake, TLS 1.2 and 1.3)
// are valid this long; the ticket key rotates as often.
constexpr uint32_t kTlsTicketLifetimeSeconds = 2 * 3600;

// Initialises PSA crypto (idempotent, thread-safe; TLS 1.3 needs it) and
// applies what every cammio endpoint shares to a freshly initialised `conf`:
// defaults for `endpoint` (MBEDTLS_SSL_IS_SERVER / _CLIENT), the RNG, TLS 1.2
// to 1.3, kTlsCipherSuites and kTlsGroups. 0 or an mbedtls / PSA error.
int TlsConfigDefaults(mbedtls_ssl_config* conf, int endpoint);

// mbedtls error code -> "SSL - Verification of the message MAC failed (-0x7180)".
std::string MbedtlsErrorText(int code);

// The TLS library this module is built on ("mbedtls") and the version of
// the one linked in ("3.6.6"), as `cammio version` reports them.
std::string LibraryName();
std::string LibraryVersion();

class TlsServerContext {
 public:
  // Reads a PEM certificate chain (leaf first) and its PEM private key
  // (unencrypted), checks they match, and builds the server configuration.
  // `session_tickets`: issue and accept session tickets (resumption without
  // the certificate signature, TLS 1.2 and 1.3); off, every connection is a
  // full handshake (the `tls_session_tickets` setting).
  // Returns IoError when a file cannot be read, InvalidArgument when its
  // content is not a certificate / key, the two do not belong together or
  // the key cannot sign; Internal when mbedTLS cannot be set up.
  static Result<std::shared_ptr<TlsServerContext>> Load(const std::string& cert_pem_path,
                                                        const std::string& key_pem_path,
                                                        bool session_tickets = true);

  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;

  // Valid for the lifetime of this object. Connections only read it, apart
  // from the ticket keys it points to, which mbedTLS locks itself.
  const mbedtls_ssl_config* config() const { return &conf_; }

 private:
  TlsServerContext();
  Status Init(const std::string& cert_pem_path, const std::string& key_pem_path,
              bool session_tickets);

  mbedtls_x509_crt chain_;
  mbedtls_pk_context key_;
  mbedtls_ssl_ticket_context tickets_;  // rotates its key every lifetime
  mbedtls_ssl_config conf_;
};

// What TlsConnection::HandshakeStep() returns when it must be called again
// once the socket is readable.
constexpr int kTlsWantRead = MBEDTLS_ERR_SSL_WANT_READ;

// An mbedtls_ssl_context on a connected socket. Does not own the socket (the
// caller closes it after this object is gone or Close()d). Socket I/O waits
// with poll(2): each wait lasts at most read_timeout / write_timeout, and all
// waits together at most the budget passed to Handshake() while it runs;
// after SetNonBlocking() it never waits.
class TlsConnection {
 public:
  // `config_owner` keeps the object that owns `conf` alive as long as this.
  // Turns on TCP_NODELAY: every Stream::write becomes its own TLS record, and
  // with Nagle a response's header record and body record would wait for the
  // peer's delayed ACK (40 ms per request on Linux).
  TlsConnection(int fd, std::chrono::microseconds read_timeout,
                std::chrono::microseconds write_timeout, std::shared_ptr<const void> config_owner);
  ~TlsConnection();
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  // Binds the session to `conf` (which must outlive this object) and, when
  // non-null, sets the SNI / expected certificate name. 0 or an mbedtls error.
  int Setup(const mbedtls_ssl_config* conf, const char* hostname);
  // Runs the whole handshake within `budget`. 0 or an mbedtls error
  // (MBEDTLS_ERR_SSL_TIMEOUT when the peer is too slow or silent).
  int Handshake(std::chrono::microseconds budget);
  // Advances the handshake as far as the input at hand allows, without
  // waiting for more: 0 when done, kTlsWantRead to be called
  // again once the socket is readable, or an mbedtls error. (Output still
  // waits, up to the write timeout.) The caller bounds the whole.
  int HandshakeStep();

  // mbedtls_ssl_read / _write retried until they make progress. Read returns
  // the byte count, 0 at end of stream (close_notify or FIN), -1 on error or
  // timeout; Write returns the bytes accepted (> 0) or -1.
  ssize_t Read(char* buf, size_t size);
  ssize_t Write(const char* buf, size_t size);
  // Like Read, but never waits for the socket: -2 when nothing can be read
  // without waiting.
  ssize_t ReadAvailable(char* buf, size_t size);
  // Like Write, but never waits for the socket: the bytes taken (> 0, at
  // most one record), -2 when the socket cannot take them now, -1 on error.
  // After -2 the record is sealed and partly sent: the next call must pass
  // the same `size` and the same bytes (mbedTLS sends the rest of that record
  // and then reports all `size` bytes taken). Wait for POLLOUT in between.
  ssize_t WriteAvailable(const char* buf, size_t size);
  // Writes exactly `size` bytes (at most MaxRecordPayload(): one record).
  // `more`: the caller has more to send at once, so the kernel may hold a
  // partial TCP segment back for it (MSG_MORE). False on error.
  bool WriteRecord(const char* buf, size_t size, bool more);
  // The most plaintext one record carries (16 KiB unless negotiated down).
  size_t MaxRecordPayload() const;

  // Bytes mbedTLS has already taken off the socket (decrypted or not).
  bool HasBufferedData() const;
  // poll(2) on the socket for `events` (POLLIN / POLLOUT) for at most
  // `timeout`, shortened to the handshake deadline while one runs.
  // > 0 ready (or hung up: the next I/O reports it), 0 timed out, < 0 error.
  int Wait(short events, std::chrono::microseconds timeout) const;
  // Sends close_notify (best effort, if the handshake completed), then marks
  // the session unusable: later Read/Write return -1.
  void Close(bool send_close_notify);
  // Switches the session, for good, to the mode of a connection that
  // EventStreams (http/event_streams.h) owns, where no call may wait:
  //   * socket I/O never waits: WriteAvailable reports -2, Write / Read fail,
  //     and Close's close_notify is sent only if the socket takes it at once
  //     (best effort; a full socket buffer does not hold the caller);
  //   * ReadAvailable no longer decrypts: it takes the raw bytes off the
  //     socket and returns their count (0 at end of stream, -2, -1), so no
  //     read emits TLS output (an alert refusing a renegotiation, a fatal
  //     alert on a bad record): output from a read would flush a pending
  //     WriteAvailable record out of band, and the retry would seal the
  //     same bytes again. What the peer sends is lost; only the end of the
  //     stream and errors are reported.
  void SetNonBlocking();

  int fd() const { return fd_; }
  std::chrono::microseconds read_timeout() const { return read_timeout_; }
  std::chrono::microseconds write_timeout() const { return write_timeout_; }
  const mbedtls_ssl_context* ssl() const { return &ssl_; }

 private:
  static int BioSend(void* ctx, const unsigned char* buf, size_t len);
  static int BioRecv(void* ctx, unsigned char* buf, size_t len);

  const int fd_;
  const std::chrono::microseconds read_timeout_;
  const std::chrono::microseconds write_timeout_;
  std::shared_ptr<const void> config_owner_;
  mbedtls_ssl_context ssl_;
  bool handshake_done_ = false;
  bool failed_ = false;       // mbedTLS reported a fatal error: no more I/O.
  bool send_more_ = false;    // BioSend adds MSG_MORE (inside WriteRecord)
  bool recv_nowait_ = false;  // BioRecv answers WANT_READ instead of waiting
  bool send_nowait_ = false;  // BioSend answers WANT_WRITE instead of waiting
  bool nonblocking_ = false;  // SetNonBlocking(): no I/O waits, reads are raw
  bool closed_ = false;
  bool has_deadline_ = false;
  std::chrono::steady_clock::time_point deadline_;
};

// httplib::Stream over a TlsConnection; keeps the connection alive.
//
// Writes are packed into full records: write() seals a record only when more
// than a record's worth is at hand, and holds the rest back until the next
// write, a read (or a wait for input), or Flush(). So an answer's header
// shares its first record with the body, and every record but the last goes
// to the kernel with MSG_MORE: a 43 KiB answer leaves as three records in
// one TCP transmission instead of four records in four. Whoever writes an
// answer must Flush() when it is complete (the HTTPS listener does after
// each request); the destructor flushes as a last resort.
class TlsStream final : public httplib::Stream {
 public:
  explicit TlsStream(std::shared_ptr<TlsConnection> conn) : conn_(std::move(conn)) {}
  ~TlsStream() override;
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  // Seals and sends what write() held back. False on a write error.
  bool Flush();

  bool is_readable() const override;  // true at once if mbedTLS holds bytes.
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return conn_->fd(); }

 private:
  std::shared_ptr<TlsConnection> conn_;
  std::string pending_;  // plaintext held back: at most one record's worth
};

}  // namespace cammio::tls
