// The live room through the real server (TestServer: real TLS, the real
// event streams, a real client reading the frames): joining, signal to one
// participant, chat to all, state, leave / drop / rejoin seen by the others,
// the interviewer's end making the interview, removal and deleted guests,
// and the refusals (lobby not open, room full, ended, foreign token,
// hostile messages).
#include <doctest/doctest.h>

#include "api/live.h"
#include "testing/live_client.h"
#include "util/time.h"

namespace cammio::testing {
namespace {

TEST_CASE("live: three participants join; signal reaches the named one only, chat reaches all") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  const int64_t gid = AddGuest(api, li, "Gert");
  const std::string guest = li.Guest(gid);

  Resp room = LiveGet(server, guest + "/live");
  REQUIRE(room.status == 200);
  Value doc = Json(room.body);
  CHECK(Str(At(doc, "participant"), "id") == "guest-" + std::to_string(gid));
  CHECK(Str(doc, "state") == "open");
  CHECK(Str(doc, "interviewer_name") == "Ivan");
  CHECK(At(doc, "ice_servers").items().empty());

  EventStreamReader cand(server, Events(li.candidate));
  REQUIRE(cand.status() == 200);
  LiveFrame w = cand.Next("welcome");
  CHECK(Contains(w.data, "\"self\":{\"id\":\"candidate\""));
  EventStreamReader iv(server, Events(li.interviewer));
  REQUIRE(iv.status() == 200);
  CHECK(Contains(iv.Next("welcome").data, "\"id\":\"candidate\""));
  CHECK(Contains(cand.Next("joined").data, "\"id\":\"interviewer\""));
  EventStreamReader g(server, Events(guest));
  REQUIRE(g.status() == 200);
  g.Next("welcome");
  cand.Next("joined");
  iv.Next("joined");

  Resp sig = LiveMessage(server, li.candidate,
                         R"({"type":"signal","to":"interviewer","data":{"sdp":"v=0 offer"}})");
  CHECK(sig.status == 204);
  LiveFrame f = iv.Next("signal");
  CHECK(f.data == R"({"from":"candidate","data":{"sdp":"v=0 offer"}})");
  Resp chat = LiveMessage(server, guest, R"({"type":"chat","text":"hello \"all\""})");
  CHECK(chat.status == 204);
  for (EventStreamReader* r : {&cand, &iv, &g}) {
    LiveFrame c = r->Next("chat");
    CHECK(Contains(c.data, "\"text\":\"hello \\\"all\\\"\""));
    CHECK(Contains(c.data, "\"name\":\"Gert\""));
  }
  // The guest never got the signal meant for the interviewer.
  for (const LiveFrame& p : g.Pending(std::chrono::milliseconds(200))) CHECK(p.type != "signal");
  CHECK(LiveMessage(server, li.interviewer, R"({"type":"state","audio":false,"video":true})")
            .status == 204);
  CHECK(Contains(cand.Next("state").data, "\"audio\":false"));
}

TEST_CASE("live: leave, drop and rejoin are seen by the others") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  EventStreamReader cand(server, Events(li.candidate));
  REQUIRE(cand.status() == 200);
  {
    EventStreamReader iv(server, Events(li.interviewer));
    REQUIRE(iv.status() == 200);
    cand.Next("joined");
    iv.Close();  // the connection drops
  }
  CHECK(Contains(cand.Next("left").data, "\"reason\":\"dropped\""));
  EventStreamReader iv1(server, Events(li.interviewer));
  REQUIRE(iv1.status() == 200);
  cand.Next("joined");
  // A reload: the second stream replaces the first, no `left`.
  EventStreamReader iv2(server, Events(li.interviewer));
  REQUIRE(iv2.status() == 200);
  iv2.Next("welcome");
  CHECK(iv1.WaitEnded());
  CHECK(Contains(cand.Next("joined").data, "\"id\":\"interviewer\""));
  CHECK(LiveMessage(server, li.interviewer, R"({"type":"leave"})").status == 204);
  CHECK(Contains(cand.Next("left").data, "\"reason\":\"left\""));
  CHECK(iv2.WaitEnded());
  // Gone from the room: messages are refused.
  CHECK(LiveMessage(server, li.interviewer, R"({"type":"chat","text":"x"})").status == 409);
}

TEST_CASE("live: the interviewer ends it; the interview is in GET /api/interviews") {
  TestServer server;
  Api api(server);
  TwoJoined room(server, api);
  const int64_t started = server.clock().Now();
  server.clock().Advance(600);
  CHECK(LiveMessage(server, room.li.candidate, R"({"type":"end"})").status == 403);
  CHECK(LiveMessage(server, room.li.interviewer, R"({"type":"end"})").status == 204);
  CHECK(Contains(room.cand.Next("ended").data, "\"by\":\"interviewer\""));
  CHECK(room.cand.WaitEnded());
  CHECK(room.iv.WaitEnded());
  auto list = List(api.Get("/api/interviews"), "interview");
  REQUIRE(list.size() == 1);
  const Value& w = list[0];
  CHECK(Int(w, "invitation_id") == room.li.invitation_id);
  CHECK(Str(w, "datetime_start") == FormatUtc(started));
  CHECK(Str(w, "datetime_end") == FormatUtc(started + 600));
  // Ended: the links answer 410, complete still 409 or 410, nothing more made.
  EventStreamReader late(server, Events(room.li.candidate));
  CHECK(late.status() == 410);
  CHECK(LiveGet(server, room.li.interviewer + "/live").status == 410);
}

TEST_CASE("live: the start survives a restart; the empty-room grace ends it; uploads then") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  const int64_t gid = AddGuest(api, li, "Nora");
  const int64_t started = server.clock().Now();
  {
    EventStreamReader cand(server, Events(li.candidate));
    REQUIRE(cand.status() == 200);
    EventStreamReader iv(server, Events(li.interviewer));
    REQUIRE(iv.status() == 200);
    cand.Next("joined");
  }
  server.Restart();
  Api api2(server);  // the new server listens on a new port
  server.clock().Advance(300);
  {
    EventStreamReader cand(server, Events(li.candidate));
    REQUIRE(cand.status() == 200);
    server.clock().Advance(100);
    CHECK(LiveMessage(server, li.candidate, R"({"type":"leave"})").status == 204);
  }
  const int64_t left = server.clock().Now();
  server.live().Tick();
  CHECK(List(api2.Get("/api/interviews"), "interview").empty());  // within the grace
  server.clock().Advance(61);
  server.live().Tick();
  auto list = List(api2.Get("/api/interviews"), "interview");
  REQUIRE(list.size() == 1);
  const Value& w = list[0];
  CHECK(Str(w, "datetime_start") == FormatUtc(started));
  CHECK(Str(w, "datetime_end") == FormatUtc(left));
  // The interviewer's recording arrives after the end, under its own link.
  auto cli = server.Client();
  const std::string webm = Webm('i');
  auto r = cli->Post((li.interviewer + "/uploads").c_str(),
                     httplib::Headers{{"Tus-Resumable", "1.0.0"},
                                      {"Upload-Length", std::to_string(webm.size())},
                                      {"Upload-Metadata", "kind " + Base64("live_recording")}},
                     "", "application/octet-stream");
  REQUIRE(r);
  REQUIRE(r->status == 201);
  const std::string location = r->get_header_value("Location");
  CHECK(location.rfind(li.interviewer + "/uploads/", 0) == 0);
  r = cli->Patch(location.c_str(),
                 httplib::Headers{{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", "0"}}, webm,
                 kPatchType);
  REQUIRE(r);
  CHECK(r->status == 204);
  // One of the two recordings is in: the completion event waits for the
  // other until live_upload_wait_s (600) after the end, then fires once.
  auto completions = [&server] {
    int64_t n = -1;
    REQUIRE(server.store()
                .Read([&](Db& db) {
                  Stmt st = db.Prepare(
                      "SELECT COUNT(*) FROM mail_outbox WHERE kind = 'interview_completed'");
                  Status s;
                  if (st.Step(&s)) n = st.Int(0);
                  return s;
                })
                .ok());
    return n;
  };
  server.live().Tick();
  CHECK(completions() == 0);
  server.clock().Advance(600);
  server.live().Tick();
  CHECK(completions() == 1);
  server.live().Tick();
  CHECK(completions() == 1);
  // A guest who was never in the room may not upload.
  r = cli->Post((li.Guest(gid) + "/uploads").c_str(),
                httplib::Headers{{"Tus-Resumable", "1.0.0"},
                                 {"Upload-Length", "10"},
                                 {"Upload-Metadata", "kind " + Base64("live_recording")}},
                "", "application/octet-stream");
  REQUIRE(r);
  CHECK(r->status == 409);
}

TEST_CASE("live: refusals: lobby not open, room full, foreign and unknown tokens") {
  TestServer server;
  Api api(server);
  LiveInvitation later = MakeLiveInvitation(api, kLater, "later@example.test");
  EventStreamReader early(server, Events(later.candidate));
  CHECK(early.status() == 409);
  CHECK(Contains(early.body(), "2023-11-14T22:45:00Z"));
  CHECK(Str(Json(LiveGet(server, later.candidate + "/live").body), "state") == "waiting");

  LiveInvitation li = MakeLiveInvitation(api);
  std::vector<std::unique_ptr<EventStreamReader>> in;
  in.push_back(std::make_unique<EventStreamReader>(server, Events(li.candidate)));
  in.push_back(std::make_unique<EventStreamReader>(server, Events(li.interviewer)));
  for (int i = 0; i < 5; ++i) {
    const int64_t gid = AddGuest(api, li, "g" + std::to_string(i));
    in.push_back(std::make_unique<EventStreamReader>(server, Events(li.Guest(gid))));
  }
  int ok = 0, full = 0;
  for (auto& r : in) {
    const int st = r->status();
    ok += st == 200;
    if (st == 409) {
      ++full;
      CHECK(Contains(r->body(), "room full"));
    }
  }
  CHECK(ok == 6);
  CHECK(full == 1);

  // Another account's token and made-up tokens.
  Credentials other = server.NewAccount("Other", "other@agency.test");
  Api api2(server, other);
  LiveInvitation theirs = MakeLiveInvitation(api2, kSoon, "x@example.test");
  const std::string forged =
      "/public/interviewers/" + std::to_string(theirs.invitation_id) + "." + std::string(26, 'a');
  CHECK(LiveGet(server, forged + "/live").status == 404);
  CHECK(LiveGet(server, "/public/guests/999.aaaaaaaaaaaaaaaaaaaaaaaaaa/live").status == 404);
  CHECK(LiveGet(server, "/public/job_interviews/nosuchtoken/live").status == 404);
  // An automated vacancy's link: 412.
  const int64_t auto_vacancy = CreateVacancy(api, "automated");
  Value inv = CreateInvitation(api, auto_vacancy, "auto@example.test");
  CHECK(LiveGet(server,
                "/public/job_interviews/" + TokenAfter(Str(inv, "url"), kLinkPrefix) + "/live")
            .status == 412);
}

TEST_CASE("live: hostile messages change nothing") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  EventStreamReader cand(server, Events(li.candidate));
  REQUIRE(cand.status() == 200);
  CHECK(LiveMessage(server, li.candidate, "{not json").status == 400);
  CHECK(LiveMessage(server, li.candidate, std::string(2000, '[') + std::string(2000, ']')).status ==
        400);
  CHECK(LiveMessage(server, li.candidate,
                    R"({"type":"chat","text":")" + std::string(70 * 1024, 'x') + "\"}")
            .status == 413);
  CHECK(LiveMessage(server, li.candidate, R"({"type":"chat","text":""})").status == 400);
  CHECK(LiveMessage(server, li.candidate, R"({"type":"chat","text":5})").status == 400);
  CHECK(LiveMessage(server, li.candidate, R"({"type":"fly"})").status == 400);
  CHECK(LiveMessage(server, li.candidate, R"([1,2])").status == 400);
  CHECK(
      LiveMessage(server, li.candidate, R"({"type":"signal","to":"guest-77","data":{}})").status ==
      404);
  CHECK(LiveMessage(server, li.candidate, R"({"type":"remove","id":"guest-1"})").status == 403);
  CHECK(LiveMessage(server, li.candidate, R"({"type":"end"})").status == 403);
  // The room is as it was: the candidate is still in it, alone.
  CHECK(LiveMessage(server, li.candidate, R"({"type":"chat","text":"still here"})").status == 204);
  CHECK(Contains(cand.Next("chat").data, "still here"));
}

TEST_CASE("live: removing a guest and deleting a guest drop it; its link then answers 410") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  const int64_t g1 = AddGuest(api, li, "Una");
  const int64_t g2 = AddGuest(api, li, "Dex");
  EventStreamReader iv(server, Events(li.interviewer));
  REQUIRE(iv.status() == 200);
  EventStreamReader una(server, Events(li.Guest(g1)));
  REQUIRE(una.status() == 200);
  EventStreamReader dex(server, Events(li.Guest(g2)));
  REQUIRE(dex.status() == 200);
  CHECK(LiveMessage(server, li.interviewer,
                    R"({"type":"remove","id":"guest-)" + std::to_string(g1) + "\"}")
            .status == 204);
  CHECK(una.Next("removed").type == "removed");
  CHECK(una.WaitEnded());
  CHECK(Contains(iv.Next("left").data, "\"reason\":\"removed\""));
  EventStreamReader una_again(server, Events(li.Guest(g1)));
  CHECK(una_again.status() == 410);

  CHECK(api.Delete("/api/invitations/" + std::to_string(li.invitation_id) + "/guests/" +
                   std::to_string(g2))
            .status == 200);
  CHECK(dex.Next("removed").type == "removed");
  CHECK(dex.WaitEnded());
  CHECK(LiveGet(server, li.Guest(g2) + "/live").status == 410);
  // A revoked invitation: 410.
  CHECK(api.Delete("/api/invitations/" + std::to_string(li.invitation_id)).status == 200);
  CHECK(LiveGet(server, li.interviewer + "/live").status == 410);
}

}  // namespace
}  // namespace cammio::testing
