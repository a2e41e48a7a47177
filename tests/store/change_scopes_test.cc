// What a Store's commits register in its change log (store/change_scopes.h,
// store/change_log.h): the vacancy or account of each changed row, nothing
// for bookkeeping rows and no-op updates, everything for rows no rule can
// place; and every table of the schema has a rule.
#include "store/change_scopes.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>

#include "store/store.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

using testing::TempDir;

// Two accounts; account 1 has vacancies 10 and 20, account 2 vacancy 30.
// Vacancy 10 has invitation 100 (guest 1000, an unfinished upload 5000) and
// interview 200 (reviewer 2000); user 1 has token 1.
constexpr const char kPlant[] =
    "INSERT INTO accounts (id, name, created_at) VALUES (1, 'A', 0), (2, 'B', 0);"
    "INSERT INTO users (id, account_id, email, name, created_at) VALUES"
    " (1, 1, 'a@x.test', 'A', 0), (2, 2, 'b@x.test', 'B', 0);"
    "INSERT INTO access_tokens (id, user_id, token_hash, prefix, created_at)"
    " VALUES (1, 1, 'h', 'p', 0);"
    "INSERT INTO vacancies (id, account_id, recruiter_id, title, kind, scope, datetime_start,"
    " datetime_start_ts, datetime_end, datetime_end_ts, answering_time, cv_upload_required,"
    " use_as_template, public_token, created_at, updated_at) VALUES"
    " (10, 1, 1, 'V', 'automated', 'private', 's', 0, 'e', 0, 60, 'no', 'no', 't10', 0, 0),"
    " (20, 1, 1, 'W', 'automated', 'private', 's', 0, 'e', 0, 60, 'no', 'no', 't20', 0, 0),"
    " (30, 2, 2, 'O', 'automated', 'private', 's', 0, 'e', 0, 60, 'no', 'no', 't30', 0, 0);"
    "INSERT INTO questions (id, vacancy_id, idx, title) VALUES (1, 10, 0, 'Q');"
    "INSERT INTO candidates (id, account_id, email, name, created_at)"
    " VALUES (1, 1, 'c@x.test', 'C', 0);"
    "INSERT INTO invitations (id, account_id, vacancy_id, candidate_id, recruiter_id,"
    " candidate_name, token, created_at, updated_at) VALUES (100, 1, 10, 1, 1, 'C', 'i', 0, 0);"
    "INSERT INTO guests (id, account_id, invitation_id, name, email, created_at)"
    " VALUES (1000, 1, 100, 'G', 'g@x.test', 0);"
    "INSERT INTO uploads (id, account_id, invitation_id, kind, length, created_at, updated_at)"
    " VALUES (5000, 1, 100, 'cv', 10, 0, 0);"
    "INSERT INTO interviews (id, account_id, vacancy_id, invitation_id, candidate_id,"
    " datetime_start_ts, datetime_end_ts, created_at, updated_at)"
    " VALUES (200, 1, 10, 100, 1, 0, 0, 0, 0);"
    "INSERT INTO reviewers (id, account_id, interview_id, name, email, token, created_at)"
    " VALUES (2000, 1, 200, 'R', 'r@x.test', 'rt', 0);";

const ChangeScope kV{1, 10}, kW{1, 20}, kAccount1{1, 0}, kO{2, 30}, kAccount2{2, 0};

struct Fixture {
  TempDir dir;
  StoreOptions so;
  std::unique_ptr<Store> store;
  Fixture() {
    so.path = dir.path() + "/cammio.db";
    auto s = Store::Open(so);
    REQUIRE(s.ok());
    store = std::move(s.value());
    REQUIRE(store->Write([](Db& db) { return db.Exec(kPlant); }).ok());
  }
  int64_t Generation() { return testing::CurrentGeneration(*store); }
  // Runs `sql` as one write; returns the scopes among `scopes` whose answers
  // made just before it are no longer current after it.
  std::set<std::string> Changed(const std::string& sql) {
    const int64_t before = Generation();
    store->change_log().Observe(before);
    Status s = store->Write([&](Db& db) { return db.Exec(sql.c_str()); });
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    const int64_t after = Generation();
    std::set<std::string> out;
    const std::pair<const char*, ChangeScope> scopes[] = {
        {"V", kV}, {"W", kW}, {"A1", kAccount1}, {"O", kO}, {"A2", kAccount2}};
    for (const auto& [name, scope] : scopes) {
      if (!store->change_log().Unchanged(scope, before, after)) out.insert(name);
    }
    return out;
  }
};

using Names = std::set<std::string>;

TEST_CASE("change scopes: every table of the schema has a rule") {
  Fixture f;
  std::vector<std::string> tables;
  REQUIRE(f.store
              ->Read([&](Db& db) {
                Stmt st = db.Prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
                Status s;
                while (st.Step(&s)) tables.push_back(st.Text(0));
                return s;
              })
              .ok());
  const auto ruled = ChangeRecorder::RuledTables();
  for (const std::string& t : tables) {
    INFO("table " << t << " needs a rule in store/change_scopes.cc");
    CHECK(std::find(ruled.begin(), ruled.end(), t) != ruled.end());
  }
}

TEST_CASE("change scopes: a row's vacancy, and its account's lists") {
  Fixture f;
  const Names vacancy_v{"V", "A1"};
  CHECK(f.Changed("UPDATE vacancies SET title = 'V2' WHERE id = 10") == vacancy_v);
  CHECK(f.Changed("UPDATE questions SET title = 'Q2' WHERE id = 1") == vacancy_v);
  CHECK(f.Changed("UPDATE invitations SET status = 'revoked' WHERE id = 100") == vacancy_v);
  CHECK(f.Changed("UPDATE guests SET name = 'H' WHERE id = 1000") == vacancy_v);
  CHECK(f.Changed("INSERT INTO reviews (account_id, interview_id, reviewer_name, rating,"
                  " created_at) VALUES (1, 200, 'R', 1, 0)") == vacancy_v);
  CHECK(f.Changed("DELETE FROM reviewers WHERE id = 2000") == vacancy_v);
  CHECK(f.Changed("UPDATE vacancies SET title = 'O2' WHERE id = 30") == Names{"O", "A2"});
  // A row that moves changes its old owner and its new one.
  CHECK(f.Changed("UPDATE questions SET vacancy_id = 20 WHERE id = 1") == Names{"V", "W", "A1"});
  // Deleting a vacancy deletes its questions (ON DELETE CASCADE) with it.
  CHECK(f.Changed("DELETE FROM vacancies WHERE id = 20") == Names{"W", "A1"});
}

TEST_CASE("change scopes: account-wide rows reach the whole account") {
  Fixture f;
  CHECK(f.Changed("UPDATE candidates SET name = 'D' WHERE id = 1") == Names{"V", "W", "A1"});
  CHECK(f.Changed("UPDATE users SET name = 'B2' WHERE id = 2") == Names{"O", "A2"});
  // A new candidate is referenced by nothing yet: only its invitation counts.
  CHECK(f.Changed("INSERT INTO candidates (id, account_id, email, name, created_at)"
                  " VALUES (2, 1, 'd@x.test', 'D', 0);"
                  "INSERT INTO invitations (id, account_id, vacancy_id, candidate_id,"
                  " recruiter_id, candidate_name, token, created_at, updated_at)"
                  " VALUES (101, 1, 20, 2, 1, 'D', 'j', 0, 0)") == Names{"W", "A1"});
}

TEST_CASE("change scopes: bookkeeping and no-op updates touch nothing") {
  Fixture f;
  CHECK(f.Changed("UPDATE access_tokens SET last_used_at = 99 WHERE id = 1").empty());
  CHECK(f.Changed("INSERT INTO idempotency_keys (account_id, key, request_hash, status,"
                  " content_type, body, created_at) VALUES (1, 'k', 'h', 201, 't', 'b', 0)")
            .empty());
  CHECK(f.Changed("UPDATE candidates SET name = name WHERE id = 1").empty());
  // An upload in progress (no video yet) shows nowhere; a finished one does.
  CHECK(f.Changed("UPDATE uploads SET length = 11 WHERE id = 5000").empty());
  CHECK(f.Changed("INSERT INTO videos (id, account_id, kind, path, content_type, size,"
                  " created_at) VALUES (7, 1, 'cv', 'p', 't', 1, 0)")
            .empty());
  CHECK(f.Changed("UPDATE uploads SET video_id = 7 WHERE id = 5000") == Names{"V", "A1"});
}

TEST_CASE("change scopes: rows no rule can place change everything") {
  Fixture f;
  const Names all{"V", "W", "A1", "O", "A2"};
  CHECK(f.Changed("CREATE TABLE extra (x); INSERT INTO extra VALUES (1)") == all);
  // A failed write alone in its transaction is rolled back with it: nothing
  // committed, the generation stays. (One rolled back to its savepoint
  // beside others of its group still counts: a needless miss at worst.)
  const int64_t before = f.Generation();
  f.store->change_log().Observe(before);
  Status s = f.store->Write([](Db& db) {
    Status st = db.Exec("UPDATE vacancies SET title = 'gone' WHERE id = 30");
    return st.ok() ? Status::InvalidArgument("rolled back") : st;
  });
  CHECK_FALSE(s.ok());
  const int64_t after = f.Generation();
  CHECK(after == before);
  CHECK(f.store->change_log().Unchanged(kO, before, after));
  CHECK(f.store->change_log().Unchanged(kV, before, after));
}

TEST_CASE("change scopes: another Store's commit (the admin CLI) changes everything") {
  Fixture f;
  const int64_t before = f.Generation();
  f.store->change_log().Observe(before);
  {
    auto cli = Store::Open(f.so);
    REQUIRE(cli.ok());
    REQUIRE(cli.value()
                ->Write([](Db& db) {
                  return db.Exec("UPDATE vacancies SET title = 'c' WHERE id = 10");
                })
                .ok());
  }
  const int64_t after = f.Generation();
  CHECK(after > before);
  CHECK_FALSE(f.store->change_log().Unchanged(kO, before, after));
  CHECK_FALSE(f.store->change_log().Unchanged(kW, before, after));
  // Then this Store's own commit: the other's generation stays a change.
  REQUIRE(
      f.store
          ->Write([](Db& db) { return db.Exec("UPDATE vacancies SET title = 'd' WHERE id = 10"); })
          .ok());
  CHECK_FALSE(f.store->change_log().Unchanged(kO, before, f.Generation()));
  CHECK(f.store->change_log().Unchanged(kO, after, f.Generation()));
}

}  // namespace
}  // namespace cammio

namespace cammio {
namespace {

// Whether a write of `sql` is an auth change (ChangeSet::auth): what a
// cached principal (api/principal_cache.h) must not outlive.
bool AuthChanged(Fixture& f, const std::string& sql) {
  const int64_t before = f.Generation();
  f.store->change_log().Observe(before);
  Status s = f.store->Write([&](Db& db) { return db.Exec(sql.c_str()); });
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return !f.store->change_log().AuthUnchanged(before, f.Generation());
}

TEST_CASE("change scopes: accounts, users and tokens are auth changes, last-used times are not") {
  Fixture f;
  CHECK_FALSE(AuthChanged(f, "UPDATE access_tokens SET last_used_at = 99 WHERE id = 1"));
  CHECK_FALSE(AuthChanged(f, "UPDATE vacancies SET title = 'V2' WHERE id = 10"));
  CHECK_FALSE(AuthChanged(f, "UPDATE candidates SET name = 'D' WHERE id = 1"));
  CHECK_FALSE(AuthChanged(f, "UPDATE users SET name = name WHERE id = 1"));  // no-op
  CHECK(AuthChanged(f, "UPDATE access_tokens SET revoked_at = 5 WHERE id = 1"));
  // Last-used together with another column is an auth change.
  CHECK(AuthChanged(f,
                    "UPDATE access_tokens SET last_used_at = 100, revoked_at = NULL "
                    "WHERE id = 1"));
  CHECK(AuthChanged(f,
                    "INSERT INTO access_tokens (id, user_id, token_hash, prefix, created_at)"
                    " VALUES (2, 2, 'h2', 'p', 0)"));
  CHECK(AuthChanged(f, "DELETE FROM access_tokens WHERE id = 2"));
  CHECK(AuthChanged(f, "UPDATE users SET disabled = 1 WHERE id = 2"));
  CHECK(AuthChanged(f, "UPDATE users SET role = 'recruiter' WHERE id = 1"));
  CHECK(AuthChanged(f, "UPDATE users SET email = 'a2@x.test' WHERE id = 1"));
  CHECK(AuthChanged(f, "UPDATE accounts SET disabled = 1 WHERE id = 2"));
  CHECK(AuthChanged(f,
                    "INSERT INTO users (id, account_id, email, name, created_at)"
                    " VALUES (3, 2, 'c@x.test', 'C', 0)"));
  // A table no rule places changes everything, authentication included.
  CHECK(AuthChanged(f, "CREATE TABLE extra2 (x); INSERT INTO extra2 VALUES (1)"));
}

}  // namespace
}  // namespace cammio
