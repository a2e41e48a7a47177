// Tests for store/maintenance.h and store/candidate_rows.h: what backup,
// check, the pre-migration backup and candidate export/erasure need from the
// database engine. Rows are planted with foreign keys off.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "store/accounts.h"
#include "store/candidate_rows.h"
#include "store/maintenance.h"
#include "store/migrate.h"
#include "store/planted_db.h"
#include "store/store.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

using Planted = testing::PlantedDb;
using testing::InterviewInsert;

TEST_CASE("store maintenance: file name, library version, schema version, online copy") {
  Planted p;
  CHECK(DatabaseFileName(*p.db) == p.dir.path() + "/cammio.db");
  const std::string lib = DatabaseLibraryVersion();
  CHECK(lib.size() >= 5);
  CHECK(lib[0] == '3');
  int version = -1;
  REQUIRE(ReadSchemaVersion(*p.db, &version).ok());
  CHECK(version == static_cast<int>(EmbeddedMigrations().size()));
  REQUIRE(CreateAccount(*p.db, "copied", 1).ok());
  int copied = -1;
  const std::string dest = p.dir.path() + "/copy.db";
  Status s = BackupDatabaseTo(*p.db, dest, &copied);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(copied == version);
  auto copy = Db::Open(dest, Db::Options());
  REQUIRE(copy.ok());
  auto accounts = ListAccounts(**copy);
  REQUIRE(accounts.ok());
  REQUIRE(accounts->size() == 1);
  CHECK((*accounts)[0].name == "copied");
  // A destination that cannot be created is an error, not a crash.
  CHECK_FALSE(BackupDatabaseTo(*p.db, p.dir.path() + "/no/such/dir/x.db", &copied).ok());
}

TEST_CASE("store maintenance: indexed media paths and unfinished uploads") {
  Planted p;
  p.Plant(
      "INSERT INTO videos (id, account_id, kind, path, content_type, size, created_at) VALUES"
      " (1, 1, 'cv', 'a/1.mp4', 'x/y', 1, 0), (2, 1, 'cv', 'b/2.jpg', 'x/y', 1, 0)");
  std::vector<std::string> paths;
  REQUIRE(ListMediaPaths(*p.db, &paths).ok());
  CHECK(paths.size() == 2);
  CHECK(std::count(paths.begin(), paths.end(), "a/1.mp4") == 1);
  CHECK(std::count(paths.begin(), paths.end(), "b/2.jpg") == 1);
  std::vector<int64_t> ids;
  REQUIRE(ListUnfinishedUploadIds(*p.db, &ids).ok());
  CHECK(ids.empty());
}

TEST_CASE("store candidate rows: find by email in any case, ids, sections in order") {
  Planted p;
  p.Plant(
      "INSERT INTO candidates (id, account_id, email, name, created_at) VALUES"
      " (5, 1, 'Ann@Cand.test', 'Ann', 0), (6, 2, 'ann@cand.test', 'Ann', 0)");
  p.Plant(InterviewInsert(11, 1, 0) + "UPDATE interviews SET candidate_id = 5 WHERE id = 11;" +
          InterviewInsert(12, 2, 0) + "UPDATE interviews SET candidate_id = 6 WHERE id = 12;");
  auto id = FindCandidateId(*p.db, 1, "ann@CAND.test");
  REQUIRE(id.ok());
  CHECK(*id == 5);
  CHECK(FindCandidateId(*p.db, 3, "ann@cand.test").status().IsNotFound());
  std::vector<int64_t> invitations, interviews;
  REQUIRE(CandidateInvitationIds(*p.db, 1, 5, &invitations).ok());
  REQUIRE(CandidateInterviewIds(*p.db, 1, 5, &interviews).ok());
  CHECK(invitations.empty());
  CHECK(interviews == std::vector<int64_t>{11});
  std::vector<std::string> names;
  Status s = ReadCandidateSections(*p.db, 1, 5, "ann@cand.test",
                                   [&](const char* name, std::vector<ExportedRow> rows) {
                                     names.push_back(name);
                                     if (names.back() == "candidate") {
                                       REQUIRE(rows.size() == 1);
                                       bool saw_email = false;
                                       for (const RowCell& c : rows[0]) {
                                         if (c.column != "email") continue;
                                         saw_email = true;
                                         CHECK(c.type == RowCell::Type::kBytes);
                                         CHECK(c.bytes == "Ann@Cand.test");
                                       }
                                       CHECK(saw_email);
                                     }
                                     if (names.back() == "interviews") CHECK(rows.size() == 1);
                                     return Status::OK();
                                   });
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(names == std::vector<std::string>{"candidate", "invitations", "vacancies", "guests",
                                          "uploads", "interviews", "recordings", "reviewers",
                                          "reviews", "forward_links", "notifications", "mail",
                                          "media"});
  // An error of the callback stops the walk.
  int calls = 0;
  s = ReadCandidateSections(*p.db, 1, 5, "ann@cand.test",
                            [&](const char*, std::vector<ExportedRow>) {
                              ++calls;
                              return Status::Unavailable("stop");
                            });
  CHECK(s.code() == Status::Code::kUnavailable);
  CHECK(calls == 1);
}

}  // namespace
}  // namespace cammio
