// AppEvents (src/cli/app_events.h), the composition root's answer to the
// API's events (api/events.h): a completion queues the ATS notification and
// the recruiter's email in the completion's own write; MailQueued and
// NotificationQueued wake only their own sender. Fake senders count the
// wake-ups.
#include "cli/app_events.h"

#include <doctest/doctest.h>

#include "store/interviews.h"
#include "testing/api_helpers.h"
#include "testing/test_support.h"

namespace cammio {
namespace {

using testing::Api;
using testing::TestServer;

struct FakeSenders {
  int notifications = 0;
  int mail = 0;
  AppEvents Events(const std::string& public_url) {
    return AppEvents(
        PublicLinks(public_url), [this] { ++notifications; }, [this] { ++mail; });
  }
};

// `sql` is built at run time: not a cached statement (Db::PrepareDynamic).
int64_t Count(Store& store, const std::string& sql) {
  int64_t n = -1;
  REQUIRE(store
              .Read([&](Db& db) {
                auto st = db.PrepareDynamic(sql);
                if (!st.ok()) return st.status();
                Status s;
                if (st->Step(&s)) n = st->Int(0);
                return s;
              })
              .ok());
  return n;
}

TEST_CASE("cli AppEvents: each wake-up reaches its own sender only") {
  FakeSenders fake;
  AppEvents events = fake.Events("https://cammio.test");
  events.MailQueued();
  CHECK(fake.mail == 1);
  CHECK(fake.notifications == 0);
  events.NotificationQueued();
  events.NotificationQueued();
  CHECK(fake.mail == 1);
  CHECK(fake.notifications == 2);
  AppEvents silent(PublicLinks("https://cammio.test"), nullptr, nullptr);  // no sender runs
  silent.MailQueued();
  silent.NotificationQueued();
}

TEST_CASE("cli AppEvents: a completion queues the notification and the email in its write") {
  TestServer server;
  Api api(server);
  REQUIRE(api.Put("/api/settings/notifications", R"({"host": "ats.example.com", "endpoint": "/n"})")
              .status == 200);
  int64_t vacancy = testing::CreateVacancy(api);
  int64_t inv =
      testing::CreateInvitationId(api, vacancy, "c@x.test", R"("callback_params": {"n": 1})");
  const int64_t mails_before = Count(server.store(), "SELECT COUNT(*) FROM mail_outbox");
  const int64_t notifications_before = Count(server.store(), "SELECT COUNT(*) FROM notifications");
  INFO("notifications before: " << notifications_before);
  FakeSenders fake;
  AppEvents events = fake.Events("https://cammio.test/");

  // A failed completion write keeps neither row.
  Completion c;
  c.started_at = server.clock().Now() - 60;
  c.ended_at = server.clock().Now();
  Status failed = server.store().Write([&](Db& db) {
    CompletionResult r;
    Status s = CompleteInvitation(db, inv, c, &r.interview_id);
    r.account_id = server.creds().account_id;
    if (s.ok()) s = events.InterviewCompleted(db, r, c.ended_at);
    if (s.ok()) s = Status::Internal("the completion fails after its events");
    return s;
  });
  CHECK_FALSE(failed.ok());
  CHECK(Count(server.store(), "SELECT COUNT(*) FROM notifications") == notifications_before);
  INFO("failed: " << failed.ToString());
  CHECK(Count(server.store(), "SELECT COUNT(*) FROM mail_outbox") == mails_before);

  CompletionResult r;
  REQUIRE(server.store()
              .Write([&](Db& db) {
                Status s = CompleteInvitation(db, inv, c, &r.interview_id);
                r.account_id = server.creds().account_id;
                if (s.ok()) s = events.InterviewCompleted(db, r, c.ended_at);
                return s;
              })
              .ok());
  CHECK(Count(server.store(), "SELECT COUNT(*) FROM notifications WHERE interview_id = " +
                                  std::to_string(r.interview_id)) == 1);
  CHECK(Count(server.store(),
              "SELECT COUNT(*) FROM mail_outbox WHERE kind = 'interview_completed'"
              " AND ref_id = " +
                  std::to_string(r.interview_id)) == 1);
  // Rows only: the wake-ups come after the commit, from the API.
  CHECK(fake.notifications == 0);
  CHECK(fake.mail == 0);
}

}  // namespace
}  // namespace cammio
