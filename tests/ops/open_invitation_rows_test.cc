// invitations.candidate_email and the covering index invitations_open_rows
// (schema/022; store/invitations.cc lists a vacancy's open invitations from
// the index alone): after every kind of write (the API's create, a
// re-invitation with the email in another case, an update to another
// candidate, raw inserts without the copy, an UPDATE of a candidate's
// email, erasure of a candidate) the copy equals the join; the vacancy's
// lists show it; the migration fills it for the rows already there; and the
// list's statement reads the covering index, no table row. (Under
// tests/ops: the erasure and the retention purge are the ops module's.)
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <string>
#include <vector>

#include "ops/candidate_data.h"
#include "store/invitations.h"
#include "store/migrate.h"
#include "testing/api_helpers.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

using namespace testing;  // NOLINT: the helpers of api_helpers.h

// One line per invitation whose copy differs from the join (empty: all agree).
constexpr const char kMismatches[] =
    "SELECT 'invitation ' || i.id || ': ' || IFNULL(i.candidate_email, '-') || ' vs ' || "
    "IFNULL(c.email, '-') FROM invitations i LEFT JOIN candidates c ON c.id = i.candidate_id "
    "WHERE i.candidate_email IS NOT c.email";

std::string Mismatches(Db& db) { return Lines(db, kMismatches); }
std::string Mismatches(TestServer& server) { return Lines(server, kMismatches); }

std::string S(int64_t v) { return std::to_string(v); }

// The candidate emails of the vacancy's open invitations, as GET
// /api/vacancies/:id embeds them and as its invitations list pages them.
std::vector<std::string> EmbeddedEmails(Api& api, int64_t vacancy) {
  Value doc = Object(api.Get("/api/vacancies/" + S(vacancy)), 200, "vacancy");
  std::vector<std::string> out;
  const Value* list = doc.Find("invitations");
  REQUIRE(list != nullptr);
  for (const Value& item : list->items()) {
    const Value* inv = item.Find("invitation");
    out.push_back(Str(inv != nullptr ? *inv : item, "candidate_email"));
  }
  return out;
}
std::vector<std::string> ListedEmails(Api& api, int64_t vacancy) {
  std::vector<std::string> out;
  for (const Value& inv :
       List(api.Get("/api/vacancies/" + S(vacancy) + "/invitations?limit=50"), "invitation")) {
    out.push_back(Str(inv, "candidate_email"));
  }
  return out;
}

TEST_CASE("open invitation rows: every kind of write keeps the email copy equal to the join") {
  TestServer server;
  Api api(server);
  const int64_t account = server.creds().account_id;
  const int64_t vacancy = CreateVacancy(api);
  const int64_t inv0 = CreateInvitationId(api, vacancy, "Mixed.Case@x.test");
  // The same candidate in another case: the row keeps the stored email.
  const int64_t inv1 = CreateInvitationId(api, vacancy, "mixed.case@X.TEST");
  const int64_t inv2 = CreateInvitationId(api, vacancy, "c2@x.test");
  CHECK(Mismatches(server) == "");
  CHECK(CountRows(server, "SELECT COUNT(*) FROM invitations WHERE candidate_email IS NULL") == 0);
  const std::vector<std::string> first = {"Mixed.Case@x.test", "Mixed.Case@x.test", "c2@x.test"};
  CHECK(EmbeddedEmails(api, vacancy) == first);
  CHECK(ListedEmails(api, vacancy) == first);

  // An update that names another email moves the invitation to that
  // candidate, and its copy with it.
  CHECK(api.Put("/api/invitations/" + S(inv2),
                "{\"invitation\": {\"candidate_email\": \"moved@x.test\"}}")
            .status == 200);
  CHECK(Mismatches(server) == "");
  CHECK(EmbeddedEmails(api, vacancy)[2] == "moved@x.test");
  CHECK(ListedEmails(api, vacancy)[2] == "moved@x.test");

  // Writers that do not know the copy: an insert without it, an UPDATE of
  // the reference, an UPDATE of a candidate's email, a wrong copy.
  const int64_t c0 =
      CountRows(server, "SELECT candidate_id FROM invitations WHERE id = " + S(inv0));
  const int64_t c2 =
      CountRows(server, "SELECT candidate_id FROM invitations WHERE id = " + S(inv2));
  WriteSql(server,
           "INSERT INTO invitations (account_id, vacancy_id, candidate_id, recruiter_id, "
           "candidate_name, token, created_at, updated_at) VALUES (" +
               S(account) + ", " + S(vacancy) + ", " + S(c2) + ", " + S(server.creds().user_id) +
               ", 'Raw Insert', 'rawtoken01', 0, 0)");
  CHECK(Mismatches(server) == "");
  WriteSql(server, "UPDATE invitations SET candidate_id = " + S(c2) + " WHERE id = " + S(inv1));
  CHECK(Mismatches(server) == "");
  WriteSql(server, "UPDATE candidates SET email = 'renamed@x.test' WHERE id = " + S(c2));
  CHECK(Mismatches(server) == "");
  WriteSql(server, "UPDATE invitations SET candidate_email = 'wrong@x.test' WHERE id = " + S(inv0));
  CHECK(Mismatches(server) == "");
  CHECK(EmbeddedEmails(api, vacancy) == std::vector<std::string>{"Mixed.Case@x.test",
                                                                 "renamed@x.test", "renamed@x.test",
                                                                 "renamed@x.test"});
  CHECK(ListedEmails(api, vacancy) == EmbeddedEmails(api, vacancy));
  (void)c0;

  // A revoked invitation leaves the lists (and the partial index).
  CHECK(api.Delete("/api/invitations/" + S(inv0)).status == 200);
  CHECK(EmbeddedEmails(api, vacancy).size() == 3);
  CHECK(ListedEmails(api, vacancy).size() == 3);

  // Erasure of the candidate takes its rows; nothing
  // keeps the erased email.
  ops::EraseResult erased;
  REQUIRE(ops::EraseCandidate(server.store(), server.data_dir(), account, "renamed@x.test",
                              server.clock().Now(), &erased)
              .ok());
  CHECK(Mismatches(server) == "");
  CHECK(CountRows(server,
                  "SELECT COUNT(*) FROM invitations WHERE candidate_email = 'renamed@x.test'") ==
        0);
  CHECK(EmbeddedEmails(api, vacancy).empty());
  CHECK(Lines(server, "PRAGMA integrity_check") == "ok\n");
}

TEST_CASE("open invitation rows: the vacancy's list reads the covering index only") {
  TestServer server;
  Api api(server);
  const int64_t vacancy = CreateVacancy(api);
  CreateInvitationId(api, vacancy, "plan@x.test");
  // Run the store's own list, then ask SQLite for the plan of each statement
  // it prepared for it (found by text among the connection's statements:
  // the test does not repeat the SQL).
  std::vector<std::string> plans;
  Status s = server.store().Read([&](Db& db) {
    std::vector<Invitation> rows;
    int64_t total = 0;
    InvitationFilter f;
    f.vacancy_id = vacancy;
    Status st = ListOpenInvitations(db, server.creds().account_id, f, &rows, &total);
    if (!st.ok()) return st;
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].candidate_email == "plan@x.test");
    for (sqlite3_stmt* p = sqlite3_next_stmt(db.raw(), nullptr); p != nullptr;
         p = sqlite3_next_stmt(db.raw(), p)) {
      const std::string sql = sqlite3_sql(p);
      if (sql.find("FROM invitations i") == std::string::npos ||
          sql.find("i.vacancy_id = ?2") == std::string::npos || sql.find("SELECT i.id") != 0) {
        continue;
      }
      auto plan = db.PrepareDynamic("EXPLAIN QUERY PLAN " + sql);
      REQUIRE_MESSAGE(plan.ok(), plan.status().ToString());
      std::string details;
      Status ps;
      while (plan->Step(&ps)) details += plan->Text(3) + "\n";  // id, parent, notused, detail
      REQUIRE_MESSAGE(ps.ok(), ps.ToString());
      plans.push_back(details);
    }
    return Status::OK();
  });
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  REQUIRE(plans.size() == 1);
  INFO(plans[0]);
  CHECK(plans[0].find("USING COVERING INDEX invitations_open_rows") != std::string::npos);
  CHECK(plans[0].find("candidates") == std::string::npos);
}

TEST_CASE("open invitation rows: migration 022 fills the copy for the rows already there") {
  TempDir dir;
  std::unique_ptr<Db> opened = OpenWithVacancyAt(dir, 21);
  Db& db = *opened;
  REQUIRE(db.Exec("INSERT INTO candidates (id, account_id, email, name, created_at) VALUES "
                  "  (1, 1, 'one@x.test', 'One', 0), (2, 1, 'Two@X.test', 'Two', 0);"
                  "INSERT INTO invitations (id, account_id, vacancy_id, candidate_id, "
                  "recruiter_id, status, candidate_name, token, created_at, updated_at) VALUES"
                  "  (1, 1, 1, 1, 1, 'open', 'One', 't1', 0, 0),"
                  "  (2, 1, 1, 2, 1, 'completed', 'Two', 't2', 0, 0),"
                  "  (3, 1, 1, 2, 1, 'open', 'Two', 't3', 0, 0);")
              .ok());
  int version = 0;
  Status s = Migrate(db, EmbeddedMigrations(), &version);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(version >= 22);
  CHECK(Mismatches(db) == "");
  CHECK(DynamicLines(db, "SELECT id || ' ' || candidate_email FROM invitations ORDER BY id") ==
        "1 one@x.test\n2 Two@X.test\n3 Two@X.test\n");
  // The index holds the open rows only.
  CHECK(DynamicLines(db,
                     "SELECT id FROM invitations INDEXED BY invitations_open_rows "
                     "WHERE vacancy_id = 1 AND status = 'open' ORDER BY id") == "1\n3\n");
  CHECK(DynamicLines(db, "PRAGMA integrity_check") == "ok\n");
  auto fresh = OpenAtVersion(dir.path() + "/fresh.db", EmbeddedMigrations().size());
  CHECK(SchemaText(db) == SchemaText(*fresh));
}

}  // namespace
}  // namespace cammio
