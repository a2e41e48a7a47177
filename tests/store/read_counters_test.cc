// The counters of schema/017 (store/vacancies.cc, interviews.cc,
// invitations.cc read them instead of recounting): after every kind of write
// (the API's creates, updates and deletes, a completion, erasure) each one
// equals a recount; the migration fills them for rows that were there
// before it; and X-Total-Count from the day counters equals a COUNT of the
// interviews for ranges that start and end inside days, on day boundaries,
// before 1970, and after deletes.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "store/erase.h"
#include "store/interviews.h"
#include "store/migrate.h"
#include "testing/api_helpers.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

using namespace testing;  // NOLINT: the helpers of api_helpers.h

// floor(ts / 86400) in SQL, as the triggers compute it.
#define DAY_OF(ts) "((" ts " - ((" ts " % 86400) + 86400) % 86400) / 86400)"

// One line per counter that differs from a recount (empty: all agree).
constexpr const char kMismatches[] =
    "SELECT 'vacancy ' || id || ': ' || num_questions || ' ' || num_open_invitations || ' ' || "
    "num_interviews FROM vacancies v WHERE "
    "num_questions != (SELECT COUNT(*) FROM questions q WHERE q.vacancy_id = v.id) "
    "OR num_open_invitations != (SELECT COUNT(*) FROM invitations i "
    "  WHERE i.vacancy_id = v.id AND i.status = 'open') "
    "OR num_interviews != (SELECT COUNT(*) FROM interviews w WHERE w.vacancy_id = v.id) "
    "UNION ALL "
    "SELECT 'interview ' || id || ': ' || num_recordings || ' ' || num_reviewers || ' ' || "
    "num_reviews FROM interviews w WHERE "
    "num_recordings != (SELECT COUNT(*) FROM recordings r WHERE r.interview_id = w.id) "
    "OR num_reviewers != (SELECT COUNT(*) FROM reviewers r WHERE r.interview_id = w.id) "
    "OR num_reviews != (SELECT COUNT(*) FROM reviews r WHERE r.interview_id = w.id) "
    "UNION ALL "
    "SELECT 'day ' || account_id || '/' || d || ' missing or wrong' FROM ("
    "  SELECT account_id, " DAY_OF("datetime_end_ts") " AS d, COUNT(*) AS n, MIN(id) AS m "
    "  FROM interviews GROUP BY 1, 2) x WHERE NOT EXISTS (SELECT 1 FROM interview_day_counts c "
    "  WHERE c.account_id = x.account_id AND c.day = x.d AND c.n = x.n AND c.min_id <= x.m) "
    "UNION ALL "
    "SELECT 'day ' || account_id || '/' || day || ' counts ' || n || ' interviews' "
    "FROM interview_day_counts c WHERE n != (SELECT COUNT(*) FROM interviews w "
    "  WHERE w.account_id = c.account_id AND " DAY_OF("w.datetime_end_ts") " = c.day)";

std::string Mismatches(Db& db) { return Lines(db, kMismatches); }
std::string Mismatches(TestServer& server) { return Lines(server, kMismatches); }

std::string S(int64_t v) { return std::to_string(v); }

constexpr char kReviewer[] = R"({"reviewer": {"name": "Rita", "email": "rita@reviewers.test"}})";
constexpr char kReview[] = R"({"review": {"rating": 4, "remarks": "fine"}})";

TEST_CASE("read counters: every write keeps them equal to a recount") {
  TestServer server;
  Api api(server);
  const int64_t a = CreateAutomatedWithQuestions(api);
  const int64_t b = CreateVacancy(api);
  CHECK(Mismatches(server) == "");
  CHECK(CountRows(server, "SELECT num_questions FROM vacancies WHERE id = " + S(a)) == 2);

  std::vector<int64_t> inv;
  for (int i = 0; i < 5; ++i) inv.push_back(CreateInvitationId(api, a, "c" + S(i) + "@x.test"));
  const int64_t on_b = CreateInvitationId(api, b, "b@x.test");
  CHECK(Mismatches(server) == "");

  // Questions replaced, an invitation revoked.
  CHECK(
      api.Put("/api/vacancies/" + S(a),
              R"({"vacancy": {"questions": [{"title": "q1"}, {"title": "q2"}, {"title": "q3"}]}})")
          .status == 200);
  CHECK(api.Delete("/api/invitations/" + S(inv[4])).status == 200);
  CHECK(Mismatches(server) == "");
  CHECK(CountRows(server, "SELECT num_open_invitations FROM vacancies WHERE id = " + S(a)) == 4);

  // Completions with recordings, on days either side of midnight and 1970.
  Recording r;
  r.title = "q1";
  const int64_t w0 = Complete(server, inv[0], 1700000000, 1700006400, {r, r, r});
  const int64_t w1 = Complete(server, inv[1], 1700000000, 1700006399, {r});
  const int64_t w2 = Complete(server, inv[2], -100000, -86400, {r, r});
  CHECK(Mismatches(server) == "");
  CHECK(CountRows(server, "SELECT num_recordings FROM interviews WHERE id = " + S(w0)) == 3);

  // Reviewers and reviews added and deleted.
  const std::string base = "/api/interviews/" + S(w0);
  const int64_t rev = Int(Object(api.Post(base + "/reviewers", kReviewer), 201, "reviewer"), "id");
  CHECK(api.Post(base + "/reviewers", kReviewer).status == 201);
  const int64_t review = Int(Object(api.Post(base + "/reviews", kReview), 201, "review"), "id");
  CHECK(api.Post(base + "/reviews", kReview).status == 201);
  CHECK(api.Post("/api/interviews/" + S(w1) + "/reviews", kReview).status == 201);
  CHECK(Mismatches(server) == "");
  CHECK(api.Delete(base + "/reviewers/" + S(rev)).status == 200);
  CHECK(api.Delete(base + "/reviews/" + S(review)).status == 200);
  CHECK(Mismatches(server) == "");
  const Value doc = Object(api.Get(base), 200, "interview");
  CHECK(Int(doc, "num_of_recordings") == 3);
  CHECK(Int(doc, "num_of_review_invitations") == 1);
  CHECK(Int(doc, "num_of_reviews") == 1);

  // Erasure of an interview (with its reviews and recordings) and of an
  // open invitation; then the other vacancy, emptied, deleted.
  REQUIRE(server.store()
              .Write([&](Db& db) {
                Eraser e(db, server.creds().account_id, server.data_dir() + "/media");
                Status s = e.Interview(w1);
                if (s.ok()) s = e.Invitation(inv[3]);
                if (s.ok()) s = e.Interview(w2);
                return s.ok() ? e.FinishMedia() : s;
              })
              .ok());
  CHECK(Mismatches(server) == "");
  CHECK(api.Delete("/api/invitations/" + S(on_b)).status == 200);
  CHECK(api.Delete("/api/vacancies/" + S(b)).status == 200);
  CHECK(Mismatches(server) == "");
  const Value vac = Object(api.Get("/api/vacancies/" + S(a)), 200, "vacancy");
  CHECK(Int(vac, "num_of_invitations") == 0);
  CHECK(Int(vac, "num_of_interviews") == 1);
}

TEST_CASE("read counters: migration 017 fills them for the rows already there") {
  TempDir dir;
  std::unique_ptr<Db> opened = OpenWithVacancyAt(dir, 16);
  Db& db = *opened;
  REQUIRE(db.Exec("INSERT INTO questions (vacancy_id, idx, title) VALUES (1, 1, 'a'), (1, 2, 'b');"
                  "INSERT INTO candidates (id, account_id, email, name, created_at) VALUES"
                  "  (1, 1, 'c@x.test', 'C', 0);"
                  "INSERT INTO invitations (id, account_id, vacancy_id, candidate_id, "
                  "recruiter_id, status, candidate_name, token, created_at, updated_at) VALUES"
                  "  (1, 1, 1, 1, 1, 'completed', 'C', 't1', 0, 0),"
                  "  (2, 1, 1, 1, 1, 'open', 'C', 't2', 0, 0),"
                  "  (3, 1, 1, 1, 1, 'revoked', 'C', 't3', 0, 0);"
                  "INSERT INTO interviews (id, account_id, vacancy_id, invitation_id, "
                  "candidate_id, datetime_start_ts, datetime_end_ts, created_at, updated_at) "
                  "VALUES (1, 1, 1, 1, 1, 0, 90000, 0, 0), (2, 1, 1, 1, 1, 0, 90001, 0, 0),"
                  "  (3, 1, 1, 1, 1, 0, -5, 0, 0);"
                  "INSERT INTO recordings (account_id, interview_id, idx, title) VALUES"
                  "  (1, 1, 1, 'a'), (1, 1, 2, 'b'), (1, 2, 1, 'a');"
                  "INSERT INTO reviews (account_id, interview_id, reviewer_name, rating, "
                  "created_at) VALUES (1, 2, 'R', 3, 0);")
              .ok());
  int version = 0;
  Status s = Migrate(db, EmbeddedMigrations(), &version);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(Mismatches(db) == "");
  int64_t total = -1;
  REQUIRE(CountInterviews(db, 1, InterviewFilter(), &total).ok());
  CHECK(total == 3);
}

// The reference: COUNT(*) of the account's interviews in [from, to].
int64_t Counted(TestServer& server, int64_t account, const InterviewFilter& f) {
  return CountRows(server, "SELECT COUNT(*) FROM interviews WHERE account_id = " + S(account) +
                               " AND datetime_end_ts BETWEEN " + S(f.from.value_or(INT64_MIN)) +
                               " AND " + S(f.to.value_or(INT64_MAX)));
}

TEST_CASE("read counters: totals and pages from the day counters equal a recount") {
  TestServer server;
  Api api(server);
  const int64_t vacancy = CreateVacancy(api);
  const int64_t account = server.creds().account_id;
  constexpr int64_t kDay = 86400;
  const int64_t base = 1700006400 - 1700006400 % kDay;  // a midnight
  // 150 interviews over ten days, some before 1970, mostly in id order.
  std::mt19937 rng(17);
  std::vector<int64_t> ids;
  for (int i = 0; i < 150; ++i) {
    int64_t end = i < 10 ? -kDay + static_cast<int64_t>(rng() % (2 * kDay))
                         : base + (i - 10) * (10 * kDay / 140) + static_cast<int64_t>(rng() % 900);
    const int64_t inv = CreateInvitationId(api, vacancy, "c" + S(i) + "@x.test");
    ids.push_back(Complete(server, inv, end - 600, end));
  }
  // Deleting the lowest id of some days leaves their min_id a lower bound.
  REQUIRE(server.store()
              .Write([&](Db& db) {
                Eraser e(db, account, server.data_dir() + "/media");
                Status s;
                for (int i : {10, 11, 40, 41, 42, 100}) {
                  if (s.ok()) s = e.Interview(ids[static_cast<size_t>(i)]);
                }
                return s.ok() ? e.FinishMedia() : s;
              })
              .ok());
  CHECK(Mismatches(server) == "");

  std::vector<std::optional<int64_t>> bounds = {std::nullopt,
                                                -kDay - 1,
                                                -1,
                                                0,
                                                base,
                                                base - 1,
                                                base + 1,
                                                base + kDay - 1,
                                                base + 3 * kDay,
                                                base + 3 * kDay + 4000,
                                                base + 20 * kDay};
  int cases = 0;
  for (const auto& from : bounds) {
    for (const auto& to : bounds) {
      for (int64_t limit : {-1, 5, 50}) {
        InterviewFilter f;
        f.from = from;
        f.to = to;
        f.limit = limit;
        INFO("from " << from.value_or(-7) << " to " << to.value_or(-7) << " limit " << limit);
        int64_t total = -1;
        std::vector<Interview> rows;
        REQUIRE(server.store()
                    .Read([&](Db& db) { return ListInterviews(db, account, f, &rows, &total); })
                    .ok());
        const int64_t want = Counted(server, account, f);
        CHECK(total == want);
        // The page: the lowest ids in the range, ascending.
        std::vector<int64_t> want_ids;
        const std::string sql = "SELECT id FROM interviews WHERE account_id = " + S(account) +
                                " AND datetime_end_ts BETWEEN " + S(f.from.value_or(INT64_MIN)) +
                                " AND " + S(f.to.value_or(INT64_MAX)) + " ORDER BY id LIMIT " +
                                S(limit);
        REQUIRE(server.store()
                    .Read([&](Db& db) {
                      auto st = db.PrepareDynamic(sql);
                      if (!st.ok()) return st.status();
                      Status s;
                      while (st->Step(&s)) want_ids.push_back(st->Int(0));
                      return s;
                    })
                    .ok());
        std::vector<int64_t> got_ids;
        for (const auto& w : rows) got_ids.push_back(w.id);
        CHECK(got_ids == want_ids);
        ++cases;
      }
    }
  }
  CHECK(cases == 363);
}

}  // namespace
}  // namespace cammio
