#include "http/server.h"

#include <sys/socket.h>

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>

#include "api/format_negotiation.h"
#include "api/idempotency.h"
#include "api/response_cache.h"
#include "http/auth_throttle.h"
#include "http/client_address.h"
#include "http/connection_control.h"
#include "http/error_render.h"
#include "http/tls_server.h"
#include "http/worker_pool.h"
#include "ops/metrics.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/random.h"
#include "web/html.h"

namespace cammio {
namespace {

constexpr const char kForbiddenDetails[] =
    "User does not have access to the API. Please check your authentication header";

// Per-request state carried from the pre-routing hook to the handler and the
// logger. cpp-httplib runs all hooks of one request on the same thread, so a
// thread_local is exact. Invariant: `active` is set from the first hook that
// sees a request until its log line is written.
struct RequestState {
  bool active = false;
  std::string id;
  int64_t start_ms = 0;
  // The request body's and the answer's formats (api/format_negotiation.h).
  FormatNegotiation formats;
  RouteMatch match;
  std::optional<Principal> principal;
  // The database's change generation, read with the credentials; 0 when the
  // route is not cached (api/response_cache.h).
  int64_t generation = 0;
};
thread_local RequestState t_state;

RequestState& Begin(httplib::Response& res) {
  if (!t_state.active) {
    t_state.active = true;
    t_state.id = RandomToken(10);
    t_state.start_ms = SystemClock().NowMillis();
    t_state.formats = FormatNegotiation();
    t_state.match = RouteMatch();
    t_state.principal.reset();
    t_state.generation = 0;
  }
  if (!res.has_header("X-Request-Id")) res.set_header("X-Request-Id", t_state.id);
  return t_state;
}

void ReplyError(const httplib::Request& req, httplib::Response& res, Format format,
                const Status& status) {
  int http = HttpStatusFor(status);
  if (http == 500) LogError("request " + t_state.id + " failed: " + status.ToString());
  if (web::WantsHtml(req)) {  // a browser opening a page: an HTML page (web/html.h)
    web::ReplyErrorPage(req, res, status);
    return;
  }
  res.status = http;
  res.set_content(Render(ErrorDocumentFor(status), format), ContentTypeFor(format));
}

// Parses "Basic base64(user:token)". False when absent or malformed.
bool ParseBasic(const httplib::Request& req, std::string* user, std::string* token) {
  std::string h = req.get_header_value("Authorization");
  if (h.empty()) h = req.get_header_value("Authentication");
  if (h.size() < 6 || strncasecmp(h.c_str(), "Basic ", 6) != 0) return false;
  std::string decoded;
  if (!Base64Decode(std::string_view(h).substr(6), &decoded)) return false;
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  *user = decoded.substr(0, colon);
  *token = decoded.substr(colon + 1);
  return !user->empty() && !token->empty();
}

// Every value of header `name`, in order.
std::vector<std::string> HeaderValues(const httplib::Request& req, const char* name) {
  std::vector<std::string> out;
  size_t n = req.get_header_value_count(name);
  for (size_t i = 0; i < n; ++i) out.push_back(req.get_header_value(name, i));
  return out;
}

// Linux lets listen(2) be called again on a listening socket to change its
// backlog; cpp-httplib 0.11.4 hard-codes 5.
template <class Base>
class Listener : public Base {
 public:
  using Base::Base;
  void SetBacklog(int backlog) { ::listen(this->svr_sock_, backlog); }
};

// The plain-HTTP listener (for a reverse proxy): the same connection loop and
// request-head checks as the TLS listener, over a plain socket.
using PlainListener = Listener<http::Http1Server>;

// cpp-httplib applies a request's Range to whatever body is answered, error
// documents included. Only file responses (a content provider with 200) may
// be sliced; everything else ignores Range, as RFC 9110 allows. The Request
// is cpp-httplib's own non-const local.
void DropRanges(const httplib::Request& req) { const_cast<httplib::Request&>(req).ranges.clear(); }

// Headers every answer of a listener carries (docs/decisions.md "HTTP
// details"): nosniff, so no answer -- a media file above all -- is ever read
// as another type than it declares; and HSTS where browsers reach the server
// over HTTPS: on the TLS listener, and on the plain one only when public_url
// is https (it then sits behind a TLS-terminating proxy). cpp-httplib adds
// them to each response before any hook runs, errors included.
httplib::Headers ListenerHeaders(bool tls, const std::string& public_url) {
  httplib::Headers h{{"X-Content-Type-Options", "nosniff"}};
  if (tls || public_url.rfind("https://", 0) == 0) {
    h.emplace("Strict-Transport-Security", "max-age=31536000");
  }
  return h;
}

bool IsListenerHeader(const std::string& name) {
  return name == "X-Content-Type-Options" || name == "Strict-Transport-Security";
}

bool HasBody(const httplib::Request& req) {
  const std::string length = req.get_header_value("Content-Length");
  return (!length.empty() && length.find_first_not_of('0') != std::string::npos) ||
         req.has_header("Transfer-Encoding");
}

}  // namespace

struct ApiServer::Impl {
  ServerContext ctx;
  ServerOptions options;
  std::shared_ptr<const http::TlsServerContext> tls;
  std::unique_ptr<httplib::Server> https;
  std::unique_ptr<httplib::Server> plain;
  std::thread https_thread;
  std::thread plain_thread;

  Status Authenticate(const httplib::Request& req, RequestState& st);
  httplib::Server::HandlerResponse PreRouting(const httplib::Request& req, httplib::Response& res);
  void Dispatch(const httplib::Request& req, httplib::Response& res, const std::string& body,
                const httplib::ContentReader* reader = nullptr);
  void DispatchWithBody(const httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader& reader);
  Status RunCached(Call& call, const Route& route, const RequestState& st);
  // `limit_running`: the HTTPS listener, whose running workers are limited
  // (http/worker_pool.h); on the plain one every thread may run.
  void Install(http::Http1Server& svr, bool limit_running);
  Status Bind(httplib::Server& svr, const std::string& host, int port, int* bound);
};

Status ApiServer::Impl::Authenticate(const httplib::Request& req, RequestState& st) {
  std::string user, token;
  if (!ParseBasic(req, &user, &token)) return Status::Unauthenticated(kForbiddenDetails);
  int64_t now = ctx.clock->Now();
  const std::string client =
      http::ClientAddress(req.remote_addr, HeaderValues(req, "X-Forwarded-For"),
                          HeaderValues(req, "Forwarded"), options.trusted_proxies);
  // Checked even when throttled: only failures are refused (auth_throttle.h).
  const int64_t wait = ctx.throttle->RetryAfter(user, client, now);
  Result<Principal> p = Status::Internal("unset");
  const bool cached = st.match.route->cached && ctx.response_cache != nullptr;
  Status s = ctx.store->Read([&](Db& db) {
    p = cammio::Authenticate(db, user, token);
    if (!p.ok() || !cached) return Status::OK();
    // In the same snapshot, before the handler reads: see response_cache.h.
    auto generation = ChangeGeneration(db);
    if (!generation.ok()) return generation.status();
    st.generation = generation.value();
    return Status::OK();
  });
  if (!s.ok()) return s;
  if (p.status().code() == Status::Code::kUnauthenticated) {
    ctx.throttle->RecordFailure(user, client, now);
    if (wait > 0) {
      LogWarn("request " + st.id + " refused: too many failed logins for user=" + user +
              " addr=" + client);
      return Status::TooManyRequests("too many failed authentication attempts; retry in " +
                                     std::to_string(wait) + " seconds");
    }
    LogWarn("request " + st.id + " authentication failed for user=" + user + " addr=" + client);
    return Status::Unauthenticated(kForbiddenDetails);
  }
  if (!p.ok()) return p.status();
  // Keep last-used roughly current without a write on every request.
  if (!p->token_last_used_at || *p->token_last_used_at < now - 60) {
    int64_t token_id = p->token_id;
    ctx.store->WriteAsync([token_id, now](Db& db) { return TouchToken(db, token_id, now); });
  }
  st.principal = std::move(p.value());
  return Status::OK();
}

httplib::Server::HandlerResponse ApiServer::Impl::PreRouting(const httplib::Request& req,
                                                             httplib::Response& res) {
  RequestState& st = Begin(res);
  // HTTP/1.1: a request with neither Content-Length nor Transfer-Encoding has
  // an empty body (RFC 9112 6.3). cpp-httplib 0.11.4 would instead read a
  // POST until the client closes (or the read timeout). The Request object is
  // cpp-httplib's own non-const local, so adding the header is well-defined.
  if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
    const_cast<httplib::Request&>(req).set_header("Content-Length", "0");
  }
  // A path that is a route as it stands (/api/openapi.json) is not a
  // resource with a format suffix.
  st.formats = Negotiate(req.path, req.headers, SuffixRule::kLiteral);
  st.match = ApiRouter().Match(req.method, req.path);
  if (st.match.route == nullptr && st.match.allow.empty()) {
    st.formats = Negotiate(req.path, req.headers);
    st.match = ApiRouter().Match(req.method, st.formats.path);
  }
  Status s = st.match.status;
  if (st.match.route == nullptr) {
    if (!st.match.allow.empty()) res.set_header("Allow", st.match.allow);
  } else if (!st.match.route->stream_body &&
             std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) >
                 options.max_body_bytes) {
    s = Status::PayloadTooLarge("the request body is larger than " +
                                std::to_string(options.max_body_bytes) + " bytes");
  } else if (st.match.route->authenticated) {
    s = Authenticate(req, st);
    if (s.code() == Status::Code::kTooManyRequests) {
      res.set_header("Retry-After", "60");
    }
  }
  if (s.ok()) return httplib::Server::HandlerResponse::Unhandled;
  DropRanges(req);
  ReplyError(req, res, st.formats.response, s);
  if (HasBody(req)) {  // its body is still unread on the connection
    res.set_header("Connection", "close");
    http::RequestConnectionClose();
  }
  return httplib::Server::HandlerResponse::Handled;
}

// Reads the body ourselves so the payload limit holds however it is framed:
// cpp-httplib 0.11.4 checks only Content-Length, and buffers chunked or
// unframed bodies without any limit.
void ApiServer::Impl::DispatchWithBody(const httplib::Request& req, httplib::Response& res,
                                       const httplib::ContentReader& reader) {
  if (t_state.match.route != nullptr && t_state.match.route->stream_body) {
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
    RequestState& st = Begin(res);
    if (res.status == 413) {
      too_large = true;  // cpp-httplib refused a Content-Length over the limit and skipped it
    } else {
      // The rest of the body is unread: this connection cannot carry another request.
      res.set_header("Connection", "close");
      http::RequestConnectionClose();
    }
    ReplyError(req, res, st.formats.response,
               too_large
                   ? Status::PayloadTooLarge("the request body is larger than " +
                                             std::to_string(options.max_body_bytes) + " bytes")
                   : Status::InvalidArgument("the request body could not be read"));
    return;
  }
  Dispatch(req, res, body);
}

// Answers a Cached(...) route from the response cache, or runs its handler
// and keeps the answer. Only complete 200 answers are kept: not errors (they
// may depend on the throttle or a failure) and not streamed bodies.
Status ApiServer::Impl::RunCached(Call& call, const Route& route, const RequestState& st) {
  const httplib::Request& req = call.req();
  httplib::Response& res = call.res();
  const std::string key =
      ResponseCache::Key(st.principal->user.id,
                         st.formats.response == Format::kXml ? "xml" : "json", "GET", req.path,
                         req.params);
  if (auto hit = ctx.response_cache->Find(key, st.generation)) {
    ops::Metrics::Global().RecordCacheLookup(true);
    res.status = hit->status;
    for (const auto& [name, value] : hit->headers) res.set_header(name, value);
    res.body = hit->body;
    return Status::OK();
  }
  ops::Metrics::Global().RecordCacheLookup(false);
  Status s = route.handler(call);
  if (!s.ok() || res.status != 200 || res.content_provider_) return s;
  auto entry = std::make_shared<ResponseCache::Entry>();
  entry->generation = st.generation;
  entry->status = res.status;
  entry->body = res.body;
  for (const auto& [name, value] : res.headers) {
    // The listener adds its own headers to the cached answer's response.
    if (name != "X-Request-Id" && !IsListenerHeader(name)) entry->headers.emplace_back(name, value);
  }
  ctx.response_cache->Put(key, std::move(entry));
  return s;
}

void ApiServer::Impl::Dispatch(const httplib::Request& req, httplib::Response& res,
                               const std::string& body, const httplib::ContentReader* reader) {
  RequestState& st = Begin(res);
  // The pre-routing hook matched this request, or answered it itself.
  if (st.match.route == nullptr) {
    ReplyError(req, res, st.formats.response, Status::Internal("dispatch without a route"));
    return;
  }
  Call call(ctx, req, body, res, st.formats, st.match.params,
            st.principal ? &*st.principal : nullptr);
  call.set_reader(reader);
  const Route& route = *st.match.route;
  Status s;
  if (route.authenticated && req.method == "POST") {
    s = RunIdempotent(call, route.handler);
  } else if (route.cached && st.generation != 0 && st.principal) {
    s = RunCached(call, route, st);
  } else {
    s = route.handler(call);
  }
  if (!s.ok()) ReplyError(req, res, st.formats.response, s);
  if (res.status >= 300 || !res.content_provider_) DropRanges(req);
  if (!call.body_consumed()) {  // part of a streamed body is still on the wire
    res.set_header("Connection", "close");
    http::RequestConnectionClose();
  }
}

void ApiServer::Impl::Install(http::Http1Server& svr, bool limit_running) {
  // Connections are counted for /metrics from accept to close.
  svr.new_task_queue = [this, limit_running] {
    http::WorkerPoolOptions o;
    o.threads = static_cast<size_t>(options.workers);
    o.running_target = 0;  // the plain listener: every thread may run
    // Connections between requests (and in a handshake or head) hold no
    // thread; past this many the oldest idle ones are shed.
    o.max_parked = static_cast<size_t>(options.max_idle_connections);
    if (limit_running) {
      o.running_target = options.running_workers > 0
                             ? static_cast<size_t>(options.running_workers)
                             : std::max(1u, std::thread::hardware_concurrency());
    }
    o.connection_opened = [] { ops::Metrics::Global().ConnectionOpened(); };
    o.connection_closed = [] { ops::Metrics::Global().ConnectionClosed(); };
    o.connection_shed = [] { ops::Metrics::Global().ConnectionShed(); };
    return new http::WorkerPool(std::move(o));
  };
  svr.set_tcp_nodelay(true);
  svr.set_default_headers(ListenerHeaders(/*tls=*/limit_running, ctx.links.base()));
  svr.set_refusal_headers(ListenerHeaders(/*tls=*/limit_running, ctx.links.base()));
  svr.set_keep_alive_max_count(options.keep_alive_max_count);
  svr.set_keep_alive_timeout(options.keep_alive_timeout_s);
  svr.set_read_timeout(options.read_timeout_s);
  svr.set_header_timeout(std::chrono::seconds(options.header_timeout_s));
  // A refused head never reaches the logger: it is counted here, as method
  // "other" on route "unmatched" (its method may be anything a client sent).
  svr.set_head_refused_handler(
      [](int status) { ops::Metrics::Global().RecordRequest("other", "unmatched", status, 0); });
  svr.set_write_timeout(options.write_timeout_s);
  // cpp-httplib's own limit must admit upload chunks; ordinary bodies are held
  // to max_body_bytes by the pre-routing hook and DispatchWithBody.
  svr.set_payload_max_length(std::max(options.max_body_bytes, options.max_upload_bytes));
  svr.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) { return PreRouting(req, res); });
  auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
    // cpp-httplib leaves the body of a GET/OPTIONS unread; if one came, the
    // connection cannot carry another request.
    if (HasBody(req)) http::RequestConnectionClose();
    Dispatch(req, res, req.body);
  };
  auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader& reader) {
    DispatchWithBody(req, res, reader);
  };
  svr.Get(".*", dispatch);
  svr.Options(".*", dispatch);
  svr.Delete(".*", dispatch);  // a DELETE without Content-Length has no body
  svr.Post(".*", with_body);
  svr.Put(".*", with_body);
  svr.Patch(".*", with_body);
  svr.Delete(".*", with_body);
  // Errors cpp-httplib raises itself (400 bad request line, 413, 414, 416)
  // and any status a handler set without a body get the error document.
  svr.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        Begin(res);  // the X-Request-Id header
        DropRanges(req);
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        Format format = Negotiate(req.path, req.headers).response;
        std::string details = res.status == 413 ? "the request body is larger than the limit"
                                                : MessageForHttpStatus(res.status);
        res.set_content(Render(ErrorDocument(res.status, details), format), ContentTypeFor(format));
        return httplib::Server::HandlerResponse::Handled;
      }));
  svr.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        RequestState& st = Begin(res);
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        LogError("request " + st.id + " threw: " + what);
        res.status = 500;
        res.set_content(Render(ErrorDocument(500, "Internal server error"), st.formats.response),
                        ContentTypeFor(st.formats.response));
      });
  svr.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    RequestState& st = t_state;
    std::string account = st.principal ? std::to_string(st.principal->user.account_id) : "-";
    int64_t ms = SystemClock().NowMillis() - st.start_ms;
    size_t bytes = res.body.size() ? res.body.size() : res.content_length_;
    LogInfo("access id=" + (st.id.empty() ? std::string("-") : st.id) + " account=" + account +
            " " + req.method + " " + web::LogPath(req.path) + " " + std::to_string(res.status) +
            " " + std::to_string(bytes) + "B " + std::to_string(ms) + "ms addr=" + req.remote_addr);
    ops::Metrics::Global().RecordRequest(
        req.method, st.match.route != nullptr ? st.match.route->pattern : "unmatched", res.status,
        ms);
    st.active = false;
  });
}

Status ApiServer::Impl::Bind(httplib::Server& svr, const std::string& host, int port, int* bound) {
  int p = port == 0 ? svr.bind_to_any_port(host) : (svr.bind_to_port(host, port) ? port : -1);
  if (p <= 0) {
    return Status::IoError("cannot listen on " + host + ":" + std::to_string(port) +
                           " (in use, or not allowed)");
  }
  *bound = p;
  return Status::OK();
}

ApiServer::ApiServer(ServerContext ctx, ServerOptions options) : impl_(new Impl) {
  impl_->ctx = std::move(ctx);
  impl_->options = std::move(options);
}

ApiServer::~ApiServer() { Stop(); }

Status ApiServer::Start() {
  Impl& m = *impl_;
  auto tls = http::TlsServerContext::Load(m.options.cert_file, m.options.key_file);
  if (!tls.ok()) return tls.status();
  m.tls = tls.value();
  auto https = std::make_unique<Listener<http::TlsServer>>(m.tls);
  m.Install(*https, /*limit_running=*/true);
  Status s = m.Bind(*https, m.options.listen_host, m.options.listen_port, &port_);
  if (!s.ok()) return s;
  https->SetBacklog(m.options.backlog);
  if (!m.options.http_listen_host.empty()) {
    auto plain = std::make_unique<PlainListener>();
    m.Install(*plain, /*limit_running=*/false);
    s = m.Bind(*plain, m.options.http_listen_host, m.options.http_listen_port, &http_port_);
    if (!s.ok()) return s;
    plain->SetBacklog(m.options.backlog);
    m.plain = std::move(plain);
    m.plain_thread = std::thread([&m] { m.plain->listen_after_bind(); });
  }
  m.https = std::move(https);
  m.https_thread = std::thread([&m] { m.https->listen_after_bind(); });
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

void ApiServer::Stop() {
  if (!impl_) return;
  Impl& m = *impl_;
  // Stop each listener once (cpp-httplib asserts on a second stop()).
  if (m.https_thread.joinable()) StopRunning(m.https.get());
  if (m.plain_thread.joinable()) StopRunning(m.plain.get());
  if (m.https_thread.joinable()) m.https_thread.join();
  if (m.plain_thread.joinable()) m.plain_thread.join();
}

}  // namespace cammio
