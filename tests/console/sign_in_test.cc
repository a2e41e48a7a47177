// Sign-in, sessions and CSRF through a real HTTPS server (src/console/,
// api/session_auth.h, the pipeline's cookie authentication).
#include <doctest/doctest.h>

#include "console/console_helpers.h"
#include "store/console_sessions.h"
#include "testing/wait.h"
#include "util/crypto.h"

namespace cammio {
namespace {

using namespace testing;

constexpr char kPassword[] = "a long enough secret";
constexpr char kVacancy[] =
    R"({"vacancy": {"title": "Console", "kind": "automated", "scope": "private",
        "datetime_start": "2030-01-01T00:00:00Z", "datetime_end": "2030-02-01T00:00:00Z",
        "cv_upload_required": "no", "use_as_template": "no"}})";

TEST_CASE("console: sign-in sets the session cookie with exactly the contract's flags") {
  TestServer server;
  SetUserPassword(server, server.creds().email, kPassword);
  auto res = PostSignIn(server, server.creds().email, kPassword);
  REQUIRE(res);
  CHECK(res->status == 303);
  CHECK(res->get_header_value("Location") == "/console");
  std::string id = SetCookieValueOf(*res, kSessionCookie);
  CHECK(id.size() == 64);
  CHECK(SetCookieLine(*res, kSessionCookie) ==
        "__Host-cammio_session=" + id +
            "; Max-Age=604800; Path=/; Secure; HttpOnly; SameSite=Strict");
  // The form's double-submit cookie is cleared.
  CHECK(SetCookieLine(*res, kPreSessionCookie).find("Max-Age=0") != std::string::npos);
  // Only the hash of the id is stored.
  Status s = server.store().Read([&](Db& db) {
    auto p = AuthenticateSession(db, Sha256(id), server.clock().Now());
    CHECK(p.ok());
    auto q = AuthenticateSession(db, id, server.clock().Now());
    CHECK_FALSE(q.ok());
    return Status::OK();
  });
  CHECK(s.ok());
}

TEST_CASE("console: GET /console/api/session tells who is signed in and the CSRF token") {
  TestServer server;
  SetUserPassword(server, server.creds().email, kPassword);
  ConsoleSession me = SignIn(server, server.creds().email, kPassword);
  auto c = server.Client();
  auto res = c->Get("/console/api/session", {{"Cookie", me.Cookie()}, {"Accept-Language", "nl"}});
  REQUIRE(res);
  CHECK(res->status == 200);
  Value v = Json(res->body);
  const Value& s = *v.Find("session");
  CHECK(s.Find("email")->as_string() == server.creds().email);
  CHECK(s.Find("user_id")->as_int() == server.creds().user_id);
  CHECK(s.Find("account_id")->as_int() == server.creds().account_id);
  CHECK(s.Find("account_name")->as_string() == "Test Agency");
  CHECK(s.Find("role")->as_string() == "admin");
  CHECK(s.Find("locale")->as_string() == "nl");
  CHECK(s.Find("csrf_token")->as_string().size() == 64);
  CHECK(s.Find("idle_timeout_seconds")->as_int() == 8 * 3600);
  CHECK(s.Find("absolute_timeout_seconds")->as_int() == 7 * 86400);
  // Without a cookie: 403 with details.
  auto none = c->Get("/console/api/session");
  REQUIRE(none);
  CHECK(none->status == 403);
  CHECK_FALSE(Details(none->body).empty());
}

TEST_CASE("console: every sign-in makes a new session id; a cookie sent to it is revoked") {
  TestServer server;
  SetUserPassword(server, server.creds().email, kPassword);
  ConsoleSession first = SignIn(server, server.creds().email, kPassword);
  // A fixation attempt: the browser carries a session id (here a real one)
  // into the sign-in; the answer sets another and the old one is dead.
  auto res = PostSignIn(server, server.creds().email, kPassword, first.Cookie());
  REQUIRE(res);
  REQUIRE(res->status == 303);
  std::string second = SetCookieValueOf(*res, kSessionCookie);
  CHECK(second.size() == 64);
  CHECK(second != first.id);
  auto c = server.Client();
  auto old = c->Get("/console/api/session", {{"Cookie", first.Cookie()}});
  REQUIRE(old);
  CHECK(old->status == 403);
  auto now =
      c->Get("/console/api/session", {{"Cookie", std::string(kSessionCookie) + "=" + second}});
  REQUIRE(now);
  CHECK(now->status == 200);
  // An id the server never issued is not adopted either.
  std::string planted(64, 'a');
  auto res2 = PostSignIn(server, server.creds().email, kPassword,
                         std::string(kSessionCookie) + "=" + planted);
  REQUIRE(res2);
  CHECK(SetCookieValueOf(*res2, kSessionCookie) != planted);
}

TEST_CASE("console: wrong password, unknown user, no password: one generic 403 page") {
  TestServer server;
  SetUserPassword(server, server.creds().email, kPassword);
  Credentials other = server.NewAccount("Other", "nopassword@other.test");
  for (const auto& attempt :
       {std::pair<std::string, std::string>{server.creds().email, "wrong password!"},
        {"nobody@nowhere.test", kPassword},
        {other.email, other.token}}) {
    // Named copies: clang 14 cannot capture a structured binding in CAPTURE.
    const std::string& email = attempt.first;
    const std::string& password = attempt.second;
    CAPTURE(email);
    auto res = PostSignIn(server, email, password);
    REQUIRE(res);
    CHECK(res->status == 403);
    CHECK(SetCookieLine(*res, kSessionCookie).empty());
    CHECK(res->body.find("The email address or password is not right") != std::string::npos);
  }
}

TEST_CASE("console: the sign-in form refuses a missing or wrong double-submit token") {
  TestServer server;
  SetUserPassword(server, server.creds().email, kPassword);
  SignInForm f = GetSignInForm(server);
  auto c = server.Client();
  std::string body =
      "email=" + FormEncode(server.creds().email) + "&password=" + FormEncode(kPassword);
  // No cookie.
  auto a =
      c->Post("/console/sign-in", body + "&csrf=" + f.csrf, "application/x-www-form-urlencoded");
  REQUIRE(a);
  CHECK(a->status == 403);
  // Cookie and field differ.
  std::string other = GetSignInForm(server).csrf;
  auto b =
      c->Post("/console/sign-in", {{"Cookie", std::string(kPreSessionCookie) + "=" + f.cookie}},
              body + "&csrf=" + other, "application/x-www-form-urlencoded");
  REQUIRE(b);
  CHECK(b->status == 403);
  // A foreign Origin.
  auto d = c->Post("/console/sign-in",
                   {{"Cookie", std::string(kPreSessionCookie) + "=" + f.cookie},
                    {"Origin", "https://evil.test"}},
                   body + "&csrf=" + f.csrf, "application/x-www-form-urlencoded");
  REQUIRE(d);
  CHECK(d->status == 403);
  CHECK(SetCookieLine(*d, kSessionCookie).empty());
  // The right pair, same origin.
  auto e = c->Post("/console/sign-in",
                   {{"Cookie", std::string(kPreSessionCookie) + "=" + f.cookie},
                    {"Origin", "https://cammio.test"}},
                   body + "&csrf=" + f.csrf, "application/x-www-form-urlencoded");
  REQUIRE(e);
  CHECK(e->status == 303);
}

TEST_CASE("console: the cookie authenticates /api; unsafe methods need the CSRF token") {
  TestServer server;
  SetUserPassword(server, server.creds().email, kPassword);
  ConsoleSession me = SignIn(server, server.creds().email, kPassword);
  auto c = server.Client();
  auto list = c->Get("/api/vacancies", SessionHeaders(me, ""));
  REQUIRE(list);
  CHECK(list->status == 200);

  auto none = c->Post("/api/vacancies", SessionHeaders(me, ""), kVacancy, "application/json");
  REQUIRE(none);
  CHECK(none->status == 403);
  CHECK(Details(none->body).find("CSRF token missing") != std::string::npos);

  auto wrong = c->Post("/api/vacancies", SessionHeaders(me, std::string(64, '0')), kVacancy,
                       "application/json");
  REQUIRE(wrong);
  CHECK(wrong->status == 403);
  CHECK(Details(wrong->body).find("does not match") != std::string::npos);

  httplib::Headers foreign = SessionHeaders(me, me.csrf);
  foreign.emplace("Origin", "https://evil.test");
  auto cross = c->Post("/api/vacancies", foreign, kVacancy, "application/json");
  REQUIRE(cross);
  CHECK(cross->status == 403);
  CHECK(Details(cross->body).find("cross-origin") != std::string::npos);

  httplib::Headers site = SessionHeaders(me, me.csrf);
  site.emplace("Sec-Fetch-Site", "cross-site");
  auto cs = c->Post("/api/vacancies", site, kVacancy, "application/json");
  REQUIRE(cs);
  CHECK(cs->status == 403);

  httplib::Headers same = SessionHeaders(me, me.csrf);
  same.emplace("Origin", "https://cammio.test");
  same.emplace("Sec-Fetch-Site", "same-origin");
  auto ok = c->Post("/api/vacancies", same, kVacancy, "application/json");
  REQUIRE(ok);
  INFO(ok->body);
  CHECK(ok->status == 201);
  // Nothing was created by the refused ones.
  auto after = c->Get("/api/vacancies", SessionHeaders(me, ""));
  REQUIRE(after);
  CHECK(after->get_header_value("X-Total-Count") == "1");
}

TEST_CASE("console: Basic credentials win over a cookie and need no CSRF token") {
  TestServer server;
  Credentials other = server.NewAccount("Other", "other@other.test");
  SetUserPassword(server, other.email, kPassword);
  ConsoleSession theirs = SignIn(server, other.email, kPassword);
  auto c = server.AuthedClient();  // Basic as the first account's user
  auto res = c->Post("/api/vacancies", {{"Cookie", theirs.Cookie()}}, kVacancy, "application/json");
  REQUIRE(res);
  CHECK(res->status == 201);
  Value v = Json(res->body);
  CHECK(v.Find("vacancy")->Find("recruiter_id")->as_int() == server.creds().user_id);
}

TEST_CASE("console: sign-out and revoking a session end it at once for /api and /console/api") {
  TestServer server;
  SetUserPassword(server, server.creds().email, kPassword);
  ConsoleSession a = SignIn(server, server.creds().email, kPassword);
  ConsoleSession b = SignIn(server, server.creds().email, kPassword);
  auto c = server.Client();
  // b lists both sessions, itself marked current.
  auto list = c->Get("/console/api/sessions", SessionHeaders(b, ""));
  REQUIRE(list);
  CHECK(list->status == 200);
  Value sessions = Json(list->body);
  REQUIRE(sessions.size() == 2);
  int64_t a_id = 0;
  for (const Value& s : sessions.items()) {
    const Value& o = *s.Find("session");
    if (!o.Find("current")->as_bool()) a_id = o.Find("id")->as_int();
  }
  REQUIRE(a_id > 0);
  // b revokes a (needs the CSRF token like every unsafe method).
  auto no_csrf = c->Delete("/console/api/sessions/" + std::to_string(a_id), SessionHeaders(b, ""));
  REQUIRE(no_csrf);
  CHECK(no_csrf->status == 403);
  auto del = c->Delete("/console/api/sessions/" + std::to_string(a_id), SessionHeaders(b, b.csrf));
  REQUIRE(del);
  CHECK(del->status == 204);
  for (const char* path : {"/api/vacancies", "/console/api/session"}) {
    auto r = c->Get(path, SessionHeaders(a, ""));
    REQUIRE(r);
    CHECK(r->status == 403);
  }
  // b signs out: its cookie is cleared and dead.
  auto out = c->Post("/console/sign-out", SessionHeaders(b, b.csrf), "", "application/json");
  REQUIRE(out);
  CHECK(out->status == 204);
  CHECK(SetCookieLine(*out, kSessionCookie).find("Max-Age=0") != std::string::npos);
  for (const char* path : {"/api/vacancies", "/console/api/session"}) {
    auto r = c->Get(path, SessionHeaders(b, ""));
    REQUIRE(r);
    CHECK(r->status == 403);
  }
  // A browser form signs out with the csrf field and is sent to the sign-in.
  ConsoleSession d = SignIn(server, server.creds().email, kPassword);
  auto form = c->Post("/console/sign-out", {{"Cookie", d.Cookie()}, {"Accept", "text/html"}},
                      "csrf=" + d.csrf, "application/x-www-form-urlencoded");
  REQUIRE(form);
  CHECK(form->status == 303);
  CHECK(form->get_header_value("Location") == "/console/sign-in");
}

TEST_CASE("console: sessions end after the idle time and after the absolute time") {
  TestServer server;
  SetUserPassword(server, server.creds().email, kPassword);
  auto c = server.Client();
  auto alive = [&](const ConsoleSession& s) {
    auto r = c->Get("/console/api/session", SessionHeaders(s, ""));
    REQUIRE(r);
    return r->status == 200;
  };
  // The use is written asynchronously: wait until last_seen_at is now.
  auto wait_touched = [&](const ConsoleSession& s) {
    REQUIRE(WaitUntil([&] {
      int64_t last = -1;
      Status st = server.store().Read([&](Db& db) {
        auto p = AuthenticateSession(db, Sha256(s.id), server.clock().Now());
        if (p.ok()) last = p->session->last_seen_at;
        return Status::OK();
      });
      return st.ok() && last == server.clock().Now();
    }));
  };
  const int64_t idle = 8 * 3600;
  ConsoleSession s = SignIn(server, server.creds().email, kPassword);
  server.clock().Advance(idle - 10);
  CHECK(alive(s));  // used: the idle expiry moves
  wait_touched(s);
  server.clock().Advance(idle - 10);
  CHECK(alive(s));
  wait_touched(s);
  server.clock().Advance(idle);
  CHECK_FALSE(alive(s));  // unused for the idle time

  // However busy, a session ends 7 days after its sign-in.
  ConsoleSession t = SignIn(server, server.creds().email, kPassword);
  const int64_t end = server.clock().Now() + 7 * 86400;
  while (server.clock().Now() + 4 * 3600 < end) {
    server.clock().Advance(4 * 3600);
    REQUIRE(alive(t));
    wait_touched(t);
  }
  server.clock().Advance(end - server.clock().Now() - 1);
  CHECK(alive(t));
  server.clock().Advance(1);
  CHECK_FALSE(alive(t));
}

}  // namespace
}  // namespace cammio
