// schema/021_check_without_in.sql: the CHECK constraints whose IN lists held
// more than two constants become OR chains. The same rule (listed values
// pass, others fail, rows kept), and no statement that writes those tables
// builds a temporary b-tree (OpenEphemeral) for a constraint any more.
#include <doctest/doctest.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "store/db.h"
#include "store/migrate.h"
#include "testing/api_helpers.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

using testing::DynamicLines;
using testing::OpenAtVersion;
using testing::TempDir;

constexpr int kBefore = 20;  // the version before 021

// Whether the program SQLite compiles for `sql` opens an ephemeral table.
bool BuildsEphemeralTable(Db& db, const std::string& sql) {
  auto prepared = db.PrepareDynamic("EXPLAIN " + sql);
  REQUIRE_MESSAGE(prepared.ok(), prepared.status().ToString());
  Stmt st = std::move(prepared.value());
  Status s;
  bool found = false;
  while (st.Step(&s)) found = found || st.Text(1) == "OpenEphemeral";
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return found;
}

std::string Mail(const std::string& kind, const std::string& status, int n) {
  return "INSERT INTO mail_outbox (account_id, kind, ref_id, to_address, subject, body_text, "
         "body_html, message_id, next_attempt_at, created_at, updated_at, status) VALUES (1, '" +
         kind + "', 1, 'a@x.test', 's', 't', 'h', '<m" + std::to_string(n) + "@x>', 0, 0, 0, '" +
         status + "')";
}

// One INSERT per rewritten table, each naming the constrained column.
const std::vector<std::string>& Inserts() {
  static const std::vector<std::string> kInserts = {
      Mail("candidate_invitation", "pending", 100),
      "INSERT INTO invitations (vacancy_id, candidate_id, status) VALUES (1, 1, 'open')",
      "INSERT INTO videos (account_id, kind) VALUES (1, 'cv')",
      "INSERT INTO uploads (account_id, kind) VALUES (1, 'cv')",
      "INSERT INTO notification_settings (account_id, method) VALUES (1, 'GET')",
      "INSERT INTO notifications (account_id, status) VALUES (1, 'failed')",
      "INSERT INTO mail_settings (account_id, security) VALUES (1, 'tls')",
  };
  return kInserts;
}

TEST_CASE("migration 021: constraints without IN lists keep their rule and rows") {
  TempDir dir;
  auto db = OpenWithVacancyAt(dir, kBefore, "automated");
  REQUIRE(db->Exec(Mail("guest_invitation", "sent", 1).c_str()).ok());
  REQUIRE(db->Exec("INSERT INTO candidates (id, account_id, email, name, created_at) "
                   "VALUES (1, 1, 'c@x.test', 'C', 0);"
                   "INSERT INTO invitations (account_id, vacancy_id, candidate_id, recruiter_id, "
                   "candidate_name, token, created_at, updated_at, status) "
                   "VALUES (1, 1, 1, 1, 'C', 'tok', 0, 0, 'completed')")
              .ok());
  // Before: the writes build a temporary b-tree for their constraints (this
  // is what the migration removes, so the check below can fail).
  int before = 0;
  for (const std::string& sql : Inserts()) before += BuildsEphemeralTable(*db, sql) ? 1 : 0;
  CHECK(before == static_cast<int>(Inserts().size()));

  int version = 0;
  Status s = Migrate(*db, EmbeddedMigrations(), &version);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(version > kBefore);
  for (const std::string& sql : Inserts()) {
    CAPTURE(sql);
    CHECK_FALSE(BuildsEphemeralTable(*db, sql));
  }
  CHECK(DynamicLines(*db, "SELECT kind || ':' || status FROM mail_outbox") ==
        "guest_invitation:sent\n");
  CHECK(DynamicLines(*db, "SELECT status FROM invitations") == "completed\n");

  // Every listed value passes; anything else, or another case, fails.
  int n = 10;
  for (const char* kind : {"candidate_invitation", "guest_invitation", "reviewer_invitation",
                           "interview_completed", "interviewer_invitation", "console_invitation"}) {
    CAPTURE(kind);
    CHECK(db->Exec(Mail(kind, "pending", ++n).c_str()).ok());
  }
  for (const char* status : {"pending", "sent", "failed"}) {
    CAPTURE(status);
    CHECK(db->Exec(Mail("guest_invitation", status, ++n).c_str()).ok());
  }
  CHECK_FALSE(db->Exec(Mail("bogus_kind", "pending", ++n).c_str()).ok());
  CHECK_FALSE(db->Exec(Mail("Guest_invitation", "pending", ++n).c_str()).ok());
  CHECK_FALSE(db->Exec(Mail("guest_invitation", "bogus", ++n).c_str()).ok());
  CHECK_FALSE(db->Exec("UPDATE invitations SET status = 'closed'").ok());
  CHECK(db->Exec("UPDATE invitations SET status = 'revoked'").ok());
  CHECK(DynamicLines(*db, "PRAGMA integrity_check") == "ok\n");

  // The same schema as a database created at this version.
  auto fresh = OpenAtVersion(dir.path() + "/fresh.db", EmbeddedMigrations().size());
  CHECK(testing::SchemaText(*db) == testing::SchemaText(*fresh));
}

TEST_CASE("schema: no CHECK constraint compares with a list of more than two constants") {
  TempDir dir;
  auto db = OpenAtVersion(dir.path() + "/fresh.db", EmbeddedMigrations().size());
  // A later migration that adds `CHECK (x IN ('a', 'b', 'c'))` brings back
  // the temporary b-tree per written row (schema/021's comment).
  const std::regex in_list(R"(CHECK\s*\(\s*\w+\s+IN\s*\(([^)]*)\)\s*\))", std::regex::icase);
  Stmt st = db->Prepare("SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL");
  Status s;
  int checks = 0;
  while (st.Step(&s)) {
    const std::string name = st.Text(0);
    const std::string sql = st.Text(1);
    for (std::sregex_iterator it(sql.begin(), sql.end(), in_list), end; it != end; ++it) {
      ++checks;
      const std::string list = (*it)[1].str();
      const auto commas = std::count(list.begin(), list.end(), ',');
      CAPTURE(name);
      CAPTURE(list);
      CHECK(commas <= 1);
    }
  }
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(checks > 0);  // the two-value lists (e.g. disabled IN (0, 1)) are still found
}

}  // namespace
}  // namespace cammio
