// The live recordings' uploads through the real server: a participant's
// recording in several segments (one recording row each, in recording order,
// with the participant and when), the limits per participant (20 segments,
// two unfinished uploads), no upload and no recording row when the vacancy's
// interview is not recorded, no upload after the completion event, a segment
// created after the end that the completion event waits for, and the
// candidate's recording whose last PATCH began while the invitation was open
// and finished after the end is still attached to the interview.
#include <doctest/doctest.h>

#include <filesystem>
#include <optional>
#include <vector>

#include "testing/live_client.h"
#include "testing/live_uploads.h"
#include "testing/wait.h"
#include "util/time.h"

namespace cammio::testing {
namespace {

constexpr int kMaxSegments = 20;  // api/live_uploads.h kMaxLiveSegments

TEST_CASE("live uploads: two unfinished uploads and at most 20 segments per participant") {
  TestServer server;
  Api api(server);
  TwoJoined room(server, api);
  const std::string first = Webm('a');
  Resp a = CreateLiveUpload(server, room.li.interviewer, first.size());
  REQUIRE(a.status == 201);
  Resp b = CreateLiveUpload(server, room.li.interviewer, first.size());
  REQUIRE(b.status == 201);
  Resp c = CreateLiveUpload(server, room.li.interviewer, first.size());
  CHECK(c.status == 409);
  CHECK(Contains(c.body, "unfinished"));
  CHECK(UploadsOf(server, room.li.invitation_id) == 2);
  // The candidate has an allowance of its own.
  CHECK(CreateLiveUpload(server, room.li.candidate, first.size()).status == 201);
  // Both become segments: a second one no longer replaces or is refused.
  REQUIRE(PatchAll(server, a.Header("Location"), first).status == 204);
  REQUIRE(PatchAll(server, b.Header("Location"), Webm('b')).status == 204);
  for (const Resp* r : {&a, &b}) {
    CHECK(QueryInt(server, "SELECT video_id FROM uploads WHERE id = ?1",
                   UploadIdOf(r->Header("Location")))
              .has_value());
  }
  for (int i = 2; i < kMaxSegments; ++i) UploadSegment(server, room.li.interviewer, 'x');
  Resp over = CreateLiveUpload(server, room.li.interviewer, first.size());
  CHECK(over.status == 409);
  CHECK(Contains(over.body, "20 recording segments"));
  CHECK(QueryInt(server,
                 "SELECT COUNT(*) FROM uploads WHERE participant = ?2 AND invitation_id = ?1",
                 room.li.invitation_id, "interviewer") == kMaxSegments);
  CHECK(LiveMessage(server, room.li.interviewer, R"({"type":"end"})").status == 204);
  CHECK(room.iv.WaitEnded());
  CHECK(QueryInt(server,
                 "SELECT COUNT(*) FROM recordings r JOIN interviews i ON i.id = r.interview_id "
                 "WHERE i.invitation_id = ?1 AND r.participant = ?2 AND r.video_id IS NOT NULL",
                 room.li.invitation_id, "interviewer") == kMaxSegments);
}

TEST_CASE("live uploads: two segments of one participant are two recordings, in recording order") {
  TestServer server;
  Api api(server);
  TwoJoined room(server, api);
  const int64_t t0 = server.clock().Now();
  server.clock().Advance(300);
  // A reloaded page uploads the segment it found after the one it began
  // later: the order is the recording order, not the upload order.
  const int64_t later = UploadSegment(server, room.li.interviewer, 'l', t0 + 200);
  const int64_t earlier = UploadSegment(server, room.li.interviewer, 'e', t0 + 20);
  const int64_t cand_video = UploadSegment(server, room.li.candidate, 'c', t0 + 5);
  CHECK(LiveMessage(server, room.li.interviewer, R"({"type":"end"})").status == 204);
  CHECK(room.iv.WaitEnded());
  std::vector<Value> recs = Recordings(api);
  REQUIRE(recs.size() == 3);
  CHECK(Str(recs[0], "participant") == "candidate");
  CHECK(Int(recs[0], "video_id") == cand_video);
  CHECK(Str(recs[0], "recorded_at") == FormatUtc(t0 + 5));
  CHECK(Str(recs[1], "participant") == "interviewer");
  CHECK(Int(recs[1], "video_id") == earlier);
  CHECK(Str(recs[1], "recorded_at") == FormatUtc(t0 + 20));
  CHECK(Contains(Str(recs[1], "title"), "(part 1)"));
  CHECK(Str(recs[2], "participant") == "interviewer");
  CHECK(Int(recs[2], "video_id") == later);
  CHECK(Str(recs[2], "recorded_at") == FormatUtc(t0 + 200));
  CHECK(Contains(Str(recs[2], "title"), "(part 2)"));
  for (size_t i = 0; i < recs.size(); ++i) CHECK(Int(recs[i], "index") == int64_t(i) + 1);
  // Every segment it knew of is in: the completion event was raised.
  CHECK(EventRaised(server, room.li.invitation_id));
}

TEST_CASE("live uploads: the completion event waits for the segments begun after the end") {
  TestServer server;
  Api api(server);
  TwoJoined room(server, api);
  const int64_t t0 = server.clock().Now();
  UploadSegment(server, room.li.interviewer, 'i', t0);
  server.clock().Advance(120);
  CHECK(LiveMessage(server, room.li.interviewer, R"({"type":"end"})").status == 204);
  CHECK(room.iv.WaitEnded());
  // The candidate's recording is not in: its row waits.
  REQUIRE(Recordings(api).size() == 2);
  CHECK(IsNull(Recordings(api)[0], "video_id"));
  CHECK_FALSE(EventRaised(server, room.li.invitation_id));
  // Its page uploads two segments (a reload during the interview): both are
  // known once created, so the event waits for the second.
  const std::string one = Webm('1'), two = Webm('2');
  Resp a = CreateLiveUpload(server, room.li.candidate, one.size(), t0 + 1);
  REQUIRE(a.status == 201);
  Resp b = CreateLiveUpload(server, room.li.candidate, two.size(), t0 + 60);
  REQUIRE(b.status == 201);
  CHECK(Recordings(api).size() == 3);
  REQUIRE(PatchAll(server, a.Header("Location"), one).status == 204);
  CHECK_FALSE(EventRaised(server, room.li.invitation_id));
  REQUIRE(PatchAll(server, b.Header("Location"), two).status == 204);
  CHECK(EventRaised(server, room.li.invitation_id));
  std::vector<Value> recs = Recordings(api);
  REQUIRE(recs.size() == 3);
  CHECK(Str(recs[0], "recorded_at") == FormatUtc(t0 + 1));
  CHECK(Str(recs[1], "recorded_at") == FormatUtc(t0 + 60));
  CHECK(Str(recs[1], "participant") == "candidate");
  CHECK(Str(recs[2], "participant") == "interviewer");
  for (const Value& r : recs) CHECK_FALSE(IsNull(r, "video_id"));
}

TEST_CASE("live uploads: refused when the vacancy's interview is not recorded") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  Object(api.Put("/api/vacancies/" + std::to_string(li.vacancy_id),
                 "{\"vacancy\": {\"live_recording\": false}}"),
         200, "vacancy");
  EventStreamReader cand(server, Events(li.candidate));
  REQUIRE(cand.status() == 200);
  EventStreamReader iv(server, Events(li.interviewer));
  REQUIRE(iv.status() == 200);
  for (const std::string& base : {li.candidate, li.interviewer}) {
    Resp r = CreateLiveUpload(server, base, 100);
    CHECK(r.status == 409);
    CHECK(Contains(r.body, "not recorded"));
  }
  CHECK(UploadsOf(server, li.invitation_id) == 0);
  // The end makes the interview without a recording row, and the event
  // waits for nothing.
  CHECK(LiveMessage(server, li.interviewer, R"({"type":"end"})").status == 204);
  CHECK(iv.WaitEnded());
  CHECK(Recordings(api).empty());
  CHECK(QueryInt(server,
                 "SELECT COUNT(*) FROM recordings r JOIN interviews i ON i.id = r.interview_id "
                 "WHERE i.invitation_id = ?1",
                 li.invitation_id) == 0);
  CHECK(EventRaised(server, li.invitation_id));
}

TEST_CASE("live uploads: no new upload after the completion event") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  {
    EventStreamReader cand(server, Events(li.candidate));
    REQUIRE(cand.status() == 200);
    EventStreamReader iv(server, Events(li.interviewer));
    REQUIRE(iv.status() == 200);
    CHECK(LiveMessage(server, li.interviewer, R"({"type":"end"})").status == 204);
    CHECK(iv.WaitEnded());
  }
  // live_upload_wait_s (600) after the end the event fires without the
  // recordings; the links still reach the upload endpoint at that second.
  server.clock().Advance(600);
  server.live().Tick();
  REQUIRE(QueryInt(server, "SELECT completed_event_at FROM live_sessions WHERE invitation_id = ?1",
                   li.invitation_id)
              .has_value());
  Resp r = CreateLiveUpload(server, li.interviewer, 100);
  CHECK(r.status == 409);
  CHECK(Contains(r.body, "complete"));
  CHECK(UploadsOf(server, li.invitation_id) == 0);
}

TEST_CASE("live uploads: after the completion event a waiting segment still gets its video") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  {
    EventStreamReader cand(server, Events(li.candidate));
    REQUIRE(cand.status() == 200);
    EventStreamReader iv(server, Events(li.interviewer));
    REQUIRE(iv.status() == 200);
    const std::string bytes = Webm('w');
    Resp a = CreateLiveUpload(server, li.interviewer, bytes.size());
    REQUIRE(a.status == 201);
    CHECK(LiveMessage(server, li.interviewer, R"({"type":"end"})").status == 204);
    CHECK(iv.WaitEnded());
    // Nothing arrived within live_upload_wait_s: the event fires without it.
    server.clock().Advance(600);
    server.live().Tick();
    REQUIRE(EventRaised(server, li.invitation_id));
    const std::vector<Value> before = Recordings(api);
    REQUIRE(before.size() == 2);
    // The segment created before the event completes: its row gets the
    // video; nothing is added or reordered.
    REQUIRE(PatchAll(server, a.Header("Location"), bytes).status == 204);
    const std::vector<Value> after = Recordings(api);
    REQUIRE(after.size() == 2);
    CHECK(Str(after[1], "participant") == "interviewer");
    CHECK(Int(after[1], "video_id") == QueryInt(server,
                                                "SELECT video_id FROM uploads WHERE id = ?1",
                                                UploadIdOf(a.Header("Location"))));
    CHECK(IsNull(after[0], "video_id"));
    CHECK(Str(after[0], "title") == Str(before[0], "title"));
  }
}

TEST_CASE("live uploads: the candidate's last PATCH began before the end, finished after it") {
  TestServer server;
  Api api(server);
  TwoJoined room(server, api);
  // Large enough to arrive in more than one read on the server.
  const std::string webm = std::string("\x1a\x45\xdf\xa3", 4) + std::string(256 << 10, 'c');
  Resp created = CreateLiveUpload(server, room.li.candidate, webm.size());
  REQUIRE(created.status == 201);
  const std::string location = created.Header("Location");
  const std::string part =
      server.data_dir() + "/media/uploads/" + std::to_string(UploadIdOf(location)) + ".part";
  const size_t half = webm.size() / 2;
  bool ended = false;
  auto cli = server.Client();
  auto r = cli->Patch(
      location.c_str(), httplib::Headers{{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", "0"}},
      webm.size(),
      [&](size_t offset, size_t, httplib::DataSink& sink) {
        if (offset == 0) return sink.write(webm.data(), half);
        // The server has read the invitation (open) and is writing the
        // first half: the interviewer ends the interview before the rest.
        ended = WaitUntil([&] {
          std::error_code ec;
          return std::filesystem::file_size(part, ec) > 0 && !ec;
        });
        ended =
            ended && LiveMessage(server, room.li.interviewer, R"({"type":"end"})").status == 204;
        return sink.write(webm.data() + half, webm.size() - half);
      },
      kPatchType);
  REQUIRE(r);
  REQUIRE(ended);
  CHECK(r->status == 204);
  REQUIRE(QueryInt(server, "SELECT COUNT(*) FROM interviews WHERE invitation_id = ?1",
                   room.li.invitation_id) == 1);
  const auto video =
      QueryInt(server, "SELECT video_id FROM uploads WHERE id = ?1", UploadIdOf(location));
  REQUIRE(video.has_value());
  CHECK(RecordingVideo(server, room.li.invitation_id, "candidate") == video);
}

TEST_CASE("live uploads: a live invitation's candidate link takes the live recording only") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  EventStreamReader cand(server, Events(li.candidate));
  REQUIRE(cand.status() == 200);
  auto cli = server.Client();
  for (const char* kind : {"thumbnail", "recording", "cv"}) {
    auto r = cli->Post((li.candidate + "/uploads").c_str(),
                       httplib::Headers{{"Tus-Resumable", "1.0.0"},
                                        {"Upload-Length", "100"},
                                        {"Upload-Metadata", "kind " + Base64(kind)}},
                       "", "application/octet-stream");
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(Contains(r->body, "live_recording"));
  }
  CHECK(UploadsOf(server, li.invitation_id) == 0);
}

}  // namespace
}  // namespace cammio::testing
