// schema/013_id_sequences.sql on a database at version 12 with rows, whose
// newest rows were deleted: every id and foreign key is kept, the database
// passes integrity_check and foreign_key_check, its schema is a fresh
// database's, and new ids start above every id the database still names
// (other tables' columns, mailed links, stored Idempotency-Key answers) --
// but not at ids a client wrote into callback_params or reference_id.
#include <doctest/doctest.h>

#include <map>
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

void Exec(Db& db, const std::string& sql) {
  Status s = db.Exec(sql.c_str());
  INFO(sql);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
}

// The first column of every row of `sql`, each followed by '\n'.
std::string Rows(Db& db, const std::string& sql) {
  auto st = db.PrepareDynamic(sql);
  REQUIRE_MESSAGE(st.ok(), st.status().ToString());
  std::string out;
  Status s;
  while (st->Step(&s)) out += st->Text(0) + "\n";
  REQUIRE(s.ok());
  return out;
}

const char* const kTables[] = {"accounts",      "users",         "access_tokens",
                               "vacancies",     "questions",     "candidates",
                               "invitations",   "guests",        "interviews",
                               "recordings",    "reviewers",     "reviews",
                               "videos",        "forward_links", "uploads",
                               "notifications", "mail_outbox",   "forward_link_openings",
                               "erasure_audit"};

// The ids of every table, for comparing before and after.
std::map<std::string, std::string> AllIds(Db& db) {
  std::map<std::string, std::string> ids;
  for (const char* t : kTables) {
    ids[t] = Rows(
        db, std::string("SELECT group_concat(id) FROM (SELECT id FROM ") + t + " ORDER BY id)");
  }
  return ids;
}

constexpr char kVacancyColumns[] =
    "INSERT INTO vacancies (id, account_id, recruiter_id, title, kind, scope, datetime_start, "
    "datetime_start_ts, datetime_end, datetime_end_ts, answering_time, cv_upload_required, "
    "use_as_template, template_id, public_token, created_at, updated_at) VALUES ";

// `id` "NULL": the next id.
std::string Vacancy(const std::string& id, const std::string& template_id) {
  return std::string(kVacancyColumns) + "(" + id +
         ", 1, 1, 'v', 'automated', 'private', 'x', 0, 'x', 0, '60', 'no', 'no', " + template_id +
         ", 'pub" + id + "', 0, 0);";
}

// A version-12 database: a few rows in every table it has, with the newest
// rows of several deleted, and ids of deleted rows still named elsewhere.
void Fill(Db& db) {
  Exec(db,
       "INSERT INTO accounts (id, name, created_at) VALUES (1, 'A', 0), (2, 'B', 0);"
       "INSERT INTO users (id, account_id, email, name, created_at) VALUES"
       "  (1, 1, 'a@x.test', 'A', 0), (2, 2, 'b@x.test', 'B', 0);"
       "INSERT INTO access_tokens (id, user_id, token_hash, prefix, created_at) VALUES"
       "  (1, 1, x'01', 'p', 0);");
  // Vacancies 1-3 remain; 3 is a copy of 40, deleted (template_id has no
  // foreign key).
  Exec(db, Vacancy("1", "NULL") + Vacancy("2", "NULL") + Vacancy("3", "40") + Vacancy("4", "NULL") +
               "DELETE FROM vacancies WHERE id = 4;");
  // Question 2 shows video 60, deleted (video_id has no foreign key).
  Exec(db,
       "INSERT INTO videos (id, account_id, kind, path, content_type, size, created_at) VALUES"
       "  (1, 1, 'question', 'q1', 'video/webm', 1, 0), (2, 1, 'recording', 'r2', 'video/webm', 1, "
       "0);"
       "INSERT INTO questions (id, vacancy_id, idx, title, video_id) VALUES"
       "  (1, 1, 1, 'q', 1), (2, 1, 2, 'q', 60);"
       "INSERT INTO candidates (id, account_id, email, name, created_at) VALUES"
       "  (1, 1, 'c1@x.test', 'C', 0), (2, 1, 'c2@x.test', 'C', 0);"
       "INSERT INTO invitations (id, account_id, vacancy_id, candidate_id, recruiter_id, status,"
       "  candidate_name, token, created_at, updated_at) VALUES"
       "  (1, 1, 1, 1, 1, 'completed', 'C', 't1', 0, 0), (2, 1, 2, 2, 1, 'open', 'C', 't2', 0, 0),"
       "  (3, 1, 2, 2, 1, 'revoked', 'C', 't3', 0, 0);"
       "DELETE FROM invitations WHERE id = 3;"
       "INSERT INTO guests (id, account_id, invitation_id, name, email, created_at) VALUES"
       "  (1, 1, 2, 'G', 'g@x.test', 0);"
       "INSERT INTO interviews (id, account_id, vacancy_id, invitation_id, candidate_id,"
       "  datetime_start_ts, datetime_end_ts, thumbnail_video_id, created_at, updated_at)"
       "  VALUES (1, 1, 1, 1, 1, 0, 60, 2, 0, 0);"
       "INSERT INTO recordings (id, account_id, interview_id, idx, title, video_id) VALUES"
       "  (1, 1, 1, 1, 'q', 2);"
       "INSERT INTO reviewers (id, account_id, interview_id, name, email, token, created_at)"
       "  VALUES (1, 1, 1, 'R', 'r@x.test', 'rt1', 0), (2, 1, 1, 'R', 'r@x.test', 'rt2', 0);"
       "DELETE FROM reviewers WHERE id = 2;"
       "INSERT INTO reviews (id, account_id, interview_id, reviewer_name, rating, created_at)"
       "  VALUES (1, 1, 1, 'R', 3, 0);"
       "INSERT INTO forward_links (id, account_id, interview_id, token, created_at, expires_at,"
       "  opens_left) VALUES (1, 1, 1, 'f1', 0, 100, 3);"
       "INSERT INTO forward_link_openings (id, link_id, access_hash, opened_at, expires_at)"
       "  VALUES (1, 1, x'02', 0, 10);"
       "INSERT INTO uploads (id, account_id, invitation_id, kind, length, created_at, updated_at)"
       "  VALUES (1, 1, 2, 'cv', 10, 0, 0);"
       "INSERT INTO notifications (id, account_id, interview_id, webhook_id, method, url, headers,"
       "  body, created_at, updated_at) VALUES (1, 1, 1, 'msg_1', 'POST', 'u', '{}', x'', 0, 0);"
       "INSERT INTO erasure_audit (id, account_id, action, reference, created_at) VALUES"
       "  (1, 1, 'retention', 'ref1', 0);");
  // Mailed links name reviewer 50 (deleted, like reviewer 2) and interview 45.
  Exec(db,
       "INSERT INTO mail_outbox (id, account_id, kind, ref_id, to_address, subject, body_text,"
       "  body_html, message_id, next_attempt_at, created_at, updated_at) VALUES"
       "  (1, 1, 'reviewer_invitation', 50, 'r@x.test', 's', 't', 'h', 'm1', 0, 0, 0),"
       "  (2, 1, 'interview_completed', 45, 'r@x.test', 's', 't', 'h', 'm2', 0, 0, 0);");
  // Stored answers name ids up to 20 (JSON) and 25 (XML); the numbers under
  // callback_params and reference_id are a client's text, not ids.
  Exec(db,
       "INSERT INTO idempotency_keys (account_id, key, request_hash, status, content_type, body,"
       "  created_at) VALUES"
       "  (1, 'k1', x'00', 201, 'application/json; charset=utf-8', CAST('{\"vacancy\": {\"id\": 9,"
       " \"reference_id\": 777777777, \"questions\": [{\"question\": {\"id\": 20, \"video_id\": "
       "7}}],"
       " \"recruiter_id\": 1}}' AS BLOB), 0),"
       "  (1, 'k2', x'00', 201, 'application/json; charset=utf-8', CAST('{\"invitation\": {\"id\": "
       "5,"
       " \"callback_params\": {\"id\": 888888888, \"x_id\": 888888889}}}' AS BLOB), 0),"
       "  (1, 'k3', x'00', 201, 'application/xml; charset=utf-8', CAST('<?xml version=\"1.0\"?>"
       "<invitation>\n  <id>25</id>\n  <vacancy_id>2</vacancy_id>\n"
       "  <reference_id>999999999</reference_id>\n  <callback_params>\n"
       "    <id>666666666</id>\n  </callback_params>\n</invitation>' AS BLOB), 0),"
       "  (2, 'k4', x'00', 201, 'application/json', CAST('not json' AS BLOB), 0);");
}

// Inserts a minimal row into `table` and returns its id.
int64_t NewId(Db& db, const std::string& insert) {
  Exec(db, insert);
  return db.LastInsertId();
}

TEST_CASE("migration 013: ids kept, checks pass, new ids above every id ever named") {
  TempDir dir;
  const std::string path = dir.path() + "/cammio.db";
  auto db = OpenAtVersion(path, 12);
  Fill(*db);
  auto before = AllIds(*db);
  int version = 0;
  // Up to 013 only: later migrations change the schema again.
  const std::vector<Migration> all = EmbeddedMigrations();
  REQUIRE(all.size() >= 13);
  Status s = Migrate(*db, std::vector<Migration>(all.begin(), all.begin() + 13), &version);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(version == 13);

  CHECK(AllIds(*db) == before);
  CHECK(Rows(*db, "PRAGMA integrity_check") == "ok\n");
  CHECK(Rows(*db, "SELECT COUNT(*) FROM pragma_foreign_key_check") == "0\n");
  CHECK(Rows(*db, "SELECT COUNT(*) FROM questions WHERE vacancy_id = 1") == "2\n");

  // The same schema as a database created at version 13.
  auto fresh = OpenAtVersion(dir.path() + "/fresh.db", 13);
  const std::string schema =
      "SELECT group_concat(type || ' ' || name || ': ' || sql, '\n') "
      "FROM (SELECT * FROM sqlite_schema ORDER BY name)";
  CHECK(Rows(*db, schema) == Rows(*fresh, schema));

  // Where new ids start. The stored answers' floor is 25 for every table.
  CHECK(NewId(*db, "INSERT INTO accounts (name, created_at) VALUES ('C', 0)") == 26);
  CHECK(NewId(*db, Vacancy("NULL", "NULL")) == 41);
  CHECK(NewId(*db,
              "INSERT INTO videos (account_id, kind, path, content_type, size, created_at)"
              " VALUES (1, 'cv', 'c', 'text/plain', 1, 0)") == 61);
  CHECK(NewId(*db,
              "INSERT INTO reviewers (account_id, interview_id, name, email, token,"
              " created_at) VALUES (1, 1, 'R', 'r@x.test', 'rt9', 0)") == 51);
  CHECK(NewId(*db,
              "INSERT INTO invitations (account_id, vacancy_id, candidate_id, recruiter_id,"
              " candidate_name, token, created_at, updated_at)"
              " VALUES (1, 1, 1, 1, 'C', 't9', 0, 0)") == 26);
  CHECK(NewId(*db,
              "INSERT INTO interviews (account_id, vacancy_id, candidate_id,"
              " datetime_start_ts, datetime_end_ts, created_at, updated_at)"
              " VALUES (1, 1, 1, 0, 1, 0, 0)") == 46);
  // A deleted newest row stays taken.
  Exec(*db, "DELETE FROM reviews WHERE id = (SELECT MAX(id) FROM reviews)");
  int64_t review = NewId(*db,
                         "INSERT INTO reviews (account_id, interview_id, reviewer_name, rating,"
                         " created_at) VALUES (1, 1, 'R', 2, 0)");
  CHECK(review == 26);
  Exec(*db, "DELETE FROM reviews WHERE id = " + std::to_string(review));
  CHECK(NewId(*db,
              "INSERT INTO reviews (account_id, interview_id, reviewer_name, rating,"
              " created_at) VALUES (1, 1, 'R', 2, 0)") == review + 1);
}

TEST_CASE("migration 013: an empty database starts every table at 1") {
  TempDir dir;
  auto db = OpenAtVersion(dir.path() + "/cammio.db", 13);
  CHECK(Rows(*db, "SELECT COUNT(*) FROM sqlite_sequence WHERE seq <> 0") == "0\n");
  CHECK(NewId(*db, "INSERT INTO accounts (name, created_at) VALUES ('A', 0)") == 1);
}

}  // namespace
}  // namespace cammio
