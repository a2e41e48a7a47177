// A question's video_id must name a video of the caller's account: another
// account's video is refused like an unknown id (404 with details, as for a
// foreign vacancy_id; docs/decisions.md "Vacancies"), on create (single and
// batch) and update, and nothing changes.
#include <doctest/doctest.h>

#include <string>

#include "testing/api_helpers.h"

namespace cammio {
namespace {

using namespace cammio::testing;

std::string S(int64_t id) { return std::to_string(id); }

std::string QuestionsWith(int64_t video_id) {
  return "\"questions\": [{\"title\": \"Why?\"}, {\"title\": \"Show us\", \"video_id\": " +
         S(video_id) + "}]";
}

struct TwoAccounts {
  TwoAccounts()
      : b_creds(server.NewAccount("Other Agency", "recruiter@other.test")),
        a(server),
        b(server, b_creds) {
    own = AddMediaFile(server, server.creds().account_id, "a-question.webm", "question",
                       "video/webm", "\x1A\x45\xDF\xA3 a");
    foreign = AddMediaFile(server, b_creds.account_id, "b-question.webm", "question", "video/webm",
                           "\x1A\x45\xDF\xA3 b");
  }
  int64_t Vacancies() {
    return CountRows(server, "SELECT COUNT(*) FROM vacancies WHERE account_id = " +
                                 S(server.creds().account_id));
  }
  int64_t Questions() { return CountRows(server, "SELECT COUNT(*) FROM questions"); }

  TestServer server;
  Credentials b_creds;
  Api a, b;
  int64_t own = 0, foreign = 0;
};

TEST_CASE("question videos: another account's video id is 404 on create, nothing is created") {
  TwoAccounts t;
  const int64_t questions = t.Questions();
  Resp r = t.a.Post("/api/vacancies",
                    VacancyBody("Foreign video", "automated", QuestionsWith(t.foreign)));
  CheckError(r, 404, "questions[1].video_id " + S(t.foreign));
  // Exactly as for an id that exists nowhere.
  Resp unknown = t.a.Post("/api/vacancies",
                          VacancyBody("Unknown video", "automated", QuestionsWith(kMissingId)));
  CheckError(unknown, 404, "video_id");
  CHECK(NormalizeDigits(unknown.body) == NormalizeDigits(r.body));
  // In a batch, the one bad element refuses the whole batch.
  Resp batch = t.a.Post("/api/vacancies",
                        "[" + VacancyBody("Fine", "automated") + ", " +
                            VacancyBody("Bad", "automated", QuestionsWith(t.foreign)) + "]");
  CheckError(batch, 404, "vacancy 2: questions[1].video_id");
  CHECK(t.Vacancies() == 0);
  CHECK(t.Questions() == questions);

  // The account's own video is accepted.
  Value v = Object(
      t.a.Post("/api/vacancies", VacancyBody("Own video", "automated", QuestionsWith(t.own))), 201,
      "vacancy");
  const Value& qs = At(v, "questions");
  REQUIRE(qs.items().size() == 2);
  CHECK(Int(Unwrap(qs.items()[1], "question"), "video_id") == t.own);
  // Account B cannot use A's video either.
  CheckError(t.b.Post("/api/vacancies", VacancyBody("B", "automated", QuestionsWith(t.own))), 404,
             "video_id");
}

TEST_CASE("question videos: another account's video id is 404 on update, nothing changes") {
  TwoAccounts t;
  int64_t id = CreateAutomatedWithQuestions(t.a);
  Resp before = t.a.Get("/api/vacancies/" + S(id));
  REQUIRE(before.status == 200);

  Resp r = t.a.Put("/api/vacancies/" + S(id),
                   "{\"vacancy\": {\"title\": \"Renamed\", " + QuestionsWith(t.foreign) + "}}");
  CheckError(r, 404, "questions[1].video_id " + S(t.foreign));
  CHECK(t.a.Get("/api/vacancies/" + S(id)).body == before.body);

  Value v =
      Object(t.a.Put("/api/vacancies/" + S(id), "{\"vacancy\": {" + QuestionsWith(t.own) + "}}"),
             200, "vacancy");
  const Value& qs = At(v, "questions");
  REQUIRE(qs.items().size() == 2);
  CHECK(Int(Unwrap(qs.items()[1], "question"), "video_id") == t.own);
}

}  // namespace
}  // namespace cammio
