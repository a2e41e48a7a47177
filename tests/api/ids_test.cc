// Ids are never handed out twice (schema/013_id_sequences.sql): deleting the
// newest vacancy, question, invitation, guest, reviewer or review and
// creating another gives the new one a new id, also when another account
// creates it; and every table with an id column is AUTOINCREMENT.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "testing/api_helpers.h"

namespace cammio {
namespace {

using namespace cammio::testing;

constexpr char kReviewer[] =
    R"({"reviewer": {"name": "Robert de Niro", "email": "robert@cammio.com"}})";
constexpr char kReview[] = R"({"review": {"rating": 4, "remarks": "Strong candidate!"}})";
constexpr char kGuest[] = R"({"guest": {"name": "Hillary", "email": "hillary@cammio.com"}})";

std::string S(int64_t id) { return std::to_string(id); }

std::vector<int64_t> QuestionIds(const Value& vacancy) {
  std::vector<int64_t> ids;
  for (const Value& q : At(vacancy, "questions").items())
    ids.push_back(Int(Unwrap(q, "question"), "id"));
  return ids;
}

TEST_CASE("ids: a deleted vacancy's id is never given to the next one, in any account") {
  TestServer server;
  Api a(server);
  Api b(server, server.NewAccount("Other Agency", "recruiter@other.test"));
  int64_t first = CreateVacancy(a);
  CHECK(Doc(a.Delete("/api/vacancies/" + S(first)), 200).size() == 1);
  int64_t second = CreateVacancy(a);
  CHECK(second > first);
  CHECK(Doc(a.Delete("/api/vacancies/" + S(second)), 200).size() == 1);
  int64_t other = CreateVacancy(b, "automated", "\"use_as_template\": \"yes\"");  // another account
  CHECK(other > second);
  CHECK(a.Get("/api/vacancies/" + S(second)).status == 404);
  // A copy names its template; the template's id stays its own.
  int64_t copy = CreateVacancy(b, "automated", "\"template_id\": " + S(other));
  CHECK(Int(Object(b.Get("/api/vacancies/" + S(copy)), 200, "vacancy"), "template_id") == other);
}

TEST_CASE("ids: replaced questions get new ids") {
  TestServer server;
  Api api(server);
  int64_t v = CreateAutomatedWithQuestions(api);
  std::vector<int64_t> before =
      QuestionIds(Object(api.Get("/api/vacancies/" + S(v)), 200, "vacancy"));
  REQUIRE(before.size() == 2);
  Resp put = api.Put("/api/vacancies/" + S(v),
                     "{\"vacancy\": {\"questions\": [{\"title\": \"A\"}, {\"title\": \"B\"}]}}");
  std::vector<int64_t> after = QuestionIds(Object(put, 200, "vacancy"));
  REQUIRE(after.size() == 2);
  CHECK(after[0] > before[1]);
  CHECK(after[1] > after[0]);
}

TEST_CASE("ids: a deleted invitation's id is never given to the next one") {
  // A revoked invitation is deleted with its vacancy.
  TestServer server;
  Api api(server);
  int64_t v = CreateVacancy(api);
  int64_t first = CreateInvitationId(api, v, "first@cammio.com");
  CHECK(api.Delete("/api/invitations/" + S(first)).status == 200);
  CHECK(api.Delete("/api/vacancies/" + S(v)).status == 200);
  CHECK(CountRows(server, "SELECT COUNT(*) FROM invitations WHERE id = " + S(first)) == 0);
  int64_t second = CreateInvitationId(api, CreateVacancy(api), "second@cammio.com");
  CHECK(second > first);
}

TEST_CASE("ids: deleted guests, reviewers and reviews keep their ids") {
  TestServer server;
  Api api(server);
  // Guests (schema/010 already).
  int64_t live = CreateVacancy(api, "live");
  std::string guests =
      "/api/invitations/" + S(CreateInvitationId(api, live, "l@cammio.com")) + "/guests";
  int64_t g1 = Int(Object(api.Post(guests, kGuest), 201, "guest"), "id");
  CHECK(api.Delete(guests + "/" + S(g1)).status == 200);
  CHECK(Int(Object(api.Post(guests, kGuest), 201, "guest"), "id") > g1);

  int64_t v = CreateVacancy(api);
  int64_t t = server.clock().Now();
  int64_t interview = Complete(server, CreateInvitationId(api, v, "i@cammio.com"), t - 60, t);
  std::string reviewers = "/api/interviews/" + S(interview) + "/reviewers";
  int64_t r1 = Int(Object(api.Post(reviewers, kReviewer), 201, "reviewer"), "id");
  CHECK(api.Delete(reviewers + "/" + S(r1)).status == 200);
  int64_t r2 = Int(Object(api.Post(reviewers, kReviewer), 201, "reviewer"), "id");
  CHECK(r2 > r1);

  std::string reviews = "/api/interviews/" + S(interview) + "/reviews";
  int64_t w1 = Int(Object(api.Post(reviews, kReview), 201, "review"), "id");
  CHECK(api.Delete(reviews + "/" + S(w1)).status == 200);
  int64_t w2 = Int(Object(api.Post(reviews, kReview), 201, "review"), "id");
  CHECK(w2 > w1);
  CHECK(api.Get(reviews + "/" + S(w1)).status == 404);
}

TEST_CASE("ids: every table with an id column is AUTOINCREMENT") {
  TestServer server;
  std::vector<std::string> plain;
  int tables = 0;
  Status s = server.store().Read([&](Db& db) {
    auto st = db.PrepareDynamic(
        "SELECT t.name, t.sql FROM sqlite_schema AS t, pragma_table_info(t.name) AS c "
        "WHERE t.type = 'table' AND c.pk = 1 AND c.name = 'id' "
        // deleted_guests.id is a deleted guest's id (schema/015), never generated.
        "AND t.name NOT IN ('change_generation', 'deleted_guests')");
    if (!st.ok()) return st.status();
    Status step;
    while (st->Step(&step)) {
      ++tables;
      if (st->Text(1).find("INTEGER PRIMARY KEY AUTOINCREMENT") == std::string::npos) {
        plain.push_back(st->Text(0));
      }
    }
    return step;
  });
  REQUIRE(s.ok());
  CHECK(tables == 21);
  INFO("without AUTOINCREMENT: " << (plain.empty() ? "" : plain.front()));
  CHECK(plain.empty());
}

}  // namespace
}  // namespace cammio
