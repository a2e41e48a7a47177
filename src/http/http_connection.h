// One HTTP/1.1 server connection, from accept to close, served in steps so
// that it holds a worker thread only while a request is being processed:
//
//   opening  (TLS handshake)  -> within `open_timeout` of the accept
//   head     (request head)   -> the first byte within `keep_alive_timeout`
//                                of the previous answer (or the opening),
//                                the whole head within `header_timeout` of
//                                its first byte, at most RequestHeadLimits
//   request  (httplib's process_request on a worker, body and answer
//             with the read / write timeouts)
//   streaming (a handler answered with an event stream, event_streams.h:
//             the answer's head and first frame were written, then the
//             connection leaves for EventStreams, which closes it in the end)
//   draining (after a refused head: the answer was sent and our side shut;
//             what the client still sends is dropped for up to 1 s, so the
//             answer is read before the close resets the connection)
//
// Between arrivals the connection is parked on the WorkerPool's epoll set
// (worker_pool.h) and holds no thread. Idle connections (waiting for a next
// request with no byte of it yet) park as IdleParking::Kind::kIdle, those in
// the middle of a handshake or head as kBusy: when the pool's parking is
// full, the oldest idle connection is closed to make room, then the oldest
// busy one (a budget instead of a stall). Outside a WorkerPool the waits
// happen on the calling thread, bounded by the same deadlines.
//
// A head RequestHeadScanner refuses is answered with its status and the
// body ConnectionHooks::refusal_body gives, then the connection is closed: what follows on the wire
// is never read as a request. A complete head is replayed, with whatever followed it, to
// process_request; the bytes it leaves are the start of the next request (pipelining).
//
// Thread-safety: a connection runs on one thread at a time (the one that
// accepted it, then whichever worker woke it); ConnectionHooks and
// ConnectionSettings are shared read-only by all of a server's connections.
#pragma once

#include <httplib.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/handler.h"
#include "http/request_head.h"

namespace cammio::http {

class EventStreams;

// The byte pipe under a connection: a TLS session or a plain socket. Owns
// neither the socket nor the decision to close it (HttpConnection does).
class Transport {
 public:
  enum class Open { kDone, kWantRead, kFailed };
  static constexpr ssize_t kWouldBlock = -2;

  virtual ~Transport() = default;
  virtual int fd() const = 0;
  // One step of the opening (the TLS handshake) without waiting for input.
  virtual Open Step() = 0;
  // Reads what is available without waiting: bytes (> 0), 0 at the end of
  // the stream, kWouldBlock, or -1 on an error.
  virtual ssize_t ReadAvailable(char* buf, size_t size) = 0;
  // Writes without waiting: bytes taken (> 0), kWouldBlock, or -1 on an
  // error. After kWouldBlock the next call must pass the same bytes and size
  // again (a TLS record is sealed and partly sent); wait for POLLOUT between.
  // Only on a connection whose stream() holds nothing back (Flush first).
  virtual ssize_t WriteAvailable(const char* buf, size_t size) = 0;
  // The blocking stream process_request uses (read / write timeouts).
  virtual httplib::Stream& stream() = 0;
  // Sends what stream() holds back; false on a write error.
  virtual bool Flush() = 0;
  // Ends the session (TLS: close_notify if `graceful`). The caller closes
  // the socket.
  virtual void Close(bool graceful) = 0;
  // From now on (for good) no call waits for the socket, Close included, and
  // ReadAvailable need not return the peer's data, only its size, the end of
  // the stream and errors (TLS: tls::TlsConnection::SetNonBlocking, raw
  // bytes, so that no read sends anything). EventStreams calls it when it
  // adopts the connection, after stream() was flushed.
  virtual void SetNonBlocking() {}
};

// Filled by Http1Server::Serve from its listener's settings for every
// connection; no defaults of its own (the settings table in src/config/ is
// the one source of these values, through http::ServerOptions).
struct ConnectionSettings {
  std::chrono::microseconds open_timeout{0};
  std::chrono::microseconds keep_alive_timeout{0};
  std::chrono::microseconds header_timeout{0};
  size_t keep_alive_max_count = 0;
  RequestHeadLimits head;
  // Header lines ("Name: value\r\n" each) that every refusal (400, 408, 431,
  // ...) carries, as the listener's other answers do (nosniff, HSTS).
  std::string refusal_headers;
};

// A connection's socket addresses (as inet_ntop writes them); empty when
// the peer was gone before they were asked.
struct ConnectionAddresses {
  std::string remote_ip;
  int remote_port = 0;
  std::string local_ip;
  int local_port = 0;
};

struct ConnectionHooks {
  // httplib::Server::process_request for one request on `strm`, from the
  // connection at `addresses`. `ordered_head`: the request's head when a
  // field whose order matters came more than once
  // (RequestHeadScanner::ordered_fields_repeated), else empty.
  std::function<bool(httplib::Stream& strm, const ConnectionAddresses& addresses,
                     std::string_view ordered_head, bool close_connection, bool& connection_closed)>
      process;
  // True once the server stops: idle connections close, none is parked.
  std::function<bool()> stopping;
  // The opening (TLS handshake) succeeded or failed; may be empty.
  std::function<void(bool ok)> opened;
  // A head was refused with `status`; may be empty.
  std::function<void(int status)> refused;
  // The body of a refusal (Handler::RefusedHead); empty: no body.
  std::function<RefusalBody(int status, const std::string& details)> refusal_body;
  // A request was answered as an event stream (http/event_streams.h) and the
  // connection is about to be adopted by `streams`; may be empty.
  std::function<void(EventStreams& streams)> streaming;
};

// Serves the connection on `transport` (whose socket it closes in the end)
// on the calling thread until it is closed or parked.
void ServeConnection(std::unique_ptr<Transport> transport,
                     std::shared_ptr<const ConnectionSettings> settings,
                     std::shared_ptr<const ConnectionHooks> hooks);

// The answer to a refused head: status line, `extra_headers`,
// Connection: close, and `body`.
std::string RefusalResponse(int status, const RefusalBody& body,
                            const std::string& extra_headers = std::string());

}  // namespace cammio::http
