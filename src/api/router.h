// The route table: each row is (method, path pattern, handler, options); every
// handler has the one shape `Status Handler(Call&)`. Patterns are made of
//   literal segments                "/api/vacancies"
//   `:name` id segments             "/api/vacancies/:vacancy_id/invitations/:id"
//   `{name}` link-token segments    "/public/job_interviews/{token}"   (IsToken)
//   `{name:guest}` guest tokens     "/public/guests/{token:guest}"     (IsGuestToken)
// An id segment matches a positive decimal integer that fits int64; anything
// else does not match, so `/api/vacancies/abc` is a 404 like an unknown id.
// Token segments likewise match only their own shape; both kinds are read with
// PathParams::Token(name).
//
// Matching distinguishes "no such path" (404) from "path exists, method does
// not" (405 with Allow). HEAD matches GET routes.
//
// Thread-safety: a Router is immutable after construction; Match is const.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "cammio/status.h"

namespace cammio {

class Call;
using Handler = Status (*)(Call&);

struct Route {
  const char* method;   // "GET", "POST", "PUT", "DELETE"
  const char* pattern;  // "/api/vacancies/:id"
  Handler handler;
  bool authenticated = true;  // needs API credentials (checked before the body is read)
  bool stream_body = false;   // the handler reads the body itself (Call::ReadBody), unbuffered
  // GET answers may be served from the response cache (api/response_cache.h):
  // only for handlers whose answer depends on the caller, path, query, format
  // and database alone, never on the clock or on randomness.
  bool cached = false;
};

// A GET row whose answers the response cache may keep.
constexpr Route Cached(Route r) {
  r.cached = true;
  return r;
}

// Path parameters of a matched route, by name.
class PathParams {
 public:
  void Add(std::string_view name, int64_t value) { items_.push_back({name, value}); }
  void AddToken(std::string_view name, std::string_view value) {
    tokens_.emplace_back(name, std::string(value));
  }
  // 0 when absent (ids are always positive).
  int64_t Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name) != 0; }
  // "" when absent.
  std::string Token(std::string_view name) const;

 private:
  std::vector<std::pair<std::string_view, int64_t>> items_;
  std::vector<std::pair<std::string_view, std::string>> tokens_;
};

struct RouteMatch {
  const Route* route = nullptr;  // null: see `status`
  PathParams params;
  Status status;      // NotFound or MethodNotAllowed when route is null
  std::string allow;  // for 405: "GET, POST"
};

class Router {
 public:
  explicit Router(std::vector<Route> routes);
  RouteMatch Match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Segment {
    enum class Kind { kLiteral, kId, kToken, kGuestToken } kind = Kind::kLiteral;
    std::string text;  // the literal, or the parameter's name
  };
  struct Compiled {
    std::vector<Segment> segments;
  };
  static Segment Compile(std::string_view pattern_segment);
  static bool MatchOne(const Compiled& c, const std::vector<std::string_view>& parts,
                       PathParams* params);
  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

// Splits "/a/b/c" into {"a","b","c"}; empty segments (//) are kept so they do
// not match. A trailing slash is ignored.
std::vector<std::string_view> SplitPath(std::string_view path);

// True for a token segment value: 16..64 characters of [a-z0-9].
bool IsToken(std::string_view s);

// True for a guest token segment value (mail::GuestToken's shape):
// "<guest id>.<26 characters of [a-z2-7]>", the id a positive int64 in
// decimal without leading zeros.
bool IsGuestToken(std::string_view s);

// Parses a positive decimal int64 without sign or leading '+'. False otherwise.
bool ParseId(std::string_view s, int64_t* out);

// The rows of `tables`, one table after the other: the first row that
// matches a request wins, so this is the order of matching. The server's
// table joins the API's, the pages' and the ops rows (cli/server_router.h).
std::vector<Route> JoinRoutes(std::initializer_list<std::vector<Route>> tables);

}  // namespace cammio
