// The notification path end to end against real peers on loopback: an
// invitation with callback_params is completed (CompleteInvitation +
// EnqueueCompletionNotification in one write), the Sender delivers to an
// AtsReceiver over HTTPS (or HTTP), and the outbox, retries, signatures and
// datetime_synchronized are checked. ManualClock + Kick fast-forward the
// retry schedule.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include "notify/outbox.h"
#include "notify/render.h"
#include "notify/sender.h"
#include "notify/settings.h"
#include "store/interviews.h"
#include "testing/api_helpers.h"
#include "testing/ats_receiver.h"
#include "testing/wait.h"
#include "util/crypto.h"

namespace cammio {
namespace {

using testing::Api;
using testing::AtsReceiver;
using testing::Credentials;
using testing::ReceivedRequest;
using testing::TestServer;

using namespace std::chrono_literals;

using testing::WaitUntil;

// An open invitation of `creds`' account carrying `callback_params` (JSON
// object text, or "" for none).
int64_t Invite(TestServer& server, const Credentials& creds, const std::string& callback_params,
               const std::string& email = "bob@candidate.test") {
  Api api(server, creds);
  int64_t vacancy = testing::CreateVacancy(api);
  std::string extra = callback_params.empty() ? "" : "\"callback_params\": " + callback_params;
  return testing::CreateInvitationId(api, vacancy, email, extra);
}

// The completion path: CompleteInvitation and the outbox row in one write.
int64_t CompleteAndEnqueue(TestServer& server, int64_t invitation_id) {
  Completion c;
  c.started_at = server.clock().Now() - 300;
  c.ended_at = server.clock().Now();
  int64_t interview_id = 0;
  Status s = server.store().Write([&](Db& db) {
    Status st = CompleteInvitation(db, invitation_id, c, &interview_id);
    if (st.ok())
      st = EnqueueCompletionNotification(db, interview_id, PublicLinks("https://cammio.test"),
                                         c.ended_at);
    return st;
  });
  INFO(s.ToString());
  REQUIRE(s.ok());
  return interview_id;
}

NotificationSettings SettingsFor(int64_t account_id, const AtsReceiver& ats) {
  NotificationSettings s;
  s.account_id = account_id;
  s.host = ats.host();
  s.ssl = ats.https();
  s.ca_pem = ats.https() ? std::optional<std::string>(ats.ca_pem()) : std::nullopt;
  s.endpoint = "/hooks/cammio/{{employee_id}}";
  s.body_msg = R"({"employee_id": "{{employee_id}}", "interview_url": "{{CAMMIO_URL}}"})";
  s.timeout_seconds = 5;
  return s;
}

void Save(TestServer& server, const NotificationSettings& s) {
  Status st = server.store().Write([&](Db& db) { return PutNotificationSettings(db, s); });
  INFO(st.ToString());
  REQUIRE(st.ok());
}

std::vector<NotificationDelivery> Deliveries(cammio::Store& store, int64_t account_id) {
  std::vector<NotificationDelivery> out;
  int64_t total = 0;
  REQUIRE(
      store.Read([&](Db& db) { return ListDeliveries(db, account_id, {}, &out, &total); }).ok());
  return out;
}

NotificationDelivery OnlyDelivery(cammio::Store& store, int64_t account_id) {
  auto all = Deliveries(store, account_id);
  REQUIRE(all.size() == 1);
  return all[0];
}

// Waits until the account's only delivery has made `attempts` attempts.
NotificationDelivery WaitAttempts(cammio::Store& store, int64_t account_id, int64_t attempts) {
  NotificationDelivery d;
  bool reached = WaitUntil([&] {
    d = OnlyDelivery(store, account_id);
    return d.attempts >= attempts;
  });
  INFO("attempts " << d.attempts << " status " << d.status << " error "
                   << d.last_error.value_or(""));
  REQUIRE(reached);
  return d;
}

std::optional<int64_t> Synchronized(TestServer& server, int64_t account_id, int64_t interview_id) {
  std::optional<int64_t> out;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                auto w = GetInterview(db, account_id, interview_id);
                if (!w.ok()) return w.status();
                out = w->datetime_synchronized_ts;
                return Status::OK();
              })
              .ok());
  return out;
}

// The receivers are on loopback, which only an explicit allow admits.
SendOptions Loopback() {
  SendOptions o;
  o.outbound = testing::AllowLoopback();
  return o;
}

SenderOptions Fast(double jitter = 0.2) {
  SenderOptions o;
  o.threads = 4;
  o.poll_interval_ms = 50;
  o.jitter = jitter;
  o.outbound = testing::AllowLoopback();
  return o;
}

TEST_CASE(
    "notify: a completion is delivered over HTTPS, signed, and marks the interview synchronized") {
  TestServer server;
  AtsReceiver ats;
  const Credentials& me = server.creds();
  NotificationSettings s = SettingsFor(me.account_id, ats);
  s.username = "cammio";
  s.password = "s3cr&t:pass";
  s.signing_secret = GenerateSigningSecret();
  Save(server, s);
  int64_t inv = Invite(server, me, R"({"employee_id": "E 12/\"3\"", "link": "CAMMIO_URL"})");

  Sender sender(server.store(), server.clock(), Fast());
  sender.Start();
  int64_t interview = CompleteAndEnqueue(server, inv);
  sender.Kick();
  REQUIRE(ats.WaitForCount(1));
  NotificationDelivery d = WaitAttempts(server.store(), me.account_id, 1);
  CHECK(d.status == "delivered");
  CHECK(d.last_status_code == 200);
  CHECK(d.last_response == "200 OK");  // the status line, never the body
  CHECK(d.delivered_at == server.clock().Now());
  CHECK(d.webhook_id.rfind("msg_", 0) == 0);
  sender.Stop();

  ReceivedRequest r = ats.requests().at(0);
  std::string url = "https://cammio.test/recruiter/reviews/" + std::to_string(interview);
  CHECK(r.method == "POST");
  CHECK(r.target == "/hooks/cammio/E%2012%2F%223%22");
  CHECK(r.path == "/hooks/cammio/E 12/\"3\"");
  CHECK(r.Header("Content-Type") == "application/json");
  CHECK(r.body == "{\"employee_id\": \"E 12/\\\"3\\\"\", \"interview_url\": \"" + url + "\"}");
  CHECK(r.Header("Authorization") == "Basic " + Base64Encode("cammio:s3cr&t:pass"));
  CHECK(r.Header("webhook-id") == d.webhook_id);
  CHECK(r.Header("webhook-timestamp") == std::to_string(server.clock().Now()));
  std::string why;
  CHECK_MESSAGE(AtsReceiver::VerifySignature(*s.signing_secret, r, &why), why);
  CHECK_FALSE(AtsReceiver::VerifySignature(GenerateSigningSecret(), r));
  CHECK(Synchronized(server, me.account_id, interview) == server.clock().Now());

  // Visible through the API.
  Api api(server);
  auto doc =
      testing::Object(api.Get("/api/interviews/" + std::to_string(interview)), 200, "interview");
  CHECK(testing::Str(doc, "datetime_synchronized") == FormatUtc(server.clock().Now()));
}

TEST_CASE("notify: nothing is enqueued without callback_params or without a host") {
  TestServer server;
  AtsReceiver ats;
  const Credentials& me = server.creds();
  int64_t no_host = Invite(server, me, R"({"employee_id": "1"})", "a@candidate.test");
  CompleteAndEnqueue(server, no_host);  // settings not configured yet
  Save(server, SettingsFor(me.account_id, ats));
  int64_t no_params = Invite(server, me, "", "b@candidate.test");
  CompleteAndEnqueue(server, no_params);
  CHECK(Deliveries(server.store(), me.account_id).empty());
  int64_t empty_params = Invite(server, me, "{}", "c@candidate.test");
  CompleteAndEnqueue(server, empty_params);  // given but empty: still a notification
  CHECK(Deliveries(server.store(), me.account_id).size() == 1);
}

TEST_CASE("notify: plain HTTP, query_params and GET") {
  TestServer server;
  AtsReceiver ats(AtsReceiver::Mode::kHttp);
  const Credentials& me = server.creds();
  NotificationSettings s = SettingsFor(me.account_id, ats);
  s.method = "GET";
  s.query_params = true;
  s.endpoint = "/notify";
  Save(server, s);
  int64_t inv = Invite(server, me, R"({"employee_id": "ä&b=c", "url": "CAMMIO_URL"})");
  Sender sender(server.store(), server.clock(), Fast());
  sender.Start();
  int64_t interview = CompleteAndEnqueue(server, inv);
  sender.Kick();
  REQUIRE(ats.WaitForCount(1));
  CHECK(WaitAttempts(server.store(), me.account_id, 1).status == "delivered");
  ReceivedRequest r = ats.requests().at(0);
  CHECK(r.method == "GET");
  CHECK(r.path == "/notify");
  CHECK(r.query ==
        "employee_id=%C3%A4%26b%3Dc&url=https%3A%2F%2Fcammio.test%2Frecruiter%2Freviews%2F" +
            std::to_string(interview));
  CHECK(r.Param("employee_id") == "ä&b=c");
  CHECK(r.body.empty());
  CHECK(r.Header("webhook-signature").empty());  // no secret configured
  CHECK_FALSE(r.Header("webhook-id").empty());
}

TEST_CASE("notify: each method and content type reaches the receiver as rendered") {
  AtsReceiver ats;
  struct Case {
    const char* method;
    const char* content_type;
    const char* soap_action;
    const char* body_msg;
    const char* expect_body;
  };
  const std::string params_json = R"({"employee_id": "<\"Zoë\" & co>", "url": "CAMMIO_URL"})";
  const Case cases[] = {
      {"POST", "application/json", nullptr, R"({"id": "{{employee_id}}"})",
       R"({"id": "<\"Zoë\" & co>"})"},
      {"PUT", "application/xml", nullptr, "<n><id>{{employee_id}}</id></n>",
       "<n><id>&lt;&quot;Zoë&quot; &amp; co&gt;</id></n>"},
      {"POST", "application/x-www-form-urlencoded", nullptr, "id={{employee_id}}&u={{url}}",
       "id=%3C%22Zo%C3%AB%22+%26+co%3E&u=https%3A%2F%2Fcammio.test%2Frecruiter%2Freviews%2F7"},
      {"POST", "text/xml; charset=utf-8", "urn:ats/Completed",
       "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><Done>"
       "{{employee_id}}</Done></s:Body></s:Envelope>",
       "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><Done>"
       "&lt;&quot;Zoë&quot; &amp; co&gt;</Done></s:Body></s:Envelope>"},
      {"GET", "application/json", nullptr, "ignored", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.method);
    CAPTURE(c.content_type);
    NotificationSettings s = SettingsFor(1, ats);
    s.method = c.method;
    s.content_type = c.content_type;
    if (c.soap_action) s.soap_action = c.soap_action;
    s.body_msg = c.body_msg;
    s.endpoint = "/in";
    auto req = RenderNotification(s, testing::Json(params_json),
                                  PublicLinks("https://cammio.test").RecruiterReview(7));
    REQUIRE(req.ok());
    size_t before = ats.count();
    SendResult r = SendNotification(*req, s, "msg_test", 1700000000, Loopback());
    CHECK(r.ok());
    CHECK(r.error.empty());
    CHECK(r.body == "ok");
    REQUIRE(ats.count() == before + 1);
    ReceivedRequest got = ats.requests().back();
    CHECK(got.method == c.method);
    CHECK(got.body == c.expect_body);
    if (std::string(c.method) != "GET") CHECK(got.Header("Content-Type") == c.content_type);
    if (c.soap_action) CHECK(got.Header("SOAPAction") == "\"urn:ats/Completed\"");
    CHECK(got.Header("webhook-id") == "msg_test");
    CHECK(got.Header("webhook-timestamp") == "1700000000");
  }
}

TEST_CASE("notify: failures are retried on the schedule until the ATS accepts") {
  TestServer server;
  AtsReceiver ats;
  const Credentials& me = server.creds();
  NotificationSettings s = SettingsFor(me.account_id, ats);
  s.signing_secret = GenerateSigningSecret();
  Save(server, s);
  ats.FailNext(2, 503);  // two 503s,
  ats.CloseNext(1);      // then a connection closed without an answer
  int64_t inv = Invite(server, me, R"({"employee_id": "42"})");
  Sender sender(server.store(), server.clock(), Fast(0.2));
  sender.Start();
  int64_t interview = CompleteAndEnqueue(server, inv);
  sender.Kick();

  int64_t t0 = server.clock().Now();
  NotificationDelivery d = WaitAttempts(server.store(), me.account_id, 1);
  CHECK(d.status == "pending");
  CHECK(d.last_status_code == 503);
  CHECK(d.last_response == "503 Service Unavailable");
  REQUIRE(d.next_attempt_at.has_value());
  CHECK(*d.next_attempt_at >= t0 + 5);
  CHECK(*d.next_attempt_at <= t0 + 6);  // 5 s + at most 20 % jitter
  CHECK_FALSE(Synchronized(server, me.account_id, interview).has_value());

  // Not yet due: a kick does not send.
  sender.Kick();
  std::this_thread::sleep_for(200ms);
  CHECK(ats.count() == 1);

  server.clock().Set(*d.next_attempt_at);
  sender.Kick();
  d = WaitAttempts(server.store(), me.account_id, 2);
  CHECK(d.status == "pending");
  CHECK(*d.next_attempt_at >= server.clock().Now() + 300);
  CHECK(*d.next_attempt_at <= server.clock().Now() + 360);

  server.clock().Set(*d.next_attempt_at);
  sender.Kick();
  d = WaitAttempts(server.store(), me.account_id, 3);
  CHECK(d.status == "pending");
  CHECK_FALSE(d.last_status_code.has_value());  // no answer at all
  REQUIRE(d.last_error.has_value());
  CHECK(*d.next_attempt_at >= server.clock().Now() + 1800);

  server.clock().Set(*d.next_attempt_at);
  sender.Kick();
  d = WaitAttempts(server.store(), me.account_id, 4);
  CHECK(d.status == "delivered");
  CHECK(d.last_status_code == 200);
  CHECK_FALSE(d.last_error.has_value());
  CHECK(Synchronized(server, me.account_id, interview) == server.clock().Now());
  sender.Stop();

  auto got = ats.requests();
  REQUIRE(got.size() == 4);
  for (const auto& r : got) {
    CHECK(r.Header("webhook-id") == d.webhook_id);  // one id for every attempt
    CHECK(r.body == got[0].body);                   // the same bytes each time
    CHECK(AtsReceiver::VerifySignature(*s.signing_secret, r));
  }
  CHECK(got[0].Header("webhook-timestamp") != got[3].Header("webhook-timestamp"));
  CHECK(ats.accepted() == 1);
}

TEST_CASE("notify: Retry-After lengthens a delay (capped at 24 h) but never shortens it") {
  TestServer server;
  AtsReceiver ats;
  const Credentials& me = server.creds();
  Save(server, SettingsFor(me.account_id, ats));
  ats.RetryAfterNext(1, "3600", 429);
  ats.RetryAfterNext(1, "1", 503);        // shorter than the schedule's 5 min: ignored
  ats.RetryAfterNext(1, "9999999", 503);  // capped at 24 h
  int64_t inv = Invite(server, me, R"({"employee_id": "42"})");
  Sender sender(server.store(), server.clock(), Fast(0.0));
  sender.Start();
  CompleteAndEnqueue(server, inv);
  sender.Kick();
  NotificationDelivery d = WaitAttempts(server.store(), me.account_id, 1);
  CHECK(d.last_status_code == 429);
  CHECK(*d.next_attempt_at == server.clock().Now() + 3600);
  server.clock().Advance(10);  // the schedule alone would be due now
  sender.Kick();
  std::this_thread::sleep_for(200ms);
  CHECK(ats.count() == 1);
  server.clock().Set(*d.next_attempt_at);
  sender.Kick();
  d = WaitAttempts(server.store(), me.account_id, 2);
  CHECK(*d.next_attempt_at == server.clock().Now() + 300);
  server.clock().Set(*d.next_attempt_at);
  sender.Kick();
  d = WaitAttempts(server.store(), me.account_id, 3);
  CHECK(*d.next_attempt_at == server.clock().Now() + kMaxRetryAfterSeconds);
  server.clock().Set(*d.next_attempt_at);
  sender.Kick();
  d = WaitAttempts(server.store(), me.account_id, 4);
  CHECK(d.status == "delivered");
}

TEST_CASE("notify: after the last scheduled attempt the delivery fails; redeliver starts over") {
  TestServer server;
  AtsReceiver ats;
  const Credentials& me = server.creds();
  Save(server, SettingsFor(me.account_id, ats));
  ats.SetDefault(500, "broken");
  int64_t inv = Invite(server, me, R"({"employee_id": "42"})");
  Sender sender(server.store(), server.clock(), Fast(0.2));
  sender.Start();
  int64_t t0 = server.clock().Now();
  int64_t interview = CompleteAndEnqueue(server, inv);
  sender.Kick();
  NotificationDelivery d;
  for (int64_t n = 1; n <= MaxNotificationAttempts(); ++n) {
    d = WaitAttempts(server.store(), me.account_id, n);
    if (n < MaxNotificationAttempts()) {
      REQUIRE(d.status == "pending");
      server.clock().Set(*d.next_attempt_at);
      sender.Kick();
    }
  }
  CHECK(d.status == "failed");
  CHECK(d.attempts == MaxNotificationAttempts());
  CHECK_FALSE(d.next_attempt_at.has_value());
  CHECK(d.last_status_code == 500);
  CHECK(d.last_error == "the ATS answered 500");
  int64_t span = server.clock().Now() - t0;
  CHECK(span > 2 * 86400);  // about three days of trying
  CHECK(span < 4 * 86400);
  CHECK(ats.count() == static_cast<size_t>(MaxNotificationAttempts()));
  CHECK_FALSE(Synchronized(server, me.account_id, interview).has_value());

  // Failed stays failed; a redeliver sends it again with the same webhook-id.
  server.clock().Advance(7 * 86400);
  sender.Kick();
  std::this_thread::sleep_for(150ms);
  CHECK(ats.count() == static_cast<size_t>(MaxNotificationAttempts()));
  ats.SetDefault(204, "");
  REQUIRE(server.store()
              .Write([&](Db& db) {
                return RedeliverDelivery(db, me.account_id, d.id, server.clock().Now());
              })
              .ok());
  sender.Kick();
  NotificationDelivery again = WaitAttempts(server.store(), me.account_id, d.attempts + 1);
  CHECK(again.status == "delivered");
  CHECK(again.last_status_code == 204);
  CHECK(ats.requests().back().Header("webhook-id") == d.webhook_id);
  CHECK(Synchronized(server, me.account_id, interview) == server.clock().Now());
}

TEST_CASE("notify: deliveries pending at a restart are sent once by the next Sender, same id") {
  TestServer server;
  AtsReceiver ats;
  const Credentials& me = server.creds();
  Save(server, SettingsFor(me.account_id, ats));
  ats.FailNext(1, 502);
  int64_t inv1 = Invite(server, me, R"({"employee_id": "1"})", "one@candidate.test");
  int64_t inv2 = Invite(server, me, R"({"employee_id": "2"})", "two@candidate.test");
  std::string first_id;
  {
    Sender sender(server.store(), server.clock(), Fast(0.0));
    sender.Start();
    CompleteAndEnqueue(server, inv1);
    sender.Kick();
    NotificationDelivery d = WaitAttempts(server.store(), me.account_id, 1);
    CHECK(d.status == "pending");
    first_id = d.webhook_id;
    sender.Stop();
  }
  // Completed while no sender runs (e.g. between crash and restart).
  CompleteAndEnqueue(server, inv2);
  server.clock().Advance(60);

  // A new process: another Store on the same database file, a new Sender.
  StoreOptions so;
  so.path = server.data_dir() + "/cammio.db";
  auto reopened = cammio::Store::Open(so);
  REQUIRE(reopened.ok());
  {
    Sender sender(**reopened, server.clock(), Fast(0.0));
    sender.Start();
    sender.Kick();
    REQUIRE(WaitUntil([&] {
      auto all = Deliveries(**reopened, me.account_id);
      return all.size() == 2 && all[0].status == "delivered" && all[1].status == "delivered";
    }));
    // Nothing more goes out however often it is woken.
    for (int i = 0; i < 3; ++i) {
      server.clock().Advance(86400);
      sender.Kick();
      std::this_thread::sleep_for(60ms);
    }
    sender.Stop();
  }
  (*reopened)->Close();
  auto got = ats.requests();
  REQUIRE(got.size() == 3);  // the failed first attempt, then each delivery once
  std::multiset<std::string> ids;
  for (const auto& r : got) ids.insert(r.Header("webhook-id"));
  CHECK(ids.count(first_id) == 2);
  CHECK(ids.size() == 3);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 2);
  CHECK(ats.accepted() == 2);
}

TEST_CASE("notify: a dead or slow ATS does not delay another account's delivery") {
  TestServer server;
  AtsReceiver slow;  // answers after 10 s
  AtsReceiver fast;
  slow.SetDelay(10s);
  AtsReceiver refused;
  refused.Stop();  // connection refused
  const Credentials& a = server.creds();
  Credentials b = server.NewAccount("Fast Agency", "fast@agency.test");
  Credentials c = server.NewAccount("Gone Agency", "gone@agency.test");
  NotificationSettings sa = SettingsFor(a.account_id, slow);
  sa.timeout_seconds = 10;
  Save(server, sa);
  Save(server, SettingsFor(b.account_id, fast));
  NotificationSettings sc = SettingsFor(c.account_id, refused);
  sc.ca_pem = fast.ca_pem();
  Save(server, sc);
  int64_t inv_a1 = Invite(server, a, R"({"employee_id": "a1"})", "a1@candidate.test");
  int64_t inv_a2 = Invite(server, a, R"({"employee_id": "a2"})", "a2@candidate.test");
  int64_t inv_b = Invite(server, b, R"({"employee_id": "b"})", "b@candidate.test");
  int64_t inv_c = Invite(server, c, R"({"employee_id": "c"})", "c@candidate.test");

  SenderOptions o = Fast();
  o.threads = 2;  // a small pool: the slow account may hold only one of them
  Sender sender(server.store(), server.clock(), o);
  sender.Start();
  CompleteAndEnqueue(server, inv_a1);
  CompleteAndEnqueue(server, inv_a2);
  CompleteAndEnqueue(server, inv_c);
  sender.Kick();
  REQUIRE(slow.WaitForCount(1, 5s));  // a worker is now stuck on the slow ATS
  NotificationDelivery dc = WaitAttempts(server.store(), c.account_id, 1);
  CHECK(dc.status == "pending");
  REQUIRE(dc.last_error.has_value());
  CHECK(dc.last_error->find("could not connect") != std::string::npos);

  auto started = std::chrono::steady_clock::now();
  CompleteAndEnqueue(server, inv_b);
  sender.Kick();
  REQUIRE(fast.WaitForCount(1, 5s));
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(took < 1500ms);
  CHECK(WaitAttempts(server.store(), b.account_id, 1).status == "delivered");
  // The slow account's second delivery waits behind its first (one in flight per account).
  CHECK(slow.count() == 1);
  slow.Stop();  // ends the slow answer now, so the test does not wait 10 s
  sender.Stop();
}

TEST_CASE("notify: certificate verification fails with a wrong CA; verify_tls=false skips it") {
  TestServer server;
  AtsReceiver ats;
  AtsReceiver other;  // a different self-signed CA
  const Credentials& me = server.creds();
  NotificationSettings s = SettingsFor(me.account_id, ats);
  s.ca_pem = other.ca_pem();
  auto req = RenderNotification(s, testing::Json(R"({"employee_id": "1"})"),
                                PublicLinks("https://cammio.test").RecruiterReview(1));
  REQUIRE(req.ok());
  SendResult r = SendNotification(*req, s, "msg_x", 1, Loopback());
  CHECK_FALSE(r.ok());
  CHECK(r.status_code == 0);
  CHECK(r.error.find("verif") != std::string::npos);
  CHECK(ats.count() == 0);  // nothing was sent before the certificate was checked

  // Through the sender: retried, with the reason recorded.
  Save(server, s);
  int64_t inv = Invite(server, me, R"({"employee_id": "1"})");
  Sender sender(server.store(), server.clock(), Fast());
  sender.Start();
  CompleteAndEnqueue(server, inv);
  sender.Kick();
  NotificationDelivery d = WaitAttempts(server.store(), me.account_id, 1);
  CHECK(d.status == "pending");
  REQUIRE(d.last_error.has_value());
  CHECK(d.last_error->find("verif") != std::string::npos);

  // The system store does not know the receiver either.
  s.ca_pem.reset();
  r = SendNotification(*req, s, "msg_x", 1, Loopback());
  CHECK(r.status_code == 0);
  CHECK(ats.count() == 0);

  // Fixing the settings fixes the next attempt (TLS settings are read per attempt).
  s.ca_pem = ats.ca_pem();
  Save(server, s);
  server.clock().Set(*d.next_attempt_at);
  sender.Kick();
  CHECK(WaitAttempts(server.store(), me.account_id, 2).status == "delivered");
  sender.Stop();

  s.ca_pem = other.ca_pem();
  s.verify_tls = false;
  r = SendNotification(*req, s, "msg_x", 1, Loopback());
  CHECK(r.ok());
}

TEST_CASE("notify: slow answers beyond the timeout are failures") {
  AtsReceiver ats;
  ats.SetDelay(3s);
  NotificationSettings s = SettingsFor(1, ats);
  s.timeout_seconds = 1;
  auto req = RenderNotification(s, testing::Json("{}"),
                                PublicLinks("https://cammio.test").RecruiterReview(1));
  REQUIRE(req.ok());
  SendResult r = SendNotification(*req, s, "msg_x", 1, Loopback());
  CHECK_FALSE(r.ok());
  CHECK(r.status_code == 0);
  CHECK(r.duration_ms >= 900);
  CHECK(r.duration_ms < 2900);
  ats.Stop();
}

}  // namespace
}  // namespace cammio
