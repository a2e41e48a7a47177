// Call: what a handler sees of one request: the parsed route, the caller,
// the negotiated format, the shared services, and the ways to answer.
//
// Handler shape (api/router.h): `Status Handler(Call& call)`. A handler either
// calls call.Reply(...) and returns OK, or returns an error Status and the
// pipeline renders it (api/errors.h). It never writes an error body
// itself.
//
// Thread-safety: a Call belongs to one request thread.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/events.h"
#include "api/format_negotiation.h"
#include "api/router.h"
#include "api/upload_claims.h"
#include "cammio/document.h"
#include "config/public_links.h"
#include "format/render.h"
#include "net/address.h"
#include "store/accounts.h"
#include "store/store.h"
#include "util/time.h"

namespace cammio {

class AuthThrottle;
class LiveRooms;
class DatabaseIntegrity;
class Metrics;
class ResponseCache;
struct IdempotentRequest;

// The console's sign-in settings (docs/console.md; the settings
// console_idle_minutes, console_session_hours, password_iterations). The
// defaults here are the settings table's (config/config.cc).
struct ConsoleSettings {
  int64_t idle_seconds = 8 * 3600;       // a session unused this long ends
  int64_t absolute_seconds = 7 * 86400;  // a session ends this long after sign-in
  int64_t password_iterations = 200000;  // PBKDF2 work factor (util/password.h)
};

// Services shared by all requests; owned by the server, outlives every Call.
struct ServerContext {
  Store* store = nullptr;
  Clock* clock = nullptr;
  AuthThrottle* throttle = nullptr;
  // Answers of Cached(...) routes (api/response_cache.h); null = no cache.
  ResponseCache* response_cache = nullptr;
  // The start's integrity check (store/integrity.h) that /healthz and
  // /metrics report; null = not checked.
  const DatabaseIntegrity* integrity = nullptr;
  // The request counters behind /metrics (api/metrics.h); null = not counted.
  Metrics* metrics = nullptr;
  PublicLinks links;     // the links handed out (config/public_links.h)
  std::string data_dir;  // media files live in data_dir/media
  // Cross-module events (api/events.h): a completion's outbox rows, and the
  // wake-ups of the mail and notification senders after a commit. Never
  // null; set by the composition root (cli/app_events.h).
  Events* events = &NoEvents();
  // Where connections made on a tenant's behalf may go (the notification
  // test call, api/notifications.h): the operator's `outbound_allow`.
  net::OutboundPolicy outbound;
  // Which PATCH may write to each unfinished upload (api/upload_claims.h).
  // Copies of this context share it.
  std::shared_ptr<UploadClaims> upload_claims = std::make_shared<UploadClaims>();
  // The live interviews' rooms and their event streams (api/live.h); null =
  // the room's routes answer 503.
  LiveRooms* live = nullptr;
  // Console sessions and passwords (api/session_auth.h).
  ConsoleSettings console;
  // Peers whose forwarding headers name the client (api/client_address.h);
  // the Pipeline copies PipelineOptions::trusted_proxies here when empty.
  std::vector<net::Cidr> trusted_proxies;
};

class Call {
 public:
  // `body` is the request body as read under the payload limit; `formats`
  // what Negotiate() decided for this request.
  Call(ServerContext& ctx, const httplib::Request& req, const std::string& body,
       httplib::Response& res, const FormatNegotiation& formats, const PathParams& params,
       const Principal* principal)
      : ctx_(ctx),
        req_(req),
        body_(body),
        res_(res),
        format_(formats.response),
        body_format_(formats.body),
        params_(params),
        principal_(principal) {}

  const httplib::Request& req() const { return req_; }
  const std::string& body() const { return body_; }
  httplib::Response& res() { return res_; }
  // The answer's format.
  Format format() const { return format_; }
  // How the request body is read (BodyObject).
  Format body_format() const { return body_format_; }
  Store& store() { return *ctx_.store; }
  int64_t now() const { return ctx_.clock->Now(); }
  const ServerContext& ctx() const { return ctx_; }
  // The id bound to `:name` in the route pattern (0 when the route has none).
  int64_t Param(std::string_view name) const { return params_.Get(name); }
  // The text bound to `{name}` ("" when the route has none).
  std::string Token(std::string_view name) const { return params_.Token(name); }
  // The authenticated caller; only valid on authenticated routes.
  const Principal& principal() const { return *principal_; }
  int64_t account_id() const { return principal_->user.account_id; }
  // The vacancy a handler found the resource it answers about in, noted by
  // CheckVacancyScope (api/scope.h) for the response cache: what a flat
  // path's answer depends on (store/change_log.h, ChangeScope). 0: none
  // noted; -1: several (the answer depends on the whole account). Const
  // like the scope checks that note it; one request's thread only.
  void NoteVacancy(int64_t vacancy_id) const {
    noted_vacancy_ = noted_vacancy_ == 0 || noted_vacancy_ == vacancy_id ? vacancy_id : -1;
  }
  int64_t noted_vacancy() const { return noted_vacancy_; }
  // Runs `write` as one store write (Store::Write) and, when it succeeds,
  // `reply`, which only builds the answer (Reply/ReplyList) from what `write`
  // produced. A handler that creates something answers this way, in one
  // write. Returns the write's error or the commit's; the pipeline then
  // renders that error, whatever `reply` had set.
  //
  // Where `reply` runs (the writer thread only writes, docs/decisions.md):
  // - a POST with an Idempotency-Key (set_idempotent): inside the write,
  //   after the last write, and the answer is stored in that same
  //   transaction (api/idempotency.h), so the write and the answer a retry
  //   replays commit together or not at all;
  // - any other request: after the commit, on the request's thread.
  // So `write` must leave in its captures everything `reply` needs (re-read
  // rows, ids); `reply` reads nothing from the store.
  Status WriteAndReply(const Store::WriteFn& write, const std::function<void()>& reply);
  // For a request whose input failed validation before the write: runs
  // `decide` (the reads the write would have made first: existence, scope,
  // status) in a read snapshot and returns its error, else `invalid`. So the
  // client gets the error the write would have given, and invalid input
  // never reaches the writer thread.
  Status RefuseInvalid(const Status& invalid, const Store::ReadFn& decide);
  // Set by the Idempotency-Key pipeline while the handler runs; null otherwise.
  void set_idempotent(IdempotentRequest* request) { idempotent_ = request; }

  // The request body, read in body_format(), as one object of resource `root`
  // ("vacancy"): accepts the wrapped {"vacancy": {...}} and unwrapped {...}
  // forms, an array of one such element, and XML <vacancy>. InvalidArgument for an empty or
  // malformed body, a wrong root element, or an array of several.
  Result<Value> BodyObject(std::string_view root) const;
  // Same, but an array of several elements is allowed: each is unwrapped.
  // `*was_array` tells whether the body was an array.
  Result<std::vector<Value>> BodyObjects(std::string_view root, bool* was_array) const;

  // Routes with stream_body: reads the body piece by piece into `sink`
  // (return false to stop). True when the whole body was read.
  bool ReadBody(const std::function<bool(const char*, size_t)>& sink);
  void set_reader(const httplib::ContentReader* reader) { reader_ = reader; }
  // False when a streamed body was not read to its end (the connection must
  // then be closed).
  bool body_consumed() const { return reader_ == nullptr || body_consumed_; }

  // Sends `doc` with `http_status` in the negotiated format. `list_root`
  // names a top-level array in XML ("vacancies").
  void Reply(int http_status, const Value& doc, std::string_view list_root = "");
  // A list reply: sets X-Total-Count.
  void ReplyList(const Value& items, std::string_view list_root, int64_t total);

 private:
  Result<Value> ParseBody() const;
  ServerContext& ctx_;
  const httplib::Request& req_;
  const std::string& body_;
  httplib::Response& res_;
  Format format_;
  Format body_format_;
  const PathParams& params_;
  const Principal* principal_;
  const httplib::ContentReader* reader_ = nullptr;
  bool body_consumed_ = false;
  IdempotentRequest* idempotent_ = nullptr;
  mutable int64_t noted_vacancy_ = 0;
};

// The refusal of an admin-only console route to a recruiter.
inline constexpr char kAdminRoleNeeded[] = "this needs the admin role";

// OK when the caller is an admin of its account (User::is_admin), else
// Forbidden (403, Status::Unauthenticated) with `refusal` as details: the one
// role check of every admin-only route, the API's settings and the
// console's users, tokens and settings (docs/console.md "Roles"). Only on
// authenticated routes.
Status RequireAdmin(const Call& call, std::string_view refusal = kAdminRoleNeeded);

}  // namespace cammio
