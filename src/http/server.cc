#include "http/server.h"

#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "http/connection_control.h"
#include "http/header_lookup.h"
#include "http/tls_listener.h"
#include "http/worker_pool.h"

namespace cammio::http {
namespace {

// Linux lets listen(2) be called again on a listening socket to change its
// backlog; cpp-httplib 0.18.7 listens with CPPHTTPLIB_LISTEN_BACKLOG (5).
template <class Base>
class Listener : public Base {
 public:
  using Base::Base;
  void SetBacklog(int backlog) { ::listen(this->svr_sock_, backlog); }
};

// The plain-HTTP listener (for a reverse proxy): the same connection loop and
// request-head checks as the TLS listener, over a plain socket.
using PlainListener = Listener<Http1Server>;

// What OnHead decided for the request this thread serves (every hook of a
// request runs on one thread): DispatchWithBody needs `stream_body`.
thread_local HeadDecision t_head;

// cpp-httplib applies a request's Range to whatever body is answered, error
// documents included. Only file responses (a content provider with 200) may
// be sliced; everything else ignores Range, as RFC 9110 allows. The Request
// is cpp-httplib's own non-const local.
void DropRanges(const httplib::Request& req) { const_cast<httplib::Request&>(req).ranges.clear(); }

// Headers every answer of a listener carries (docs/decisions.md "HTTP
// details"): nosniff, so no answer -- a media file above all -- is ever read
// as another type than it declares; and HSTS where browsers reach the server
// over HTTPS: on the TLS listener, and on the plain one only when asked (it
// then sits behind a TLS-terminating proxy). cpp-httplib adds them to each
// response before any hook runs, errors included.
httplib::Headers ListenerHeaders(bool tls, bool hsts_on_plain_http) {
  httplib::Headers h{{"X-Content-Type-Options", "nosniff"}};
  if (tls || hsts_on_plain_http) {
    h.emplace("Strict-Transport-Security", "max-age=31536000");
  }
  return h;
}

bool HasBody(const httplib::Request& req) {
  const std::string length = HeaderValue(req.headers, "Content-Length");
  return (!length.empty() && length.find_first_not_of('0') != std::string::npos) ||
         HasHeader(req.headers, "Transfer-Encoding");
}

// "/:s1", "/:s1/:s2", ... : cpp-httplib patterns that match every path of
// 1 to 8 segments without std::regex (Install).
const std::vector<std::string>& SegmentPatterns() {
  static const std::vector<std::string> patterns = [] {
    std::vector<std::string> out;
    std::string p;
    for (int i = 1; i <= 8; ++i) out.push_back(p += "/:s" + std::to_string(i));
    return out;
  }();
  return patterns;
}

// cpp-httplib's ".*" does not match a path with a line break ('.' excludes
// them): such a request is answered 404 by the transport, never dispatched.
bool HasLineBreak(const std::string& path) {
  return path.find_first_of("\r\n") != std::string::npos;
}

Status BodyTooLarge(size_t max_body_bytes) {
  return Status::PayloadTooLarge("the request body is larger than " +
                                 std::to_string(max_body_bytes) + " bytes");
}

}  // namespace

Status CheckServerOptions(const ServerOptions& o) {
  if (o.cert_file.empty() && o.http_listen_host.empty()) {
    return Status::InvalidArgument("no listener: neither a certificate nor a plain-HTTP address");
  }
  if (!o.cert_file.empty() && o.listen_host.empty()) {
    return Status::InvalidArgument("ServerOptions.listen_host is not set (the TLS listener)");
  }
  const struct {
    const char* name;
    long long value;
    long long min;
  } fields[] = {
      {"workers", o.workers, 1},
      {"running_workers", o.running_workers, 1},
      {"max_idle_connections", o.max_idle_connections, 0},
      {"keep_alive_max_count", o.keep_alive_max_count, 1},
      {"keep_alive_timeout_s", o.keep_alive_timeout_s, 1},
      {"read_timeout_s", o.read_timeout_s, 1},
      {"header_timeout_s", o.header_timeout_s, 1},
      {"write_timeout_s", o.write_timeout_s, 1},
      {"max_body_bytes", static_cast<long long>(o.max_body_bytes), 1},
      {"max_upload_bytes", static_cast<long long>(o.max_upload_bytes), 1},
      {"backlog", o.backlog, 1},
      {"tls_session_tickets", o.tls_session_tickets, 0},
  };
  for (const auto& f : fields) {
    if (f.value < f.min) {
      return Status::InvalidArgument(std::string("ServerOptions.") + f.name +
                                     " is not set (at least " + std::to_string(f.min) + ", got " +
                                     std::to_string(f.value) +
                                     "): its value comes from the settings "
                                     "(cli::ServerOptionsFrom)");
    }
  }
  return Status::OK();
}

bool IsListenerHeader(const std::string& name) {
  return name == "X-Content-Type-Options" || name == "Strict-Transport-Security";
}

struct Server::Impl {
  Impl(ServerOptions o, Handler& h, ServerObserver obs)
      : options(std::move(o)), handler(h), observer(std::move(obs)) {}
  ServerOptions options;
  Handler& handler;
  ServerObserver observer;
  std::shared_ptr<const TlsServerContext> tls;
  std::unique_ptr<Http1Server> https;
  std::unique_ptr<Http1Server> plain;
  std::thread https_thread;
  std::thread plain_thread;

  httplib::Server::HandlerResponse PreRouting(const httplib::Request& req, httplib::Response& res);
  void Dispatch(const httplib::Request& req, httplib::Response& res, const std::string& body,
                const httplib::ContentReader* reader = nullptr);
  void DispatchWithBody(const httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader& reader);
  // A request whose method carries no body (GET, HEAD, OPTIONS, DELETE
  // without Content-Length).
  void DispatchBodiless(const httplib::Request& req, httplib::Response& res);
  // `limit_running`: the HTTPS listener, whose running workers are limited
  // (http/worker_pool.h); on the plain one every thread may run.
  void Install(Http1Server& svr, bool limit_running);
  Status Bind(httplib::Server& svr, const std::string& host, int port, int* bound);
};

httplib::Server::HandlerResponse Server::Impl::PreRouting(const httplib::Request& req,
                                                          httplib::Response& res) {
  // HTTP/1.1: a request with neither Content-Length nor Transfer-Encoding has
  // an empty body (RFC 9112 6.3). cpp-httplib 0.18.7 would instead read a
  // POST until the client closes (or the read timeout). The Request object is
  // cpp-httplib's own non-const local, so adding the header is well-defined.
  if (!HasHeader(req.headers, "Content-Length") && !HasHeader(req.headers, "Transfer-Encoding")) {
    const_cast<httplib::Request&>(req).set_header("Content-Length", "0");
  }
  t_head = handler.OnHead(req, res);
  bool answered = t_head.answered;
  if (!answered && !t_head.stream_body &&
      std::strtoull(HeaderValue(req.headers, "Content-Length").c_str(), nullptr, 10) >
          options.max_body_bytes) {
    handler.OnBodyError(req, res, BodyTooLarge(options.max_body_bytes));
    answered = true;
  }
  if (!answered) answered = !handler.OnAdmit(req, res);
  if (!answered) {
    // GET, HEAD and OPTIONS go to Dispatch from here, as the ".*" routes
    // Install registers would send them, without cpp-httplib's regex match
    // of the path (a few thousand instructions on every request). A path
    // with a line break is left to the regex: '.' does not match one, so
    // cpp-httplib answers it 404 itself.
    const bool bodiless = req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS";
    if (!bodiless || req.path.find_first_of("\r\n") != std::string::npos) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    DispatchBodiless(req, res);
    return httplib::Server::HandlerResponse::Handled;
  }
  DropRanges(req);
  if (HasBody(req)) {  // its body is still unread on the connection
    res.set_header("Connection", "close");
    RequestConnectionClose();
  }
  return httplib::Server::HandlerResponse::Handled;
}

// Reads the body ourselves so the payload limit holds however it is framed:
// cpp-httplib holds a body (chunked ones included) only to its own payload
// limit, which must admit upload chunks (Install), so ordinary bodies are
// held to max_body_bytes here.
void Server::Impl::DispatchWithBody(const httplib::Request& req, httplib::Response& res,
                                    const httplib::ContentReader& reader) {
  if (HasLineBreak(req.path)) {  // see SegmentPatterns: as cpp-httplib's 404
    size_t read = 0;
    const bool complete = reader([&](const char*, size_t len) {
      read += len;
      return read <= options.max_body_bytes;
    });
    if (!complete) RequestConnectionClose();  // the rest is still on the wire
    res.status = 404;
    return;
  }
  if (t_head.stream_body) {
    Dispatch(req, res, req.body, &reader);
    return;
  }
  std::string body;
  bool too_large = false;
  bool complete = reader([&](const char* data, size_t len) {
    if (body.size() + len > options.max_body_bytes) {
      too_large = true;
      return false;
    }
    body.append(data, len);
    return true;
  });
  if (!complete) {
    if (res.status == 413) {
      too_large = true;  // cpp-httplib refused a Content-Length over the limit and skipped it
    } else {
      // The rest of the body is unread: this connection cannot carry another request.
      res.set_header("Connection", "close");
      RequestConnectionClose();
    }
    handler.OnBodyError(req, res,
                        too_large ? BodyTooLarge(options.max_body_bytes)
                                  : Status::InvalidArgument("the request body could not be read"));
    return;
  }
  Dispatch(req, res, body);
}

void Server::Impl::DispatchBodiless(const httplib::Request& req, httplib::Response& res) {
  // cpp-httplib leaves the body of a GET/OPTIONS unread; if one came, the
  // connection cannot carry another request.
  if (HasBody(req)) RequestConnectionClose();
  if (HasLineBreak(req.path)) {  // a DELETE (see SegmentPatterns): as cpp-httplib's 404
    res.status = 404;
    return;
  }
  Dispatch(req, res, req.body);
}

void Server::Impl::Dispatch(const httplib::Request& req, httplib::Response& res,
                            const std::string& body, const httplib::ContentReader* reader) {
  const bool consumed = handler.OnRequest(req, res, Body{body, reader});
  // A provider without a length (an event stream) cannot be sliced either.
  if (res.status >= 300 || !res.content_provider_ || res.content_length_ == 0) DropRanges(req);
  if (!consumed) {  // part of a streamed body is still on the wire
    res.set_header("Connection", "close");
    RequestConnectionClose();
  }
}

void Server::Impl::Install(Http1Server& svr, bool limit_running) {
  svr.new_task_queue = [this, limit_running] {
    WorkerPoolOptions o;
    o.threads = static_cast<size_t>(options.workers);
    // The plain listener: every thread may run.
    o.running_target = limit_running ? static_cast<size_t>(options.running_workers)
                                     : WorkerPoolOptions::kNoRunningLimit;
    // Connections between requests (and in a handshake or head) hold no
    // thread; past this many the oldest idle ones are shed.
    o.max_parked = static_cast<size_t>(options.max_idle_connections);
    o.connection_opened = observer.connection_opened;
    o.connection_closed = observer.connection_closed;
    o.connection_shed = observer.connection_shed;
    return new WorkerPool(std::move(o));
  };
  svr.set_tcp_nodelay(true);
  svr.set_default_headers(ListenerHeaders(/*tls=*/limit_running, options.hsts_on_plain_http));
  svr.set_refusal_headers(ListenerHeaders(/*tls=*/limit_running, options.hsts_on_plain_http));
  svr.set_keep_alive_max_count(options.keep_alive_max_count);
  svr.set_keep_alive_timeout(options.keep_alive_timeout_s);
  svr.set_read_timeout(options.read_timeout_s);
  svr.set_header_timeout(std::chrono::seconds(options.header_timeout_s));
  // A refused head never reaches the handler: the observer learns of it.
  if (observer.head_refused) svr.set_head_refused_handler(observer.head_refused);
  svr.set_refusal_body([this](int status, const std::string& details) {
    return handler.RefusedHead(status, details);
  });
  svr.set_write_timeout(options.write_timeout_s);
  // cpp-httplib's own limit must admit upload chunks; ordinary bodies are held
  // to max_body_bytes by the pre-routing hook and DispatchWithBody.
  svr.set_payload_max_length(std::max(options.max_body_bytes, options.max_upload_bytes));
  svr.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) { return PreRouting(req, res); });
  auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
    DispatchBodiless(req, res);
  };
  auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader& reader) {
    DispatchWithBody(req, res, reader);
  };
  // Every path goes to Dispatch. cpp-httplib matches a pattern with "/:" in
  // it segment by segment, and any other pattern with std::regex, whose
  // ".*" cost about 40K instructions per request (a sixth of a POST's work
  // outside the write). So one pattern per segment count, then ".*" for
  // longer paths. Such a pattern also matches a path with a line break,
  // which ".*" does not: DispatchWithBody answers those 404 itself, as
  // cpp-httplib would (bodiless ones never get here, see PreRouting).
  for (const std::string& p : SegmentPatterns()) {
    svr.Delete(p, dispatch);  // a DELETE without Content-Length has no body
    svr.Post(p, with_body);
    svr.Put(p, with_body);
    svr.Patch(p, with_body);
    svr.Delete(p, with_body);
  }
  svr.Get(".*", dispatch);
  svr.Options(".*", dispatch);
  svr.Delete(".*", dispatch);
  svr.Post(".*", with_body);
  svr.Put(".*", with_body);
  svr.Patch(".*", with_body);
  svr.Delete(".*", with_body);
  // Errors cpp-httplib raises itself (400 bad request line, 413, 414, 416)
  // and any status a handler set without a body: the handler adds the body.
  svr.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        DropRanges(req);
        return handler.OnErrorStatus(req, res) ? httplib::Server::HandlerResponse::Handled
                                               : httplib::Server::HandlerResponse::Unhandled;
      }));
  svr.set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        handler.OnException(req, res, what);
      });
  svr.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    handler.OnDone(req, res);
    t_head = HeadDecision();
  });
}

Status Server::Impl::Bind(httplib::Server& svr, const std::string& host, int port, int* bound) {
  int p = port == 0 ? svr.bind_to_any_port(host) : (svr.bind_to_port(host, port) ? port : -1);
  if (p <= 0) {
    return Status::IoError("cannot listen on " + host + ":" + std::to_string(port) +
                           " (in use, or not allowed)");
  }
  *bound = p;
  return Status::OK();
}

Server::Server(ServerOptions options, Handler& handler, ServerObserver observer)
    : impl_(new Impl(std::move(options), handler, std::move(observer))) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  Impl& m = *impl_;
  Status valid = CheckServerOptions(m.options);
  if (!valid.ok()) return valid;
  const bool with_tls = !m.options.cert_file.empty();
  std::unique_ptr<Listener<TlsServer>> https;
  if (with_tls) {
    auto tls = TlsServerContext::Load(m.options.cert_file, m.options.key_file,
                                      m.options.tls_session_tickets != 0);
    if (!tls.ok()) return tls.status();
    m.tls = tls.value();
    https = std::make_unique<Listener<TlsServer>>(m.tls);
    m.Install(*https, /*limit_running=*/true);
    Status s = m.Bind(*https, m.options.listen_host, m.options.listen_port, &port_);
    if (!s.ok()) return s;
    https->SetBacklog(m.options.backlog);
  }
  if (!m.options.http_listen_host.empty()) {
    auto plain = std::make_unique<PlainListener>();
    m.Install(*plain, /*limit_running=*/false);
    Status s = m.Bind(*plain, m.options.http_listen_host, m.options.http_listen_port, &http_port_);
    if (!s.ok()) return s;
    plain->SetBacklog(m.options.backlog);
    m.plain = std::move(plain);
    m.plain_thread = std::thread([&m] { m.plain->listen_after_bind(); });
  }
  if (https) {
    m.https = std::move(https);
    m.https_thread = std::thread([&m] { m.https->listen_after_bind(); });
  }
  return Status::OK();
}

// stop() is a no-op on a server whose accept loop has not started yet, so wait
// (briefly) until it runs.
static void StopRunning(httplib::Server* svr) {
  if (svr == nullptr) return;
  for (int i = 0; i < 500 && !svr->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  svr->stop();
}

void Server::Stop() {
  if (!impl_) return;
  Impl& m = *impl_;
  // Stop each listener once (cpp-httplib asserts on a second stop()).
  if (m.https_thread.joinable()) StopRunning(m.https.get());
  if (m.plain_thread.joinable()) StopRunning(m.plain.get());
  if (m.https_thread.joinable()) m.https_thread.join();
  if (m.plain_thread.joinable()) m.plain_thread.join();
  // Event streams handed over by the listeners end with them.
  if (m.https) m.https->CloseEventStreams();
  if (m.plain) m.plain->CloseEventStreams();
}

}  // namespace cammio::http
