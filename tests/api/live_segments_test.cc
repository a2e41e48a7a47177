// The completion event of a live interview waits for each participant's
// segment of its last visit (api/live_recordings.h): every join is a visit
// (the `welcome` says which), the page tags each segment with the visit it
// was recorded in (Upload-Metadata visit), and until a segment of the last
// visit is known the participant keeps a row without a video. A visit that
// never sends its segment holds the event only live_upload_wait_s; a bad
// visit is refused.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "testing/live_client.h"
#include "testing/live_uploads.h"
#include "util/time.h"

namespace cammio::testing {
namespace {

std::optional<int64_t> EventAt(TestServer& server, int64_t invitation_id) {
  return QueryInt(server, "SELECT completed_event_at FROM live_sessions WHERE invitation_id = ?1",
                  invitation_id);
}

// Opens `base`'s event stream and checks that its welcome names visit `visit`.
void ExpectVisit(EventStreamReader& reader, int64_t visit) {
  REQUIRE(reader.status() == 200);
  const LiveFrame welcome = reader.Next("welcome");
  INFO(welcome.data);
  CHECK(Contains(welcome.data, "\"visit\":" + std::to_string(visit) + ","));
}

TEST_CASE("live segments: the event waits for the segments of the visits after a reload") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  const int64_t t0 = server.clock().Now();
  EventStreamReader cand1(server, Events(li.candidate));
  ExpectVisit(cand1, 1);
  EventStreamReader iv1(server, Events(li.interviewer));
  ExpectVisit(iv1, 1);
  server.clock().Advance(60);
  // Both reload: the new pages are each one's second visit.
  EventStreamReader cand2(server, Events(li.candidate));
  ExpectVisit(cand2, 2);
  CHECK(!cand1.Next("replaced").type.empty());
  EventStreamReader iv2(server, Events(li.interviewer));
  ExpectVisit(iv2, 2);
  CHECK(!iv1.Next("replaced").type.empty());
  // The segments from before the reloads are recovered and uploaded.
  const int64_t c1 = UploadSegment(server, li.candidate, 'c', t0 + 1, 1);
  const int64_t i1 = UploadSegment(server, li.interviewer, 'i', t0 + 2, 1);
  server.clock().Advance(120);
  CHECK(LiveMessage(server, li.interviewer, R"({"type":"end"})").status == 204);
  CHECK(iv2.WaitEnded());
  // Every row so far has a video, yet each participant's last visit is
  // missing: the event waits, and the last segments are accepted.
  CHECK_FALSE(EventAt(server, li.invitation_id).has_value());
  REQUIRE(Recordings(api).size() == 4);
  const std::string cb = Webm('C'), ib = Webm('I');
  Resp c2 = CreateLiveUpload(server, li.candidate, cb.size(), t0 + 61, 2);
  REQUIRE(c2.status == 201);
  Resp i2 = CreateLiveUpload(server, li.interviewer, ib.size(), t0 + 62, 2);
  REQUIRE(i2.status == 201);
  server.clock().Advance(5);
  REQUIRE(PatchAll(server, c2.Header("Location"), cb).status == 204);
  CHECK_FALSE(EventAt(server, li.invitation_id).has_value());
  server.clock().Advance(5);
  const int64_t last = server.clock().Now();
  REQUIRE(PatchAll(server, i2.Header("Location"), ib).status == 204);
  CHECK(EventAt(server, li.invitation_id) == last);
  const std::vector<Value> recs = Recordings(api);
  REQUIRE(recs.size() == 4);
  const char* who[] = {"candidate", "candidate", "interviewer", "interviewer"};
  const int64_t at[] = {t0 + 1, t0 + 61, t0 + 2, t0 + 62};
  for (size_t k = 0; k < recs.size(); ++k) {
    CAPTURE(k);
    CHECK(Int(recs[k], "index") == int64_t(k) + 1);
    CHECK(Str(recs[k], "participant") == who[k]);
    CHECK(Str(recs[k], "recorded_at") == FormatUtc(at[k]));
    CHECK(Contains(Str(recs[k], "title"), k % 2 == 0 ? "(part 1)" : "(part 2)"));
    CHECK_FALSE(IsNull(recs[k], "video_id"));
  }
  CHECK(Int(recs[0], "video_id") == c1);
  CHECK(Int(recs[2], "video_id") == i1);
  // Raised once: later ticks change nothing.
  server.clock().Advance(600);
  server.live().Tick();
  CHECK(EventAt(server, li.invitation_id) == last);
}

TEST_CASE("live segments: a last visit that never uploads holds the event live_upload_wait_s") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  const int64_t t0 = server.clock().Now();
  EventStreamReader iv(server, Events(li.interviewer));
  ExpectVisit(iv, 1);
  {
    EventStreamReader cand1(server, Events(li.candidate));
    ExpectVisit(cand1, 1);
  }
  // The candidate's browser crashes; it comes back once, then crashes for
  // good (its last visit's segment never arrives).
  EventStreamReader cand2(server, Events(li.candidate));
  ExpectVisit(cand2, 2);
  const int64_t c1 = UploadSegment(server, li.candidate, 'c', t0 + 1, 1);
  const int64_t i1 = UploadSegment(server, li.interviewer, 'i', t0 + 2, 1);
  cand2.Close();
  server.clock().Advance(30);
  CHECK(LiveMessage(server, li.interviewer, R"({"type":"end"})").status == 204);
  CHECK(iv.WaitEnded());
  const int64_t ended = server.clock().Now();
  server.live().Tick();
  CHECK_FALSE(EventAt(server, li.invitation_id).has_value());
  server.clock().Advance(599);
  server.live().Tick();
  CHECK_FALSE(EventAt(server, li.invitation_id).has_value());
  server.clock().Advance(1);
  server.live().Tick();
  CHECK(EventAt(server, li.invitation_id) == ended + 600);
  // The rows it has: the candidate's first visit and the row that waited.
  const std::vector<Value> recs = Recordings(api);
  REQUIRE(recs.size() == 3);
  CHECK(Int(recs[0], "video_id") == c1);
  CHECK(Str(recs[1], "participant") == "candidate");
  CHECK(IsNull(recs[1], "video_id"));
  CHECK(Int(recs[2], "video_id") == i1);
  CHECK(CreateLiveUpload(server, li.candidate, 100, t0 + 40, 2).status == 409);
}

TEST_CASE("live segments: a visit that is not a non-negative integer is refused") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  EventStreamReader cand(server, Events(li.candidate));
  ExpectVisit(cand, 1);
  auto cli = server.Client();
  for (const std::string& visit :
       {"visit " + Base64("-1"), "visit " + Base64("two"), "visit " + Base64("1.5"),
        "visit " + Base64(" 1"), "visit " + Base64("1234567890123456"), std::string("visit"),
        std::string("visit !!!")}) {
    CAPTURE(visit);
    auto r = cli->Post(
        (li.candidate + "/uploads").c_str(),
        httplib::Headers{{"Tus-Resumable", "1.0.0"},
                         {"Upload-Length", "100"},
                         {"Upload-Metadata", "kind " + Base64("live_recording") + "," + visit}},
        "", "application/octet-stream");
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(Contains(r->body, "visit must be a non-negative integer"));
  }
  CHECK(UploadsOf(server, li.invitation_id) == 0);
  // Not said (an older page): visit 0, accepted.
  CHECK(CreateLiveUpload(server, li.candidate, 100, 0, -1).status == 201);
  CHECK(QueryInt(server, "SELECT visit FROM uploads WHERE invitation_id = ?1", li.invitation_id) ==
        0);
}

}  // namespace
}  // namespace cammio::testing
