// Tests for store/notifications.h and store/notification_settings.h (and the
// disable_email flag that store/mail_settings.h reads from it): rows as
// stored, read back; the rules on top of them are tested in tests/notify.
// Rows they depend on are planted with foreign keys off.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/mail_settings.h"
#include "store/notification_settings.h"
#include "store/notifications.h"
#include "store/planted_db.h"
#include "store/store.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

using Planted = testing::PlantedDb;

NotificationRow Row(int64_t account, int64_t interview, int64_t at) {
  NotificationRow r;
  r.account_id = account;
  r.interview_id = interview;
  r.webhook_id = "msg_" + std::to_string(interview);
  r.method = "POST";
  r.url = "https://ats.test/hook";
  r.headers_json = "[[\"X-A\",\"1\"]]";
  r.body = std::string("b\0dy", 4);
  r.next_attempt_at = at;
  r.created_at = at;
  return r;
}

TEST_CASE("store notifications: insert once per interview, read back, list and count") {
  Planted p;
  Db& db = *p.db;
  auto first = InsertNotificationRow(db, Row(1, 10, 100));
  REQUIRE(first.ok());
  CHECK(*first > 0);
  auto again = InsertNotificationRow(db, Row(1, 10, 101));
  REQUIRE(again.ok());
  CHECK(*again == 0);  // the interview has one already
  REQUIRE(InsertNotificationRow(db, Row(1, 11, 200)).ok());
  REQUIRE(InsertNotificationRow(db, Row(2, 12, 150)).ok());

  auto got = SelectNotificationRow(db, 1, *first);
  REQUIRE(got.ok());
  CHECK(got->interview_id == 10);
  CHECK(got->status == "pending");
  CHECK(got->headers_json == "[[\"X-A\",\"1\"]]");
  CHECK(got->body == std::string("b\0dy", 4));
  CHECK(got->attempts == 0);
  CHECK(got->updated_at == 100);
  CHECK(SelectNotificationRow(db, 2, *first).status().IsNotFound());

  std::vector<NotificationRow> rows;
  int64_t total = 0;
  REQUIRE(ListNotificationRows(db, 1, 150, std::nullopt, -1, 0, &rows, &total).ok());
  CHECK(total == 1);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].interview_id == 11);
  rows.clear();
  REQUIRE(ListNotificationRows(db, 1, std::nullopt, std::nullopt, 1, 1, &rows, &total).ok());
  CHECK(total == 2);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].interview_id == 11);
}

TEST_CASE("store notifications: due accounts, next due row and time, attempts, new round") {
  Planted p;
  Db& db = *p.db;
  auto a = InsertNotificationRow(db, Row(1, 10, 100));
  auto b = InsertNotificationRow(db, Row(2, 11, 300));
  REQUIRE((a.ok() && b.ok()));
  std::vector<int64_t> accounts;
  REQUIRE(SelectDueNotificationAccounts(db, 200, &accounts).ok());
  CHECK(accounts == std::vector<int64_t>{1});
  auto next = SelectNextNotificationTime(db);
  REQUIRE(next.ok());
  CHECK(next->value_or(0) == 100);
  auto due = SelectNextDueNotification(db, 1, 200);
  REQUIRE(due.ok());
  REQUIRE(due->has_value());
  CHECK((*due)->id == *a);
  auto none = SelectNextDueNotification(db, 2, 200);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  // A failed attempt in round 0 counts; one for a stale round changes nothing.
  REQUIRE(MarkNotificationAttempt(db, 1, *a, "pending", 400, 200, 503, "busy", "HTTP 503", 0).ok());
  REQUIRE(MarkNotificationAttempt(db, 1, *a, "failed", std::nullopt, 210, 500, "", "x", 0).ok());
  auto row = SelectNotificationRow(db, 1, *a);
  REQUIRE(row.ok());
  CHECK(row->attempts == 1);
  CHECK(row->round_attempts == 1);
  CHECK(row->status == "pending");
  CHECK(row->next_attempt_at.value_or(0) == 400);
  CHECK(row->last_status_code.value_or(0) == 503);
  CHECK(row->last_error.value_or("") == "HTTP 503");

  auto stale = MarkNotificationDelivered(db, 1, *a, 500, 200, "ok", 0);
  REQUIRE(stale.ok());
  CHECK_FALSE(*stale);
  auto delivered = MarkNotificationDelivered(db, 1, *a, 500, 200, "ok", 1);
  REQUIRE(delivered.ok());
  CHECK(*delivered);
  row = SelectNotificationRow(db, 1, *a);
  REQUIRE(row.ok());
  CHECK(row->status == "delivered");
  CHECK(row->delivered_at.value_or(0) == 500);
  CHECK_FALSE(row->next_attempt_at.has_value());

  auto reset = ResetNotificationRound(db, 1, *a, 600);
  REQUIRE(reset.ok());
  CHECK(*reset);
  auto other = ResetNotificationRound(db, 2, *a, 600);
  REQUIRE(other.ok());
  CHECK_FALSE(*other);
  row = SelectNotificationRow(db, 1, *a);
  REQUIRE(row.ok());
  CHECK(row->status == "pending");
  CHECK(row->round_attempts == 0);
  CHECK(row->next_attempt_at.value_or(0) == 600);
  CHECK_FALSE(row->delivered_at.has_value());
}

TEST_CASE("store notifications: the completion source needs an interview with an invitation") {
  Planted p;
  p.Plant(
      "INSERT INTO invitations (id, account_id, vacancy_id, candidate_id, recruiter_id,"
      " candidate_name, token, callback_params, created_at, updated_at) VALUES"
      " (7, 3, 1, 1, 1, 'Ann', 't7', '{\"k\":1}', 0, 0), (8, 3, 1, 1, 1, 'Bo', 't8', NULL, 0, 0);"
      "INSERT INTO interviews (id, account_id, vacancy_id, invitation_id, candidate_id,"
      " datetime_start_ts, datetime_end_ts, created_at, updated_at) VALUES"
      " (20, 3, 1, 7, 1, 0, 0, 0, 0), (21, 3, 1, 8, 1, 0, 0, 0, 0),"
      " (22, 3, 1, NULL, 1, 0, 0, 0, 0)");
  auto with = SelectCompletionSource(*p.db, 20);
  REQUIRE(with.ok());
  REQUIRE(with->has_value());
  CHECK((*with)->account_id == 3);
  CHECK((*with)->callback_params.value_or("") == "{\"k\":1}");
  auto without_params = SelectCompletionSource(*p.db, 21);
  REQUIRE(without_params.ok());
  REQUIRE(without_params->has_value());
  CHECK_FALSE((*without_params)->callback_params.has_value());
  auto no_invitation = SelectCompletionSource(*p.db, 22);
  auto no_interview = SelectCompletionSource(*p.db, 99);
  REQUIRE((no_invitation.ok() && no_interview.ok()));
  CHECK_FALSE(no_invitation->has_value());
  CHECK_FALSE(no_interview->has_value());
}

TEST_CASE("store notification settings: no row leaves the defaults; upsert and read back") {
  Planted p;
  NotificationSettings s;
  s.account_id = 4;
  REQUIRE(SelectNotificationSettings(*p.db, 4, &s).ok());
  CHECK_FALSE(s.host.has_value());
  CHECK(s.method == "POST");
  s.host = "ats.test";
  s.method = "PUT";
  s.disable_email = true;
  s.timeout_seconds = 7;
  s.soap_action = "urn:x";
  s.updated_at = 9;
  REQUIRE(UpsertNotificationSettings(*p.db, s).ok());
  s.method = "GET";
  REQUIRE(UpsertNotificationSettings(*p.db, s).ok());  // replaces
  NotificationSettings back;
  REQUIRE(SelectNotificationSettings(*p.db, 4, &back).ok());
  CHECK(back.host.value_or("") == "ats.test");
  CHECK(back.method == "GET");
  CHECK(back.disable_email);
  CHECK(back.timeout_seconds == 7);
  CHECK(back.soap_action.value_or("") == "urn:x");
  CHECK(back.updated_at == 9);
  auto disabled = SelectEmailDisabled(*p.db, 4);
  auto other = SelectEmailDisabled(*p.db, 5);
  REQUIRE((disabled.ok() && other.ok()));
  CHECK(*disabled);
  CHECK_FALSE(*other);
}

}  // namespace
}  // namespace cammio
