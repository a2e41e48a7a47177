#include "http/http_connection.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "http/connection_control.h"
#include "http/event_streams.h"
#include "http/idle_parking.h"
#include "http/worker_pool.h"
#include "util/blocking.h"
#include "util/log.h"
#include "util/socket_name.h"

namespace cammio::http {
namespace {

using Clock = std::chrono::steady_clock;
using Kind = IdleParking::Kind;

// Most a head read takes at once (a request head is usually well under
// 1 KiB; an idle connection keeps a buffer this big).
constexpr size_t kReadChunk = 4 * 1024;
// After a refused head the client's rest is read and dropped until the client
// closes, so that closing does not reset the connection (a reset can discard
// the answer before the client reads it). A client sends what its socket
// buffers hold (several MiB on loopback) before it sees the answer, and may
// be slow to read it on a loaded machine; the drain ends after kDrainIdle
// without data, kDrainTime in all, or kDrainBytes. The connection is parked
// meanwhile and holds no thread.
constexpr auto kDrainIdle = std::chrono::seconds(1);
constexpr auto kDrainTime = std::chrono::seconds(5);
constexpr size_t kDrainBytes = size_t{16} << 20;
constexpr auto kDrainAtStop = std::chrono::seconds(1);
// Waits outside a WorkerPool re-check for server shutdown this often.
constexpr auto kStopCheckInterval = std::chrono::milliseconds(100);

// process_request's view of the connection: first the bytes already read
// (the head, and whatever followed it), then the transport's stream.
class ReplayStream final : public httplib::Stream {
 public:
  ReplayStream(httplib::Stream& inner, const std::string& buffered, ConnectionAddresses& addresses)
      : inner_(inner), buffered_(buffered), addresses_(addresses) {}

  // The connection's addresses, asked of the transport's stream only while
  // unknown, so once per connection (asking costs two system calls and two
  // inet_ntop, about 3,000 instructions); they cannot change while the
  // socket is open, and an empty answer (the peer already gone) is not kept.
  const ConnectionAddresses& addresses() const {
    if (addresses_.remote_ip.empty()) {
      inner_.get_remote_ip_and_port(addresses_.remote_ip, addresses_.remote_port);
    }
    if (addresses_.local_ip.empty()) {
      inner_.get_local_ip_and_port(addresses_.local_ip, addresses_.local_port);
    }
    return addresses_;
  }
  // Bytes read from the connection's buffer; all bytes read (buffer and
  // socket).
  size_t consumed() const { return pos_; }
  uint64_t total_read() const { return total_; }

  bool is_readable() const override { return pos_ < buffered_.size() || inner_.is_readable(); }
  bool is_writable() const override { return inner_.is_writable(); }
  ssize_t read(char* ptr, size_t size) override {
    // cpp-httplib reads the head one byte per call: that case first.
    if (size == 1 && pos_ < buffered_.size()) {
      *ptr = buffered_[pos_++];
      ++total_;
      return 1;
    }
    if (pos_ >= buffered_.size()) {
      const ssize_t r = inner_.read(ptr, size);
      if (r > 0) total_ += static_cast<uint64_t>(r);
      return r;
    }
    const size_t n = std::min(size, buffered_.size() - pos_);
    std::memcpy(ptr, buffered_.data() + pos_, n);
    pos_ += n;
    total_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override { return inner_.write(ptr, size); }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = addresses().remote_ip;
    port = addresses_.remote_port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = addresses().local_ip;
    port = addresses_.local_port;
  }
  socket_t socket() const override { return inner_.socket(); }

 private:
  httplib::Stream& inner_;
  const std::string& buffered_;
  ConnectionAddresses& addresses_;
  size_t pos_ = 0;
  uint64_t total_ = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::unique_ptr<Transport> transport,
             std::shared_ptr<const ConnectionSettings> settings,
             std::shared_ptr<const ConnectionHooks> hooks)
      : transport_(std::move(transport)),
        settings_(std::move(settings)),
        hooks_(std::move(hooks)),
        scanner_(settings_->head),
        deadline_(Clock::now() + settings_->open_timeout),
        remaining_(settings_->keep_alive_max_count) {}
  ~Connection() { Close(false); }  // a safety net: every path closes first

  // Serves until the connection is closed or parked.
  void Run();
  // A parked connection woke up (readable), or its wait ended without input:
  // its deadline passed, the server stops, or it was shed.
  void Resume(bool readable);

 private:
  enum class Phase { kOpening, kHead, kDraining };
  enum class Next { kContinue, kParked, kClosed };

  Next Open();
  Next Head();
  Next Drain();
  // Waits for input until `deadline_`: parked, ready here, or closed.
  Next Await(Kind kind);
  Next WaitHere();
  // True when the connection goes on to its next request.
  bool ServeRequest();
  // The request was answered as an event stream: the connection goes to
  // `handoff.streams` (or closes when its answer could not be written).
  void HandOff(const EventStreamHandoff& handoff);
  void StartHead();
  void Refuse(int status, const char* details);
  void Expire();
  RefusalBody RefusalBodyFor(int status, const std::string& details) const {
    return hooks_->refusal_body ? hooks_->refusal_body(status, details) : RefusalBody();
  }
  void Close(bool linger);
  // A drain started less than kDrainAtStop ago goes on while the server stops,
  // so that a refusal still reaches its client.
  bool Stopping() const {
    return hooks_->stopping() &&
           (phase_ != Phase::kDraining || Clock::now() >= drain_end_ - kDrainTime + kDrainAtStop);
  }

  std::unique_ptr<Transport> transport_;
  std::shared_ptr<const ConnectionSettings> settings_;
  std::shared_ptr<const ConnectionHooks> hooks_;
  RequestHeadScanner scanner_;
  Phase phase_ = Phase::kOpening;
  Clock::time_point deadline_;     // of the current wait
  size_t remaining_;               // requests it may still make
  std::string buf_;                // bytes read and not yet given to a request
  ConnectionAddresses addresses_;  // filled by the first request
  bool head_started_ = false;      // buf_ holds a byte of the next head
  bool last_ok_ = false;           // the peer seems alive: TLS close_notify
  size_t drained_ = 0;
  Clock::time_point drain_end_;  // the drain's overall limit
  bool closed_ = false;
};

void Connection::Run() {
  for (;;) {
    Next next = Next::kClosed;
    switch (phase_) {
      case Phase::kOpening:
        next = Open();
        break;
      case Phase::kHead:
        next = Head();
        break;
      case Phase::kDraining:
        next = Drain();
        break;
    }
    if (next != Next::kContinue) return;
  }
}

void Connection::Resume(bool readable) {
  if (readable) {
    Run();
  } else if (Stopping()) {
    Close(false);
  } else if (Clock::now() >= deadline_) {
    Expire();
  } else {  // shed to make room for another connection
    if (phase_ == Phase::kOpening && hooks_->opened) hooks_->opened(false);
    Close(false);
  }
}

Connection::Next Connection::Open() {
  switch (transport_->Step()) {
    case Transport::Open::kDone:
      if (hooks_->opened) hooks_->opened(true);
      last_ok_ = true;
      phase_ = Phase::kHead;
      StartHead();
      return Next::kContinue;
    case Transport::Open::kWantRead:
      return Await(Kind::kBusy);
    case Transport::Open::kFailed:
      break;
  }
  if (hooks_->opened) hooks_->opened(false);
  Close(false);
  return Next::kClosed;
}

void Connection::StartHead() {
  scanner_.Reset();
  head_started_ = !buf_.empty();  // a pipelined request
  deadline_ =
      Clock::now() + (head_started_ ? settings_->header_timeout : settings_->keep_alive_timeout);
  if (buf_.empty() && buf_.capacity() > kReadChunk) std::string().swap(buf_);
}

Connection::Next Connection::Head() {
  for (;;) {
    if (Stopping()) {
      Close(false);
      return Next::kClosed;
    }
    switch (scanner_.Scan(buf_)) {
      case RequestHeadScanner::State::kComplete:
        if (!ServeRequest()) return Next::kClosed;
        StartHead();
        continue;
      case RequestHeadScanner::State::kRefused:
        Refuse(scanner_.status(), scanner_.details());
        return Next::kContinue;
      case RequestHeadScanner::State::kIncomplete:
        break;
    }
    // The scanner refuses a head once max_head_bytes are buffered, so there
    // is room for at least one more byte.
    const size_t want = std::min(kReadChunk, settings_->head.max_head_bytes - buf_.size());
    // Read into the stack and append what came: growing buf_ by a whole
    // chunk first zero-filled 4 KiB per read (twice per request: the head,
    // then the read that finds nothing more).
    char chunk[kReadChunk];
    const ssize_t n = transport_->ReadAvailable(chunk, want);
    if (n > 0) {
      buf_.append(chunk, static_cast<size_t>(n));
      if (!head_started_) {
        head_started_ = true;
        deadline_ = Clock::now() + settings_->header_timeout;
      }
      continue;
    }
    if (n == Transport::kWouldBlock) return Await(head_started_ ? Kind::kBusy : Kind::kIdle);
    last_ok_ = false;  // the peer closed or failed
    Close(false);
    return Next::kClosed;
  }
}

bool Connection::ServeRequest() {
  ReplayStream strm(transport_->stream(), buf_, addresses_);
  const bool close_connection = remaining_ <= 1 || hooks_->stopping();
  bool connection_closed = false;
  const std::string_view ordered_head = scanner_.ordered_fields_repeated()
                                            ? std::string_view(buf_).substr(0, scanner_.head_size())
                                            : std::string_view();
  bool ok =
      hooks_->process(strm, strm.addresses(), ordered_head, close_connection, connection_closed);
  const EventStreamHandoff handoff = TakeEventStreamHandoff();
  if (handoff.streams != nullptr) {
    HandOff(handoff);
    return false;
  }
  if (!transport_->Flush()) ok = false;  // the end of the answer
  // The next request starts right after this one's body only when exactly
  // head + Content-Length bytes were read. cpp-httplib can answer without
  // reading the body (a 416 for a bad Range comes before any hook), and it
  // frames chunked bodies leniently (a chunk size "0x3", a missing CRLF after
  // chunk data): whatever follows is never taken as a request. So a request
  // whose body was not read in full, or was chunked, ends the connection.
  const bool framed =
      !scanner_.chunked() && strm.total_read() == scanner_.head_size() + scanner_.content_length();
  const bool linger = TakeConnectionCloseRequest() || !framed;
  last_ok_ = ok;
  if (!ok || connection_closed || close_connection || linger) {
    Close(linger);
    return false;
  }
  buf_.erase(0, strm.consumed());
  --remaining_;
  return true;
}

void Connection::HandOff(const EventStreamHandoff& handoff) {
  TakeConnectionCloseRequest();  // the stream ends the connection anyway
  // The head and the first frame, held back by a TLS stream, leave now,
  // bounded by the write timeout like any answer.
  const bool sent = handoff.written && transport_->Flush();
  if (!sent || hooks_->stopping()) {
    handoff.streams->Abandon(handoff.id);
    last_ok_ = false;
    Close(false);
    return;
  }
  if (hooks_->streaming) hooks_->streaming(*handoff.streams);
  closed_ = true;  // EventStreams closes the connection in the end
  handoff.streams->Adopt(handoff.id, std::move(transport_));
}

void Connection::Refuse(int status, const char* details) {
  std::string ip;
  int port = 0;
  PeerAddress(transport_->fd(), &ip, &port);
  LogInfo("refused request head: " + std::to_string(status) + " " + details + " addr=" + ip);
  if (hooks_->refused) hooks_->refused(status);
  const std::string answer =
      RefusalResponse(status, RefusalBodyFor(status, details), settings_->refusal_headers);
  httplib::Stream& strm = transport_->stream();
  const bool sent =
      strm.write(answer.data(), answer.size()) == static_cast<ssize_t>(answer.size()) &&
      transport_->Flush();
  transport_->Close(/*graceful=*/sent);
  ::shutdown(transport_->fd(), SHUT_WR);
  std::string().swap(buf_);
  phase_ = Phase::kDraining;
  drain_end_ = Clock::now() + kDrainTime;
  deadline_ = std::min(Clock::now() + kDrainIdle, drain_end_);
}

Connection::Next Connection::Drain() {
  char sink[16 * 1024];
  for (;;) {
    const ssize_t n = ::recv(transport_->fd(), sink, sizeof sink, MSG_DONTWAIT);
    if (n > 0) {
      drained_ += static_cast<size_t>(n);
      deadline_ = std::min(Clock::now() + kDrainIdle, drain_end_);
      if (drained_ < kDrainBytes) continue;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return Await(Kind::kBusy);
    }
    Close(false);  // the client closed too, failed, or sent too much
    return Next::kClosed;
  }
}

Connection::Next Connection::Await(Kind kind) {
  if (Stopping()) {
    Close(false);
    return Next::kClosed;
  }
  if (Clock::now() >= deadline_) {
    Expire();
    return Next::kClosed;
  }
  if (WorkerPool* pool = WorkerPool::Current()) {
    auto self = shared_from_this();
    auto resume = [self](bool readable) { self->Resume(readable); };
    if (pool->Park(transport_->fd(), deadline_, std::move(resume), kind)) return Next::kParked;
  }
  return WaitHere();  // no pool, or it parks nothing
}

Connection::Next Connection::WaitHere() {
  util::ScopedBlocking blocking;  // lets the worker pool run another connection
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline_ - Clock::now());
    if (left.count() <= 0) {
      Expire();
      return Next::kClosed;
    }
    pollfd pfd{transport_->fd(), POLLIN, 0};
    const int r = ::poll(
        &pfd, 1, static_cast<int>(std::min<int64_t>(left.count(), kStopCheckInterval.count())));
    if (r > 0) return Next::kContinue;
    if (r < 0 && errno != EINTR) break;
    if (Stopping()) break;
  }
  Close(false);
  return Next::kClosed;
}

void Connection::Expire() {
  if (phase_ == Phase::kOpening && hooks_->opened) hooks_->opened(false);
  if (phase_ == Phase::kHead && head_started_) {
    // A head that did not arrive in time: say so, then close (best effort;
    // what the client sent after it is not waited for). A refused head like
    // the others (handler.h): the observer hears of it.
    if (hooks_->refused) hooks_->refused(408);
    const std::string answer =
        RefusalResponse(408,
                        RefusalBodyFor(408,
                                       "the request head did not arrive within the header "
                                       "timeout"),
                        settings_->refusal_headers);
    last_ok_ = transport_->stream().write(answer.data(), answer.size()) ==
                   static_cast<ssize_t>(answer.size()) &&
               transport_->Flush();
  }
  Close(false);
}

void Connection::Close(bool linger) {
  if (closed_) return;
  closed_ = true;
  transport_->Close(/*graceful=*/last_ok_);
  if (linger) LingeringClose(transport_->fd());
  ::shutdown(transport_->fd(), SHUT_RDWR);
  ::close(transport_->fd());
}

// The reason phrase of a refusal's status line (the statuses a head can be
// refused with, worded as cpp-httplib words them for every other answer).
const char* ReasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Internal Server Error";
  }
}

}  // namespace

void ServeConnection(std::unique_ptr<Transport> transport,
                     std::shared_ptr<const ConnectionSettings> settings,
                     std::shared_ptr<const ConnectionHooks> hooks) {
  auto conn =
      std::make_shared<Connection>(std::move(transport), std::move(settings), std::move(hooks));
  conn->Run();
}

std::string RefusalResponse(int status, const RefusalBody& body, const std::string& extra_headers) {
  std::string type;
  if (!body.content_type.empty()) type = "\r\nContent-Type: " + body.content_type;
  return "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) + type +
         "\r\nContent-Length: " + std::to_string(body.body.size()) + "\r\n" + extra_headers +
         "Connection: close\r\n\r\n" + body.body;
}

}  // namespace cammio::http
