// What a live room leaves behind when its writes race or fail (api/live.h
// LiveRooms::Persist): an end whose join's write has not landed yet, an end
// whose write failed (retried by the ticker), and the pages and GET B/live
// agreeing on "ended" afterwards.
#include <doctest/doctest.h>

#include "api/live.h"
#include "store/live_sessions.h"
#include "testing/live_client.h"
#include "util/time.h"

namespace cammio::testing {
namespace {

const httplib::Headers kHtml = {{"Accept", "text/html,application/xhtml+xml"}};

live::Participant Who(const std::string& id, const std::string& name) {
  return live::Participant{id, id, name};
}

// Makes the end's write fail while it exists (a failing disk, a full one).
void FailEnds(TestServer& server, bool fail) {
  REQUIRE(server.store()
              .Write([fail](Db& db) {
                return db.Exec(fail ? "CREATE TRIGGER fail_end BEFORE UPDATE OF ended_at ON "
                                      "live_sessions BEGIN SELECT RAISE(ABORT, 'injected'); END"
                                    : "DROP TRIGGER fail_end");
              })
              .ok());
}

TEST_CASE("live end: an end whose join's write lands after it still makes the interview") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  LiveRooms& rooms = server.live();
  live::RoomRules rules;
  rules.invitation_id = li.invitation_id;  // no time: open at once
  live::StreamId next = 1'000'000;
  auto open = [&next] { return next++; };
  const int64_t met = server.clock().Now();
  auto cand = rooms.registry().Join(rules, Who("candidate", "Cora"), met, open);
  REQUIRE(cand.ok());
  REQUIRE(rooms.Persist(*cand, met).ok());
  // The interviewer's join starts the interview; its write is still to come
  // when the interviewer ends it.
  auto iv = rooms.registry().Join(rules, Who("interviewer", "Ivan"), met, open);
  REQUIRE(iv.ok());
  REQUIRE(iv->started);
  auto end = rooms.registry().End(li.invitation_id, "interviewer", FormatUtc(met + 300), met + 300);
  REQUIRE(end.ok());
  CHECK(rooms.Persist(*end, met + 300).ok());
  CHECK(rooms.Persist(*iv, met).ok());  // the join's write, late
  auto list = List(api.Get("/api/interviews"), "interview");
  REQUIRE(list.size() == 1);
  CHECK(Str(list[0], "datetime_start") == FormatUtc(met));
  CHECK(Str(list[0], "datetime_end") == FormatUtc(met + 300));
  // Both were present: two recording rows, the candidate's first.
  Value got =
      Object(api.Get("/api/interviews/" + std::to_string(Int(list[0], "id"))), 200, "interview");
  REQUIRE(At(got, "recordings").items().size() == 2);
  CHECK(Str(Unwrap(At(got, "recordings").items()[0], "recording"), "title") == "Candidate: Cora");
  CHECK(LiveGet(server, li.candidate + "/live").status == 410);
}

TEST_CASE("live end: a failed end's write is retried by the ticker; page and state then agree") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  EventStreamReader cand(server, li.candidate + "/live/events");
  REQUIRE(cand.status() == 200);
  EventStreamReader iv(server, li.interviewer + "/live/events");
  REQUIRE(iv.status() == 200);
  cand.Next("joined");
  const int64_t started = server.clock().Now();
  server.clock().Advance(120);
  FailEnds(server, true);
  CHECK(LiveMessage(server, li.interviewer, R"({"type":"end"})").status == 204);
  CHECK(cand.Next("ended").type == "ended");
  CHECK(cand.WaitEnded());
  CHECK(List(api.Get("/api/interviews"), "interview").empty());
  // While the end is not saved nobody rejoins the room.
  EventStreamReader late(server, li.candidate + "/live/events");
  CHECK(late.status() == 410);
  server.live().Tick();  // the retry fails again
  CHECK(List(api.Get("/api/interviews"), "interview").empty());
  FailEnds(server, false);
  server.clock().Advance(5);
  server.live().Tick();
  auto list = List(api.Get("/api/interviews"), "interview");
  REQUIRE(list.size() == 1);
  CHECK(Str(list[0], "datetime_start") == FormatUtc(started));
  CHECK(Str(list[0], "datetime_end") == FormatUtc(started + 120));
  // The page and GET B/live agree: ended (no room page to reload forever).
  Resp page = api.Get(li.candidate, kHtml);
  CHECK(page.status == 410);
  CHECK(page.body.find("data-ended") != std::string::npos);
  CHECK(LiveGet(server, li.candidate + "/live").status == 410);
  server.live().Tick();
  CHECK(List(api.Get("/api/interviews"), "interview").size() == 1);
}

TEST_CASE("live end: an interviewer who ends before the candidate came: no interview, 410") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  {
    EventStreamReader iv(server, li.interviewer + "/live/events");
    REQUIRE(iv.status() == 200);
    CHECK(LiveMessage(server, li.interviewer, R"({"type":"end"})").status == 204);
    CHECK(iv.WaitEnded());
  }
  CHECK(List(api.Get("/api/interviews"), "interview").empty());
  Value inv =
      Object(api.Get("/api/invitations/" + std::to_string(li.invitation_id)), 200, "invitation");
  CHECK(Str(inv, "status") == "open");  // a no-show
  // The page, GET B/live and the stream agree, in this process and after a
  // restart.
  CHECK(api.Get(li.candidate, kHtml).status == 410);
  CHECK(LiveGet(server, li.candidate + "/live").status == 410);
  server.Restart();
  Api api2(server);
  CHECK(api2.Get(li.candidate, kHtml).status == 410);
  EventStreamReader again(server, li.candidate + "/live/events");
  CHECK(again.status() == 410);
}

TEST_CASE("live end: a restart during the interview, nobody rejoins: the grace writes it") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  const int64_t started = server.clock().Now();
  {
    EventStreamReader cand(server, li.candidate + "/live/events");
    REQUIRE(cand.status() == 200);
    EventStreamReader iv(server, li.interviewer + "/live/events");
    REQUIRE(iv.status() == 200);
    cand.Next("joined");
    server.clock().Advance(200);
  }
  server.Restart();  // while both are still in the room, as far as it knew
  Api api2(server);
  const int64_t restarted = server.clock().Now();
  server.live().Tick();
  CHECK(List(api2.Get("/api/interviews"), "interview").empty());  // within the grace
  server.clock().Advance(61);
  server.live().Tick();
  auto list = List(api2.Get("/api/interviews"), "interview");
  REQUIRE(list.size() == 1);
  CHECK(Str(list[0], "datetime_start") == FormatUtc(started));
  CHECK(Str(list[0], "datetime_end") == FormatUtc(restarted));
  CHECK(LiveGet(server, li.candidate + "/live").status == 410);
  // The completion event still pending at a second restart is raised after
  // live_upload_wait_s by the new process's ticker.
  server.Restart();
  server.clock().Advance(600);
  server.live().Tick();
  int64_t raised = 0;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                auto s = GetLiveSession(db, li.invitation_id);
                if (s.ok() && s->completed_event_at) raised = 1;
                return s.status();
              })
              .ok());
  CHECK(raised == 1);
}

}  // namespace
}  // namespace cammio::testing
