// What the transport (http::Server, http/server.h) asks of the application
// that answers its requests, and what it reports about its connections.
// The transport owns sockets, TLS, framing and the body limit; the handler
// owns everything a request means (routes, credentials, formats, error
// documents, logging). Nothing in http/ knows the API: it reaches it only
// through this interface.
//
// The hooks of one request, in order (every hook of one request runs on the
// same worker thread, one request at a time per thread; a handler may keep
// per-request state in a thread_local from OnHead, or the first hook that
// sees the request, until OnDone):
//
//   OnHead         the head is parsed, no body byte read. Matches the route.
//                  `answered`: the handler wrote the answer (404, 405); the
//                  rest is skipped.
//   (transport)    a body declared larger than ServerOptions::max_body_bytes
//                  on a route that does not stream: OnBodyError(413).
//   OnAdmit        the head passed the limit: authenticates. False: the
//                  handler wrote the answer (401/403/429).
//   OnRequest      the body (read by the transport under the limit, or a
//                  reader for streamed routes) and the answer.
//   OnBodyError    instead of OnRequest when the body was too large or could
//                  not be read, and for the declared-length 413 above.
//   OnErrorStatus  the transport (cpp-httplib) set a 4xx/5xx itself (400,
//                  413, 414, 416) or an answer has an error status: the
//                  handler gives it a body if it has none. May run without
//                  OnHead (a request line refused before routing).
//   OnException    a hook threw: the handler answers 500.
//   OnDone         after the answer was written (the access log). Runs for
//                  every request that reached cpp-httplib, OnHead or not.
//
// An event stream (http/event_streams.h): OnRequest may answer with
// AnswerWithEventStream. The transport writes the head (200,
// text/event-stream, close-delimited) and the first frame on the worker,
// OnDone runs then (once, with 200), and the connection leaves the worker
// for EventStreams: the request is over for the handler, the stream goes on
// without a thread. Past the streams' max_streams the answer is a 503 with
// no body, which OnErrorStatus completes like any other.
//
// After a request answered in OnHead/OnAdmit/OnBodyError with its body still
// unread, the transport closes the connection; Range is honoured only on a
// 2xx file answer (a content provider). A head refused before cpp-httplib
// parses it (431, 408, a malformed line) reaches no request hook: the
// transport answers it with RefusedHead's body and tells the observer's
// head_refused.
//
// Thread-safety: the hooks run concurrently on the worker threads of every
// listener; a Handler must be thread-safe and outlive the Server.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include "cammio/status.h"

namespace cammio::http {

struct HeadDecision {
  bool answered = false;     // OnHead wrote the answer: the body is not read
  bool stream_body = false;  // the body is not buffered: OnRequest gets a reader
};

// The body of the answer to a refused request head (below).
struct RefusalBody {
  std::string content_type;  // empty: the answer has no body
  std::string body;
};

// The request body as OnRequest sees it.
struct Body {
  // The body read under the limit; empty for a streamed route (see reader).
  const std::string& buffered;
  // Streamed routes: reads the body piece by piece. Null otherwise.
  const httplib::ContentReader* reader = nullptr;
};

class Handler {
 public:
  virtual ~Handler() = default;
  virtual HeadDecision OnHead(const httplib::Request& req, httplib::Response& res) = 0;
  virtual bool OnAdmit(const httplib::Request& req, httplib::Response& res) = 0;
  // Returns false when part of a streamed body was left unread (the
  // transport then closes the connection after the answer).
  virtual bool OnRequest(const httplib::Request& req, httplib::Response& res, const Body& body) = 0;
  virtual void OnBodyError(const httplib::Request& req, httplib::Response& res,
                           const Status& status) = 0;
  // True when it set the body (false: res already had one).
  virtual bool OnErrorStatus(const httplib::Request& req, httplib::Response& res) = 0;
  virtual void OnException(const httplib::Request& req, httplib::Response& res,
                           const std::string& what) = 0;
  virtual void OnDone(const httplib::Request& req, const httplib::Response& res) = 0;
  // The body for a head refused before cpp-httplib parsed it (400, 408, 414,
  // 431, 501, 505) with `details` saying why. No hook of a request runs for
  // it (there is no request); the transport writes the status line, its
  // listener headers, Connection: close and this body. Any worker thread.
  virtual RefusalBody RefusedHead(int status, const std::string& details) = 0;
};

// What the transport reports about its connections; every member may be
// empty. Called from worker and accept threads: must be thread-safe.
struct ServerObserver {
  std::function<void()> connection_opened;
  std::function<void()> connection_closed;
  // A parked connection closed to make room for another (worker_pool.h).
  std::function<void()> connection_shed;
  // A head refused before cpp-httplib saw it, with its status.
  std::function<void(int status)> head_refused;
};

}  // namespace cammio::http
