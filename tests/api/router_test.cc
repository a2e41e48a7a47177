// Tests for src/api/router: SplitPath, ParseId, IsToken, IsGuestToken and
// Router::Match (literal, :id, {token} and {token:guest} segments, 404 vs
// 405 + Allow, HEAD -> GET, ids and tokens that must not match).
#include "api/router.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "api/routes.h"
#include "mail/enqueue.h"
#include "util/random.h"

namespace cammio {
namespace {

Status HandlerA(Call&) { return Status::OK(); }
Status HandlerB(Call&) { return Status::OK(); }

// A small table shaped like the real one.
const Router& TestRouter() {
  static const Router router({
      {"GET", "/", HandlerA, false},
      {"GET", "/healthz", HandlerA, false},
      {"GET", "/api/vacancies", HandlerA},
      {"POST", "/api/vacancies", HandlerB},
      {"GET", "/api/vacancies/:id", HandlerA},
      {"PUT", "/api/vacancies/:id", HandlerB},
      {"DELETE", "/api/vacancies/:id", HandlerB},
      {"GET", "/api/vacancies/:vacancy_id/invitations", HandlerA},
      {"GET", "/api/vacancies/:vacancy_id/invitations/:id", HandlerA},
      {"POST", "/api/forward", HandlerB},
      {"GET", "/public/links/{token}", HandlerA, false},
      {"POST", "/public/links/{token}/items/:item_id", HandlerB, false},
      {"GET", "/public/guests/{token:guest}", HandlerB, false},
  });
  return router;
}

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  for (auto s : SplitPath(path)) out.emplace_back(s);
  return out;
}

using Strings = std::vector<std::string>;

TEST_CASE("router: SplitPath") {
  CHECK(Split("") == Strings{});
  CHECK(Split("/") == Strings{});
  CHECK(Split("/api") == Strings{"api"});
  CHECK(Split("/api/vacancies/12") == Strings{"api", "vacancies", "12"});
  CHECK(Split("api/vacancies") == Strings{"api", "vacancies"});
  // One trailing slash is ignored.
  CHECK(Split("/api/vacancies/") == Strings{"api", "vacancies"});
  // Empty segments are kept, so that they do not match anything.
  CHECK(Split("/api//vacancies") == Strings{"api", "", "vacancies"});
  CHECK(Split("/api/vacancies//") == Strings{"api", "vacancies", ""});
}

TEST_CASE("router: ParseId accepts positive decimal int64 only") {
  int64_t id = -7;
  CHECK(ParseId("1", &id));
  CHECK(id == 1);
  CHECK(ParseId("3484", &id));
  CHECK(id == 3484);
  CHECK(ParseId("9223372036854775807", &id));  // INT64_MAX
  CHECK(id == INT64_MAX);
  // Leading zeros are read as decimal.
  CHECK(ParseId("007", &id));
  CHECK(id == 7);

  id = 42;
  for (const char* bad : {"", "0", "00", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "abc",
                          "12abc", "9223372036854775808", "18446744073709551616",
                          "99999999999999999999", "00000000000000000001"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseId(bad, &id));
  }
  CHECK(id == 42);  // untouched on failure
}

TEST_CASE("router: literal and :id segments") {
  const Router& r = TestRouter();
  RouteMatch m = r.Match("GET", "/api/vacancies");
  REQUIRE(m.route != nullptr);
  CHECK((m.route->handler == &HandlerA));
  CHECK(m.status.ok());

  m = r.Match("POST", "/api/vacancies");
  REQUIRE(m.route != nullptr);
  CHECK((m.route->handler == &HandlerB));
  CHECK(std::string(m.route->method) == "POST");

  m = r.Match("GET", "/api/vacancies/12");
  REQUIRE(m.route != nullptr);
  CHECK(std::string(m.route->pattern) == "/api/vacancies/:id");
  CHECK(m.params.Get("id") == 12);
  CHECK(m.params.Has("id"));
  CHECK_FALSE(m.params.Has("vacancy_id"));
  CHECK(m.params.Get("nothing") == 0);

  m = r.Match("GET", "/api/vacancies/12/invitations/34");
  REQUIRE(m.route != nullptr);
  CHECK(m.params.Get("vacancy_id") == 12);
  CHECK(m.params.Get("id") == 34);

  m = r.Match("GET", "/api/vacancies/5/invitations");
  REQUIRE(m.route != nullptr);
  CHECK(m.params.Get("vacancy_id") == 5);
  CHECK_FALSE(m.params.Has("id"));

  m = r.Match("GET", "/");
  REQUIRE(m.route != nullptr);
  CHECK_FALSE(m.route->authenticated);

  m = r.Match("GET", "/healthz");
  REQUIRE(m.route != nullptr);
  CHECK_FALSE(m.route->authenticated);
  CHECK(r.Match("GET", "/api/vacancies").route->authenticated);
}

TEST_CASE("router: a trailing slash is ignored, other variations are not") {
  const Router& r = TestRouter();
  RouteMatch m = r.Match("GET", "/api/vacancies/");
  REQUIRE(m.route != nullptr);
  CHECK(std::string(m.route->pattern) == "/api/vacancies");
  m = r.Match("DELETE", "/api/vacancies/9/");
  REQUIRE(m.route != nullptr);
  CHECK(m.params.Get("id") == 9);

  for (const char* path :
       {"/api//vacancies", "/api/vacancies//", "/API/vacancies", "/api/Vacancies",
        "/api/vacancies/1/2", "/api", "/api/vacancie", "/api/vacancies/12/invitations/34/x",
        "/nothing", "/api/vacancies.xml"}) {
    CAPTURE(path);
    RouteMatch nm = r.Match("GET", path);
    CHECK(nm.route == nullptr);
    CHECK(nm.status.code() == Status::Code::kNotFound);
    CHECK(nm.allow.empty());
  }
}

TEST_CASE("router: ids that are not positive int64 do not match (404, never 405)") {
  const Router& r = TestRouter();
  for (const char* id : {"0", "-1", "abc", "1a", "9223372036854775808",
                         "123456789012345678901234567890", "%31", "1.5", "+3"}) {
    CAPTURE(id);
    std::string path = std::string("/api/vacancies/") + id;
    for (const char* method : {"GET", "PUT", "DELETE", "POST", "PATCH"}) {
      CAPTURE(method);
      RouteMatch m = r.Match(method, path);
      CHECK(m.route == nullptr);
      CHECK(m.status.code() == Status::Code::kNotFound);
      CHECK(m.allow.empty());
    }
    RouteMatch nested = r.Match("GET", std::string("/api/vacancies/") + id + "/invitations");
    CHECK(nested.route == nullptr);
    CHECK(nested.status.code() == Status::Code::kNotFound);
  }
  // The largest id still matches; 007 is the id 7.
  RouteMatch m = r.Match("GET", "/api/vacancies/9223372036854775807");
  REQUIRE(m.route != nullptr);
  CHECK(m.params.Get("id") == INT64_MAX);
  m = r.Match("GET", "/api/vacancies/007");
  REQUIRE(m.route != nullptr);
  CHECK(m.params.Get("id") == 7);
}

TEST_CASE("router: 405 with the Allow list for a known path and another method") {
  const Router& r = TestRouter();
  RouteMatch m = r.Match("PATCH", "/api/vacancies");
  CHECK(m.route == nullptr);
  CHECK(m.status.code() == Status::Code::kMethodNotAllowed);
  CHECK(m.allow == "GET, POST");
  CHECK(m.status.details().find("GET, POST") != std::string::npos);

  m = r.Match("POST", "/api/vacancies/3");
  CHECK(m.status.code() == Status::Code::kMethodNotAllowed);
  CHECK(m.allow == "GET, PUT, DELETE");

  m = r.Match("DELETE", "/api/vacancies/3/invitations");
  CHECK(m.status.code() == Status::Code::kMethodNotAllowed);
  CHECK(m.allow == "GET");

  m = r.Match("GET", "/api/forward");
  CHECK(m.status.code() == Status::Code::kMethodNotAllowed);
  CHECK(m.allow == "POST");

  m = r.Match("OPTIONS", "/api/vacancies/3/");
  CHECK(m.status.code() == Status::Code::kMethodNotAllowed);
  CHECK(m.allow == "GET, PUT, DELETE");
  // Method names are case-sensitive (RFC 9110).
  m = r.Match("get", "/api/vacancies");
  CHECK(m.status.code() == Status::Code::kMethodNotAllowed);
}

TEST_CASE("router: HEAD matches GET routes") {
  const Router& r = TestRouter();
  RouteMatch m = r.Match("HEAD", "/api/vacancies/4");
  REQUIRE(m.route != nullptr);
  CHECK(std::string(m.route->method) == "GET");
  CHECK(m.params.Get("id") == 4);
  m = r.Match("HEAD", "/healthz");
  REQUIRE(m.route != nullptr);
  // A POST-only path: HEAD is not allowed there.
  m = r.Match("HEAD", "/api/forward");
  CHECK(m.route == nullptr);
  CHECK(m.status.code() == Status::Code::kMethodNotAllowed);
  CHECK(m.allow == "POST");
}

TEST_CASE("router: the API's route table") {
  const Router r(ApiRoutes());
  RouteMatch m = r.Match("GET", "/healthz");
  REQUIRE(m.route != nullptr);
  CHECK_FALSE(m.route->authenticated);
  for (const auto& route : r.routes()) {
    CAPTURE(route.pattern);
    std::string p = route.pattern;
    // Every /api/ route needs credentials (the API description excepted).
    if (p.rfind("/api/", 0) == 0 && p != "/api/openapi.json") CHECK(route.authenticated);
  }
  m = r.Match("PATCH", "/api/vacancies");
  CHECK(m.allow == "GET, POST");
  m = r.Match("POST", "/api/vacancies/1");
  CHECK(m.allow == "GET, PUT, DELETE");
  m = r.Match("GET", "/api/vacancies/12");
  REQUIRE(m.route != nullptr);
  CHECK(m.params.Get("id") == 12);
  // The candidate pages' JSON and uploads are the API's; the pages are not.
  const std::string token(20, 'a');
  CHECK(r.Match("GET", "/public/job_interviews/" + token + "/state").route != nullptr);
  CHECK(r.Match("PATCH", "/public/job_interviews/" + token + "/uploads/3").route != nullptr);
  CHECK(r.Match("GET", "/public/job_interviews/" + token).status.IsNotFound());
  CHECK(r.Match("GET", "/metrics").status.IsNotFound());
}

TEST_CASE("router: a live interviewer's token has the guest token's shape") {
  for (int64_t id : {int64_t{1}, int64_t{12}, int64_t{9223372036854775807}}) {
    CAPTURE(id);
    CHECK(IsGuestToken(mail::InterviewerToken("abcdefghijklmnopqrst", id)));
    CHECK(IsGuestToken(mail::GuestToken("abcdefghijklmnopqrst", id)));
  }
}

TEST_CASE("router: IsToken and IsGuestToken") {
  CHECK(IsToken(std::string(16, 'a')));
  CHECK(IsToken(std::string(64, '9')));
  CHECK(IsToken("abcdefghij0123456789"));
  for (const std::string& bad :
       {std::string(15, 'a'), std::string(65, 'a'), std::string(""),
        std::string("ABCDEFGHIJKLMNOPQ"), std::string("abcdefghijklmnop-"),
        std::string("abcdefgh.ijklmnop"), std::string("12.abcdefghijklmnopqrstuvwxyz")}) {
    CAPTURE(bad);
    CHECK_FALSE(IsToken(bad));
  }
  const std::string mac = "abcdefghijklmnopqrstuvwx27";  // 26 of [a-z2-7]
  CHECK(IsGuestToken("1." + mac));
  CHECK(IsGuestToken("3484." + mac));
  CHECK(IsGuestToken("9223372036854775807." + mac));
  for (const std::string& bad :
       {"." + mac, "0." + mac, "012." + mac, "-1." + mac, "+1." + mac, "1" + mac, "1." + mac + "a",
        "1." + mac.substr(1), "1." + mac.substr(0, 25) + "8", "1." + mac.substr(0, 25) + "1",
        "1." + mac.substr(0, 25) + "A", "1.." + mac.substr(1), "1." + mac + ".",
        "9223372036854775808." + mac, "a." + mac, std::string(""), std::string("1."), mac}) {
    CAPTURE(bad);
    CHECK_FALSE(IsGuestToken(bad));
  }
}

TEST_CASE("router: RandomToken and OrderedToken are valid link token segments") {
  CHECK(IsToken(RandomToken(20)));
  CHECK(IsToken(OrderedToken(20)));
}

TEST_CASE("router: {token} and {token:guest} segments") {
  const Router& r = TestRouter();
  const std::string token = "k3k3k3k3k3k3k3k3k3k3";
  RouteMatch m = r.Match("GET", "/public/links/" + token);
  REQUIRE(m.route != nullptr);
  CHECK(m.params.Token("token") == token);
  CHECK_FALSE(m.route->authenticated);
  m = r.Match("POST", "/public/links/" + token + "/items/12");
  REQUIRE(m.route != nullptr);
  CHECK(m.params.Token("token") == token);
  CHECK(m.params.Get("item_id") == 12);
  CHECK(m.params.Token("item_id").empty());
  m = r.Match("DELETE", "/public/links/" + token);
  CHECK(m.status.code() == Status::Code::kMethodNotAllowed);
  CHECK(m.allow == "GET");

  const std::string guest = "42.abcdefghijklmnopqrstuvwx27";
  m = r.Match("GET", "/public/guests/" + guest);
  REQUIRE(m.route != nullptr);
  CHECK((m.route->handler == &HandlerB));
  CHECK(m.params.Token("token") == guest);  // the name without the kind
  CHECK(m.params.Token("token:guest").empty());
  CHECK(m.params.Get("token") == 0);
  m = r.Match("HEAD", "/public/guests/" + guest + "/");
  REQUIRE(m.route != nullptr);
  CHECK(m.params.Token("token") == guest);
  m = r.Match("POST", "/public/guests/" + guest);
  CHECK(m.status.code() == Status::Code::kMethodNotAllowed);
  CHECK(m.allow == "GET");

  // Each kind matches only its own shape: 404, never 405.
  for (const std::string& path : std::vector<std::string>{
           "/public/links/" + guest, "/public/links/short", "/public/links/" + token + ".x",
           "/public/guests/" + token, "/public/guests/42",
           "/public/guests/42.ABCDEFGHIJKLMNOPQRSTUVWX27", "/public/guests/" + guest + "/x",
           "/public/guests/{token:guest}", "/public/links/{token}"}) {
    CAPTURE(path);
    for (const char* method : {"GET", "POST"}) {
      RouteMatch nm = r.Match(method, path);
      CHECK(nm.route == nullptr);
      CHECK(nm.status.code() == Status::Code::kNotFound);
      CHECK(nm.allow.empty());
    }
  }
}

}  // namespace
}  // namespace cammio
