// The console's admin routes, roles, disabled users, rehashing, throttling,
// set-password links and hostile input, through a real HTTPS server.
#include <doctest/doctest.h>

#include <regex>

#include "console/console_helpers.h"
#include "store/console_sessions.h"
#include "store/mail_outbox.h"
#include "util/crypto.h"

namespace cammio {
namespace {

using namespace testing;

constexpr char kPassword[] = "a long enough secret";

std::string StoredHash(TestServer& server, const std::string& email) {
  std::string hash;
  Status s = server.store().Read([&](Db& db) {
    auto c = GetUserCredentials(db, email);
    if (!c.ok()) return c.status();
    hash = c->password_hash.value_or("");
    return Status::OK();
  });
  REQUIRE(s.ok());
  return hash;
}

httplib::Result Send(TestServer& server, const std::string& method, const std::string& path,
                     const ConsoleSession& s, const std::string& body = "") {
  auto c = server.Client();
  httplib::Headers h = SessionHeaders(s, s.csrf);
  if (method == "GET") return c->Get(path, h);
  if (method == "POST") return c->Post(path, h, body, "application/json");
  if (method == "PATCH") return c->Patch(path, h, body, "application/json");
  return c->Delete(path, h);
}

TEST_CASE(
    "console: an admin creates a recruiter, who signs in through the link and gets 403 on admin "
    "routes") {
  TestServer server;
  SetUserPassword(server, server.creds().email, kPassword);
  ConsoleSession admin = SignIn(server, server.creds().email, kPassword);
  auto created =
      Send(server, "POST", "/console/api/users", admin,
           R"({"user": {"email": "rita@agency.test", "name": "Rita", "role": "recruiter"}})");
  REQUIRE(created);
  INFO(created->body);
  REQUIRE(created->status == 201);
  Value u = Json(created->body);
  const Value& user = *u.Find("user");
  CHECK(user.Find("role")->as_string() == "recruiter");
  std::string link = user.Find("set_password_link")->as_string();
  CHECK(link.rfind("https://cammio.test/console/set-password?token=", 0) == 0);
  // The invitation email is queued (kind console_invitation, to Rita).
  int64_t mails = 0;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                auto st = db.PrepareDynamic(
                    "SELECT COUNT(*) FROM mail_outbox WHERE kind = 'console_invitation' "
                    "AND to_address = 'rita@agency.test' AND body_text LIKE '%" +
                    link.substr(link.find("token=") + 6) + "%'");
                if (!st.ok()) return st.status();
                Status step;
                if (st->Step(&step)) mails = st->Int(0);
                return step;
              })
              .ok());
  CHECK(mails == 1);

  // Rita sets her password through the link (its form's double-submit token).
  std::string path = link.substr(std::string("https://cammio.test").size());
  auto c = server.Client();
  auto page = c->Get(path);
  REQUIRE(page);
  REQUIRE(page->status == 200);
  std::smatch m;
  REQUIRE(std::regex_search(page->body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]{64})\"")));
  std::string csrf = m[1];
  std::string cookie =
      std::string(kPreSessionCookie) + "=" + SetCookieValueOf(*page, kPreSessionCookie);
  std::string token = path.substr(path.find("token=") + 6);
  std::string form = "csrf=" + csrf + "&token=" + token;
  auto short_pw =
      c->Post("/console/set-password", {{"Cookie", cookie}},
              form + "&password=short&password2=short", "application/x-www-form-urlencoded");
  REQUIRE(short_pw);
  CHECK(short_pw->status == 400);
  auto mismatch = c->Post("/console/set-password", {{"Cookie", cookie}},
                          form + "&password=" + FormEncode(kPassword) + "&password2=other+one+here",
                          "application/x-www-form-urlencoded");
  REQUIRE(mismatch);
  CHECK(mismatch->status == 400);
  auto set =
      c->Post("/console/set-password", {{"Cookie", cookie}},
              form + "&password=" + FormEncode(kPassword) + "&password2=" + FormEncode(kPassword),
              "application/x-www-form-urlencoded");
  REQUIRE(set);
  CHECK(set->status == 200);
  // Single use: the link is gone now.
  auto again = c->Get(path);
  REQUIRE(again);
  CHECK(again->status == 410);
  auto reuse = c->Post("/console/set-password", {{"Cookie", cookie}},
                       form + "&password=another+long+one&password2=another+long+one",
                       "application/x-www-form-urlencoded");
  REQUIRE(reuse);
  CHECK(reuse->status == 410);

  ConsoleSession rita = SignIn(server, "rita@agency.test", kPassword);
  for (const auto& route :
       {std::pair<std::string, std::string>{"GET", "/console/api/users"},
        {"POST", "/console/api/users"},
        {"PATCH", "/console/api/users/" + std::to_string(server.creds().user_id)},
        {"GET", "/console/api/tokens"},
        {"POST", "/console/api/tokens"},
        {"DELETE", "/console/api/tokens/1"}}) {
    // Named copies: clang 14 cannot capture a structured binding in CAPTURE.
    const std::string& method = route.first;
    const std::string& p = route.second;
    CAPTURE(method);
    CAPTURE(p);
    auto r = Send(server, method, p, rita, R"({"user": {"name": "X"}})");
    REQUIRE(r);
    CHECK(r->status == 403);
    CHECK(Details(r->body) == "this needs the admin role");
  }
  // The API itself is hers.
  auto list = Send(server, "GET", "/api/vacancies", rita);
  REQUIRE(list);
  CHECK(list->status == 200);
}

TEST_CASE("console: disabled users cannot sign in, their sessions and tokens die") {
  TestServer server;
  SetUserPassword(server, server.creds().email, kPassword);
  Credentials bob{};
  REQUIRE(server.store()
              .Write([&](Db& db) {
                auto u = CreateUser(db, server.creds().account_id, "bob@agency.test", "Bob",
                                    std::nullopt, 0);
                if (!u.ok()) return u.status();
                bob.user_id = u->id;
                auto t = CreateToken(db, u->id, 0, nullptr);
                if (!t.ok()) return t.status();
                bob.token = *t;
                return SetPasswordHash(db, u->id, HashPassword(kPassword, 10000));
              })
              .ok());
  bob.email = "bob@agency.test";
  ConsoleSession admin = SignIn(server, server.creds().email, kPassword);
  ConsoleSession b = SignIn(server, bob.email, kPassword);
  auto self = Send(server, "PATCH", "/console/api/users/" + std::to_string(server.creds().user_id),
                   admin, R"({"user": {"disabled": true}})");
  REQUIRE(self);
  CHECK(self->status == 412);
  auto off = Send(server, "PATCH", "/console/api/users/" + std::to_string(bob.user_id), admin,
                  R"({"user": {"disabled": true}})");
  REQUIRE(off);
  INFO(off->body);
  CHECK(off->status == 200);
  CHECK(Json(off->body).Find("user")->Find("disabled")->as_bool());
  auto dead = Send(server, "GET", "/console/api/session", b);
  REQUIRE(dead);
  CHECK(dead->status == 403);
  auto again = PostSignIn(server, bob.email, kPassword);
  REQUIRE(again);
  CHECK(again->status == 403);
  auto api = server.AuthedClient(bob)->Get("/api/vacancies");
  REQUIRE(api);
  CHECK(api->status == 401);
  CHECK(Details(api->body) == "this user is disabled");
  // Enabled again: signs in.
  auto on = Send(server, "PATCH", "/console/api/users/" + std::to_string(bob.user_id), admin,
                 R"({"user": {"disabled": false}})");
  REQUIRE(on);
  CHECK(on->status == 200);
  auto back = PostSignIn(server, bob.email, kPassword);
  REQUIRE(back);
  CHECK(back->status == 303);
}

TEST_CASE("console: tokens are named, shown once, listed without secrets and revoked") {
  TestServer server;
  SetUserPassword(server, server.creds().email, kPassword);
  ConsoleSession admin = SignIn(server, server.creds().email, kPassword);
  auto made = Send(server, "POST", "/console/api/tokens", admin, R"({"token": {"name": "ATS"}})");
  REQUIRE(made);
  INFO(made->body);
  REQUIRE(made->status == 201);
  Value t = Json(made->body);
  std::string secret = t.Find("token")->Find("token")->as_string();
  int64_t id = t.Find("token")->Find("id")->as_int();
  CHECK(secret.rfind("cmo_", 0) == 0);
  Credentials as_token = server.creds();
  as_token.token = secret;
  CHECK(server.AuthedClient(as_token)->Get("/api/vacancies")->status == 200);
  auto list = Send(server, "GET", "/console/api/tokens", admin);
  REQUIRE(list);
  CHECK(list->body.find(secret) == std::string::npos);
  CHECK(list->body.find("\"ATS\"") != std::string::npos);
  auto del = Send(server, "DELETE", "/console/api/tokens/" + std::to_string(id), admin);
  REQUIRE(del);
  CHECK(del->status == 204);
  CHECK(server.AuthedClient(as_token)->Get("/api/vacancies")->status == 403);
}

TEST_CASE("console: a sign-in rehashes a password stored with fewer iterations than the setting") {
  ServerOptions o;
  o.console.password_iterations = 20000;
  TestServer server(o);
  SetUserPassword(server, server.creds().email, kPassword, 10000);
  CHECK(StoredHash(server, server.creds().email).rfind("pbkdf2-sha256$10000$", 0) == 0);
  SignIn(server, server.creds().email, kPassword);
  std::string after = StoredHash(server, server.creds().email);
  CHECK(after.rfind("pbkdf2-sha256$20000$", 0) == 0);
  CHECK(VerifyPassword(kPassword, after));
  // Already at the setting: left as it is.
  SignIn(server, server.creds().email, kPassword);
  CHECK(StoredHash(server, server.creds().email) == after);
}

TEST_CASE("console: failed sign-ins are throttled: 429 with details, even for the right password") {
  TestServer server;
  SetUserPassword(server, server.creds().email, kPassword);
  int failures = 0;
  for (; failures < 50; ++failures) {
    auto r = PostSignIn(server, server.creds().email, "wrong password!!");
    REQUIRE(r);
    if (r->status == 429) {
      CHECK(r->body.find("too many failed sign-ins; retry in") != std::string::npos);
      CHECK_FALSE(r->get_header_value("Retry-After").empty());
      break;
    }
    REQUIRE(r->status == 403);
  }
  CHECK(failures == 10);
  auto right = PostSignIn(server, server.creds().email, kPassword);
  REQUIRE(right);
  CHECK(right->status == 429);
  // Another email from the same address is not affected (below its own
  // pair's limit and the address's).
  Credentials other = server.NewAccount("Other", "other@other.test");
  SetUserPassword(server, other.email, kPassword);
  auto theirs = PostSignIn(server, other.email, kPassword);
  REQUIRE(theirs);
  CHECK(theirs->status == 303);
  // Time refills the pair: the right password works again.
  server.clock().Advance(3600);
  auto later = PostSignIn(server, server.creds().email, kPassword);
  REQUIRE(later);
  CHECK(later->status == 303);
}

TEST_CASE("console: set-password links expire, and a new one closes the old") {
  TestServer server;
  std::string first, second;
  REQUIRE(server.store()
              .Write([&](Db& db) {
                auto a =
                    CreatePasswordLink(db, server.creds().user_id, server.clock().Now(), 72 * 3600);
                if (!a.ok()) return a.status();
                first = *a;
                auto b =
                    CreatePasswordLink(db, server.creds().user_id, server.clock().Now(), 72 * 3600);
                if (!b.ok()) return b.status();
                second = *b;
                return Status::OK();
              })
              .ok());
  auto c = server.Client();
  CHECK(c->Get("/console/set-password?token=" + first)->status == 410);
  CHECK(c->Get("/console/set-password?token=" + second)->status == 200);
  CHECK(c->Get("/console/set-password?token=" + std::string(52, 'a'))->status == 404);
  CHECK(c->Get("/console/set-password?token=%00%FF")->status == 404);
  server.clock().Advance(72 * 3600);
  CHECK(c->Get("/console/set-password?token=" + second)->status == 410);
}

TEST_CASE("console: GET /console redirects without a session and serves the app with one") {
  TestServer server;
  SetUserPassword(server, server.creds().email, kPassword);
  auto c = server.Client();
  auto anon = c->Get("/console");
  REQUIRE(anon);
  CHECK(anon->status == 303);
  CHECK(anon->get_header_value("Location") == "/console/sign-in");
  auto stale =
      c->Get("/console", {{"Cookie", std::string(kSessionCookie) + "=" + std::string(64, 'b')}});
  REQUIRE(stale);
  CHECK(stale->status == 303);
  ConsoleSession me = SignIn(server, server.creds().email, kPassword);
  auto app = c->Get("/console", {{"Cookie", me.Cookie()}});
  REQUIRE(app);
  CHECK(app->status == 200);
  CHECK(app->get_header_value("Content-Security-Policy").find("script-src 'self'") !=
        std::string::npos);
  CHECK(app->get_header_value("Referrer-Policy") == "same-origin");
  CHECK(app->get_header_value("Cache-Control") == "no-store");
  CHECK(app->body.find("/public/assets/console/app.js") != std::string::npos);
  auto js = c->Get("/public/assets/console/app.js");
  REQUIRE(js);
  CHECK(js->status == 200);
  // Signed in, the sign-in form sends the browser on.
  auto form = c->Get("/console/sign-in", {{"Cookie", me.Cookie()}});
  REQUIRE(form);
  CHECK(form->status == 303);
}

TEST_CASE("console: hostile cookies and form bodies answer 400 or 413 at once") {
  TestServer server;
  SetUserPassword(server, server.creds().email, kPassword);
  auto c = server.Client();
  // Malformed, repeated and oversized session cookies.
  for (const std::string& cookie : {std::string(kSessionCookie) + "=zz",
                                    std::string(kSessionCookie) + "=" + std::string(65, 'a'),
                                    std::string(kSessionCookie) + "=" + std::string(64, 'a') +
                                        "; " + kSessionCookie + "=" + std::string(64, 'b')}) {
    auto r = c->Get("/api/vacancies", {{"Cookie", cookie}});
    REQUIRE(r);
    CHECK(r->status == 400);
  }
  auto huge = c->Get("/api/vacancies",
                     {{"Cookie", std::string(kSessionCookie) + "=" + std::string(200000, 'a')}});
  if (huge) CHECK(huge->status >= 400);
  // A form body over the limit.
  SignInForm f = GetSignInForm(server);
  auto big =
      c->Post("/console/sign-in", {{"Cookie", std::string(kPreSessionCookie) + "=" + f.cookie}},
              "csrf=" + f.csrf + "&email=a%40b.test&password=" + std::string(2 << 20, 'x'),
              "application/x-www-form-urlencoded");
  if (big) CHECK(big->status == 413);
  // Malformed forms: no fields, garbage, an email too long.
  for (const std::string& body :
       {std::string(""), std::string("%%%&&&==="),
        "csrf=" + f.csrf + "&email=" + std::string(300, 'a') + "&password=x"}) {
    auto r =
        c->Post("/console/sign-in", {{"Cookie", std::string(kPreSessionCookie) + "=" + f.cookie}},
                body, "application/x-www-form-urlencoded");
    REQUIRE(r);
    CHECK(r->status >= 400);
    CHECK(r->status < 500);
  }
}

}  // namespace
}  // namespace cammio
