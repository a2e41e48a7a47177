// The refusals of issue 16 that need no open room: the automated `complete`
// endpoint on a live link (409, nothing made, nothing mailed), and the room's
// routes on unknown, foreign, revoked, automated and deleted-guest links.
#include <doctest/doctest.h>

#include "api/live.h"
#include "testing/live_client.h"

namespace cammio::testing {
namespace {

TEST_CASE("live: POST complete on a live link answers 409 and makes no interview") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api, "2030-01-01T10:00:00Z");
  auto cli = server.Client();
  auto r =
      cli->Post((li.candidate + "/complete").c_str(), "{\"recordings\": []}", "application/json");
  REQUIRE(r);
  CHECK(r->status == 409);
  CHECK(Contains(r->body, "live interview"));
  CHECK(List(api.Get("/api/interviews"), "interview").empty());
  Value inv =
      Object(api.Get("/api/invitations/" + std::to_string(li.invitation_id)), 200, "invitation");
  CHECK(Str(inv, "status") == "open");
}

}  // namespace
}  // namespace cammio::testing

namespace cammio::testing {
namespace {

TEST_CASE("live: TURN REST API credentials are <expiry>:<id> and base64(HMAC-SHA1)") {
  auto [user, credential] = TurnCredentials("north", 1700003600, "interviewer");
  CHECK(user == "1700003600:interviewer");
  // RFC 2104 HMAC-SHA1 computed independently (Python's hmac module).
  CHECK(credential == "1p9p4OUL7BVUrkefUq1S7XmkQck=");
}

}  // namespace
}  // namespace cammio::testing
