// schema/014_live_vacancy_fields.sql on a database at version 13 with rows:
// existing vacancies get live_recording 1, mail keeps its rows and gains a
// NULL calendar, the outbox accepts the new kind 'interviewer_invitation'
// (and still refuses unknown kinds), and the result is a fresh database's
// schema.
#include <doctest/doctest.h>

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

constexpr char kMail[] =
    "INSERT INTO mail_outbox (account_id, kind, ref_id, to_address, subject, body_text, "
    "body_html, message_id, next_attempt_at, created_at, updated_at) VALUES ";

TEST_CASE("migration 014: live_recording defaults to 1, the outbox takes the interviewer kind") {
  TempDir dir;
  auto db = OpenWithVacancyAt(dir, 13, "live");
  REQUIRE(db->Exec((std::string(kMail) +
                    "(1, 'guest_invitation', 3, 'g@x.test', 's', 't', 'h', '<m1@x>', 0, 0, 0)")
                       .c_str())
              .ok());
  // Before: the new kind is refused.
  CHECK_FALSE(db->Exec((std::string(kMail) + "(1, 'interviewer_invitation', 1, 'i@x.test', 's', "
                                             "'t', 'h', '<m2@x>', 0, 0, 0)")
                           .c_str())
                  .ok());

  int version = 0;
  Status s = Migrate(*db, EmbeddedMigrations(), &version);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(version >= 14);
  CHECK(DynamicLines(*db, "SELECT live_recording FROM vacancies") == "1\n");
  CHECK(DynamicLines(*db, "SELECT kind || ':' || COALESCE(calendar, 'null') FROM mail_outbox") ==
        "guest_invitation:null\n");
  CHECK(db->Exec((std::string(kMail) + "(1, 'interviewer_invitation', 1, 'i@x.test', 's', 't', "
                                       "'h', '<m2@x>', 0, 0, 0)")
                     .c_str())
            .ok());
  CHECK_FALSE(db->Exec((std::string(kMail) +
                        "(1, 'bogus_kind', 1, 'i@x.test', 's', 't', 'h', '<m3@x>', 0, 0, 0)")
                           .c_str())
                  .ok());
  CHECK_FALSE(db->Exec("UPDATE vacancies SET live_recording = 2").ok());
  CHECK(DynamicLines(*db, "PRAGMA integrity_check") == "ok\n");

  // The same schema as a database created at this version.
  auto fresh = OpenAtVersion(dir.path() + "/fresh.db", EmbeddedMigrations().size());
  CHECK(testing::SchemaText(*db) == testing::SchemaText(*fresh));
}

}  // namespace
}  // namespace cammio
