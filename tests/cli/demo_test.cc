// `cammio demo`'s story (src/cli/demo.h): created once, found again on the
// next run (same links, no new rows but a token), and every link answers on
// a running server. The CLI's output is checked in tests/shell/cli_test.sh.
#include <doctest/doctest.h>

#include "cli/demo.h"
#include "testing/api_helpers.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

using testing::Api;
using testing::Credentials;
using testing::TestServer;

int64_t Count(Store& store, const char* sql) {
  int64_t n = -1;
  REQUIRE(store
              .Read([&](Db& db) {
                Stmt st = db.Prepare(sql);
                Status s;
                if (st.Step(&s)) n = st.Int(0);
                return s;
              })
              .ok());
  return n;
}

constexpr const char* kTables[] = {
    "SELECT COUNT(*) FROM accounts",   "SELECT COUNT(*) FROM users",
    "SELECT COUNT(*) FROM vacancies",  "SELECT COUNT(*) FROM questions",
    "SELECT COUNT(*) FROM candidates", "SELECT COUNT(*) FROM invitations",
    "SELECT COUNT(*) FROM interviews", "SELECT COUNT(*) FROM recordings",
    "SELECT COUNT(*) FROM reviews"};

std::string PathOf(const std::string& url, const std::string& base) {
  REQUIRE(url.rfind(base + "/", 0) == 0);
  return url.substr(base.size());
}

TEST_CASE("cli demo: a ready story, idempotent, every link answers") {
  TestServer server;
  const std::string base = "https://localhost:8443";
  DemoStory first, second;
  REQUIRE(SeedDemo(server.store(), base, 1700000000, &first).ok());
  std::vector<int64_t> counts;
  for (const char* sql : kTables) counts.push_back(Count(server.store(), sql));
  CHECK(Count(server.store(),
              "SELECT COUNT(*) FROM vacancies v JOIN users u ON "
              "u.id = v.recruiter_id WHERE u.email = 'demo@cammio.test'") == 3);
  CHECK(Count(server.store(),
              "SELECT COUNT(DISTINCT kind || scope) FROM vacancies WHERE "
              "reference_id LIKE 'cammio-demo-%'") == 3);
  CHECK(Count(server.store(),
              "SELECT COUNT(*) FROM questions q JOIN vacancies v ON "
              "v.id = q.vacancy_id WHERE v.reference_id = "
              "'cammio-demo-automated'") == 3);
  CHECK(Count(server.store(),
              "SELECT COUNT(*) FROM invitations i JOIN vacancies v ON "
              "v.id = i.vacancy_id WHERE v.reference_id LIKE 'cammio-demo-%'") == 4);

  REQUIRE(SeedDemo(server.store(), base, 1700003600, &second).ok());
  for (size_t i = 0; i < counts.size(); ++i) {
    CAPTURE(kTables[i]);
    CHECK(Count(server.store(), kTables[i]) == counts[i]);
  }
  CHECK(second.candidate_url == first.candidate_url);
  CHECK(second.live_url == first.live_url);
  CHECK(second.live_interviewer_url == first.live_interviewer_url);
  CHECK(first.live_interviewer_url.find(base + "/public/interviewers/") == 0);
  CHECK(second.public_url == first.public_url);
  CHECK(second.recruiter_url == first.recruiter_url);
  CHECK(second.access_token != first.access_token);  // stored hashed: a new one each run

  // The links on a running server: the pages a presenter clicks.
  const httplib::Headers html = {{"Accept", "text/html"}};
  auto anonymous = server.Client();
  for (const std::string& url :
       {first.candidate_url, first.live_url, first.live_interviewer_url, first.public_url}) {
    CAPTURE(url);
    auto r = anonymous->Get(PathOf(url, base), html);
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  // The live room is open for both of its links (the demo schedules it when
  // it is made), so a presenter can meet themselves in it.
  for (const std::string& url : {first.live_url, first.live_interviewer_url}) {
    CAPTURE(url);
    auto r = anonymous->Get(PathOf(url, base) + "/live");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body.find("\"state\":\"open\"") != std::string::npos);
  }
  Credentials demo;
  demo.email = kDemoEmail;
  demo.token = second.access_token;
  Api recruiter(server, demo);
  auto r = recruiter.Get(PathOf(first.recruiter_url, base), html);
  CHECK(r.status == 200);
  CHECK(r.body.find("Carla Smit") != std::string::npos);
  CHECK(r.body.find("Invite for a second round.") != std::string::npos);
  r = recruiter.Get("/api/interviews/" + std::to_string(first.interview_id));
  CHECK(r.status == 200);
  CHECK(r.body.find("\"num_of_reviews\":1") != std::string::npos);
}

}  // namespace
}  // namespace cammio
