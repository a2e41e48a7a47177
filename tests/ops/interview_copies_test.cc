// The candidate and invitation values copied onto interviews by schema/020
// (store/interviews.cc lists interviews without joining candidates and
// invitations): after every kind of write (completion, a re-invitation that
// updates the candidate, any UPDATE of a candidate, an invitation or an
// interview's references, erasure of an interview and of a candidate, a
// retention purge) each copy equals what the join gives; the migration fills
// them for the rows that were there before it. (Under tests/ops: the
// erasure and the retention purge are the ops module's.)
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ops/candidate_data.h"
#include "ops/retention.h"
#include "store/erase.h"
#include "store/migrate.h"
#include "testing/api_helpers.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

using namespace testing;  // NOLINT: the helpers of api_helpers.h

// One line per interview whose copies differ from the join (empty: all agree).
constexpr const char kMismatches[] =
    "SELECT 'interview ' || w.id || ': ' || IFNULL(w.candidate_email, '-') || ' ' || "
    "IFNULL(w.candidate_name, '-') || ' ' || IFNULL(w.candidate_phone, '-') || ' ' || "
    "IFNULL(w.candidate_gender, '-') || ' ' || IFNULL(w.datetime_scheduled, '-') "
    "FROM interviews w LEFT JOIN candidates c ON c.id = w.candidate_id "
    "LEFT JOIN invitations i ON i.id = w.invitation_id "
    "WHERE w.candidate_email IS NOT c.email "
    "OR w.candidate_name IS NOT COALESCE(i.candidate_name, c.name) "
    "OR w.candidate_phone IS NOT COALESCE(i.candidate_phone, c.phone) "
    "OR w.candidate_gender IS NOT COALESCE(i.candidate_gender, c.gender) "
    "OR w.datetime_scheduled IS NOT i.datetime_scheduled";

std::string Mismatches(Db& db) { return Lines(db, kMismatches); }
std::string Mismatches(TestServer& server) { return Lines(server, kMismatches); }

std::string S(int64_t v) { return std::to_string(v); }

// An invitation without phone, gender or schedule: the interview shows the
// candidate's own (COALESCE with the candidates row).
int64_t BareInvitation(Api& api, int64_t vacancy, const std::string& email) {
  const std::string body = "{\"invitation\": {\"vacancy_id\": " + S(vacancy) +
                           ", \"candidate_email\": \"" + email +
                           "\", \"candidate_firstname\": \"Bare\", "
                           "\"candidate_lastname\": \"Invite\"}}";
  return Int(Object(api.Post("/api/invitations", body), 201, "invitation"), "id");
}

TEST_CASE("interview copies: every kind of write keeps them equal to the join") {
  TestServer server;
  Api api(server);
  const int64_t account = server.creds().account_id;
  const int64_t vacancy = CreateVacancy(api);
  const int64_t inv0 = CreateInvitationId(api, vacancy, "c0@x.test");
  const int64_t inv1 = BareInvitation(api, vacancy, "c1@x.test");
  const int64_t inv2 = CreateInvitationId(api, vacancy, "c2@x.test");
  const int64_t w0 = Complete(server, inv0, 1700000000, 1700000600);
  const int64_t w1 = Complete(server, inv1, 1700001000, 1700001600);
  const int64_t w2 = Complete(server, inv2, 1700002000, 1700002600);
  CHECK(CountRows(server, "SELECT COUNT(*) FROM interviews") == 3);
  CHECK(Mismatches(server) == "");
  Value doc = Object(api.Get("/api/interviews/" + S(w0)), 200, "interview");
  CHECK(Str(doc, "candidate_email") == "c0@x.test");
  CHECK(Str(doc, "candidate_name") == "John Lennon");
  CHECK(Str(doc, "candidate_phone") == "123");
  CHECK(Str(doc, "candidate_gender") == "male");
  CHECK_FALSE(IsNull(doc, "datetime_scheduled"));

  // A re-invitation of c1 with a phone and a gender updates the candidates
  // row; w1's invitation has neither, so w1 now shows the new ones.
  CHECK(IsNull(Object(api.Get("/api/interviews/" + S(w1)), 200, "interview"), "candidate_phone"));
  CreateInvitationId(api, vacancy, "c1@x.test",
                     "\"candidate_phone\": 555, \"candidate_gender\": \"female\"");
  CHECK(Mismatches(server) == "");
  doc = Object(api.Get("/api/interviews/" + S(w1)), 200, "interview");
  CHECK(Str(doc, "candidate_phone") == "555");
  CHECK(Str(doc, "candidate_gender") == "female");
  CHECK(Str(doc, "candidate_name") == "Bare Invite");  // the invitation's own name
  CHECK(IsNull(doc, "datetime_scheduled"));

  // Any writer's UPDATE of the rows the copies come from, or of the
  // interview's references.
  const int64_t c0 = CountRows(server, "SELECT candidate_id FROM interviews WHERE id = " + S(w0));
  const int64_t c2 = CountRows(server, "SELECT candidate_id FROM interviews WHERE id = " + S(w2));
  WriteSql(server,
           "UPDATE invitations SET candidate_name = 'Renamed', candidate_phone = NULL, "
           "datetime_scheduled = NULL WHERE id = " +
               S(inv0));
  CHECK(Mismatches(server) == "");
  doc = Object(api.Get("/api/interviews/" + S(w0)), 200, "interview");
  CHECK(Str(doc, "candidate_name") == "Renamed");
  CHECK(IsNull(doc, "datetime_scheduled"));
  WriteSql(server,
           "UPDATE candidates SET email = 'moved@x.test', phone = '777' WHERE id = " + S(c0));
  CHECK(Mismatches(server) == "");
  doc = Object(api.Get("/api/interviews/" + S(w0)), 200, "interview");
  CHECK(Str(doc, "candidate_email") == "moved@x.test");
  CHECK(Str(doc, "candidate_phone") == "777");
  WriteSql(server, "UPDATE interviews SET candidate_id = " + S(c2) + " WHERE id = " + S(w0));
  CHECK(Mismatches(server) == "");
  WriteSql(server, "UPDATE interviews SET candidate_id = " + S(c0) +
                       ", invitation_id = NULL "
                       "WHERE id = " +
                       S(w0));
  CHECK(Mismatches(server) == "");
  doc = Object(api.Get("/api/interviews/" + S(w0)), 200, "interview");
  CHECK(Str(doc, "candidate_name") == "John Lennon");  // the candidate's, without an invitation
  WriteSql(server, "UPDATE interviews SET invitation_id = " + S(inv0) + " WHERE id = " + S(w0));
  CHECK(Mismatches(server) == "");

  // The page (no joins) shows the same as the single interview.
  const std::vector<Value> page = List(api.Get("/api/interviews?limit=10"), "interview");
  REQUIRE(page.size() == 3);
  CHECK(Str(page[0], "candidate_email") == "moved@x.test");
  CHECK(Str(page[1], "candidate_phone") == "555");

  // Erasure of an interview, then of a candidate: their copies go with the
  // rows; nothing else keeps the erased candidate's email.
  REQUIRE(server.store()
              .Write([&](Db& db) {
                Eraser e(db, account, server.data_dir() + "/media");
                Status s = e.Interview(w2);
                return s.ok() ? e.FinishMedia() : s;
              })
              .ok());
  CHECK(Mismatches(server) == "");
  ops::EraseResult erased;
  REQUIRE(ops::EraseCandidate(server.store(), server.data_dir(), account, "moved@x.test",
                              server.clock().Now(), &erased)
              .ok());
  CHECK(erased.counts.interviews == 1);
  CHECK(Mismatches(server) == "");
  CHECK(CountRows(server,
                  "SELECT COUNT(*) FROM interviews WHERE candidate_email = "
                  "'moved@x.test' OR candidate_name = 'Renamed'") == 0);
  CHECK(CountRows(server, "SELECT COUNT(*) FROM interviews") == 1);

  // A retention purge.
  const int64_t later = 1700001600 + 40 * 86400;
  REQUIRE(ops::SetRetentionDays(server.store(), account, 30, later).ok());
  ops::RetentionRun run;
  REQUIRE(ops::ApplyRetention(server.store(), server.data_dir(), later, &run).ok());
  CHECK(run.interviews == 1);
  CHECK(CountRows(server, "SELECT COUNT(*) FROM interviews") == 0);
  CHECK(Mismatches(server) == "");
}

TEST_CASE("interview copies: migration 020 fills them for the rows already there") {
  TempDir dir;
  std::unique_ptr<Db> opened = OpenWithVacancyAt(dir, 19);
  Db& db = *opened;
  REQUIRE(db.Exec("INSERT INTO candidates (id, account_id, email, name, phone, gender, "
                  "created_at) VALUES (1, 1, 'c@x.test', 'Cand', '111', 'female', 0);"
                  "INSERT INTO invitations (id, account_id, vacancy_id, candidate_id, "
                  "recruiter_id, status, datetime_scheduled, candidate_name, candidate_phone, "
                  "token, created_at, updated_at) VALUES"
                  "  (1, 1, 1, 1, 1, 'completed', '2013-08-05T02:00:00+02:00', 'Inv', '222', "
                  "   't1', 0, 0),"
                  "  (2, 1, 1, 1, 1, 'completed', NULL, 'Inv2', NULL, 't2', 0, 0);"
                  "INSERT INTO interviews (id, account_id, vacancy_id, invitation_id, "
                  "candidate_id, datetime_start_ts, datetime_end_ts, created_at, updated_at) "
                  "VALUES (1, 1, 1, 1, 1, 0, 90000, 0, 0), (2, 1, 1, 2, 1, 0, 90001, 0, 0),"
                  "  (3, 1, 1, NULL, 1, 0, 90002, 0, 0);")
              .ok());
  int version = 0;
  Status s = Migrate(db, EmbeddedMigrations(), &version);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(Mismatches(db) == "");
  std::vector<std::string> rows;
  auto st = db.PrepareDynamic(
      "SELECT candidate_email || '|' || candidate_name || '|' || candidate_phone || "
      "'|' || candidate_gender || '|' || IFNULL(datetime_scheduled, 'none') "
      "FROM interviews ORDER BY id");
  REQUIRE(st.ok());
  while (st->Step(&s)) rows.push_back(st->Text(0));
  REQUIRE(s.ok());
  CHECK(rows == std::vector<std::string>{"c@x.test|Inv|222|female|2013-08-05T02:00:00+02:00",
                                         "c@x.test|Inv2|111|female|none",
                                         "c@x.test|Cand|111|female|none"});
}

}  // namespace
}  // namespace cammio
