// Issue 14 through the candidate's HTTP endpoints (tus uploads and
// completion under /public/job_interviews/<token>): the server enforces
// num_of_retries (1 + N takes per question, the newest take replaces the
// earlier ones) and the CV the candidate hands in becomes part of the
// interview -- in GET /api/interviews/:id (JSON and XML), on the recruiter
// and forward pages (the candidate export, erasure and retention:
// tests/ops/candidate_cv_test.cc; docs/decisions.md "Takes and the CV").
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <thread>

#include "testing/api_helpers.h"
#include "testing/candidate_client.h"
#include "util/fs.h"

namespace cammio {
namespace {

using namespace cammio::testing;

TEST_CASE(
    "takes: num_of_retries 0 allows one recording per question; the next is refused "
    "before anything is stored") {
  TestServer server;
  Api api(server);
  Candidate c(server, api, "\"num_of_retries\": 0");
  CHECK(c.TakesLeft() == std::map<int64_t, int64_t>{{1, 1}, {2, 1}});
  c.Take(1, 'a');
  CHECK(c.TakesLeft() == std::map<int64_t, int64_t>{{1, 0}, {2, 1}});

  const int64_t rows = Uploads(server, c.invitation_id());
  const int64_t parts = CountFiles(server.data_dir() + "/media/uploads");
  for (int attempt = 0; attempt < 3; ++attempt) {  // a reload does not reset anything
    Resp again = c.Create({{"kind", "recording"}, {"question", "1"}}, 304);
    std::string details = ErrorDetails(again, 412);
    CHECK(details.find("question 1 allows 1 take") != std::string::npos);
    CHECK(details.find("num_of_retries 0") != std::string::npos);
    CHECK_FALSE(again.HasHeader("Location"));
  }
  CHECK(Uploads(server, c.invitation_id()) == rows);
  CHECK(CountFiles(server.data_dir() + "/media/uploads") == parts);

  // The other question still has its take; the interview completes with both.
  int64_t second = c.Take(2, 'b');
  CHECK(c.TakesLeft() == std::map<int64_t, int64_t>{{1, 0}, {2, 0}});
  CHECK(c.Create({{"kind", "recording"}, {"question", "2"}}, 304).status == 412);
  (void)second;
}

TEST_CASE(
    "takes: an upload created but never sent (its 201 lost) is no take; the next one is "
    "accepted and completes the interview") {
  TestServer server;
  Api api(server);
  Candidate c(server, api, "\"num_of_retries\": 0");
  c.CreateTake(1);  // the answer never reached the page: no byte of it arrives
  CHECK(c.TakesLeft() == std::map<int64_t, int64_t>{{1, 1}, {2, 1}});
  int64_t take = c.Take(1, 'a');
  CHECK(c.TakesLeft() == std::map<int64_t, int64_t>{{1, 0}, {2, 1}});
  CheckError(c.Create({{"kind", "recording"}, {"question", "1"}}, 304), 412, "1 take");
  int64_t answer2 = c.Take(2, 'b');
  Resp done = c.Complete(c.Answers(take, answer2));
  Object(done, 200, "completion");
  // The abandoned upload's part file went with the completion.
  CHECK(CountFiles(server.data_dir() + "/media/uploads") == 0);
}

TEST_CASE(
    "takes: of two uploads finished in parallel with num_of_retries 0 exactly one becomes "
    "the take; the other is refused and removed") {
  TestServer server;
  Api api(server);
  Candidate c(server, api, "\"num_of_retries\": 0");
  const std::string locations[2] = {c.CreateTake(1), c.CreateTake(1)};
  const std::string bytes[2] = {Webm('x'), Webm('y')};
  int status[2] = {0, 0};
  std::string body[2];
  {
    std::thread senders[2];
    for (int i = 0; i < 2; ++i) {
      senders[i] = std::thread([&, i] {
        auto r = server.Client()->Patch(
            locations[i].c_str(),
            httplib::Headers{{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", "0"}}, bytes[i],
            kPatchType);
        if (r) {
          status[i] = r->status;
          body[i] = r->body;
        }
      });
    }
    for (auto& t : senders) t.join();
  }
  INFO("first: " << status[0] << " " << body[0] << "; second: " << status[1] << " " << body[1]);
  REQUIRE(((status[0] == 204 && status[1] == 412) || (status[0] == 412 && status[1] == 204)));
  const int winner = status[0] == 204 ? 0 : 1;
  CHECK(body[1 - winner].find("question 1 allows 1 take") != std::string::npos);
  CHECK(c.TakesLeft()[1] == 0);
  // The refused upload is gone: its row, its bytes, and no media of it.
  CHECK(Uploads(server, c.invitation_id()) == 1);
  CHECK(CountFiles(server.data_dir() + "/media/uploads") == 0);
  CHECK(CountRows(server, "SELECT COUNT(*) FROM videos") == 1);
  auto head = server.Client()->Head(locations[1 - winner].c_str(),
                                    httplib::Headers{{"Tus-Resumable", "1.0.0"}});
  REQUIRE(head);
  CHECK(head->status == 404);

  int64_t answer2 = c.Take(2, 'b');
  CheckError(c.Complete(c.Answers(Candidate::IdOf(locations[1 - winner]), answer2)), 412,
             "is not a recording");
  Resp done = c.Complete(c.Answers(Candidate::IdOf(locations[winner]), answer2));
  int64_t interview = Int(Object(done, 200, "completion"), "interview_id");
  Value w = Object(api.Get("/api/interviews/" + std::to_string(interview)), 200, "interview");
  REQUIRE(At(w, "recordings").size() == 2);
  std::string url = Str(At(At(w, "recordings").items()[0], "recording"), "video_url");
  Resp video = api.Get(url.substr(std::string(kPublicUrl).size()));
  CHECK(video.body == bytes[winner]);
}

TEST_CASE(
    "takes: a question has at most 2 unfinished recording uploads at once; abandoned ones "
    "stop counting after 10 minutes") {
  TestServer server;
  Api api(server);
  Candidate c(server, api, "");  // no take limit: only the cap applies
  const std::string first = c.CreateTake(1);
  c.CreateTake(1);
  const int64_t rows = Uploads(server, c.invitation_id());
  Resp third = c.Create({{"kind", "recording"}, {"question", "1"}}, 304);
  std::string details = ErrorDetails(third, 429);
  CHECK(details.find("question 1 already has 2 unfinished recording uploads") != std::string::npos);
  CHECK(third.Header("Retry-After") == "600");
  CHECK_FALSE(third.HasHeader("Location"));
  CHECK(Uploads(server, c.invitation_id()) == rows);
  // Another question, a still and a finished upload are not capped by it.
  c.CreateTake(2);
  CHECK(c.Create({{"kind", "thumbnail"}, {"question", "1"}}, 304).status == 201);
  CHECK(c.Send(first, Webm('a')).status == 204);
  const std::string fourth = c.CreateTake(1);  // finishing one freed its place
  CheckError(c.Create({{"kind", "recording"}, {"question", "1"}}, 304), 429, "unfinished");
  // Uploads receiving bytes keep counting; abandoned ones stop after 600 s.
  server.clock().Advance(599);
  CheckError(c.Create({{"kind", "recording"}, {"question", "1"}}, 304), 429, "unfinished");
  server.clock().Advance(2);
  c.CreateTake(1);
  (void)fourth;
}

TEST_CASE(
    "takes: completion takes the newest finished take when a newer upload of the question "
    "is unfinished") {
  TestServer server;
  Api api(server);
  Candidate c(server, api, "\"num_of_retries\": 1");
  int64_t take = c.Take(1, 'a');
  const std::string unfinished = c.CreateTake(1);  // retake started, its bytes never arrive
  CHECK(c.TakesLeft()[1] == 1);                    // only finished takes count
  int64_t answer2 = c.Take(2, 'b');
  CheckError(c.Complete(c.Answers(Candidate::IdOf(unfinished), answer2)), 412, "not complete");
  Resp done = c.Complete(c.Answers(take, answer2));
  int64_t interview = Int(Object(done, 200, "completion"), "interview_id");
  Value w = Object(api.Get("/api/interviews/" + std::to_string(interview)), 200, "interview");
  std::string url = Str(At(At(w, "recordings").items()[0], "recording"), "video_url");
  CHECK(api.Get(url.substr(std::string(kPublicUrl).size())).body == Webm('a'));
  CHECK(CountFiles(server.data_dir() + "/media/uploads") == 0);
}

TEST_CASE("takes: a recording must name one of the interview's questions") {
  TestServer server;
  Api api(server);
  Candidate c(server, api, "\"num_of_retries\": 0");
  CheckError(c.Create({{"kind", "recording"}}, 304), 400, "question");
  CheckError(c.Create({{"kind", "recording"}, {"question", "3"}}, 304), 400, "question 3");
  CheckError(c.Create({{"kind", "recording"}, {"question", "x"}}, 304), 400, "question");
  CHECK(Uploads(server, c.invitation_id()) == 0);
  CHECK(c.TakesLeft() == std::map<int64_t, int64_t>{{1, 1}, {2, 1}});
}

TEST_CASE(
    "takes: num_of_retries 1 allows two takes; the newest replaces the earlier one and "
    "only it stays") {
  TestServer server;
  Api api(server);
  Candidate c(server, api, "\"num_of_retries\": 1");
  int64_t first = c.Take(1, 'a');
  CHECK(c.TakesLeft()[1] == 1);
  int64_t retake = c.Take(1, 'b');
  CHECK(c.TakesLeft()[1] == 0);
  CheckError(c.Create({{"kind", "recording"}, {"question", "1"}}, 304), 412, "2 takes");
  int64_t answer2 = c.Take(2, 'c');

  // The replaced take cannot be handed in, nor a take of another question.
  CheckError(c.Complete(c.Answers(first, answer2)), 412, "newest take of question 1");
  CheckError(c.Complete(c.Answers(answer2, answer2)), 412, "not a recording of question 1");
  const int64_t media_before = CountRows(server, "SELECT COUNT(*) FROM videos");
  CHECK(media_before == 3);

  Resp done = c.Complete(c.Answers(retake, answer2));
  int64_t interview = Int(Object(done, 200, "completion"), "interview_id");
  Value w = Object(api.Get("/api/interviews/" + std::to_string(interview)), 200, "interview");
  REQUIRE(At(w, "recordings").size() == 2);
  std::string url = Str(At(At(w, "recordings").items()[0], "recording"), "video_url");
  Resp video = api.Get(url.substr(std::string(kPublicUrl).size()));
  CHECK(video.status == 200);
  CHECK(video.body == Webm('b'));
  // The earlier take is gone: its media row and its file.
  CHECK(CountRows(server, "SELECT COUNT(*) FROM videos") == 2);
  CHECK(CountRows(server, "SELECT COUNT(*) FROM uploads WHERE video_id IS NOT NULL") == 2);
  CHECK(CountFiles(server.data_dir() + "/media/" + std::to_string(server.creds().account_id)) == 2);
}

TEST_CASE("takes: num_of_retries null allows any number of takes") {
  TestServer server;
  Api api(server);
  Candidate c(server, api, "");
  for (int i = 0; i < 4; ++i) c.Take(1, static_cast<char>('a' + i));
  CHECK(c.TakesLeft()[1] == -1);
}

TEST_CASE("cv: the CV handed in is part of the interview (JSON, XML, the file itself)") {
  TestServer server;
  Api api(server);
  Candidate c(server, api, "\"cv_upload_required\": \"yes\"");
  CvInterview w = CompleteWithCv(server, api, c);
  REQUIRE(w.cv_url.rfind(std::string(kPublicUrl) + "/api/videos/", 0) == 0);
  Resp file = api.Get(w.cv_url.substr(std::string(kPublicUrl).size()));
  CHECK(file.status == 200);
  CHECK(file.body == kPdf);
  CHECK(file.Header("Content-Type") == "application/pdf");
  // A candidate's document is a download, never a page of this origin.
  CHECK(file.Header("Content-Disposition") == "attachment; filename=\"cv.pdf\"");
  CHECK(file.Header("Content-Security-Policy") == "sandbox");
  // The replaced CV is gone; the kept one is the only CV media row.
  CHECK(CountRows(server, "SELECT COUNT(*) FROM videos WHERE kind = 'cv'") == 1);

  XmlDoc x(api.Get("/api/interviews/" + std::to_string(w.interview) + ".xml"));
  CHECK(XmlStr(x.root(), "cv_url") == w.cv_url);

  // Without a CV the field is null.
  Candidate plain(server, api, "", "plain@example.test");
  int64_t done = Int(Object(plain.Complete(plain.Answers(plain.Take(1, 'x'), plain.Take(2, 'y'))),
                            200, "completion"),
                     "interview_id");
  CHECK(IsNull(Object(api.Get("/api/interviews/" + std::to_string(done)), 200, "interview"),
               "cv_url"));
  // A vacancy that does not ask for a CV takes none.
  CheckError(plain.Create({{"kind", "cv"}}, kPdf.size()), 410, "no longer open");
  Candidate other(server, api, "", "other@example.test");
  CheckError(other.Create({{"kind", "cv"}}, kPdf.size()), 412, "does not ask for a CV");
}

TEST_CASE("cv: the recruiter and forward pages link the CV") {
  TestServer server;
  Api api(server);
  Candidate c(server, api, "\"cv_upload_required\": \"yes\"");
  CvInterview w = CompleteWithCv(server, api, c);
  const std::string cv_id = w.cv_url.substr(w.cv_url.rfind('/') + 1);
  const httplib::Headers html = {{"Accept", "text/html"}};

  const std::string recruiter = "/recruiter/reviews/" + std::to_string(w.interview);
  Resp page = api.Get(recruiter, html);
  REQUIRE(page.status == 200);
  std::smatch m;
  REQUIRE(std::regex_search(page.body, m, std::regex("id=\"cv-link\" href=\"([^\"]+)\"")));
  CHECK(m[1] == recruiter + "/media/" + cv_id);
  Resp file = api.Get(m[1]);
  CHECK(file.status == 200);
  CHECK(file.body == kPdf);

  Value fwd = Doc(api.Get("/api/interviews/" + std::to_string(w.interview) + "/forward_url"), 200);
  std::string path = Str(fwd, "url").substr(std::string(kPublicUrl).size());
  Resp forward = api.Get(path, html);
  REQUIRE(forward.status == 200);
  REQUIRE(std::regex_search(forward.body, m, std::regex("id=\"cv-link\" href=\"([^\"]+)\"")));
  std::string link = std::regex_replace(std::string(m[1]), std::regex("&amp;"), "&");
  CHECK(link.find("/media/" + cv_id + "?access=") != std::string::npos);
  auto anon = server.Client()->Get(link.c_str());
  REQUIRE(anon);
  CHECK(anon->status == 200);
  CHECK(anon->body == kPdf);
}

}  // namespace
}  // namespace cammio
