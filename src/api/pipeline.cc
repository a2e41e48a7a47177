#include "api/pipeline.h"

#include <strings.h>

#include <cstdlib>
#include <optional>

#include "api/auth_throttle.h"
#include "api/client_address.h"
#include "api/errors.h"
#include "api/format_negotiation.h"
#include "api/idempotency.h"
#include "api/log_path.h"
#include "api/metrics.h"
#include "api/principal_cache.h"
#include "api/response_cache.h"
#include "api/session_auth.h"
#include "http/header_lookup.h"
#include "http/server.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/random.h"

namespace cammio {
namespace {

constexpr const char kForbiddenDetails[] =
    "User does not have access to the API. Please check your authentication header";

// Per-request state carried from the first hook of a request to OnDone.
// Every hook of one request runs on the same thread (http/handler.h), so a
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
  // A console session authenticated an unsafe request whose CSRF token was
  // not in a header: the form field is checked once the body is read.
  bool csrf_from_body = false;
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
    t_state.csrf_from_body = false;
  }
  if (!http::HasHeader(res.headers, "X-Request-Id")) res.set_header("X-Request-Id", t_state.id);
  return t_state;
}

void ReplyError(const PipelineOptions& options, const httplib::Request& req, httplib::Response& res,
                Format format, const Status& status) {
  int http = HttpStatusFor(status);
  if (http == 500) LogError("request " + t_state.id + " failed: " + status.ToString());
  // A browser opening a page: an HTML page (web/error_page.h).
  if (options.error_presenter && options.error_presenter(req, res, status)) return;
  res.status = http;
  res.set_content(Render(ErrorDocumentFor(status), format), ContentTypeFor(format));
}

// Parses "Basic base64(user:token)". False when absent or malformed.
bool ParseBasic(const httplib::Request& req, std::string* user, std::string* token) {
  std::string h = http::HeaderValue(req.headers, "Authorization");
  if (h.empty()) h = http::HeaderValue(req.headers, "Authentication");
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
  return http::HeaderValues(req.headers, name);
}

// The console session cookie instead of Basic credentials
// (api/session_auth.h): the same principal, scoped to the user's account;
// unsafe methods need the session's CSRF token and a same-origin request.
Status AuthenticateCookie(const ServerContext& ctx, const httplib::Request& req, RequestState& st) {
  const bool cached = st.match.route->cached && ctx.response_cache != nullptr;
  auto p = AuthenticateSessionRequest(ctx, req, cached ? &st.generation : nullptr);
  if (!p.ok()) return p.status();
  if (!p.value()) return Status::Unauthenticated(kForbiddenDetails);
  if (IsUnsafeMethod(req.method)) {
    Status s = CheckSameOrigin(req, ctx);
    if (!s.ok()) return s;
    if (http::HasHeader(req.headers, "X-CSRF-Token") || st.match.route->stream_body) {
      s = CheckCsrfToken(req, "", (*p)->session->csrf_token);
      if (!s.ok()) return s;
    } else {
      st.csrf_from_body = true;
    }
  }
  st.principal = std::move(*p.value());
  return Status::OK();
}

Status Authenticate(const ServerContext& ctx, const PipelineOptions& options,
                    PrincipalCache& principals, const httplib::Request& req, RequestState& st) {
  std::string user, token;
  // Basic credentials win over a session cookie sent with them (an ATS
  // integration running in a signed-in browser is still the token's user).
  const bool has_authorization = http::HasHeader(req.headers, "Authorization") ||
                                 http::HasHeader(req.headers, "Authentication");
  if (!has_authorization && http::HasHeader(req.headers, "Cookie")) {
    return AuthenticateCookie(ctx, req, st);
  }
  if (!ParseBasic(req, &user, &token)) return Status::Unauthenticated(kForbiddenDetails);
  int64_t now = ctx.clock->Now();
  const std::string client = ClientAddress(req.remote_addr, HeaderValues(req, "X-Forwarded-For"),
                                           HeaderValues(req, "Forwarded"), options.trusted_proxies);
  // Checked even when throttled: only failures are refused (auth_throttle.h).
  const int64_t wait = ctx.throttle->RetryAfter(user, client, now);
  Result<Principal> p = Status::Internal("unset");
  const bool cached = st.match.route->cached && ctx.response_cache != nullptr;
  const std::string key = PrincipalCache::Key(user, token);
  Status s = ctx.store->Read([&](Db& db) {
    // In the same snapshot as the credentials' check and before the handler
    // reads: see principal_cache.h and response_cache.h.
    auto generation = ChangeGeneration(db);
    if (!generation.ok()) return generation.status();
    if (cached) st.generation = generation.value();
    auto hit = principals.Find(key, generation.value(), ctx.store->change_log());
    if (ctx.metrics != nullptr) ctx.metrics->RecordPrincipalLookup(hit.has_value());
    if (hit) {
      p = std::move(*hit);
      return Status::OK();
    }
    p = cammio::Authenticate(db, user, token);
    if (p.ok()) principals.Put(key, p.value(), generation.value());
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
    principals.NoteTokenUsed(key, now);
  }
  st.principal = std::move(p.value());
  return Status::OK();
}

// What a cached answer depends on (store/change_log.h): the vacancy its path
// names (the nested routes' :vacancy_id), whose handlers answer 404 for
// anything outside it (api/scope.h); else the one vacancy the handler found
// its resource in (GET /api/vacancies/:id, a flat /api/invitations/:id:
// Call::NoteVacancy); else the caller's whole account.
ChangeScope CacheScope(const RequestState& st, const Call& call) {
  ChangeScope scope{st.principal->user.account_id, st.match.params.Get("vacancy_id")};
  if (scope.vacancy_id == 0 && call.noted_vacancy() > 0) scope.vacancy_id = call.noted_vacancy();
  return scope;
}

// Answers a Cached(...) route from the response cache, or runs its handler
// and keeps the answer. Only complete 200 answers are kept: not errors (they
// may depend on the throttle or a failure) and not streamed bodies.
Status RunCached(const ServerContext& ctx, Call& call, const Route& route, const RequestState& st) {
  const httplib::Request& req = call.req();
  httplib::Response& res = call.res();
  const std::string key = ResponseCache::Key(st.principal->user.id,
                                             st.formats.response == Format::kXml ? "xml" : "json",
                                             "GET", req.path, req.params);
  ChangeLog* log = &ctx.store->change_log();
  if (auto hit = ctx.response_cache->Find(key, st.generation, log)) {
    if (ctx.metrics != nullptr) ctx.metrics->RecordCacheLookup(true);
    res.status = hit->status;
    for (const auto& [name, value] : hit->headers) res.set_header(name, value);
    res.body = hit->body;
    return Status::OK();
  }
  if (ctx.metrics != nullptr) ctx.metrics->RecordCacheLookup(false);
  Status s = route.handler(call);
  if (!s.ok() || res.status != 200 || res.content_provider_) return s;
  auto entry = std::make_shared<ResponseCache::Entry>();
  entry->generation = st.generation;
  entry->scope = CacheScope(st, call);
  entry->status = res.status;
  entry->body = res.body;
  for (const auto& [name, value] : res.headers) {
    // The listener adds its own headers to the cached answer's response.
    if (name != "X-Request-Id" && !http::IsListenerHeader(name)) {
      entry->headers.emplace_back(name, value);
    }
  }
  ctx.response_cache->Put(key, std::move(entry), log);
  return s;
}

}  // namespace

Pipeline::Pipeline(ServerContext ctx, const Router& router, PipelineOptions options)
    : ctx_(std::move(ctx)), router_(router), options_(std::move(options)) {
  if (ctx_.trusted_proxies.empty()) ctx_.trusted_proxies = options_.trusted_proxies;
}

http::HeadDecision Pipeline::OnHead(const httplib::Request& req, httplib::Response& res) {
  // A new request's first hook. The previous request on this thread may have
  // ended without OnDone (cpp-httplib skips its logger when writing the
  // answer's head fails), so its state must not carry over: id, principal and
  // generation would belong to another request.
  t_state.active = false;
  RequestState& st = Begin(res);
  // A path that is a route as it stands (/api/openapi.json) is not a
  // resource with a format suffix.
  st.formats = Negotiate(req.path, req.headers, SuffixRule::kLiteral);
  st.match = router_.Match(req.method, req.path);
  if (st.match.route == nullptr && st.match.allow.empty()) {
    st.formats = Negotiate(req.path, req.headers);
    st.match = router_.Match(req.method, st.formats.path);
  }
  http::HeadDecision decision;
  if (st.match.route != nullptr) {
    decision.stream_body = st.match.route->stream_body;
    return decision;
  }
  if (!st.match.allow.empty()) res.set_header("Allow", st.match.allow);
  ReplyError(options_, req, res, st.formats.response, st.match.status);
  decision.answered = true;
  return decision;
}

bool Pipeline::OnAdmit(const httplib::Request& req, httplib::Response& res) {
  RequestState& st = Begin(res);
  if (!st.match.route->authenticated) return true;
  Status s = Authenticate(ctx_, options_, principals_, req, st);
  if (s.ok()) return true;
  if (s.code() == Status::Code::kTooManyRequests) res.set_header("Retry-After", "60");
  ReplyError(options_, req, res, st.formats.response, s);
  return false;
}

void Pipeline::OnBodyError(const httplib::Request& req, httplib::Response& res,
                           const Status& status) {
  RequestState& st = Begin(res);
  ReplyError(options_, req, res, st.formats.response, status);
}

bool Pipeline::OnRequest(const httplib::Request& req, httplib::Response& res,
                         const http::Body& body) {
  RequestState& st = Begin(res);
  // OnHead matched this request, or answered it itself.
  if (st.match.route == nullptr) {
    ReplyError(options_, req, res, st.formats.response,
               Status::Internal("dispatch without a route"));
    return true;
  }
  if (st.csrf_from_body) {
    Status csrf = CheckCsrfToken(req, body.buffered, st.principal->session->csrf_token);
    if (!csrf.ok()) {
      ReplyError(options_, req, res, st.formats.response, csrf);
      return true;
    }
  }
  Call call(ctx_, req, body.buffered, res, st.formats, st.match.params,
            st.principal ? &*st.principal : nullptr);
  call.set_reader(body.reader);
  const Route& route = *st.match.route;
  Status s;
  if (route.authenticated && req.method == "POST") {
    s = RunIdempotent(call, route.handler);
  } else if (route.cached && st.generation != 0 && st.principal) {
    s = RunCached(ctx_, call, route, st);
  } else {
    s = route.handler(call);
  }
  if (!s.ok()) ReplyError(options_, req, res, st.formats.response, s);
  return call.body_consumed();
}

// Errors cpp-httplib raises itself (400 bad request line, 413, 414, 416)
// and any status a handler set without a body get the error document.
bool Pipeline::OnErrorStatus(const httplib::Request& req, httplib::Response& res) {
  Begin(res);  // the X-Request-Id header
  if (!res.body.empty()) return false;
  Format format = Negotiate(req.path, req.headers).response;
  std::string details = res.status == 413 ? "the request body is larger than the limit"
                                          : MessageForHttpStatus(res.status);
  res.set_content(Render(ErrorDocument(res.status, details), format), ContentTypeFor(format));
  return true;
}

void Pipeline::OnException(const httplib::Request&, httplib::Response& res,
                           const std::string& what) {
  RequestState& st = Begin(res);
  LogError("request " + st.id + " threw: " + what);
  res.status = 500;
  res.set_content(Render(ErrorDocument(500, "Internal server error"), st.formats.response),
                  ContentTypeFor(st.formats.response));
}

void Pipeline::OnDone(const httplib::Request& req, const httplib::Response& res) {
  RequestState& st = t_state;
  int64_t ms = SystemClock().NowMillis() - st.start_ms;
  size_t bytes = res.body.size() ? res.body.size() : res.content_length_;
  // One buffer, not a chain of temporaries: this runs on every request.
  std::string line;
  line.reserve(160 + req.path.size());
  line.append("access id=").append(st.id.empty() ? "-" : st.id).append(" account=");
  line.append(st.principal ? std::to_string(st.principal->user.account_id) : "-");
  line.append(" ").append(req.method).append(" ").append(LogPath(req.path)).append(" ");
  line.append(std::to_string(res.status)).append(" ").append(std::to_string(bytes));
  line.append("B ").append(std::to_string(ms)).append("ms addr=").append(req.remote_addr);
  LogInfo(line);
  if (ctx_.metrics != nullptr) {
    ctx_.metrics->RecordRequest(req.method,
                                st.match.route != nullptr ? st.match.route->pattern : "unmatched",
                                res.status, ms);
  }
  st.active = false;
}

http::RefusalBody Pipeline::RefusedHead(int status, const std::string& details) {
  return {ContentTypeFor(Format::kJson), Render(ErrorDocument(status, details), Format::kJson)};
}

http::ServerObserver MetricsObserver(Metrics& metrics) {
  http::ServerObserver o;
  o.connection_opened = [&metrics] { metrics.ConnectionOpened(); };
  o.connection_closed = [&metrics] { metrics.ConnectionClosed(); };
  o.connection_shed = [&metrics] { metrics.ConnectionShed(); };
  // A refused head never reaches OnDone: it is counted here, as method
  // "other" on route "unmatched" (its method may be anything a client sent).
  o.head_refused = [&metrics](int status) {
    metrics.RecordRequest("other", "unmatched", status, 0);
  };
  return o;
}

}  // namespace cammio
