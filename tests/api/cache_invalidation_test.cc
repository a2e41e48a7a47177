// The response cache's invalidation through the real server (api/response_cache.h,
// store/change_scopes.h): for every write route of the route table, the
// cached GETs that show what it changed show the change at once, and the
// cached answers of another vacancy stay hits. A write route without a
// scenario here fails the test. Then the scoping cases: another account's
// write, a token's last-used update, another process's write.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api/response_cache.h"
#include "api/routes.h"
#include "store/accounts.h"
#include "store/store.h"
#include "testing/api_helpers.h"
#include "testing/candidate_client.h"
#include "testing/test_support.h"
#include "testing/vacancy_videos.h"

namespace cammio {
namespace {

using namespace testing;  // NOLINT: the helpers of api_helpers.h

std::string S(int64_t n) { return std::to_string(n); }

constexpr char kReviewer[] =
    R"({"reviewer": {"name": "Robert de Niro", "phone": "1234567890", "email": "r@cammio.com"}})";
constexpr char kReview[] = R"({"review": {"rating": 1, "remarks": "Strong candidate!"}})";
constexpr char kGuest[] = R"({"guest": {"name": "Hillary Clinton", "email": "h@cammio.com"}})";

// One account with two live vacancies. V has an open invitation with a
// guest, and a completed one whose interview has a reviewer and a review; W
// has an open invitation and an interview of its own.
struct World {
  TestServer server;
  Api api{server};
  int64_t v = 0, w = 0;
  int64_t inv = 0, guest = 0;
  int64_t done = 0, interview = 0, reviewer = 0, review = 0;
  int64_t w_interview = 0;
  int64_t scratch = 0;                   // a scenario's own resource
  std::unique_ptr<Candidate> candidate;  // a scenario's own, when it needs one

  World() {
    v = CreateVacancy(api, "live", "", "Vacancy V");
    w = CreateVacancy(api, "live", "", "Vacancy W");
    inv = CreateInvitationId(api, v, "open@cammio.test");
    guest = Int(Object(api.Post(Inv() + "/guests", kGuest), 201, "guest"), "id");
    done = CreateInvitationId(api, v, "done@cammio.test");
    const int64_t now = server.clock().Now();
    interview = Complete(server, done, now - 600, now);
    reviewer = Int(Object(api.Post(Iv() + "/reviewers", kReviewer), 201, "reviewer"), "id");
    review = Int(Object(api.Post(Iv() + "/reviews", kReview), 201, "review"), "id");
    CreateInvitationId(api, w, "w-open@cammio.test");
    w_interview =
        Complete(server, CreateInvitationId(api, w, "w-done@cammio.test"), now - 600, now);
  }
  std::string V() const { return "/api/vacancies/" + S(v); }
  std::string Inv() const { return "/api/invitations/" + S(inv); }
  std::string Iv() const { return "/api/interviews/" + S(interview); }
  // Cached answers about vacancy W only: no write on V may evict them.
  std::vector<std::string> Others() const {
    const std::string w_base = "/api/vacancies/" + S(w);
    return {w_base, w_base + "/invitations?limit=20",
            w_base + "/interviews/" + S(w_interview) + "/reviews",
            "/api/interviews/" + S(w_interview)};
  }
};

struct Scenario {
  // Paths of cached GETs that show what the write changes (primed first);
  // may prepare what the write needs.
  std::function<std::vector<std::string>(World&)> shows;
  // The write, checking its own status.
  std::function<void(World&)> write;
  // It changes account-wide rows: the other vacancy's answers may miss.
  bool account_wide = false;
};

// A recruiter's uploads (no cached answer shows them) and the attachment of
// their videos to a vacancy of its own (x.scratch, with questions).
void AddVideoScenarios(std::map<std::string, Scenario>& out) {
  auto nothing = [](World&) { return std::vector<std::string>{}; };
  out["POST /api/uploads"] = {nothing, [](World& x) { CHECK(CreateUpload(x.api, 10) > 0); }};
  out["PATCH /api/uploads/:id"] = {nothing, [](World& x) { CHECK(UploadVideo(x.api) > 0); }};
  // `attached`: the scratch vacancy's intro and first question have a video.
  auto scratch = [](bool attached) {
    return [attached](World& x) {
      x.scratch = CreateAutomatedWithQuestions(x.api, "With videos");
      const std::string base = "/api/vacancies/" + S(x.scratch);
      if (attached) {
        const int64_t video = UploadVideo(x.api);
        const std::string body = "{\"video_id\": " + S(video) + "}";
        Value v = Object(x.api.Put(base + "/video", body), 200, "vacancy");
        const int64_t q = Int(Unwrap(At(v, "questions").items()[0], "question"), "id");
        CHECK(x.api.Put(base + "/questions/" + S(q) + "/video", body).status == 200);
      }
      return std::vector<std::string>{base};
    };
  };
  auto first_question = [](World& x) {
    Value v = Object(x.api.Get("/api/vacancies/" + S(x.scratch)), 200, "vacancy");
    return "/api/vacancies/" + S(x.scratch) + "/questions/" +
           S(Int(Unwrap(At(v, "questions").items()[0], "question"), "id")) + "/video";
  };
  out["PUT /api/vacancies/:vacancy_id/video"] = {
      scratch(false), [](World& x) {
        const std::string body = "{\"upload_id\": " + S(UploadInTwo(x.api, WebmBytes(40))) + "}";
        CHECK(x.api.Put("/api/vacancies/" + S(x.scratch) + "/video", body).status == 200);
      }};
  out["DELETE /api/vacancies/:vacancy_id/video"] = {
      scratch(true), [](World& x) {
        CHECK(x.api.Delete("/api/vacancies/" + S(x.scratch) + "/video").status == 200);
      }};
  out["PUT /api/vacancies/:vacancy_id/questions/:question_id/video"] = {
      scratch(false), [first_question](World& x) {
        const std::string body = "{\"video_id\": " + S(UploadVideo(x.api)) + "}";
        CHECK(x.api.Put(first_question(x), body).status == 200);
      }};
  out["DELETE /api/vacancies/:vacancy_id/questions/:question_id/video"] = {
      scratch(true),
      [first_question](World& x) { CHECK(x.api.Delete(first_question(x)).status == 200); }};
}

// For the nested and the flat form of each route: `base` is "" (flat) or
// "/api/vacancies/<v>" (nested) before "/invitations..." or "/interviews...".
std::string Base(const World& x, bool nested) { return nested ? x.V() : std::string("/api"); }

void AddInvitationScenarios(std::map<std::string, Scenario>& out, bool nested) {
  const std::string p = nested ? "/api/vacancies/:vacancy_id" : "/api";
  out["POST " + p + "/invitations"] = {
      [](World& x) {
        return std::vector<std::string>{x.V(), x.V() + "/invitations?limit=20",
                                        "/api/invitations?limit=20"};
      },
      [nested](World& x) {
        std::string body = nested
                               ? "{\"invitation\": {" + InvitationFields("new@cammio.test") + "}}"
                               : "{\"invitation\": {\"vacancy_id\": " + S(x.v) + ", " +
                                     InvitationFields("new@cammio.test") + "}}";
        CHECK(x.api.Post(Base(x, nested) + "/invitations", body).status == 201);
      }};
  if (nested) {
    out["POST /api/vacancies/:vacancy_id/invitations/import"] = {
        [](World& x) {
          return std::vector<std::string>{x.V(), x.V() + "/invitations?limit=20",
                                          "/api/invitations?limit=20"};
        },
        [](World& x) {
          const std::string body = "{\"invitations\": [{" + InvitationFields("i1@cammio.test") +
                                   "}, {" + InvitationFields("i2@cammio.test") + "}]}";
          CHECK(x.api.Post(x.V() + "/invitations/import", body).status == 201);
        }};
  }
  auto views = [nested](World& x) {
    const std::string inv = Base(x, nested) + "/invitations/" + S(x.inv);
    return std::vector<std::string>{inv, x.V(), x.V() + "/invitations?limit=20",
                                    "/api/invitations?limit=20"};
  };
  out["PUT " + p + "/invitations/:id"] = {
      views, [nested](World& x) {
        CHECK(x.api
                  .Put(Base(x, nested) + "/invitations/" + S(x.inv),
                       R"({"invitation": {"interviewer_name": "Someone Else"}})")
                  .status == 200);
      }};
  out["DELETE " + p + "/invitations/:id"] = {
      views, [nested](World& x) {
        const int status = x.api.Delete(Base(x, nested) + "/invitations/" + S(x.inv)).status;
        CHECK((status == 200 || status == 204));
      }};
  auto guests = [nested](World& x) {
    const std::string inv = Base(x, nested) + "/invitations/" + S(x.inv);
    return std::vector<std::string>{inv, inv + "/guests", inv + "/guests/" + S(x.guest)};
  };
  out["POST " + p + "/invitations/:invitation_id/guests"] = {
      [nested](World& x) {
        const std::string inv = Base(x, nested) + "/invitations/" + S(x.inv);
        return std::vector<std::string>{inv, inv + "/guests"};
      },
      [nested](World& x) {
        CHECK(x.api
                  .Post(Base(x, nested) + "/invitations/" + S(x.inv) + "/guests",
                        R"({"guest": {"name": "Bill", "email": "bill@cammio.com"}})")
                  .status == 201);
      }};
  out["PUT " + p + "/invitations/:invitation_id/guests/:id"] = {
      guests, [nested](World& x) {
        CHECK(x.api
                  .Put(Base(x, nested) + "/invitations/" + S(x.inv) + "/guests/" + S(x.guest),
                       R"({"guest": {"name": "Bill"}})")
                  .status == 200);
      }};
  out["DELETE " + p + "/invitations/:invitation_id/guests/:id"] = {
      guests, [nested](World& x) {
        const int status =
            x.api.Delete(Base(x, nested) + "/invitations/" + S(x.inv) + "/guests/" + S(x.guest))
                .status;
        CHECK((status == 200 || status == 204));
      }};
}

void AddInterviewScenarios(std::map<std::string, Scenario>& out, bool nested) {
  const std::string p = nested ? "/api/vacancies/:vacancy_id" : "/api";
  auto iv = [nested](const World& x) { return Base(x, nested) + "/interviews/" + S(x.interview); };
  auto reviewers = [iv](World& x) {
    return std::vector<std::string>{iv(x), iv(x) + "/reviewers",
                                    iv(x) + "/reviewers/" + S(x.reviewer)};
  };
  auto reviews = [iv](World& x) {
    return std::vector<std::string>{iv(x), iv(x) + "/reviews", iv(x) + "/reviews/" + S(x.review)};
  };
  auto lists = [iv](const std::string& what) {
    return [iv, what](World& x) { return std::vector<std::string>{iv(x), iv(x) + "/" + what}; };
  };
  out["POST " + p + "/interviews/:interview_id/reviewers"] = {
      lists("reviewers"),
      [iv](World& x) { CHECK(x.api.Post(iv(x) + "/reviewers", kReviewer).status == 201); }};
  out["PUT " + p + "/interviews/:interview_id/reviewers/:id"] = {
      reviewers, [iv](World& x) {
        CHECK(
            x.api
                .Put(
                    iv(x) + "/reviewers/" + S(x.reviewer),
                    R"({"reviewer": {"name": "Al Pacino", "phone": "1", "email": "al@cammio.com"}})")
                .status == 200);
      }};
  out["DELETE " + p + "/interviews/:interview_id/reviewers/:id"] = {
      reviewers, [iv](World& x) {
        const int status = x.api.Delete(iv(x) + "/reviewers/" + S(x.reviewer)).status;
        CHECK((status == 200 || status == 204));
      }};
  out["POST " + p + "/interviews/:interview_id/reviews"] = {
      lists("reviews"),
      [iv](World& x) { CHECK(x.api.Post(iv(x) + "/reviews", kReview).status == 201); }};
  out["DELETE " + p + "/interviews/:interview_id/reviews/:id"] = {
      reviews, [iv](World& x) {
        const int status = x.api.Delete(iv(x) + "/reviews/" + S(x.review)).status;
        CHECK((status == 200 || status == 204));
      }};
}

std::map<std::string, Scenario> Scenarios() {
  std::map<std::string, Scenario> out;
  out["POST /api/vacancies"] = {
      // A vacancy that does not exist yet is a 404, never cached.
      [](World& x) {
        CHECK(x.api.Get("/api/vacancies/" + S(x.w + 100)).status == 404);
        return std::vector<std::string>{};
      },
      [](World& x) {
        int64_t id = CreateVacancy(x.api, "automated", "", "Created");
        CHECK(Str(Object(x.api.Get("/api/vacancies/" + S(id)), 200, "vacancy"), "title") ==
              "Created");
      }};
  out["PUT /api/vacancies/:id"] = {
      [](World& x) {
        return std::vector<std::string>{
            x.V(),  x.V() + "/invitations?limit=20", x.V() + "/invitations/" + S(x.inv), x.Inv(),
            x.Iv(), "/api/invitations?limit=20",     "/api/interviews?limit=20"};
      },
      [](World& x) {
        CHECK(x.api.Put(x.V(), VacancyBody("Renamed", "live")).status == 200);
        CHECK(Str(Object(x.api.Get(x.V()), 200, "vacancy"), "title") == "Renamed");
      }};
  out["DELETE /api/vacancies/:id"] = {
      [](World& x) {
        x.scratch = CreateAutomatedWithQuestions(x.api, "To delete");
        return std::vector<std::string>{"/api/vacancies/" + S(x.scratch)};
      },
      [](World& x) {
        const int status = x.api.Delete("/api/vacancies/" + S(x.scratch)).status;
        CHECK((status == 200 || status == 204));
      }};
  AddVideoScenarios(out);
  AddInvitationScenarios(out, false);
  AddInvitationScenarios(out, true);
  AddInterviewScenarios(out, false);
  AddInterviewScenarios(out, true);
  out["PUT /api/settings/notifications"] = {
      [](World&) { return std::vector<std::string>{}; },  // no cached GET shows settings
      [](World& x) {
        CHECK(x.api
                  .Put("/api/settings/notifications",
                       R"({"notification_settings": {"timeout_seconds": 20}})")
                  .status == 200);
      },
      true};
  // The candidate's completion: a new interview in the candidate's vacancy.
  out["POST /public/job_interviews/{token}/complete"] = {
      [](World& x) {
        x.candidate = std::make_unique<Candidate>(x.server, x.api, "\"num_of_retries\": 0");
        const int64_t id =
            Int(Object(x.api.Get("/api/invitations/" + S(x.candidate->invitation_id())), 200,
                       "invitation"),
                "vacancy_id");
        const std::string cv = "/api/vacancies/" + S(id);
        return std::vector<std::string>{cv, cv + "/invitations?limit=20",
                                        cv + "/interviews?limit=20", "/api/interviews?limit=20",
                                        "/api/invitations?limit=20"};
      },
      [](World& x) {
        Candidate& c = *x.candidate;
        int64_t a = c.Take(1, 'a');
        int64_t b = c.Take(2, 'b');
        CHECK(c.Complete(c.Answers(a, b)).status == 200);
      }};
  // The candidate's uploads: nothing a cached answer shows until completion.
  out["POST /public/job_interviews/{token}/uploads"] = {
      [](World& x) {
        x.candidate = std::make_unique<Candidate>(x.server, x.api, "\"num_of_retries\": 0");
        return std::vector<std::string>{};
      },
      [](World& x) { CHECK(!x.candidate->CreateTake(1).empty()); }};
  out["PATCH /public/job_interviews/{token}/uploads/:upload_id"] = {
      [](World& x) {
        x.candidate = std::make_unique<Candidate>(x.server, x.api, "\"num_of_retries\": 0");
        return std::vector<std::string>{};
      },
      [](World& x) { CHECK(x.candidate->Take(1, 'a') > 0); }};
  return out;
}

// Write routes without a scenario, and why no cached GET can show their rows.
const std::map<std::string, std::string>& Exempt() {
  static const std::map<std::string, std::string> rows = {
      {"POST /api/settings/notifications/test", "sends a test delivery; writes no row"},
      {"POST /api/invitations/:id/resend",
       "mail_outbox rows only (store/change_scopes.cc); its own case below: evicts nothing"},
      {"POST /api/vacancies/:vacancy_id/invitations/:id/resend", "as the flat path"},
      {"POST /api/notifications/:id/redeliver",
       "notifications rows: an outbox no cached GET reads (store/change_scopes.cc)"},
      {"POST /public/job_interviews/{token}/live/messages",
       "live rooms: presence rows are covered by tests/store/change_scopes_test.cc rules"},
      {"POST /public/interviewers/{token:guest}/live/messages", "as the candidate's"},
      {"POST /public/guests/{token:guest}/live/messages", "as the candidate's"},
      {"POST /public/interviewers/{token:guest}/uploads", "as the candidate's uploads"},
      {"PATCH /public/interviewers/{token:guest}/uploads/:upload_id", "as the candidate's"},
      {"POST /public/guests/{token:guest}/uploads", "as the candidate's uploads"},
      {"PATCH /public/guests/{token:guest}/uploads/:upload_id", "as the candidate's"},
  };
  return rows;
}

Resp Primed(Api& api, const std::string& path) {
  Resp first = api.Get(path);
  INFO(path << " " << first);
  REQUIRE(first.status == 200);
  return first;
}

void Run(const std::string& name, const Scenario& sc) {
  INFO("write route: " << name);
  World x;
  const std::vector<std::string> shows = sc.shows(x);
  std::map<std::string, std::string> before;
  for (const std::string& p : shows) before[p] = Primed(x.api, p).body;
  for (const std::string& p : x.Others()) before[p] = Primed(x.api, p).body;
  sc.write(x);
  for (const std::string& p : shows) {
    Resp now = x.api.Get(p);
    INFO("cached GET " << p);
    CHECK((now.status != 200 || now.body != before[p]));
  }
  if (sc.account_wide) return;
  const uint64_t hits = x.server.response_cache().stats().hits;
  for (const std::string& p : x.Others()) {
    INFO("other vacancy's GET " << p);
    CHECK(x.api.Get(p).body == before[p]);
  }
  CHECK(x.server.response_cache().stats().hits == hits + x.Others().size());
}

TEST_CASE("cache invalidation: every write route has a scenario") {
  const auto scenarios = Scenarios();
  std::set<std::string> writes;
  for (const Route& r : ApiRoutes()) {
    const std::string m = r.method;
    if (m == "GET" || m == "OPTIONS") continue;
    const std::string name = m + " " + r.pattern;
    writes.insert(name);
    INFO("write route " << name << " needs a scenario (or an exemption with its reason)");
    CHECK((scenarios.count(name) == 1 || Exempt().count(name) == 1));
  }
  for (const auto& scenario : scenarios) {  // (clang 14 cannot capture a structured binding)
    const std::string& name = scenario.first;
    INFO("scenario of a route the table no longer has: " << name);
    CHECK(writes.count(name) == 1);
  }
}

TEST_CASE("cache invalidation: each write shows at once, other vacancies stay cached") {
  for (const auto& [name, sc] : Scenarios()) Run(name, sc);
}

// Primes `paths`; returns their bodies.
std::map<std::string, std::string> PrimeAll(Api& api, const std::vector<std::string>& paths) {
  std::map<std::string, std::string> out;
  for (const std::string& p : paths) out[p] = Primed(api, p).body;
  return out;
}

// How many of `primed` a second GET answers from the cache, each unchanged.
size_t HitsOf(World& x, const std::map<std::string, std::string>& primed) {
  const uint64_t before = x.server.response_cache().stats().hits;
  for (const auto& entry : primed) {  // (clang 14 cannot capture a structured binding)
    const std::string& p = entry.first;
    INFO(p);
    CHECK(x.api.Get(p).body == entry.second);
  }
  return x.server.response_cache().stats().hits - before;
}

std::vector<std::string> AllViews(const World& x) {
  std::vector<std::string> out = x.Others();
  for (const std::string& p : {x.V(), x.V() + "/invitations?limit=20", x.Inv(), x.Iv(),
                               x.Iv() + "/reviews", std::string("/api/invitations?limit=20")}) {
    out.push_back(p);
  }
  return out;
}

// Sets the last-used time of `email`'s tokens, as authentication does.
void TouchTokens(Store& store, const std::string& email, int64_t now) {
  REQUIRE(store
              .Write([&](Db& db) {
                auto tokens = ListTokens(db, email);
                if (!tokens.ok()) return tokens.status();
                if (tokens.value().empty()) return Status::NotFound("no token");
                for (const TokenInfo& t : tokens.value()) {
                  Status s = TouchToken(db, t.id, now);
                  if (!s.ok()) return s;
                }
                return Status::OK();
              })
              .ok());
}

TEST_CASE("cache invalidation: another account's writes leave this account's answers cached") {
  World x;
  Credentials other = x.server.NewAccount("Other Agency", "other@agency.test");
  Api them(x.server, other);
  const auto primed = PrimeAll(x.api, AllViews(x));
  const int64_t g = CurrentGeneration(x.server.store());
  const int64_t theirs = CreateVacancy(them, "automated", "", "Theirs");
  CreateInvitationId(them, theirs, "theirs@agency.test");
  CHECK(CurrentGeneration(x.server.store()) > g);
  CHECK(HitsOf(x, primed) == primed.size());
}

TEST_CASE("cache invalidation: a token's last-used update invalidates nothing") {
  World x;
  const auto primed = PrimeAll(x.api, AllViews(x));
  const int64_t g = CurrentGeneration(x.server.store());
  TouchTokens(x.server.store(), x.server.creds().email, x.server.clock().Now() + 3600);
  CHECK(CurrentGeneration(x.server.store()) > g);  // a committed change, yet nothing shown
  CHECK(HitsOf(x, primed) == primed.size());
}

TEST_CASE("cache invalidation: resending an invitation's email invalidates nothing") {
  World x;
  const auto primed = PrimeAll(x.api, AllViews(x));
  const int64_t g = CurrentGeneration(x.server.store());
  CHECK(x.api.Post(x.Inv() + "/resend", "").status == 202);
  CHECK(x.api.Post(x.V() + "/invitations/" + S(x.inv) + "/resend", "").status == 202);
  CHECK(CurrentGeneration(x.server.store()) > g);  // the outbox rows were committed
  CHECK(HitsOf(x, primed) == primed.size());
}

TEST_CASE("cache invalidation: another process's write invalidates everything") {
  World x;
  const auto primed = PrimeAll(x.api, AllViews(x));
  StoreOptions so;
  so.path = x.server.data_dir() + "/cammio.db";
  auto cli = Store::Open(so);
  REQUIRE(cli.ok());
  // Even a bookkeeping row: this process cannot know what another touched.
  TouchTokens(*cli.value(), x.server.creds().email, x.server.clock().Now() + 3600);
  CHECK(HitsOf(x, primed) == 0);
  // Then cached again, at the new generation.
  CHECK(HitsOf(x, primed) == primed.size());
}

// The workload of the issue, scaled down: GET one vacancy (70%), its
// invitation page (15%), POST an invitation to a vacancy (15%), over 20
// vacancies. Prints the hit ratio (the measurement in the change's report);
// asserts only that POSTs to one vacancy leave the others' answers cached.
TEST_CASE("cache invalidation: the mixed ATS workload keeps its hit ratio") {
  TestServer server;
  Api api(server);
  std::vector<int64_t> vacancies;
  for (int i = 0; i < 20; ++i) vacancies.push_back(CreateVacancy(api));
  uint64_t seed = 42;
  auto next = [&seed](uint64_t n) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % n;
  };
  const ResponseCache::Stats start = server.response_cache().stats();
  int posts = 0;
  // What a cache keyed on one generation for the whole database (the one
  // before change scopes) would have answered: a hit only for an answer
  // made since the last write anywhere.
  std::set<std::string> single_generation;
  int single_hits = 0;
  for (int i = 0; i < 1000; ++i) {
    const int64_t v = vacancies[next(vacancies.size())];
    const uint64_t roll = next(100);
    std::string path = "/api/vacancies/" + S(v);
    if (roll >= 85) {
      CreateInvitationId(api, v, "c" + S(i) + "@example.test");
      single_generation.clear();
      ++posts;
      continue;
    }
    if (roll >= 70) path += "/invitations?limit=20";
    CHECK(api.Get(path).status == 200);
    single_hits += single_generation.insert(path).second ? 0 : 1;
  }
  const ResponseCache::Stats end = server.response_cache().stats();
  const double hits = static_cast<double>(end.hits - start.hits);
  const double lookups = hits + static_cast<double>(end.misses - start.misses);
  MESSAGE("mixed workload: " << posts << " POSTs, " << lookups << " cached GETs; hit ratio "
                             << hits / lookups << " (one generation for everything: "
                             << single_hits / lookups << ")");
  CHECK(hits > single_hits);
  CHECK(hits / lookups > 0.5);
}

}  // namespace
}  // namespace cammio
