// The recruiter review page (/recruiter/reviews/:id) with a console session
// instead of Basic: the page's form carries the session's CSRF token, and a
// post without it is refused.
#include <doctest/doctest.h>

#include "console/console_helpers.h"
#include "testing/api_helpers.h"

namespace cammio {
namespace {

using namespace testing;

TEST_CASE(
    "console: the recruiter review page works with a session, its form posts need the token") {
  TestServer server;
  SetUserPassword(server, server.creds().email, "a long enough secret");
  Api a(server);
  int64_t vacancy = CreateVacancy(a, "automated");
  int64_t invitation = CreateInvitationId(a, vacancy, "cand@example.test");
  int64_t now = server.clock().Now();
  int64_t interview = Complete(server, invitation, now - 60, now);
  ConsoleSession me = SignIn(server, server.creds().email, "a long enough secret");
  auto c = server.Client();
  const std::string path = "/recruiter/reviews/" + std::to_string(interview);
  auto page = c->Get(path, {{"Cookie", me.Cookie()}, {"Accept", "text/html"}});
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("name=\"csrf\" value=\"" + me.csrf + "\"") != std::string::npos);
  auto without = c->Post(path, {{"Cookie", me.Cookie()}, {"Accept", "text/html"}},
                         "rating=4&remarks=ok", "application/x-www-form-urlencoded");
  REQUIRE(without);
  // Refused (this page's error renderer answers every Unauthenticated with
  // its Basic challenge, 401, web/html.h).
  CHECK(without->status == 401);
  // A browser's same-origin form post (Origin null under no-referrer).
  auto with = c->Post(path,
                      {{"Cookie", me.Cookie()},
                       {"Accept", "text/html"},
                       {"Sec-Fetch-Site", "same-origin"},
                       {"Origin", "null"}},
                      "rating=4&remarks=ok&csrf=" + me.csrf, "application/x-www-form-urlencoded");
  REQUIRE(with);
  CHECK(with->status == 303);
  Resp reviews = a.Get("/api/interviews/" + std::to_string(interview) + "/reviews");
  CHECK(reviews.Header("X-Total-Count") == "1");
}

}  // namespace
}  // namespace cammio
