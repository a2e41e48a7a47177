#include "api/session_auth.h"

#include <strings.h>

#include <cctype>

#include "api/client_address.h"
#include "http/header_lookup.h"
#include "store/console_sessions.h"
#include "util/crypto.h"
#include "util/random.h"

namespace cammio {
namespace {

constexpr size_t kSecretHexChars = 64;
// How stale last_seen_at may be before a request writes it again.
constexpr int64_t kTouchEverySeconds = 60;

bool IsLowerHex(std::string_view s) {
  if (s.size() != kSecretHexChars) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "scheme://authority" of a URL (lowercase), "" when it has none.
std::string OriginOf(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos || scheme == 0) return "";
  size_t end = url.find_first_of("/?#", scheme + 3);
  std::string out(url.substr(0, end == std::string_view::npos ? url.size() : end));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool SameOriginAs(const std::string& origin, const httplib::Request& req,
                  const ServerContext& ctx) {
  if (origin.empty()) return false;
  if (!ctx.links.base().empty() && origin == OriginOf(ctx.links.base())) return true;
  std::string host = Lower(http::HeaderValue(req.headers, "Host"));
  size_t scheme = origin.find("://");
  return !host.empty() && scheme != std::string::npos && origin.substr(scheme + 3) == host;
}

}  // namespace

Result<std::optional<std::string>> FindHexCookie(const httplib::Request& req,
                                                 std::string_view name) {
  std::optional<std::string> found;
  for (const std::string& header : http::HeaderValues(req.headers, "Cookie")) {
    std::string_view rest = header;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = Trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos || Trim(pair.substr(0, eq)) != name) continue;
      std::string_view value = Trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (found)
        return Status::InvalidArgument(std::string("cookie ") + std::string(name) +
                                       " was sent more than once");
      if (!IsLowerHex(value)) {
        return Status::InvalidArgument(std::string("cookie ") + std::string(name) +
                                       " is malformed");
      }
      found = std::string(value);
    }
  }
  return found;
}

std::string NewSessionSecret() {
  std::string bytes(kSecretHexChars / 2, '\0');
  RandomFill(bytes.data(), bytes.size());
  return HexEncode(bytes);
}

std::string SetCookieValue(std::string_view name, const std::string& value, int64_t max_age) {
  return std::string(name) + "=" + value + "; Max-Age=" + std::to_string(max_age) +
         "; Path=/; Secure; HttpOnly; SameSite=Strict";
}

std::string ClearCookieValue(std::string_view name) {
  return std::string(name) + "=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Strict";
}

bool IsUnsafeMethod(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

Status CheckSameOrigin(const httplib::Request& req, const ServerContext& ctx) {
  const std::string site = http::HeaderValue(req.headers, "Sec-Fetch-Site");
  // Browsers that send Sec-Fetch-Site (scripts cannot set it) are judged by
  // it alone: their Origin may be "null" for a same-origin form post under a
  // no-referrer policy.
  if (!site.empty()) {
    if (site == "same-origin" || site == "none") return Status::OK();
    return Status::Unauthenticated("cross-site request refused (Sec-Fetch-Site: " + site + ")");
  }
  const std::string origin = http::HeaderValue(req.headers, "Origin");
  if (!origin.empty()) {
    if (!SameOriginAs(Lower(origin), req, ctx)) {
      return Status::Unauthenticated("cross-origin request refused (Origin: " + origin + ")");
    }
    return Status::OK();
  }
  const std::string referer = http::HeaderValue(req.headers, "Referer");
  if (!referer.empty() && !SameOriginAs(OriginOf(referer), req, ctx)) {
    return Status::Unauthenticated("cross-origin request refused (Referer)");
  }
  return Status::OK();
}

Status CheckCsrfToken(const httplib::Request& req, const std::string& body,
                      const std::string& expected) {
  std::string sent = http::HeaderValue(req.headers, "X-CSRF-Token");
  if (sent.empty()) {
    std::string type = http::HeaderValue(req.headers, "Content-Type");
    if (strncasecmp(type.c_str(), "application/x-www-form-urlencoded", 33) == 0) {
      httplib::Params params;
      httplib::detail::parse_query_text(body, params);
      auto it = params.find("csrf");
      if (it != params.end()) sent = it->second;
    }
  }
  if (sent.empty()) {
    return Status::Unauthenticated(
        "CSRF token missing: send the session's csrf_token in the X-CSRF-Token header");
  }
  if (expected.empty() || !ConstantTimeEquals(sent, expected)) {
    return Status::Unauthenticated("CSRF token does not match this session");
  }
  return Status::OK();
}

Result<std::optional<Principal>> AuthenticateSessionRequest(const ServerContext& ctx,
                                                            const httplib::Request& req,
                                                            int64_t* generation) {
  auto cookie = FindHexCookie(req, kSessionCookie);
  if (!cookie.ok()) return cookie.status();
  if (!cookie.value()) return std::optional<Principal>();
  const std::string hash = Sha256(**cookie);
  const int64_t now = ctx.clock->Now();
  Result<Principal> p = Status::Internal("unset");
  Status s = ctx.store->Read([&](Db& db) {
    p = AuthenticateSession(db, hash, now);
    if (!p.ok() || generation == nullptr) return Status::OK();
    auto g = ChangeGeneration(db);
    if (!g.ok()) return g.status();
    *generation = g.value();
    return Status::OK();
  });
  if (!s.ok()) return s;
  if (!p.ok()) return p.status();
  const SessionInfo& info = *p->session;
  if (info.last_seen_at < now - kTouchEverySeconds) {
    const int64_t id = info.id, idle = ctx.console.idle_seconds;
    ctx.store->WriteAsync(
        [id, now, idle](Db& db) { return TouchConsoleSession(db, id, now, idle); });
  }
  return std::optional<Principal>(std::move(p.value()));
}

std::string RequestClientAddress(const ServerContext& ctx, const httplib::Request& req) {
  return ClientAddress(req.remote_addr, http::HeaderValues(req.headers, "X-Forwarded-For"),
                       http::HeaderValues(req.headers, "Forwarded"), ctx.trusted_proxies);
}

}  // namespace cammio
