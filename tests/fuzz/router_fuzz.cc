// sources: src/api/router.cc src/api/routes.cc src/api/list_query.cc
// sources: src/web/routes.cc src/ops/routes.cc src/cli/server_router.cc
// sources: src/util/time.cc src/util/status.cc src/api/events.cc
// sources: src/console/routes.cc
// stub-handlers: the handlers the route tables name are aborting stubs (none is called).
//
// libFuzzer target for request routing: a method and a path against the real
// route table (ServerRouter(), cli/server_router.h: the API's, the pages' and
// the ops rows), then the query string through
// cpp-httplib's query parser into ParseListQuery / ParsePageQuery.
// Checks, besides the sanitizers:
//   - a match names a row of that method (HEAD: GET) whose pattern has as many
//     segments as the path; its ids are positive and its tokens well formed;
//     matching again gives the same row;
//   - no match is 404 or 405, and a 405's Allow list is non-empty and does
//     not name the method;
//   - an accepted list query has limit -1 or 0..2^40, offset 0..2^40,
//     from <= to, and only known parameter names;
//   - once, at start: a path made from each row's pattern (ids and tokens
//     filled in) matches a row with that pattern.
// Input (kept corpus: tests/fuzz/corpus/router/): "METHOD /path?query", the
// query going to both list parsers; without a space, the whole input is a GET
// path.
#include <httplib.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "api/call.h"
#include "api/list_query.h"
#include "api/router.h"
#include "cli/server_router.h"

namespace {

using cammio::IsGuestToken;
using cammio::IsToken;
using cammio::Route;
using cammio::RouteMatch;
using cammio::ServerRouter;
using cammio::SplitPath;

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckMatch(const std::string& method, const std::string& path) {
  const RouteMatch m = ServerRouter().Match(method, path);
  const std::vector<std::string_view> parts = SplitPath(path);
  if (m.route == nullptr) {
    Check(m.status.IsNotFound() || m.status.code() == cammio::Status::Code::kMethodNotAllowed);
    if (!m.status.IsNotFound()) {
      Check(!m.allow.empty());
      const std::string asked = method == "HEAD" ? "GET" : method;
      Check((", " + m.allow + ",").find(" " + asked + ",") == std::string::npos);
    }
    return;
  }
  Check(std::string(m.route->method) == (method == "HEAD" ? "GET" : method));
  const std::vector<std::string_view> pattern = SplitPath(m.route->pattern);
  Check(pattern.size() == parts.size());
  for (size_t i = 0; i < pattern.size(); ++i) {
    const std::string_view seg = pattern[i];
    if (seg.front() == ':') {
      Check(m.params.Get(seg.substr(1)) > 0);
    } else if (seg.front() == '{') {
      const bool guest = seg.find(":guest}") != std::string_view::npos;
      const std::string name(seg.substr(1, seg.find_first_of(":}") - 1));
      const std::string token = m.params.Token(name);
      Check(token == parts[i]);
      Check(guest ? IsGuestToken(token) : IsToken(token));
    } else {
      Check(seg == parts[i]);
    }
  }
  const RouteMatch again = ServerRouter().Match(method, path);
  Check(again.route == m.route);
}

// Every row matches a path made from its pattern.
void CheckEveryPattern() {
  for (const Route& row : ServerRouter().routes()) {
    std::string path;
    for (std::string_view seg : SplitPath(row.pattern)) {
      path += '/';
      if (seg.front() == ':') {
        path += "9223372036854775807";
      } else if (seg.find(":guest}") != std::string_view::npos) {
        path += "12.abcdefghijklmnopqrstuvwxyz";
      } else if (seg.front() == '{') {
        path += "0123456789abcdef";
      } else {
        path += seg;
      }
    }
    CheckMatch(row.method, path);
    const RouteMatch m = ServerRouter().Match(row.method, path);
    Check(m.route != nullptr && std::string(m.route->pattern) == row.pattern);
  }
}

void CheckQuery(const std::string& query, bool page) {
  httplib::Request req;
  httplib::detail::parse_query_text(query, req.params);
  httplib::Response res;
  cammio::ServerContext ctx;
  const std::string body;
  const cammio::PathParams params;
  const cammio::Call call(ctx, req, body, res, cammio::FormatNegotiation(), params, nullptr);
  cammio::ListQuery q;
  const cammio::Status s = page ? cammio::ParsePageQuery(call, &q)
                                : cammio::ParseListQuery(call, {"templates", "active"}, &q);
  if (!s.ok()) {
    Check(s.code() == cammio::Status::Code::kInvalidArgument && !s.details().empty());
    return;
  }
  constexpr int64_t kMax = int64_t{1} << 40;
  Check(q.limit == -1 || (q.limit >= 0 && q.limit <= kMax));
  Check(q.offset >= 0 && q.offset <= kMax);
  Check(!q.from || !q.to || *q.from <= *q.to);
  for (const auto& [name, value] : req.params) {
    const bool paging = name == "limit" || name == "offset";
    Check(paging || (!page && (name == "from" || name == "to" || name == "updated_since" ||
                               name == "templates" || name == "active")));
  }
  if (!page) {
    q.Flag(call, "templates");
    q.Flag(call, "active");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  CheckEveryPattern();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::string method = "GET", target = input;
  const size_t space = input.find(' ');
  if (space != std::string::npos) {
    method = input.substr(0, space);
    target = input.substr(space + 1);
  }
  const size_t q = target.find('?');
  CheckMatch(method, target.substr(0, q));
  if (q != std::string::npos) {
    CheckQuery(target.substr(q + 1), false);
    CheckQuery(target.substr(q + 1), true);
  }
  return 0;
}
