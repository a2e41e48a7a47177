// GDPR data lifecycle: candidate erasure and export, per-account retention
// (src/ops/candidate_data.h, retention.h; the deletes: src/store/erase.h).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "cammio/document.h"
#include "ops/candidate_data.h"
#include "ops/ops_fixture.h"
#include "ops/restore.h"
#include "ops/retention.h"
#include "ops/tar.h"
#include "store/integrity.h"
#include "util/fs.h"
#include "util/log.h"

namespace cammio {
namespace {

using testing::OpenTestStore;
using testing::ReadFile;
using testing::Scalar;
using testing::TempDir;

// Rows anywhere in the database that still mention `needle` (in any text
// or blob column of any table).
int64_t RowsMentioning(Store& store, const std::string& needle) {
  std::vector<std::string> tables;
  REQUIRE(store
              .Read([&](Db& db) {
                Stmt st = db.Prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
                Status r;
                while (st.Step(&r)) tables.push_back(st.Text(0));
                return r;
              })
              .ok());
  int64_t n = 0;
  for (const auto& t : tables) {
    std::vector<std::string> cols;
    REQUIRE(store
                .Read([&](Db& db) {
                  auto st = db.PrepareDynamic("SELECT name FROM pragma_table_info('" + t + "')");
                  Status r;
                  while (st->Step(&r)) cols.push_back(st->Text(0));
                  return r;
                })
                .ok());
    for (const auto& c : cols) {
      n += Scalar(store, "SELECT COUNT(*) FROM \"" + t + "\" WHERE instr(lower(CAST(\"" + c +
                             "\" AS TEXT)), lower('" + needle + "')) > 0");
    }
  }
  return n;
}

struct World {
  TempDir dir;
  std::string data = dir.path();
  std::unique_ptr<Store> store = OpenTestStore(data);
  testing::SeedAccount a = testing::SeedAccountWithVacancy(data, "Agency A");
  testing::SeedAccount b = testing::SeedAccountWithVacancy(data, "Agency B");
};

TEST_CASE("ops candidate erase: everything about the candidate goes, an anonymous audit stays") {
  SetLogQuiet(true);
  World w;
  auto ann_b = testing::SeedInterview(w.data, w.b, "ann@cand.test", 5000);  // other account
  const int64_t in_b = RowsMentioning(*w.store, "ann@cand.test");
  REQUIRE(in_b > 0);
  auto ann = testing::SeedInterview(w.data, w.a, "ann@cand.test", 5000);
  testing::SeedInterview(w.data, w.a, "ann@cand.test", 5100);  // a second interview
  auto bob = testing::SeedInterview(w.data, w.a, "bob@cand.test", 5000);
  REQUIRE(RowsMentioning(*w.store, "ann@cand.test") > in_b);
  int64_t before_bob = RowsMentioning(*w.store, "bob@cand.test");

  ops::EraseResult r;
  Status s = ops::EraseCandidate(*w.store, w.data, w.a.account, "ANN@cand.test", 9000, &r);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(r.counts.candidates == 1);
  CHECK(r.counts.invitations == 2);
  CHECK(r.counts.interviews == 2);
  CHECK(r.counts.media_files == 6);
  CHECK(r.files_not_removed == 0);
  CHECK(r.reference.rfind("era_", 0) == 0);

  // Account A holds nothing about ann any more; account B and bob untouched.
  CHECK(Scalar(*w.store, "SELECT COUNT(*) FROM candidates WHERE account_id = " +
                             std::to_string(w.a.account) + " AND email = 'ann@cand.test'") == 0);
  CHECK(Scalar(*w.store, "SELECT COUNT(*) FROM mail_outbox WHERE account_id = " +
                             std::to_string(w.a.account) + " AND body_text LIKE '%ann@%'") == 0);
  CHECK(RowsMentioning(*w.store, "ann@cand.test") == in_b);  // the audit row included
  CHECK(RowsMentioning(*w.store, "bob@cand.test") == before_bob);
  for (const auto& f : ann.files) CHECK_FALSE(PathExists(f));
  for (const auto& f : bob.files) CHECK(PathExists(f));
  for (const auto& f : ann_b.files) CHECK(PathExists(f));
  CHECK(Scalar(*w.store, "SELECT COUNT(*) FROM interviews WHERE account_id = " +
                             std::to_string(w.a.account)) == 1);

  // The audit row: counts, no personal data.
  CHECK(Scalar(*w.store, "SELECT interviews FROM erasure_audit WHERE reference = '" + r.reference +
                             "' AND action = 'candidate_erase'") == 2);
  CHECK(CheckDatabaseIntegrity(w.data + "/cammio.db").ok());

  // Erasing again: nothing left to find.
  CHECK(ops::EraseCandidate(*w.store, w.data, w.a.account, "ann@cand.test", 9100, &r).code() ==
        Status::Code::kNotFound);
  w.store->Close();
}

TEST_CASE("ops candidate export: JSON of every row about the candidate plus their media") {
  SetLogQuiet(true);
  World w;
  auto ann = testing::SeedInterview(w.data, w.a, "ann@cand.test", 5000);
  testing::SeedInterview(w.data, w.a, "bob@cand.test", 5000);
  const std::string out = w.dir.path() + "/ann.tar";
  ops::ExportResult r;
  Status s = ops::ExportCandidate(*w.store, w.data, w.a.account, "ann@cand.test", 9000, out, &r);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(r.invitations == 1);
  CHECK(r.interviews == 1);
  CHECK(r.media_files == 4);  // recording, thumbnail, CV, the unfinished upload

  std::map<std::string, std::string> members = testing::ReadTarMembers(out);
  REQUIRE(members.count("candidate.json"));
  REQUIRE(members.count("manifest.json"));
  Value doc = testing::Json(members["candidate.json"]);
  const Value* x = doc.Find("candidate_export");
  REQUIRE(x != nullptr);
  CHECK(x->Find("candidate")->items().at(0).Find("email")->as_string() == "ann@cand.test");
  CHECK(x->Find("interviews")->size() == 1);
  CHECK(x->Find("recordings")->size() == 1);
  CHECK(x->Find("reviews")->size() == 1);
  CHECK(x->Find("mail")->size() == 2);  // the invitation mail and the completion mail
  CHECK(x->Find("media")->size() == 3);
  // Link tokens and other people's secrets are not exported.
  CHECK(x->Find("invitations")->items().at(0).Find("token") == nullptr);
  CHECK(x->Find("reviewers")->items().at(0).Find("token") == nullptr);
  CHECK(members["candidate.json"].find("bob@cand.test") == std::string::npos);
  for (const auto& f : ann.files) {
    std::string rel = "media" + f.substr((w.data + "/media").size());
    REQUIRE_MESSAGE(members.count(rel), rel);
    CHECK(members[rel] == ReadFile(f));
  }
  CHECK(ops::ExportCandidate(*w.store, w.data, w.a.account, "nobody@x.test", 9000,
                             w.dir.path() + "/n.tar", &r)
            .code() == Status::Code::kNotFound);
  CHECK_FALSE(PathExists(w.dir.path() + "/n.tar"));
  w.store->Close();
}

TEST_CASE("ops retention: interviews older than the account's period are deleted by the server") {
  SetLogQuiet(true);
  World w;
  const int64_t day = 86400;
  const int64_t now = 100 * day;
  auto old_a = testing::SeedInterview(w.data, w.a, "old@cand.test", now - 31 * day);
  auto new_a = testing::SeedInterview(w.data, w.a, "new@cand.test", now - 29 * day);
  auto old_b = testing::SeedInterview(w.data, w.b, "old@cand.test", now - 400 * day);

  CHECK(ops::SetRetentionDays(*w.store, w.a.account, 0, now).code() ==
        Status::Code::kInvalidArgument);
  CHECK(ops::SetRetentionDays(*w.store, 999999, 30, now).code() == Status::Code::kNotFound);
  REQUIRE(ops::SetRetentionDays(*w.store, w.a.account, 30, now).ok());
  CHECK(**ops::GetRetentionDays(*w.store, w.a.account) == 30);
  CHECK_FALSE(ops::GetRetentionDays(*w.store, w.b.account)->has_value());

  ops::RetentionRun run;
  REQUIRE(ops::ApplyRetention(*w.store, w.data, now, &run, /*batch_size=*/1).ok());
  CHECK(run.interviews == 1);
  CHECK(run.accounts == 1);
  for (const auto& f : old_a.files) CHECK_FALSE(PathExists(f));
  for (const auto& f : new_a.files) CHECK(PathExists(f));
  for (const auto& f : old_b.files) CHECK(PathExists(f));  // B has no period
  CHECK(Scalar(*w.store, "SELECT COUNT(*) FROM interviews WHERE id = " +
                             std::to_string(old_a.interview)) == 0);
  CHECK(Scalar(*w.store, "SELECT COUNT(*) FROM candidates WHERE id = " +
                             std::to_string(old_a.candidate)) == 0);
  CHECK(Scalar(*w.store, "SELECT COUNT(*) FROM erasure_audit WHERE action = 'retention'") == 1);

  // The worker: with an injected clock two days later the second one is due.
  ManualClock clock(now + 2 * day);
  ops::RetentionWorker worker(w.store.get(), w.data, &clock, /*interval_seconds=*/3600);
  worker.Start();
  for (int i = 0; i < 500 && worker.runs() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  worker.Stop();
  CHECK(worker.runs() == 1);
  for (const auto& f : new_a.files) CHECK_FALSE(PathExists(f));
  CHECK(Scalar(*w.store, "SELECT COUNT(*) FROM interviews WHERE account_id = " +
                             std::to_string(w.a.account)) == 0);
  CHECK(Scalar(*w.store, "SELECT COUNT(*) FROM interviews WHERE account_id = " +
                             std::to_string(w.b.account)) == 1);
  REQUIRE(ops::SetRetentionDays(*w.store, w.a.account, std::nullopt, now).ok());
  CHECK_FALSE(ops::GetRetentionDays(*w.store, w.a.account)->has_value());
  CHECK(CheckDatabaseIntegrity(w.data + "/cammio.db").ok());
  w.store->Close();
}

}  // namespace
}  // namespace cammio
