// Helpers of the console tests: passwords set straight in the store, the
// sign-in form driven like a browser (its double-submit cookie and hidden
// field), and requests with a session cookie. Header-only, inline.
#pragma once

#include <doctest/doctest.h>

#include <regex>
#include <string>

#include "api/session_auth.h"
#include "store/users.h"
#include "testing/test_support.h"
#include "util/password.h"

namespace cammio::testing {

// The full Set-Cookie line that sets cookie `name` ("" when none).
inline std::string SetCookieLine(const httplib::Response& res, const std::string& name) {
  auto range = res.headers.equal_range("Set-Cookie");
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second.rfind(name + "=", 0) == 0) return it->second;
  }
  return "";
}

// The value that Set-Cookie gives cookie `name` ("" when none).
inline std::string SetCookieValueOf(const httplib::Response& res, const std::string& name) {
  std::string line = SetCookieLine(res, name);
  if (line.empty()) return "";
  size_t semi = line.find(';');
  return line.substr(name.size() + 1, semi - name.size() - 1);
}

inline void SetUserPassword(TestServer& server, const std::string& email,
                            const std::string& password, int64_t iterations = 10000) {
  Status s = server.store().Write([&](Db& db) {
    auto u = GetUserByEmail(db, email);
    if (!u.ok()) return u.status();
    return SetPasswordHash(db, u->id, HashPassword(password, iterations));
  });
  REQUIRE(s.ok());
}

// The sign-in form's double-submit pair: the cookie and the hidden field.
struct SignInForm {
  std::string cookie;
  std::string csrf;
};

inline SignInForm GetSignInForm(TestServer& server, const std::string& cookie_header = "") {
  auto c = server.Client();
  httplib::Headers h;
  if (!cookie_header.empty()) h.emplace("Cookie", cookie_header);
  auto res = c->Get("/console/sign-in", h);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  SignInForm f;
  f.cookie = SetCookieValueOf(*res, kPreSessionCookie);
  std::smatch m;
  REQUIRE(std::regex_search(res->body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]{64})\"")));
  f.csrf = m[1];
  return f;
}

inline std::string FormEncode(const std::string& s) {
  std::string out;
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// POST /console/sign-in as a browser would, with `extra_cookie` ("name=v")
// sent along. The answer.
inline httplib::Result PostSignIn(TestServer& server, const std::string& email,
                                  const std::string& password, const std::string& extra_cookie = "",
                                  const httplib::Headers& extra = {}) {
  SignInForm f = GetSignInForm(server);
  auto c = server.Client();
  httplib::Headers h = extra;
  std::string cookie = std::string(kPreSessionCookie) + "=" + f.cookie;
  if (!extra_cookie.empty()) cookie += "; " + extra_cookie;
  h.emplace("Cookie", cookie);
  return c->Post(
      "/console/sign-in", h,
      "csrf=" + f.csrf + "&email=" + FormEncode(email) + "&password=" + FormEncode(password),
      "application/x-www-form-urlencoded");
}

struct ConsoleSession {
  std::string id;    // the cookie's value
  std::string csrf;  // GET /console/api/session's csrf_token
  std::string Cookie() const { return std::string(kSessionCookie) + "=" + id; }
};

inline ConsoleSession SignIn(TestServer& server, const std::string& email,
                             const std::string& password) {
  auto res = PostSignIn(server, email, password);
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 303);
  ConsoleSession s;
  s.id = SetCookieValueOf(*res, kSessionCookie);
  REQUIRE(s.id.size() == 64);
  auto c = server.Client();
  auto me = c->Get("/console/api/session", {{"Cookie", s.Cookie()}});
  REQUIRE(me);
  REQUIRE(me->status == 200);
  Value v = Json(me->body);
  const Value* session = v.Find("session");
  REQUIRE(session != nullptr);
  s.csrf = session->Find("csrf_token")->as_string();
  return s;
}

// Headers of a request the session authenticates; `csrf` "" sends none.
inline httplib::Headers SessionHeaders(const ConsoleSession& s, const std::string& csrf) {
  httplib::Headers h = {{"Cookie", s.Cookie()}};
  if (!csrf.empty()) h.emplace("X-CSRF-Token", csrf);
  return h;
}

// The `details` of an error document.
inline std::string Details(const std::string& body) {
  Value v = Json(body);
  const Value* e = v.Find("error");
  if (e == nullptr || e->Find("details") == nullptr) return "";
  return e->Find("details")->as_string();
}

}  // namespace cammio::testing
