// Console session cookies and CSRF checks (docs/console.md "Sessions",
// "CSRF"): what the pipeline (api/pipeline.h) and the console's routes
// (src/console/) share.
//
// The cookie `__Host-cammio_session` holds a 256-bit random session id as 64
// lowercase hex characters; the store keeps only its SHA-256
// (store/console_sessions.h). Unsafe methods (POST, PUT, PATCH, DELETE) that
// the cookie authenticates must carry the session's CSRF token (header
// X-CSRF-Token, or form field `csrf`) and, when the browser names one, a
// same-origin Origin / Referer / Sec-Fetch-Site.
//
// Thread-safety: pure functions, except AuthenticateSessionRequest (one
// store read, and a queued write to mark the session used).
#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>

#include "api/call.h"
#include "cammio/status.h"
#include "store/accounts.h"

namespace cammio {

constexpr const char kSessionCookie[] = "__Host-cammio_session";
// The sign-in form's double-submit cookie (its value is also the form's
// hidden `csrf` field); lives for kPreSessionSeconds.
constexpr const char kPreSessionCookie[] = "__Host-cammio_signin";
constexpr int64_t kPreSessionSeconds = 3600;

// The value of cookie `name` in the request's Cookie headers. Absent:
// nullopt. InvalidArgument when it is present more than once, or when it is
// not 64 lowercase hex characters (the shape of every value we set).
Result<std::optional<std::string>> FindHexCookie(const httplib::Request& req,
                                                 std::string_view name);

// 64 lowercase hex characters of fresh randomness (256 bits).
std::string NewSessionSecret();

// Set-Cookie values: a cookie with Secure; HttpOnly; SameSite=Strict;
// Path=/, no Domain, living `max_age` seconds; and one that deletes it.
std::string SetCookieValue(std::string_view name, const std::string& value, int64_t max_age);
std::string ClearCookieValue(std::string_view name);

// POST, PUT, PATCH, DELETE (anything but GET, HEAD, OPTIONS).
bool IsUnsafeMethod(const std::string& method);

// Unauthenticated (403) with a `details` text when the browser says the
// request comes from another origin: Sec-Fetch-Site other than same-origin
// or none (when sent, it alone decides); without it, an Origin (or, without
// one, a Referer) whose scheme://host[:port] is neither the request's Host
// nor public_url's origin ("null" included). OK when the request names no
// origin (not a browser).
Status CheckSameOrigin(const httplib::Request& req, const ServerContext& ctx);

// Unauthenticated (403) unless `expected` equals the X-CSRF-Token header or,
// without that header, the `csrf` field of an
// application/x-www-form-urlencoded `body` (constant-time comparison).
Status CheckCsrfToken(const httplib::Request& req, const std::string& body,
                      const std::string& expected);

// The principal of the request's session cookie, or nullopt when the request
// has no session cookie. Unauthenticated when the cookie names no valid
// session; InvalidArgument for a malformed cookie. Marks the session used
// (asynchronously, at most once a minute). When `generation` is not null,
// the database's change generation is read in the same snapshot
// (api/response_cache.h).
Result<std::optional<Principal>> AuthenticateSessionRequest(const ServerContext& ctx,
                                                            const httplib::Request& req,
                                                            int64_t* generation = nullptr);

// The client address the throttle and the session rows use
// (api/client_address.h with ctx.trusted_proxies).
std::string RequestClientAddress(const ServerContext& ctx, const httplib::Request& req);

}  // namespace cammio
