// The live room against what happens to its invitation outside it (review
// items 10, 4 and 13), through the real server: a revoked or erased
// invitation closes its room (everyone gets `ended` with the reason, the
// streams close, nothing more is written); a guest removed by the
// interviewer stays out across a restart; a reschedule applies to a room
// already in memory.
#include <doctest/doctest.h>

#include "api/live.h"
#include "store/erase.h"
#include "store/invitations.h"
#include "store/live_sessions.h"
#include "testing/live_client.h"
#include "testing/wait.h"
#include "util/time.h"

namespace cammio::testing {
namespace {

const httplib::Headers kHtml = {{"Accept", "text/html,application/xhtml+xml"}};

// Whether the invitation's session has an end or an interview written.
bool EndWritten(TestServer& server, int64_t invitation_id) {
  bool written = false;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                auto s = GetLiveSession(db, invitation_id);
                if (s.status().IsNotFound()) return Status::OK();
                if (s.ok()) written = s->ended_at.has_value() || s->interview_id.has_value();
                return s.status();
              })
              .ok());
  return written;
}

TEST_CASE("live close: revoking the invitation ends its room for everyone, reason revoked") {
  TestServer server;
  Api api(server);
  TwoJoined room(server, api);
  room.cand.Next("joined");
  REQUIRE(server.live().registry().rooms() == 1);

  CHECK(api.Delete("/api/invitations/" + std::to_string(room.li.invitation_id)).status == 200);
  for (EventStreamReader* r : {&room.cand, &room.iv}) {
    LiveFrame ended = r->Next("ended");
    CHECK(ended.type == "ended");
    CHECK(Contains(ended.data, "\"reason\":\"revoked\""));
    CHECK(r->WaitEnded());
  }
  CHECK(server.live().registry().rooms() == 0);
  CHECK(server.live().registry().present() == 0);
  // Nothing more is written for it, also after the grace.
  server.clock().Advance(120);
  server.live().Tick();
  CHECK_FALSE(EndWritten(server, room.li.invitation_id));
  CHECK(List(api.Get("/api/interviews"), "interview").empty());
  // The links keep answering 410.
  CHECK(LiveGet(server, room.li.candidate + "/live").status == 410);
  EventStreamReader again(server, Events(room.li.interviewer));
  CHECK(again.status() == 410);
  CHECK(Contains(again.body(), "revoked"));
}

TEST_CASE("live close: a revoke written by another process closes the room at the next tick") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  EventStreamReader cand(server, Events(li.candidate));
  REQUIRE(cand.status() == 200);
  const int64_t account = server.creds().account_id;
  REQUIRE(server.store()
              .Write([&](Db& db) {
                return RevokeInvitation(db, account, li.invitation_id, server.clock().Now());
              })
              .ok());
  server.live().Tick();
  LiveFrame ended = cand.Next("ended");
  CHECK(Contains(ended.data, "\"reason\":\"revoked\""));
  CHECK(cand.WaitEnded());
  CHECK(server.live().registry().rooms() == 0);
}

TEST_CASE("live close: erasing the invitation ends the room under way, reason deleted") {
  TestServer server;
  Api api(server);
  TwoJoined room(server, api);
  room.cand.Next("joined");  // candidate and interviewer met: the interview is under way

  // What `cammio candidate erase` (another process: the rooms learn it from
  // the store) and data retention do to the invitation (store/erase.h).
  REQUIRE(server.store()
              .Write([&](Db& db) {
                Eraser e(db, server.creds().account_id, server.data_dir() + "/media");
                Status s = e.Invitation(room.li.invitation_id);
                return s.ok() ? e.FinishMedia() : s;
              })
              .ok());
  server.live().Tick();
  for (EventStreamReader* r : {&room.cand, &room.iv}) {
    LiveFrame ended = r->Next("ended");
    CHECK(Contains(ended.data, "\"reason\":\"deleted\""));
    CHECK(r->WaitEnded());
  }
  CHECK(server.live().registry().rooms() == 0);
  // Nothing is written for it: no session row, no interview (the grace ran).
  server.clock().Advance(120);
  server.live().Tick();
  CHECK(CountRows(server, "SELECT COUNT(*) FROM live_sessions") == 0);
  CHECK(CountRows(server, "SELECT COUNT(*) FROM interviews") == 0);
  CHECK(LiveGet(server, room.li.candidate + "/live").status == 404);  // erased: unknown
}

TEST_CASE("live close: a guest removed by the interviewer stays out after a restart") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  const int64_t gid = AddGuest(api, li, "Una");
  const std::string guest = li.Guest(gid);
  {
    EventStreamReader iv(server, Events(li.interviewer));
    REQUIRE(iv.status() == 200);
    EventStreamReader una(server, Events(guest));
    REQUIRE(una.status() == 200);
    CHECK(LiveMessage(server, li.interviewer,
                      R"({"type":"remove","id":"guest-)" + std::to_string(gid) + "\"}")
              .status == 204);
    CHECK(una.Next("removed").type == "removed");
  }
  // The room is forgotten (empty, never started: once the server saw the
  // streams go), then the process restarts.
  CHECK(WaitUntil([&] {
    server.live().Tick();
    return server.live().registry().rooms() == 0;
  }));
  server.Restart();
  Api api2(server);

  Resp room = LiveGet(server, guest + "/live");
  CHECK(room.status == 410);
  CHECK(Contains(room.body, "removed"));
  EventStreamReader back(server, Events(guest));
  CHECK(back.status() == 410);
  CHECK(Contains(back.body(), "the interviewer removed this guest"));
  // The page says so too.
  auto cli = server.Client();
  auto page = cli->Get(guest.c_str(), kHtml);
  REQUIRE(page);
  CHECK(page->status == 410);
  CHECK(Contains(page->body, "The interviewer removed you from the room."));
  // The guest is still the invitation's (removed from the room, not deleted),
  // and the others still get in.
  CHECK(api2.Get("/api/invitations/" + std::to_string(li.invitation_id) + "/guests/" +
                 std::to_string(gid))
            .status == 200);
  EventStreamReader cand(server, Events(li.candidate));
  CHECK(cand.status() == 200);
}

TEST_CASE("live close: a reschedule applies to a room already in memory") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);  // at 22:20, the lobby is open
  EventStreamReader cand(server, Events(li.candidate));
  REQUIRE(cand.status() == 200);
  REQUIRE(server.live().registry().rooms() == 1);

  Resp put = api.Put("/api/invitations/" + std::to_string(li.invitation_id),
                     R"({"invitation": {"datetime_scheduled": "2023-11-15T22:20:00Z"}})");
  REQUIRE(put.status == 200);
  EventStreamReader iv(server, Events(li.interviewer));
  CHECK(iv.status() == 409);
  CHECK(Contains(iv.body(), "the room opens at 2023-11-15T22:05:00Z"));
  CHECK(Str(Json(LiveGet(server, li.interviewer + "/live").body), "state") == "waiting");

  // Moved back into the lobby window: the room opens again.
  REQUIRE(api.Put("/api/invitations/" + std::to_string(li.invitation_id),
                  R"({"invitation": {"datetime_scheduled": "2023-11-14T22:25:00Z"}})")
              .status == 200);
  EventStreamReader iv2(server, Events(li.interviewer));
  CHECK(iv2.status() == 200);
  CHECK(Str(Json(LiveGet(server, li.candidate + "/live").body), "state") == "open");
}

}  // namespace
}  // namespace cammio::testing
