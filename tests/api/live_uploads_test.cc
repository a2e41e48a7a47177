// The live recordings' uploads through the real server: the limits per
// participant (one finished recording, two unfinished uploads), no upload
// when the vacancy's interview is not recorded or after the completion event,
// no second recording replacing the first, and the candidate's recording
// whose last PATCH began while the invitation was open and finished after
// the end is still attached to the interview.
#include <doctest/doctest.h>

#include <filesystem>
#include <optional>

#include "testing/live_client.h"
#include "testing/wait.h"

namespace cammio::testing {
namespace {

std::string Events(const std::string& base) { return base + "/live/events"; }

// POST <base>/uploads of a live recording of `length` bytes.
Resp CreateLiveUpload(const TestServer& server, const std::string& base, size_t length) {
  auto cli = server.Client();
  auto r = cli->Post((base + "/uploads").c_str(),
                     httplib::Headers{{"Tus-Resumable", "1.0.0"},
                                      {"Upload-Length", std::to_string(length)},
                                      {"Upload-Metadata", "kind " + Base64("live_recording")}},
                     "", "application/octet-stream");
  REQUIRE(r);
  return Resp{r->status, r->body, r->headers};
}

// PATCH of all of `bytes` at offset 0.
Resp PatchAll(const TestServer& server, const std::string& location, const std::string& bytes) {
  auto cli = server.Client();
  auto r = cli->Patch(location.c_str(),
                      httplib::Headers{{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", "0"}}, bytes,
                      kPatchType);
  REQUIRE(r);
  return Resp{r->status, r->body, r->headers};
}

int64_t UploadIdOf(const std::string& location) {
  return std::stoll(location.substr(location.rfind('/') + 1));
}

// One integer (or nothing) from `sql` with ?1 = `a` and ?2 = `b`.
std::optional<int64_t> QueryInt(TestServer& server, const char* sql, int64_t a,
                                const std::string& b = "") {
  std::optional<int64_t> out;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                Stmt st = db.Prepare(sql);
                st.Bind(1, a);
                if (!b.empty()) st.Bind(2, b);
                Status s;
                if (st.Step(&s)) out = st.OptInt(0);
                return s;
              })
              .ok());
  return out;
}

std::optional<int64_t> RecordingVideo(TestServer& server, int64_t invitation_id,
                                      const std::string& participant) {
  return QueryInt(server,
                  "SELECT r.video_id FROM recordings r JOIN interviews i ON i.id = r.interview_id "
                  "WHERE i.invitation_id = ?1 AND r.participant = ?2",
                  invitation_id, participant);
}

int64_t UploadsOf(TestServer& server, int64_t invitation_id) {
  return QueryInt(server, "SELECT COUNT(*) FROM uploads WHERE invitation_id = ?1", invitation_id)
      .value_or(-1);
}

TEST_CASE("live uploads: one finished recording and two unfinished uploads per participant") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  EventStreamReader cand(server, Events(li.candidate));
  REQUIRE(cand.status() == 200);
  EventStreamReader iv(server, Events(li.interviewer));
  REQUIRE(iv.status() == 200);
  const std::string first = Webm('a');
  Resp a = CreateLiveUpload(server, li.interviewer, first.size());
  REQUIRE(a.status == 201);
  Resp b = CreateLiveUpload(server, li.interviewer, first.size());
  REQUIRE(b.status == 201);
  Resp c = CreateLiveUpload(server, li.interviewer, first.size());
  CHECK(c.status == 409);
  CHECK(Contains(c.body, "unfinished"));
  CHECK(UploadsOf(server, li.invitation_id) == 2);
  // The candidate has an allowance of its own.
  CHECK(CreateLiveUpload(server, li.candidate, first.size()).status == 201);
  REQUIRE(PatchAll(server, a.Header("Location"), first).status == 204);
  const auto video = QueryInt(server, "SELECT video_id FROM uploads WHERE id = ?1",
                              UploadIdOf(a.Header("Location")));
  REQUIRE(video.has_value());
  // Finished: no further upload, and the other one may not become a second
  // recording (its row goes, the first stays).
  Resp d = CreateLiveUpload(server, li.interviewer, first.size());
  CHECK(d.status == 409);
  CHECK(Contains(d.body, "already"));
  Resp late = PatchAll(server, b.Header("Location"), Webm('b'));
  CHECK(late.status == 409);
  CHECK(Contains(late.body, "already"));
  CHECK(QueryInt(server, "SELECT COUNT(*) FROM uploads WHERE id = ?1",
                 UploadIdOf(b.Header("Location"))) == 0);
  CHECK(LiveMessage(server, li.interviewer, R"({"type":"end"})").status == 204);
  CHECK(iv.WaitEnded());
  CHECK(RecordingVideo(server, li.invitation_id, "interviewer") == video);
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

TEST_CASE("live uploads: the candidate's last PATCH began before the end, finished after it") {
  TestServer server;
  Api api(server);
  LiveInvitation li = MakeLiveInvitation(api);
  EventStreamReader cand(server, Events(li.candidate));
  REQUIRE(cand.status() == 200);
  EventStreamReader iv(server, Events(li.interviewer));
  REQUIRE(iv.status() == 200);
  // Large enough to arrive in more than one read on the server.
  const std::string webm = std::string("\x1a\x45\xdf\xa3", 4) + std::string(256 << 10, 'c');
  Resp created = CreateLiveUpload(server, li.candidate, webm.size());
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
        ended = ended && LiveMessage(server, li.interviewer, R"({"type":"end"})").status == 204;
        return sink.write(webm.data() + half, webm.size() - half);
      },
      kPatchType);
  REQUIRE(r);
  REQUIRE(ended);
  CHECK(r->status == 204);
  REQUIRE(QueryInt(server, "SELECT COUNT(*) FROM interviews WHERE invitation_id = ?1",
                   li.invitation_id) == 1);
  const auto video =
      QueryInt(server, "SELECT video_id FROM uploads WHERE id = ?1", UploadIdOf(location));
  REQUIRE(video.has_value());
  CHECK(RecordingVideo(server, li.invitation_id, "candidate") == video);
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
