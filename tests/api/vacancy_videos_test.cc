// The videos of vacancies and questions (issue 18) through a real server: a
// recruiter's tus upload (/api/uploads, api/account_uploads.h), attached to a
// question and as the vacancy's intro (api/vacancy_videos.h), shown in the
// vacancy (JSON and XML), carried by a template copy, shown to the candidate
// under the link's token only, and kept by erasure while a vacancy shows it.
#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "store/erase.h"
#include "store/maintenance.h"
#include "testing/api_helpers.h"
#include "testing/candidate_client.h"
#include "testing/vacancy_videos.h"

namespace cammio {
namespace {

using namespace cammio::testing;  // NOLINT: the helpers of api_helpers.h

std::string S(int64_t n) { return std::to_string(n); }

std::string VacancyPath(int64_t id) { return "/api/vacancies/" + S(id); }

int64_t QuestionIdAt(const Value& vacancy, size_t i) {
  return Int(Unwrap(At(vacancy, "questions").items().at(i), "question"), "id");
}

std::string QuestionVideoPath(int64_t vacancy, int64_t question) {
  return VacancyPath(vacancy) + "/questions/" + S(question) + "/video";
}

TEST_CASE("vacancy videos: uploaded in two PATCHes, attached, shown in JSON and XML") {
  TestServer server;
  Api api(server);
  const std::string bytes = WebmBytes(100, 'q');
  const int64_t upload = CreateUpload(api, static_cast<int64_t>(bytes.size()));
  const std::string path = "/api/uploads/" + S(upload);
  REQUIRE(PatchUpload(api, upload, 0, bytes.substr(0, 30)).status == 204);
  // HEAD (tus) and GET say where to resume.
  Resp head = api.Send("HEAD", path, "", "", {{"Tus-Resumable", "1.0.0"}});
  CHECK(head.status == 200);
  CHECK(head.Header("Upload-Offset") == "30");
  CHECK(head.Header("Upload-Length") == "100");
  Value u = Object(api.Get(path), 200, "upload");
  CHECK(Int(u, "offset") == 30);
  CHECK(!At(u, "complete").as_bool());
  CHECK(IsNull(u, "video_id"));
  // A PATCH at the wrong offset changes nothing.
  CheckError(PatchUpload(api, upload, 10, bytes.substr(10)), 409, "Upload-Offset must be 30");
  REQUIRE(PatchUpload(api, upload, 30, bytes.substr(30)).status == 204);
  u = Object(api.Get(path), 200, "upload");
  CHECK(At(u, "complete").as_bool());
  const int64_t video = Int(u, "video_id");
  // The video is the account's, as uploaded.
  Resp media = api.Get("/api/videos/" + S(video));
  CHECK(media.status == 200);
  CHECK(media.body == bytes);
  CHECK(media.Header("Content-Type") == "video/webm");
  CheckError(PatchUpload(api, upload, 100, "x"), 409, "already complete");

  const int64_t id = CreateAutomatedWithQuestions(api);
  const std::string plain = api.Get(VacancyPath(id)).body;
  CHECK(plain.find("intro_video_id") == std::string::npos);  // none: the answer as before
  Value v = Object(api.Put(VacancyPath(id) + "/video", "{\"upload_id\": " + S(upload) + "}"), 200,
                   "vacancy");
  CHECK(Int(v, "intro_video_id") == video);
  const int64_t q2 = QuestionIdAt(v, 1);
  v = Object(api.Put(QuestionVideoPath(id, q2), "{\"video\": {\"video_id\": " + S(video) + "}}"),
             200, "vacancy");
  CHECK(IsNull(Unwrap(At(v, "questions").items()[0], "question"), "video_id"));
  CHECK(Int(Unwrap(At(v, "questions").items()[1], "question"), "video_id") == video);

  v = Object(api.Get(VacancyPath(id)), 200, "vacancy");
  CHECK(Int(v, "intro_video_id") == video);
  CHECK(Int(Unwrap(At(v, "questions").items()[1], "question"), "video_id") == video);
  XmlDoc x(api.Get(VacancyPath(id) + ".xml"));
  CHECK(XmlInt(x.root(), "intro_video_id") == video);
  auto questions = XmlArray(x.root(), "questions", "question");
  REQUIRE(questions.size() == 2);
  CHECK(XmlNil(questions[0], "video_id"));
  CHECK(XmlInt(questions[1], "video_id") == video);
  // The list shows the intro video too.
  Value list = Doc(api.Get("/api/vacancies"), 200);
  REQUIRE(list.items().size() == 1);
  CHECK(Int(Unwrap(list.items()[0], "vacancy"), "intro_video_id") == video);

  // Detached: the vacancy answers as it did before, the video stays.
  CHECK(api.Delete(QuestionVideoPath(id, q2)).status == 200);
  v = Object(api.Delete(VacancyPath(id) + "/video"), 200, "vacancy");
  CHECK(v.Find("intro_video_id") == nullptr);
  CHECK(IsNull(Unwrap(At(v, "questions").items()[1], "question"), "video_id"));
  CHECK(api.Get("/api/videos/" + S(video)).status == 200);
  // Removing what is not there is no error; a question of no vacancy is 404.
  CHECK(api.Delete(VacancyPath(id) + "/video").status == 200);
  CheckError(api.Delete(QuestionVideoPath(id, q2 + 1000)), 404, "no question");
}

TEST_CASE("vacancy videos: the body's intro_video_id and video_id, and an MP4 upload") {
  TestServer server;
  Api api(server);
  const std::string mp4 = std::string(
                              "\0\0\0\x18"
                              "ftypmp42",
                              12) +
                          std::string(40, 'm');
  const int64_t upload = UploadInTwo(api, mp4);
  const int64_t video = UploadVideoId(api, upload);
  CHECK(api.Get("/api/videos/" + S(video)).Header("Content-Type") == "video/mp4");
  const int64_t id =
      CreateVacancy(api, "automated",
                    "\"intro_video_id\": " + S(video) +
                        ", \"questions\": [{\"title\": \"A\", \"video_id\": " + S(video) + "}]");
  Value v = Object(api.Get(VacancyPath(id)), 200, "vacancy");
  CHECK(Int(v, "intro_video_id") == video);
  v = Object(api.Put(VacancyPath(id), "{\"vacancy\": {\"intro_video_id\": null}}"), 200, "vacancy");
  CHECK(v.Find("intro_video_id") == nullptr);
  // Live vacancies have no intro video.
  CheckError(
      api.Post("/api/vacancies", VacancyBody("Live", "live", "\"intro_video_id\": " + S(video))),
      412, "intro_video_id");
  const int64_t live = CreateVacancy(api, "live");
  CheckError(api.Put(VacancyPath(live) + "/video", "{\"video_id\": " + S(video) + "}"), 412,
             "automated");
}

TEST_CASE("vacancy videos: another account's upload and video are 404, nothing changes") {
  TestServer server;
  Credentials b_creds = server.NewAccount("Other Agency", "recruiter@other.test");
  Api a(server), b(server, b_creds);
  const int64_t a_upload = UploadInTwo(a, WebmBytes(40));
  const int64_t a_video = UploadVideoId(a, a_upload);
  const int64_t unfinished = CreateUpload(a, 40);
  CheckError(b.Get("/api/uploads/" + S(a_upload)), 404, "upload");
  CheckError(PatchUpload(b, unfinished, 0, WebmBytes(40)), 404, "upload");
  CHECK(Int(Object(a.Get("/api/uploads/" + S(unfinished)), 200, "upload"), "offset") == 0);
  CheckError(b.Get("/api/videos/" + S(a_video)), 404, "video");

  const int64_t mine = CreateAutomatedWithQuestions(b);
  const std::string before = b.Get(VacancyPath(mine)).body;
  CheckError(b.Put(VacancyPath(mine) + "/video", "{\"video_id\": " + S(a_video) + "}"), 404,
             "video_id " + S(a_video));
  CheckError(b.Put(VacancyPath(mine) + "/video", "{\"upload_id\": " + S(a_upload) + "}"), 404,
             "upload_id " + S(a_upload));
  CheckError(
      b.Post("/api/vacancies", VacancyBody("B", "automated", "\"intro_video_id\": " + S(a_video))),
      404, "intro_video_id");
  // A's vacancy through B: 404 as any foreign vacancy.
  const int64_t theirs = CreateAutomatedWithQuestions(a);
  CheckError(b.Put(VacancyPath(theirs) + "/video", "{\"video_id\": " + S(a_video) + "}"), 404,
             "vacancy");
  CHECK(b.Get(VacancyPath(mine)).body == before);
}

TEST_CASE("vacancy videos: unfinished, refused and candidates' files cannot be attached") {
  TestServer server;
  Api api(server);
  const int64_t id = CreateAutomatedWithQuestions(api);
  const std::string intro = VacancyPath(id) + "/video";
  const std::string before = api.Get(VacancyPath(id)).body;

  const int64_t half = CreateUpload(api, 64);
  REQUIRE(PatchUpload(api, half, 0, WebmBytes(64).substr(0, 32)).status == 204);
  CheckError(api.Put(intro, "{\"upload_id\": " + S(half) + "}"), 412,
             "upload " + S(half) + " is not complete: 32 of 64 bytes received");

  // Not a video: the last PATCH is refused, the bytes dropped.
  const int64_t text = CreateUpload(api, 20);
  CheckError(PatchUpload(api, text, 0, "just some plain text"), 400, "not a video");
  CHECK(CountFiles(server.data_dir() + "/media/uploads") == 1);  // `half`'s part file only
  CheckError(api.Put(intro, "{\"upload_id\": " + S(text) + "}"), 412, "was refused");

  // A candidate's recording is no video for vacancies.
  const int64_t recording = AddMediaFile(server, server.creds().account_id, "rec.webm", "recording",
                                         "video/webm", WebmBytes(10));
  CheckError(api.Put(intro, "{\"video_id\": " + S(recording) + "}"), 412, "candidate's recording");
  CheckError(
      api.Post("/api/vacancies", VacancyBody("R", "automated",
                                             "\"questions\": [{\"title\": \"Q\", \"video_id\": " +
                                                 S(recording) + "}]")),
      412, "questions[0].video_id");
  // Exactly one of the two ids.
  CheckError(api.Put(intro, "{}"), 412, "exactly one");
  CheckError(api.Put(intro, "{\"video_id\": 1, \"upload_id\": 1}"), 412, "exactly one");
  CheckError(api.Put(intro, "{\"video_id\": \"x\"}"), 400, "video_id");
  CHECK(api.Get(VacancyPath(id)).body == before);
}

TEST_CASE("vacancy videos: hostile uploads are refused") {
  TestServer server;
  Api api(server);
  CheckError(CreateUploadResp(api, "536870913"), 413, "at most 536870912");
  CheckError(CreateUploadResp(api, "99999999999999999999999"), 400, "Upload-Length");
  CheckError(CreateUploadResp(api, "-5"), 400, "Upload-Length");
  CheckError(CreateUploadResp(api, "0"), 400, "Upload-Length");
  CheckError(CreateUploadResp(api, "10", "filetype aW1hZ2UvcG5n"), 400, "image/png");  // image/png
  CheckError(CreateUploadResp(api, "10", "filetype !!!not-base64"), 400, "filetype");
  Resp no_tus = api.Post("/api/uploads", "", "application/json", {{"Upload-Length", "10"}});
  CheckError(no_tus, 412, "Tus-Resumable");
  CHECK(CountRows(server, "SELECT COUNT(*) FROM uploads") == 0);
  // More bytes than declared.
  const int64_t small = CreateUpload(api, 8);
  CheckError(PatchUpload(api, small, 0, WebmBytes(20)), 413, "Upload-Length");
  // Wrong Content-Type.
  CheckError(api.Send("PATCH", "/api/uploads/" + S(small), "abc", "application/json",
                      {{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", "0"}}),
             400, "Content-Type");
  // The cap on active unfinished uploads.
  for (int64_t i = CountRows(server, "SELECT COUNT(*) FROM uploads"); i < 20; ++i) {
    CreateUpload(api, 10);
  }
  CheckError(CreateUploadResp(api, "10"), 429, "unfinished uploads");
}

TEST_CASE("vacancy videos: concurrent PATCHes of one upload: one wins, the file is whole") {
  TestServer server;
  Api a(server), b(server);
  for (int round = 0; round < 4; ++round) {
    const int64_t id = CreateUpload(a, 4096);
    const std::string x = WebmBytes(4096, 'x'), y = WebmBytes(4096, 'y');
    Resp ra, rb;
    std::thread t([&] { ra = PatchUpload(a, id, 0, x); });
    rb = PatchUpload(b, id, 0, y);
    t.join();
    INFO("round " << round << ": " << ra << " / " << rb);
    CHECK(((ra.status == 204) + (rb.status == 204)) == 1);
    CHECK((ra.status == 204 || ra.status == 409));
    CHECK((rb.status == 204 || rb.status == 409));
    const Resp got = a.Get("/api/videos/" + S(UploadVideoId(a, id)));
    CHECK((got.body == x || got.body == y));
  }
}

TEST_CASE("vacancy videos: an unfinished upload expires after 24 hours and is swept") {
  TestServer server;
  Api api(server);
  const int64_t old = CreateUpload(api, 64);
  REQUIRE(PatchUpload(api, old, 0, WebmBytes(64).substr(0, 16)).status == 204);
  server.clock().Advance(24 * 3600 + 1);
  CheckError(api.Get("/api/uploads/" + S(old)), 410, "expired");
  CheckError(PatchUpload(api, old, 16, WebmBytes(64).substr(16)), 410, "expired");
  CreateUpload(api, 10);  // sweeps the expired one, row and bytes
  CHECK(CountRows(server, "SELECT COUNT(*) FROM uploads WHERE id = " + S(old)) == 0);
  CHECK(CountFiles(server.data_dir() + "/media/uploads") == 1);
}

TEST_CASE("vacancy videos: a template copy carries them; detaching the copy leaves the template") {
  TestServer server;
  Api api(server);
  const int64_t video = UploadVideo(api);
  const int64_t tpl =
      CreateVacancy(api, "automated",
                    "\"use_as_template\": \"yes\", \"intro_video_id\": " + S(video) +
                        ", \"questions\": [{\"title\": \"A\", \"video_id\": " + S(video) +
                        "}, {\"title\": \"B\"}]");
  Value copy = Object(api.Post("/api/vacancies", "{\"vacancy\": {\"template_id\": " + S(tpl) +
                                                     ", \"datetime_start\": \"2014-01-01\", "
                                                     "\"datetime_end\": \"2014-02-01\"}}"),
                      201, "vacancy");
  CHECK(Int(copy, "intro_video_id") == video);
  CHECK(Int(Unwrap(At(copy, "questions").items()[0], "question"), "video_id") == video);
  CHECK(IsNull(Unwrap(At(copy, "questions").items()[1], "question"), "video_id"));
  const int64_t id = Int(copy, "id");
  CHECK(api.Delete(VacancyPath(id) + "/video").status == 200);
  CHECK(api.Delete(QuestionVideoPath(id, QuestionIdAt(copy, 0))).status == 200);
  Value t = Object(api.Get(VacancyPath(tpl)), 200, "vacancy");
  CHECK(Int(t, "intro_video_id") == video);
  CHECK(Int(Unwrap(At(t, "questions").items()[0], "question"), "video_id") == video);
}

TEST_CASE("vacancy videos: the candidate sees them through the link's token only") {
  TestServer server;
  Api api(server);
  const std::string intro_bytes = WebmBytes(200, 'i'), question_bytes = WebmBytes(120, 'q');
  const int64_t intro = UploadVideoId(api, UploadInTwo(api, intro_bytes));
  const int64_t qvideo = UploadVideoId(api, UploadInTwo(api, question_bytes));
  Candidate c(server, api, "\"intro_video_id\": " + S(intro));
  Candidate other(server, api, "", "other@example.test");
  const int64_t vacancy = Int(
      Object(api.Get("/api/invitations/" + S(c.invitation_id())), 200, "invitation"), "vacancy_id");
  REQUIRE(api.Put(QuestionVideoPath(vacancy, c.QuestionId(2)), "{\"video_id\": " + S(qvideo) + "}")
              .status == 200);

  const Value state = c.State();
  CHECK(Str(state, "intro_video_url") == std::string(kLinkPrefix) +
                                             c.base().substr(sizeof "/public/job_interviews/" - 1) +
                                             "/video");
  const auto& qs = At(state, "questions").items();
  REQUIRE(qs.size() == 2);
  CHECK(IsNull(qs[0], "video_url"));
  CHECK(Str(qs[1], "video_url").find("/questions/" + S(c.QuestionId(2)) + "/video") !=
        std::string::npos);
  CHECK(IsNull(other.State(), "intro_video_url"));

  auto client = server.Client();
  auto r = client->Get((c.base() + "/video").c_str());
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == intro_bytes);
  r = client->Get((c.base() + "/questions/" + S(c.QuestionId(2)) + "/video").c_str(),
                  httplib::Headers{{"Range", "bytes=0-9"}});
  REQUIRE(r);
  CHECK(r->status == 206);
  CHECK(r->body == question_bytes.substr(0, 10));
  // Another vacancy's link reaches neither.
  r = client->Get((other.base() + "/video").c_str());
  REQUIRE(r);
  CHECK(r->status == 404);
  r = client->Get((other.base() + "/questions/" + S(c.QuestionId(2)) + "/video").c_str());
  REQUIRE(r);
  CHECK(r->status == 404);
  // The candidate page carries the player.
  r = client->Get(c.base().c_str());
  REQUIRE(r);
  CHECK(r->status == 200);
}

TEST_CASE(
    "vacancy videos: erasure keeps a video a question or vacancy shows; check reports gone ones") {
  TestServer server;
  Api api(server);
  const int64_t account = server.creds().account_id;
  Candidate c(server, api, "");
  const int64_t take = c.Take(1, 'a');
  const int64_t recording = CountRows(server, "SELECT video_id FROM uploads WHERE id = " + S(take));
  const int64_t vacancy = Int(
      Object(api.Get("/api/invitations/" + S(c.invitation_id())), 200, "invitation"), "vacancy_id");
  // Before issue 18 a question could name a candidate's recording: set it so.
  REQUIRE(server.store()
              .Write([&](Db& db) {
                return db.Exec(("UPDATE questions SET video_id = " + S(recording) +
                                " WHERE vacancy_id = " + S(vacancy) + " AND idx = 1")
                                   .c_str());
              })
              .ok());
  Status s = server.store().Write([&](Db& db) {
    Eraser e(db, account, server.data_dir() + "/media");
    Status st = e.Invitation(c.invitation_id());
    if (st.ok()) st = e.FinishMedia();
    return st;
  });
  REQUIRE(s.ok());
  CHECK(CountRows(server, "SELECT COUNT(*) FROM videos WHERE id = " + S(recording)) == 1);

  std::vector<std::string> dangling;
  REQUIRE(server.store()
              .Read([&](Db& db) { return ListDanglingVideoReferences(db, 10, &dangling); })
              .ok());
  CHECK(dangling.empty());
  REQUIRE(server.store()
              .Write([&](Db& db) {
                return db.Exec(("DELETE FROM videos WHERE id = " + S(recording)).c_str());
              })
              .ok());
  REQUIRE(server.store()
              .Read([&](Db& db) { return ListDanglingVideoReferences(db, 10, &dangling); })
              .ok());
  REQUIRE(dangling.size() == 1);
  CHECK(dangling[0].find("video " + S(recording)) != std::string::npos);
}

}  // namespace
}  // namespace cammio
