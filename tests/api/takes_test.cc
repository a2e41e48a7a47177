// Issue 14 through the candidate's HTTP endpoints (tus uploads and
// completion under /public/job_interviews/<token>): the server enforces
// num_of_retries (1 + N takes per question, the newest take replaces the
// earlier ones) and the CV the candidate hands in becomes part of the
// interview -- in GET /api/interviews/:id (JSON and XML), on the recruiter
// and forward pages, in the candidate export, erasure and retention
// (docs/decisions.md "Takes and the CV").
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <thread>

#include "ops/candidate_data.h"
#include "ops/retention.h"
#include "ops/tar.h"
#include "testing/api_helpers.h"
#include "util/fs.h"

namespace cammio {
namespace {

using namespace cammio::testing;

constexpr char kLinkPrefix[] = "https://cammio.test/public/job_interviews/";
constexpr char kOpenEnd[] = "2030-01-01T00:00:00Z";
constexpr char kPatchType[] = "application/offset+octet-stream";

std::string Base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += k[(n >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += std::string() + k[(n >> 18) & 63] + k[(n >> 12) & 63] + "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += std::string() + k[(n >> 18) & 63] + k[(n >> 12) & 63] + k[(n >> 6) & 63] + "=";
  }
  return out;
}

std::string Webm(char seed) { return std::string("\x1a\x45\xdf\xa3", 4) + std::string(300, seed); }
const std::string kPdf = "%PDF-1.4\n% the candidate's curriculum vitae\n%%EOF\n";

int64_t CountFiles(const std::string& dir) {
  std::error_code ec;
  int64_t n = 0;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

// One invitation's candidate, talking to the public endpoints only.
class Candidate {
 public:
  Candidate(TestServer& server, Api& api, const std::string& vacancy_extra,
            const std::string& email = "cv@example.test")
      : server_(server) {
    std::string body = "{\"vacancy\": {\"title\": \"Engineer\", \"datetime_start\": \"" +
                       std::string(kStart) + "\", \"datetime_end\": \"" + kOpenEnd +
                       "\", \"questions\": [{\"title\": \"Why us?\"}, {\"title\": \"Why you?\"}]" +
                       (vacancy_extra.empty() ? "" : ", " + vacancy_extra) + "}}";
    vacancy_ = Object(api.Post("/api/vacancies", body), 201, "vacancy");
    Value inv = CreateInvitation(api, Int(vacancy_, "id"), email);
    invitation_id_ = Int(inv, "id");
    token_ = TokenAfter(Str(inv, "url"), kLinkPrefix);
    REQUIRE(!token_.empty());
  }

  std::string base() const { return "/public/job_interviews/" + token_; }
  int64_t invitation_id() const { return invitation_id_; }

  // POST .../uploads; `meta` is the Upload-Metadata pairs as plain text.
  Resp Create(const std::map<std::string, std::string>& meta, size_t length) {
    std::string header;
    for (const auto& [k, v] : meta) header += (header.empty() ? "" : ",") + k + " " + Base64(v);
    auto r = server_.Client()->Post((base() + "/uploads").c_str(),
                                    httplib::Headers{{"Tus-Resumable", "1.0.0"},
                                                     {"Upload-Length", std::to_string(length)},
                                                     {"Upload-Metadata", header}},
                                    "", kPatchType);
    REQUIRE(r);
    return Resp{r->status, r->body, r->headers};
  }

  // A finished upload of `bytes`; returns its id.
  int64_t Upload(const std::map<std::string, std::string>& meta, const std::string& bytes) {
    Resp c = Create(meta, bytes.size());
    INFO("create: " << c);
    REQUIRE(c.status == 201);
    std::string location = c.Header("Location");
    auto r = server_.Client()->Patch(
        location.c_str(), httplib::Headers{{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", "0"}},
        bytes, kPatchType);
    REQUIRE(r);
    INFO("patch: " << r->status << " " << r->body);
    REQUIRE(r->status == 204);
    return std::stoll(location.substr(location.rfind('/') + 1));
  }

  // One PATCH with all of `bytes` from offset 0 to the upload at `location`.
  Resp Send(const std::string& location, const std::string& bytes) {
    auto r = server_.Client()->Patch(
        location.c_str(), httplib::Headers{{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", "0"}},
        bytes, kPatchType);
    REQUIRE(r);
    return Resp{r->status, r->body, r->headers};
  }

  // A recording upload of `question` created (201) but not sent; its Location.
  std::string CreateTake(int question) {
    Resp c = Create({{"kind", "recording"}, {"question", std::to_string(question)}}, 304);
    INFO("create: " << c);
    REQUIRE(c.status == 201);
    return c.Header("Location");
  }

  static int64_t IdOf(const std::string& location) {
    return std::stoll(location.substr(location.rfind('/') + 1));
  }

  int64_t Take(int question, char seed) {
    return Upload({{"kind", "recording"}, {"question", std::to_string(question)}}, Webm(seed));
  }

  Value State() {
    auto r = server_.Client()->Get((base() + "/state").c_str());
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return At(Json(r->body), "interview");
  }

  // question index -> takes_left (-1 for null).
  std::map<int64_t, int64_t> TakesLeft() {
    std::map<int64_t, int64_t> out;
    const Value state = State();
    for (const Value& q : At(state, "questions").items()) {
      out[Int(q, "index")] = IsNull(q, "takes_left") ? -1 : Int(q, "takes_left");
    }
    return out;
  }

  int64_t QuestionId(int index) {
    for (const Value& q : At(vacancy_, "questions").items()) {
      const Value& inner = q.Find("question") ? At(q, "question") : q;
      if (Int(inner, "index") == index) return Int(inner, "id");
    }
    FAIL("no question " << index);
    return 0;
  }

  Resp Complete(const std::string& body) {
    auto r = server_.Client()->Post((base() + "/complete").c_str(), body, "application/json");
    REQUIRE(r);
    return Resp{r->status, r->body, r->headers};
  }

  std::string Answers(int64_t take1, int64_t take2, const std::string& extra = "") {
    return "{\"recordings\": [{\"question_id\": " + std::to_string(QuestionId(1)) +
           ", \"upload_id\": " + std::to_string(take1) +
           "}, {\"question_id\": " + std::to_string(QuestionId(2)) +
           ", \"upload_id\": " + std::to_string(take2) + "}]" + extra + "}";
  }

 private:
  TestServer& server_;
  Value vacancy_;
  int64_t invitation_id_ = 0;
  std::string token_;
};

int64_t Uploads(TestServer& server, int64_t invitation_id) {
  return CountRows(server, "SELECT COUNT(*) FROM uploads WHERE invitation_id = " +
                               std::to_string(invitation_id));
}

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

// The candidate flow of a vacancy that asks for a CV, up to the interview.
struct CvInterview {
  int64_t interview = 0;
  std::string cv_url;
};

CvInterview CompleteWithCv(TestServer& server, Api& api, Candidate& c) {
  int64_t a = c.Take(1, 'a');
  int64_t b = c.Take(2, 'b');
  CheckError(c.Complete(c.Answers(a, b)), 412, "cv_upload_id");
  int64_t replaced = c.Upload({{"kind", "cv"}}, "%PDF-1.4 an older version");
  int64_t cv = c.Upload({{"kind", "cv"}}, kPdf);
  CheckError(c.Complete(c.Answers(a, b, ", \"cv_upload_id\": " + std::to_string(replaced))), 412,
             "newest CV");
  Resp done = c.Complete(c.Answers(a, b, ", \"cv_upload_id\": " + std::to_string(cv)));
  CvInterview out;
  out.interview = Int(Object(done, 200, "completion"), "interview_id");
  Value w = Object(api.Get("/api/interviews/" + std::to_string(out.interview)), 200, "interview");
  out.cv_url = Str(w, "cv_url");
  (void)server;
  return out;
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

TEST_CASE("cv: candidate export holds the CV; erasure and retention delete it") {
  TestServer server;
  Api api(server);
  const int64_t account = server.creds().account_id;
  Candidate c(server, api, "\"cv_upload_required\": \"yes\"", "ann@example.test");
  CvInterview w = CompleteWithCv(server, api, c);
  std::string cv_path;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                auto f =
                    GetMediaFile(db, account, std::stoll(w.cv_url.substr(w.cv_url.rfind('/') + 1)));
                if (f.ok()) cv_path = f->path;
                return f.status();
              })
              .ok());
  const std::string cv_file = server.data_dir() + "/media/" + cv_path;
  REQUIRE(PathExists(cv_file));

  const std::string out = server.data_dir() + "/ann.tar";
  ops::ExportResult exported;
  REQUIRE(ops::ExportCandidate(server.store(), server.data_dir(), account, "ann@example.test",
                               server.clock().Now(), out, &exported)
              .ok());
  std::map<std::string, std::string> members = testing::ReadTarMembers(out);
  CHECK(members["media/" + cv_path] == kPdf);
  CHECK(exported.media_files == 3);  // two answers and the CV; nothing replaced is kept

  // Retention: the interview of another candidate, CV included, is deleted.
  Candidate bob(server, api, "\"cv_upload_required\": \"yes\"", "bob@example.test");
  CvInterview bw = CompleteWithCv(server, api, bob);
  const int64_t bob_cv = std::stoll(bw.cv_url.substr(bw.cv_url.rfind('/') + 1));
  std::string bob_path;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                auto f = GetMediaFile(db, account, bob_cv);
                if (f.ok()) bob_path = f->path;
                return f.status();
              })
              .ok());

  ops::EraseResult erased;
  REQUIRE(ops::EraseCandidate(server.store(), server.data_dir(), account, "ann@example.test",
                              server.clock().Now(), &erased)
              .ok());
  CHECK_FALSE(PathExists(cv_file));
  CHECK(PathExists(server.data_dir() + "/media/" + bob_path));

  REQUIRE(ops::SetRetentionDays(server.store(), account, 1, server.clock().Now()).ok());
  ops::RetentionRun run;
  REQUIRE(
      ops::ApplyRetention(server.store(), server.data_dir(), server.clock().Now() + 2 * 86400, &run)
          .ok());
  CHECK(run.interviews == 1);
  CHECK_FALSE(PathExists(server.data_dir() + "/media/" + bob_path));
  CHECK(CountRows(server, "SELECT COUNT(*) FROM videos WHERE kind = 'cv'") == 0);
}

}  // namespace
}  // namespace cammio
