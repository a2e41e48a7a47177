// Server-sent event streams (text/event-stream) that hold no request thread.
//
// A handler answers a request with AnswerWithEventStream (below) inside
// Handler::OnRequest. The worker writes the answer's head and the first
// frame, then the connection (its http::Transport: a TLS session or a plain
// socket) leaves the worker, which goes back to the pool, and EventStreams
// adopts it. One thread of EventStreams' own, on an epoll set, then owns
// every adopted connection:
//   * it writes the frames Send() queues, never waiting on one peer: a
//     socket that cannot take more is watched for writability (with TLS the
//     interrupted record is retried with the same bytes);
//   * it notices the peer going away: readable with an end of stream or an
//     error (close, reset) closes the stream; what a peer sends on an event
//     stream is read and dropped (past 64 KiB in all, the stream is closed);
//   * it writes a heartbeat comment ": hb\n\n" after `heartbeat` without a
//     frame, so proxies keep the connection and a vanished peer is found;
//   * a stream whose queue would pass `max_queued_bytes` (a reader that does
//     not keep up) is closed, so memory per stream stays bounded.
// Every stream ends by running its `closed` callback exactly once, on the
// streams' thread, outside any lock (it may call Send/Close of other
// streams).
//
// The answer is close-delimited: 200, Content-Type: text/event-stream,
// Cache-Control: no-store, Connection: close, the listener's headers, no
// Content-Length and no chunking. The access log (Handler::OnDone) runs once
// with 200 when the head is written. HttpConnection (http_connection.cc)
// performs the hand-off; the open connection no longer counts in the worker
// pool's connections (ServerObserver::connection_closed runs for it then);
// open() counts the streams.
//
// Thread-safety: every member may be called from any thread, callbacks
// included. An EventStreams must outlive the http::Server whose handler uses
// it (Server::Stop closes the streams it handed over, CloseAll).
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace cammio::http {

class Transport;

struct EventStreamsOptions {
  size_t max_streams = 1000;  // open streams at once; past it AnswerWithEventStream answers 503
  size_t max_queued_bytes = size_t{256} << 10;  // per stream; a slower reader is closed
  std::chrono::milliseconds heartbeat{15000};   // ": hb\n\n" after this much silence
};

class EventStreams {
 public:
  using Id = uint64_t;  // 0 is no stream
  using Closed = std::function<void(Id)>;

  explicit EventStreams(EventStreamsOptions options);
  ~EventStreams();  // closes every stream (their `closed` runs), joins the thread
  EventStreams(const EventStreams&) = delete;
  EventStreams& operator=(const EventStreams&) = delete;

  // Queues `frame` (complete SSE text, e.g. "event: x\ndata: {}\n\n") for
  // stream `id`; frames sent before the connection is adopted wait for it.
  // False when the stream is gone or closing, or when the frame would pass
  // max_queued_bytes (the stream is then closed).
  bool Send(Id id, std::string frame);
  // Writes what is queued, then closes (within one heartbeat interval even
  // if the peer does not read); `closed` runs. No-op for an unknown id.
  void Close(Id id);
  // Closes every open stream now (what is queued and unsent is dropped) and
  // returns once their `closed` callbacks ran (at once when called from a
  // callback). Streams opened later are served as usual.
  void CloseAll();
  // Streams open (answered and not yet closed, adopted or not).
  size_t open() const { return open_.load(); }

  // The transport's side (AnswerWithEventStream and HttpConnection).
  // A new stream, or 0 when max_streams are open.
  Id Reserve(Closed closed);
  // The connection of stream `id` (answer written, nothing held back) is
  // handed over; closed at once when the stream is gone meanwhile.
  void Adopt(Id id, std::unique_ptr<Transport> transport);
  // Stream `id` will have no connection (the answer could not be written):
  // it closes, `closed` runs on the streams' thread.
  void Abandon(Id id);

 private:
  struct Stream;
  using Clock = std::chrono::steady_clock;

  void Loop();
  void Wake();
  // Under mu_: the pending work of every stream whose state changed.
  void ServeLocked(Clock::time_point now);
  void Watch(Id id, Stream& s, bool want_out);
  // Under mu_: writes what `s` has queued; false when the connection failed.
  bool PumpLocked(Id id, Stream& s);
  // Under mu_: reads and drops input; false when the peer closed or failed.
  bool DrainInputLocked(Stream& s);
  void HeartbeatsLocked(Clock::time_point now);
  // Under mu_: removes the stream, closes its connection, queues `closed`.
  void FinishLocked(Id id, bool graceful);
  void CloseAllLocked();
  void RunCallbacks();

  const EventStreamsOptions options_;
  const Clock::duration scan_interval_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  mutable std::mutex mu_;
  std::condition_variable closed_all_;
  std::unordered_map<Id, std::unique_ptr<Stream>> streams_;
  std::vector<Id> dirty_;                         // streams with work for the thread
  std::vector<std::pair<Closed, Id>> callbacks_;  // to run outside mu_
  Id next_id_ = 1;
  uint64_t close_all_requested_ = 0;  // CloseAll calls
  uint64_t close_all_done_ = 0;       // of those, served
  bool stop_ = false;
  Clock::time_point next_scan_;
  std::atomic<size_t> open_{0};
  std::thread::id loop_id_;
  std::thread thread_;
};

// Called by a handler inside Handler::OnRequest (on the worker serving the
// request): answers `res` as an event stream (above) whose first bytes are
// `first`; once the answer is written the connection leaves the worker and
// `streams` adopts it. Returns the stream's id at once (Send may be used
// immediately; frames wait for the adoption). `closed(id)` runs exactly once,
// on the streams' thread, when the stream ends for any reason, including
// never being adopted (a HEAD request, a failed write, a server stopping).
// When max_streams are open: returns 0, `closed` never runs, and `res` is a
// 503 with Retry-After and no body (the handler gives it one, e.g. through
// its OnErrorStatus). Only one event stream per request; nothing else may be
// set on `res` afterwards but headers.
EventStreams::Id AnswerWithEventStream(httplib::Response& res, EventStreams& streams,
                                       std::string first, EventStreams::Closed closed);

// The transport's side of the hand-off, per worker thread: the event stream
// the request just served answered with, if any (cleared by the call).
// `written`: its head and first frame went to the connection's stream.
struct EventStreamHandoff {
  EventStreams* streams = nullptr;
  EventStreams::Id id = 0;
  bool written = false;
};
EventStreamHandoff TakeEventStreamHandoff();
// True while the request on this thread is being answered as an event stream.
bool EventStreamPending();

}  // namespace cammio::http
