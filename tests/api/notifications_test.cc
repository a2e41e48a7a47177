// /api/settings/notifications and /api/notifications, through the real server
// (testing::TestServer: the production route table and pipeline).
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "api/notifications.h"
#include "notify/outbox.h"
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
using testing::Resp;
using testing::TestServer;
using namespace std::chrono_literals;

// One account's view of these endpoints.
class Client {
 public:
  Client(TestServer& server, const Credentials& creds) : api_(server, creds) {}

  Resp Get(const std::string& path) { return Send("GET", path, ""); }
  Resp Put(const std::string& path, const std::string& body) { return Send("PUT", path, body); }
  Resp Post(const std::string& path, const std::string& body = "") {
    return Send("POST", path, body);
  }

  Resp Send(const std::string& method, const std::string& path, const std::string& body) {
    bool xml = path.find(".xml") != std::string::npos;
    std::string ct = xml ? "application/xml" : "application/json";
    return api_.Send(method, path, body, body.empty() ? "" : ct, {});
  }

 private:
  Api api_;
};

Value Settings(const Resp& r) { return testing::Object(r, 200, "notification_settings"); }

using testing::WaitUntil;

std::string Quoted(const std::string& s) { return "\"" + JsonEscape(s) + "\""; }

TEST_CASE("notify: GET settings answers the defaults; PUT validates and never returns secrets") {
  TestServer server;
  Client me(server, server.creds());
  Value s = Settings(me.Get("/api/settings/notifications"));
  CHECK(testing::IsNull(s, "host"));
  CHECK(testing::Str(s, "method") == "POST");
  CHECK(testing::At(s, "query_params").as_bool() == false);
  CHECK(testing::Str(s, "content_type") == "application/json");
  CHECK(testing::At(s, "has_password").as_bool() == false);
  CHECK(testing::At(s, "ssl").as_bool() == true);
  CHECK(testing::At(s, "disable_email").as_bool() == false);
  CHECK(testing::At(s, "has_signing_secret").as_bool() == false);
  CHECK(testing::At(s, "verify_tls").as_bool() == true);
  CHECK(testing::Int(s, "timeout_seconds") == 10);
  CHECK_FALSE(testing::HasMember(s, "password"));
  CHECK_FALSE(testing::HasMember(s, "signing_secret"));

  Resp r = me.Put("/api/settings/notifications",
                  R"({"notification_settings": {"host": "https://ats.example:8443",
                      "endpoint": "/hooks/{{employee_id}}", "method": "put",
                      "query_params": true, "body_msg": "{\"id\": \"{{employee_id}}\"}",
                      "content_type": "application/json; charset=utf-8",
                      "username": "cammio", "password": "hunter2-secret",
                      "ssl": true, "disable_email": true, "generate_signing_secret": true,
                      "timeout_seconds": 30}})");
  s = Settings(r);
  CHECK(testing::Str(s, "host") == "https://ats.example:8443");
  CHECK(testing::Str(s, "method") == "PUT");
  CHECK(testing::At(s, "query_params").as_bool());
  CHECK(testing::At(s, "disable_email").as_bool());
  CHECK(testing::Str(s, "username") == "cammio");
  CHECK(testing::At(s, "has_password").as_bool());
  CHECK(testing::At(s, "has_signing_secret").as_bool());
  CHECK(testing::Int(s, "timeout_seconds") == 30);
  std::string secret = testing::Str(s, "signing_secret");  // shown once, when generated
  std::string key;
  CHECK(DecodeSigningSecret(secret, &key));
  CHECK(r.body.find("hunter2-secret") == std::string::npos);

  r = me.Get("/api/settings/notifications");
  s = Settings(r);
  CHECK(r.body.find("hunter2-secret") == std::string::npos);
  CHECK(r.body.find(secret) == std::string::npos);
  CHECK_FALSE(testing::HasMember(s, "signing_secret"));
  CHECK_FALSE(testing::HasMember(s, "password"));
  CHECK(testing::At(s, "has_signing_secret").as_bool());
  // The stored secret is the one shown.
  NotificationSettings stored;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                auto got = GetNotificationSettings(db, server.creds().account_id);
                if (got.ok()) stored = *got;
                return got.status();
              })
              .ok());
  CHECK(stored.signing_secret == secret);
  CHECK(stored.password == "hunter2-secret");

  // Validation: 412 naming the field, 400 for wrong types; nothing changes.
  struct Bad {
    const char* body;
    int status;
    const char* field;
  };
  const Bad bad[] = {
      {R"({"method": "DELETE"})", 412, "method"},
      {R"({"content_type": "image/png"})", 412, "content_type"},
      {R"({"timeout_seconds": 0})", 412, "timeout_seconds"},
      {R"({"timeout_seconds": 61})", 412, "timeout_seconds"},
      {R"({"timeout_seconds": "ten"})", 400, "timeout_seconds"},
      {R"({"ssl": "yes"})", 400, "ssl"},
      {R"({"query_params": 1})", 400, "query_params"},
      {R"({"host": "ftp://ats.example"})", 412, "host"},
      {R"({"host": "ats example"})", 412, "host"},
      {R"({"host": 12})", 400, "host"},
      {R"({"username": "a:b"})", 412, "username"},
      {R"({"signing_secret": "whsec_%%%"})", 412, "signing_secret"},
      {R"({"signing_secret": "whsec_AAAA", "generate_signing_secret": true})", 412,
       "signing_secret"},
      {R"({"ca_pem": "not a certificate"})", 412, "ca_pem"},
      {R"({"soap_action": "urn:x", "method": "GET"})", 412, "soap_action"},
      {R"({"soap_action": "urn:x", "content_type": "application/json"})", 412, "soap_action"},
      {R"({"endpoint": "/a#b"})", 412, "endpoint"},
      {R"({"vacancy": {"title": "x"}})", 400, "notification_settings"},
  };
  for (const Bad& b : bad) {
    CAPTURE(b.body);
    testing::CheckError(me.Put("/api/settings/notifications", b.body), b.status, b.field);
  }
  Value after = Settings(me.Get("/api/settings/notifications"));
  CHECK(RenderJson(after) == RenderJson(testing::Object(me.Get("/api/settings/notifications"), 200,
                                                        "notification_settings")));
  CHECK(testing::Str(after, "method") == "PUT");
  CHECK(testing::Int(after, "timeout_seconds") == 30);

  // A partial PUT keeps the rest; null clears; SOAP fills in POST and text/xml.
  s = Settings(me.Put("/api/settings/notifications",
                      R"({"password": null, "soap_action": "urn:ats#Done", "method": null})"));
  CHECK(testing::At(s, "has_password").as_bool() == false);
  CHECK(testing::Str(s, "username") == "cammio");
  CHECK(testing::Str(s, "method") == "POST");
  CHECK(testing::Str(s, "content_type") == "text/xml; charset=utf-8");
  CHECK(testing::Str(s, "soap_action") == "urn:ats#Done");
  CHECK(testing::At(s, "has_signing_secret").as_bool());
  CHECK_FALSE(testing::HasMember(s, "signing_secret"));
  s = Settings(me.Put("/api/settings/notifications",
                      R"({"signing_secret": "", "soap_action": "", "verify_tls": false,
                          "ca_pem": null, "host": ""})"));
  CHECK(testing::At(s, "has_signing_secret").as_bool() == false);
  CHECK(testing::IsNull(s, "soap_action"));
  CHECK(testing::IsNull(s, "host"));
  CHECK(testing::At(s, "verify_tls").as_bool() == false);

  // Another account sees only its own settings.
  Credentials other = server.NewAccount("Other Agency", "other@agency.test");
  Client them(server, other);
  CHECK(testing::IsNull(Settings(them.Get("/api/settings/notifications")), "username"));
}

TEST_CASE("notify: settings in XML") {
  TestServer server;
  Client me(server, server.creds());
  Resp r = me.Put("/api/settings/notifications.xml",
                  "<notification_settings><host>ats.example</host><ssl>false</ssl>"
                  "<query-params>true</query-params><timeout_seconds>7</timeout_seconds>"
                  "<password>pw-in-xml</password></notification_settings>");
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.body.find("pw-in-xml") == std::string::npos);
  r = me.Get("/api/settings/notifications.xml");
  testing::XmlDoc x(r);
  CHECK(x.root_name() == "notification_settings");
  CHECK(testing::XmlStr(x.root(), "host") == "ats.example");
  CHECK(testing::XmlInt(x.root(), "timeout_seconds") == 7);
  CHECK(testing::Attr(testing::Child(x.root(), "ssl"), "type") == "boolean");
  CHECK(testing::Text(testing::Child(x.root(), "ssl")) == "false");
  CHECK(testing::Text(testing::Child(x.root(), "query_params")) == "true");
  CHECK(testing::Text(testing::Child(x.root(), "has_password")) == "true");
  CHECK(x.root()->FirstChildElement("password") == nullptr);
  r = me.Put("/api/settings/notifications.xml",
             "<notification_settings><ssl>maybe</ssl></notification_settings>");
  CHECK(testing::XmlErrorDetails(r, 412).find("ssl") != std::string::npos);
}

TEST_CASE("notify: the test endpoint sends now and reports what the ATS answered") {
  TestServer server(testing::ServerOptions(), testing::AllowLoopback());
  AtsReceiver ats;
  Client me(server, server.creds());
  testing::CheckError(me.Post("/api/settings/notifications/test"), 412, "host");

  std::string secret = GenerateSigningSecret();
  Resp r =
      me.Put("/api/settings/notifications",
             "{\"host\": " + Quoted(ats.host()) + ", \"ca_pem\": " + Quoted(ats.ca_pem()) +
                 ", \"endpoint\": \"/t/{{employee_id}}\", \"body_msg\": "
                 "\"{\\\"u\\\": \\\"{{CAMMIO_URL}}\\\", \\\"e\\\": \\\"{{employee_id}}\\\"}\", "
                 "\"username\": \"u\", \"password\": \"p\", \"signing_secret\": " +
                 Quoted(secret) + "}");
  REQUIRE(r.status == 200);

  Value t = testing::Object(me.Post("/api/settings/notifications/test"), 200, "notification_test");
  CHECK(testing::At(t, "success").as_bool());
  CHECK(testing::Int(t, "status_code") == 200);
  CHECK(testing::Str(t, "status_text") == "200 OK");
  CHECK(testing::IsNull(t, "response_body"));
  CHECK(testing::IsNull(t, "error"));
  CHECK(testing::Int(t, "duration_ms") >= 0);
  CHECK(testing::Str(t, "method") == "POST");
  CHECK(testing::Str(t, "url") == "https://" + ats.host() + "/t/sample-employee_id");
  REQUIRE(ats.count() == 1);
  auto got = ats.requests().back();
  CHECK(got.body ==
        "{\"u\": \"https://cammio.test/recruiter/reviews/0\", \"e\": \"sample-employee_id\"}");
  CHECK(got.Header("webhook-id") == testing::Str(t, "webhook_id"));
  CHECK(got.Header("Authorization") == "Basic " + Base64Encode("u:p"));
  CHECK(AtsReceiver::VerifySignature(secret, got));

  // Given params; an ATS error is reported, not raised.
  ats.FailNext(1, 500, "database is down");
  t = testing::Object(
      me.Post("/api/settings/notifications/test",
              R"({"callback_params": {"employee_id": "x y", "link": "CAMMIO_URL"}})"),
      200, "notification_test");
  CHECK_FALSE(testing::At(t, "success").as_bool());
  CHECK(testing::Int(t, "status_code") == 500);
  CHECK(testing::Str(t, "status_text") == "500 Internal Server Error");
  CHECK(testing::IsNull(t, "response_body"));  // the ATS's body is never shown
  CHECK(testing::Str(t, "error") == "the ATS answered 500");
  CHECK(ats.requests().back().target == "/t/x%20y");
  testing::CheckError(me.Post("/api/settings/notifications/test", R"({"callback_params": [1]})"),
                      400, "callback_params");

  ats.Stop();
  t = testing::Object(me.Post("/api/settings/notifications/test"), 200, "notification_test");
  CHECK_FALSE(testing::At(t, "success").as_bool());
  CHECK(testing::IsNull(t, "status_code"));
  CHECK(testing::Str(t, "error").find("could not connect") != std::string::npos);
}

// Without the operator's allow, every spelling of this machine (and of the
// private ranges) is refused before anything is sent, and the answer names
// the policy, not the port's state.
TEST_CASE("notify: the test endpoint refuses loopback and private destinations by default") {
  TestServer server;  // no outbound_allow
  AtsReceiver ats(AtsReceiver::Mode::kHttp);
  Client me(server, server.creds());
  const std::string port = std::to_string(ats.port());
  for (const std::string& host :
       {ats.host(), "127.0.0.1:" + port, "127.1:" + port, "2130706433:" + port,
        "0x7f000001:" + port, "0177.0.0.1:" + port, "0.0.0.0:" + port, "[::1]:" + port,
        "[::ffff:127.0.0.1]:" + port, "10.0.0.1:" + port, "169.254.169.254:" + port,
        "[fe80::1]:" + port, "[fc00::1]:" + port, "[::]:" + port}) {
    CAPTURE(host);
    REQUIRE(me.Put("/api/settings/notifications",
                   "{\"host\": " + Quoted(host) + ", \"ssl\": false, \"timeout_seconds\": 2}")
                .status == 200);
    Value t =
        testing::Object(me.Post("/api/settings/notifications/test"), 200, "notification_test");
    CHECK_FALSE(testing::At(t, "success").as_bool());
    CHECK(testing::IsNull(t, "status_code"));
    CHECK(testing::IsNull(t, "status_text"));
    CHECK(testing::IsNull(t, "response_body"));
    CHECK(testing::Str(t, "error").rfind("destination not allowed", 0) == 0);
  }
  CHECK(ats.count() == 0);
}

TEST_CASE("notify: test calls are bounded per account, end within 5 s, and hold up no one") {
  testing::ServerOptions o;
  o.workers = 4;
  o.running_workers = 2;
  TestServer server(o, testing::AllowLoopback());
  AtsReceiver ats(AtsReceiver::Mode::kHttp);
  ats.SetDelay(8s);  // longer than a test call may take
  const Credentials& a = server.creds();
  Client me(server, a);
  REQUIRE(me.Put("/api/settings/notifications",
                 "{\"host\": " + Quoted(ats.base_url()) + ", \"timeout_seconds\": 30}")
              .status == 200);
  Credentials b = server.NewAccount("Other Agency", "other@agency.test");
  // Connected (TLS handshake done) before the test calls start.
  auto other = server.AuthedClient(b);
  REQUIRE(other->Get("/api/settings/notifications"));

  constexpr int kCalls = 6;
  std::vector<int> status(kCalls, 0);
  std::vector<std::string> body(kCalls), retry_after(kCalls);
  std::vector<std::thread> threads;
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      auto c = server.AuthedClient(a);
      c->set_read_timeout(20, 0);
      auto r = c->Post("/api/settings/notifications/test", "", "application/json");
      if (!r) return;
      status[i] = r->status;
      body[i] = r->body;
      retry_after[i] = r->get_header_value("Retry-After");
    });
  }
  // While two calls wait on the ATS, another tenant's ordinary request is
  // served at once.
  REQUIRE(ats.WaitForCount(2));
  auto t0 = std::chrono::steady_clock::now();
  auto got = other->Get("/api/settings/notifications");
  auto waited = std::chrono::steady_clock::now() - t0;
  REQUIRE(got);
  CHECK(got->status == 200);
  CHECK(waited < 1s);
  for (auto& t : threads) t.join();
  auto all = std::chrono::steady_clock::now() - started;
  CHECK(all < 7500ms);  // the 8 s answer was not waited for

  int ok = 0, busy = 0;
  for (int i = 0; i < kCalls; ++i) {
    CAPTURE(body[i]);
    if (status[i] == 200) {
      ++ok;
      Value t = testing::Json(body[i]);
      const Value& doc = testing::At(t, "notification_test");
      CHECK_FALSE(testing::At(doc, "success").as_bool());
      // Each wait is at most half the 5 s, the whole call at most 5 s.
      CHECK(testing::Str(doc, "error").find("within") != std::string::npos);
      CHECK(testing::Int(doc, "duration_ms") < 6000);
    } else if (status[i] == 429) {
      ++busy;
      CHECK(body[i].find("notification tests of this account are already running") !=
            std::string::npos);
      CHECK(retry_after[i] == "5");
    }
  }
  CHECK(ok >= 2);
  CHECK(busy >= 1);
  CHECK(ok + busy == kCalls);
  CHECK(ats.count() <= static_cast<size_t>(ok));
  ats.Stop();
}

TEST_CASE("notify: the notifications list, one notification, redeliver; scoped by account") {
  TestServer server(testing::ServerOptions(), testing::AllowLoopback());
  AtsReceiver ats;
  const Credentials& a = server.creds();
  Client me(server, a);
  REQUIRE(me.Put("/api/settings/notifications", "{\"host\": " + Quoted(ats.host()) +
                                                    ", \"ca_pem\": " + Quoted(ats.ca_pem()) +
                                                    ", \"endpoint\": \"/n\"}")
              .status == 200);
  Api api(server);
  int64_t vacancy = testing::CreateVacancy(api);
  std::vector<int64_t> interviews;
  SenderOptions options;
  options.threads = 2;
  // No polling within the test: the sender sends when it is woken, by the
  // test after its own writes, and by the API's events (api/events.h) after
  // a redeliver.
  options.poll_interval_ms = 600000;
  options.jitter = 0.0;
  options.outbound = testing::AllowLoopback();
  Sender sender(server.store(), server.clock(), options);
  sender.Start();
  server.WakeOnEvents(&sender, nullptr);
  ats.FailNext(1, 503, "later");
  for (int i = 0; i < 3; ++i) {
    int64_t inv =
        testing::CreateInvitationId(api, vacancy, "c" + std::to_string(i) + "@x.test",
                                    R"("callback_params": {"n": )" + std::to_string(i) + "}");
    Completion c;
    c.started_at = server.clock().Now() - 60;
    c.ended_at = server.clock().Now();
    int64_t id = 0;
    REQUIRE(server.store()
                .Write([&](Db& db) {
                  Status s = CompleteInvitation(db, inv, c, &id);
                  if (s.ok())
                    s = EnqueueCompletionNotification(db, id, PublicLinks("https://cammio.test"),
                                                      c.ended_at);
                  return s;
                })
                .ok());
    interviews.push_back(id);
    sender.Kick();
    // One at a time, so the first one gets the 503.
    REQUIRE(WaitUntil([&] { return ats.count() == static_cast<size_t>(i + 1); }));
  }
  REQUIRE(WaitUntil([&] {
    return testing::List(me.Get("/api/notifications"), "notification")[2]
               .Find("status")
               ->as_string() == "delivered";
  }));

  Resp r = me.Get("/api/notifications");
  auto items = testing::List(r, "notification");
  REQUIRE(items.size() == 3);
  CHECK(testing::TotalCount(r) == 3);
  const Value& first = items[0];
  CHECK(testing::Int(first, "interview_id") == interviews[0]);
  CHECK(testing::Str(first, "status") == "pending");
  CHECK(testing::Int(first, "attempts") == 1);
  CHECK(testing::Int(first, "last_status_code") == 503);
  CHECK(testing::Str(first, "last_response") == "503 Service Unavailable");
  CHECK(testing::Str(first, "last_error") == "the ATS answered 503");
  CHECK(testing::Str(first, "next_attempt_at") == FormatUtc(server.clock().Now() + 5));
  CHECK(testing::Str(first, "created_at") == FormatUtc(server.clock().Now()));
  CHECK(testing::IsNull(first, "delivered_at"));
  CHECK(testing::Str(first, "url") == "https://" + ats.host() + "/n");
  CHECK(testing::Str(first, "method") == "POST");
  CHECK(testing::Str(first, "webhook_id").rfind("msg_", 0) == 0);
  CHECK(testing::Str(items[1], "status") == "delivered");
  CHECK(testing::Str(items[1], "delivered_at") == FormatUtc(server.clock().Now()));
  CHECK(testing::IsNull(items[1], "next_attempt_at"));

  r = me.Get("/api/notifications?limit=1&offset=1");
  items = testing::List(r, "notification");
  REQUIRE(items.size() == 1);
  CHECK(testing::TotalCount(r) == 3);
  CHECK(testing::Int(items[0], "interview_id") == interviews[1]);
  testing::CheckError(me.Get("/api/notifications?status=failed"), 400, "status");

  int64_t delivered_id = testing::Int(items[0], "id");
  Value one = testing::Object(me.Get("/api/notifications/" + std::to_string(delivered_id)), 200,
                              "notification");
  CHECK(testing::Int(one, "interview_id") == interviews[1]);
  testing::CheckError(me.Get("/api/notifications/987654"), 404, "notification");

  // Redeliver a delivered one: pending now, same webhook id, sent again.
  std::string webhook_id = testing::Str(one, "webhook_id");
  size_t before = ats.count();
  Value again =
      testing::Object(me.Post("/api/notifications/" + std::to_string(delivered_id) + "/redeliver"),
                      200, "notification");
  CHECK(testing::Str(again, "status") == "pending");
  CHECK(testing::Str(again, "webhook_id") == webhook_id);
  REQUIRE(ats.WaitForCount(before + 1));
  CHECK(ats.requests().back().Header("webhook-id") == webhook_id);
  REQUIRE(WaitUntil([&] {
    return testing::Str(
               testing::Object(me.Get("/api/notifications/" + std::to_string(delivered_id)), 200,
                               "notification"),
               "status") == "delivered";
  }));

  // XML list shape.
  testing::XmlDoc x(me.Get("/api/notifications.xml"));
  CHECK(x.root_name() == "notifications");
  CHECK(testing::Attr(x.root(), "type") == "array");

  // Another account sees none of it.
  Credentials other = server.NewAccount("Other Agency", "other@agency.test");
  Client them(server, other);
  CHECK(testing::List(them.Get("/api/notifications"), "notification").empty());
  testing::CheckError(them.Get("/api/notifications/" + std::to_string(delivered_id)), 404,
                      "notification");
  testing::CheckError(
      them.Post("/api/notifications/" + std::to_string(delivered_id) + "/redeliver"), 404,
      "notification");
  server.WakeOnEvents(nullptr, nullptr);
  sender.Stop();
}

}  // namespace
}  // namespace cammio
