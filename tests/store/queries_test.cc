// Tests for the store functions that took over statements from ops/ and api/
// (store/retention.h, store/stats.h, AccountExists, VacancyExists). The rows
// are planted with foreign keys off, so each test needs only the columns its
// statements read.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "store/accounts.h"
#include "store/planted_db.h"
#include "store/retention.h"
#include "store/stats.h"
#include "store/store.h"
#include "store/vacancies.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

using Planted = testing::PlantedDb;
using testing::InterviewInsert;

TEST_CASE("store retention: settings upsert, read back and list by account") {
  Planted p;
  Db& db = *p.db;
  auto none = GetRetentionSetting(db, 7);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  REQUIRE(UpsertRetentionSetting(db, 7, 30, 100).ok());
  REQUIRE(UpsertRetentionSetting(db, 3, 10, 100).ok());
  REQUIRE(UpsertRetentionSetting(db, 7, 40, 200).ok());  // replaces
  auto got = GetRetentionSetting(db, 7);
  REQUIRE(got.ok());
  CHECK(got->value_or(0) == 40);
  auto all = ListRetentionSettings(db);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0] == std::make_pair<int64_t, int64_t>(3, 10));
  CHECK((*all)[1] == std::make_pair<int64_t, int64_t>(7, 40));
}

TEST_CASE(
    "store retention: due interviews are the account's ended before the cutoff, oldest first") {
  Planted p;
  p.Plant(InterviewInsert(1, 1, 50) + InterviewInsert(2, 1, 10) + InterviewInsert(3, 1, 100) +
          InterviewInsert(4, 2, 5) + InterviewInsert(5, 1, 10));
  auto due = DueInterviews(*p.db, 1, 100, 10);
  REQUIRE(due.ok());
  CHECK(*due == std::vector<int64_t>{2, 5, 1});
  auto limited = DueInterviews(*p.db, 1, 100, 2);
  REQUIRE(limited.ok());
  CHECK(*limited == std::vector<int64_t>{2, 5});
  auto other = DueInterviews(*p.db, 3, 100, 10);
  REQUIRE(other.ok());
  CHECK(other->empty());
}

TEST_CASE("store: AccountExists and VacancyExists") {
  Planted p;
  auto account = CreateAccount(*p.db, "A", 1);
  REQUIRE(account.ok());
  auto yes = AccountExists(*p.db, account->id);
  auto no = AccountExists(*p.db, account->id + 1);
  REQUIRE((yes.ok() && no.ok()));
  CHECK(*yes);
  CHECK_FALSE(*no);
  p.Plant(
      "INSERT INTO vacancies (id, account_id, recruiter_id, title, kind, scope,"
      " datetime_start, datetime_start_ts, datetime_end, datetime_end_ts, answering_time,"
      " cv_upload_required, use_as_template, public_token, created_at, updated_at) VALUES"
      " (9, " +
      std::to_string(account->id) +
      ", 1, 't', 'automated', 'private', '', 0, '',"
      " 0, '', 'no', 'no', 'tok', 0, 0)");
  auto v = VacancyExists(*p.db, account->id, 9);
  auto other_account = VacancyExists(*p.db, account->id + 1, 9);
  auto other_id = VacancyExists(*p.db, account->id, 10);
  REQUIRE((v.ok() && other_account.ok() && other_id.ok()));
  CHECK(*v);
  CHECK_FALSE(*other_account);
  CHECK_FALSE(*other_id);
}

TEST_CASE("store stats: database size, media and outbox depth by status") {
  Planted p;
  p.Plant(
      "INSERT INTO videos (account_id, kind, path, content_type, size, created_at) VALUES"
      " (1, 'cv', 'a', 'x/y', 100, 0), (1, 'cv', 'b', 'x/y', 23, 0)");
  p.Plant(
      "INSERT INTO mail_outbox (account_id, kind, ref_id, to_address, subject, body_text,"
      " body_html, message_id, next_attempt_at, created_at, updated_at, status) VALUES"
      " (1, 'candidate_invitation', 1, 'a@b.test', 's', 't', 'h', 'm1', 0, 0, 0, 'sent'),"
      " (1, 'candidate_invitation', 2, 'a@b.test', 's', 't', 'h', 'm2', 0, 0, 0, 'sent'),"
      " (1, 'candidate_invitation', 3, 'a@b.test', 's', 't', 'h', 'm3', 0, 0, 0, 'failed')");
  StoreStats stats;
  REQUIRE(ReadStoreStats(*p.db, &stats).ok());
  CHECK(stats.database_bytes > 0);
  CHECK(stats.media_bytes == 123);
  CHECK(stats.media_files == 2);
  CHECK(stats.notifications.present);
  CHECK(stats.notifications.by_status.empty());
  CHECK(stats.mail.present);
  using Row = std::pair<std::string, int64_t>;
  CHECK(stats.mail.by_status == std::vector<Row>{Row("failed", 1), Row("sent", 2)});
  CHECK(TableExists(*p.db, "mail_outbox"));
  CHECK_FALSE(TableExists(*p.db, "no_such_table"));
}

}  // namespace
}  // namespace cammio
