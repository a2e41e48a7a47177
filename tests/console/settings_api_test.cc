// The console's admin settings (console/settings_api.cc) through a real HTTPS
// server: the email relay (password write-only, the CLI's validation), the
// test message through a real SMTP peer (one at a time per account), the
// retention period, and 403 for a recruiter.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "console/console_helpers.h"
#include "mail/settings.h"
#include "store/retention.h"
#include "testing/smtp_peer.h"

namespace cammio {
namespace {

using namespace testing;

constexpr char kPassword[] = "a long enough secret";

httplib::Result Send(TestServer& server, const std::string& method, const std::string& path,
                     const ConsoleSession& s, const std::string& body = "", bool with_csrf = true) {
  auto c = server.Client();
  httplib::Headers h = SessionHeaders(s, with_csrf ? s.csrf : "");
  if (method == "GET") return c->Get(path, h);
  if (method == "POST") return c->Post(path, h, body, "application/json");
  return c->Put(path, h, body, "application/json");
}

// The answer's status (REQUIRE'd to exist) and its JSON.
Value Answer(const httplib::Result& r, int status) {
  REQUIRE(r);
  INFO(r->body);
  REQUIRE(r->status == status);
  return Json(r->body);
}

std::string RelayBody(int port, const std::string& extra = "") {
  return R"({"mail_settings": {"host": "127.0.0.1", "port": )" + std::to_string(port) +
         R"(, "security": "none", "from_address": "no-reply@agency.test",
            "from_name": "Agency", "verify_tls": false)" +
         extra + "}}";
}

struct Admin {
  TestServer server;
  ConsoleSession session;
  Admin() {
    SetUserPassword(server, server.creds().email, kPassword);
    session = SignIn(server, server.creds().email, kPassword);
  }
};

TEST_CASE("console settings: the relay is read and set by admins; the password is write-only") {
  Admin a;
  Value none = Answer(Send(a.server, "GET", "/console/api/settings/mail", a.session), 200);
  CHECK(none.Find("mail_settings")->is_null());

  // Without the CSRF header the write is refused and nothing is stored.
  auto no_csrf =
      Send(a.server, "PUT", "/console/api/settings/mail", a.session,
           RelayBody(2525, R"(, "username": "mailer", "password": "hunter2-secret")"), false);
  REQUIRE(no_csrf);
  CHECK(no_csrf->status == 403);

  auto put = Send(a.server, "PUT", "/console/api/settings/mail", a.session,
                  RelayBody(2525, R"(, "username": "mailer", "password": "hunter2-secret")"));
  Value set = Answer(put, 200);
  CHECK(put->body.find("hunter2") == std::string::npos);
  const Value& r = *set.Find("mail_settings");
  CHECK(r.Find("host")->as_string() == "127.0.0.1");
  CHECK(r.Find("port")->as_int() == 2525);
  CHECK(r.Find("security")->as_string() == "none");
  CHECK(r.Find("username")->as_string() == "mailer");
  CHECK(r.Find("has_password")->as_bool());
  CHECK(r.Find("password") == nullptr);
  CHECK(r.Find("from_name")->as_string() == "Agency");
  CHECK_FALSE(r.Find("verify_tls")->as_bool());

  // What the sender will use: the store's row, password included.
  auto stored = [&] {
    mail::RelaySettings out;
    REQUIRE(a.server.store()
                .Read([&](Db& db) {
                  auto got = mail::GetRelaySettings(db, a.server.creds().account_id);
                  if (got.ok()) out = *got;
                  return got.status();
                })
                .ok());
    return out;
  };
  CHECK(stored().password.value_or("") == "hunter2-secret");

  // No password in the body keeps it; no username clears both.
  auto get = Send(a.server, "GET", "/console/api/settings/mail", a.session);
  CHECK(Answer(get, 200).Find("mail_settings")->Find("has_password")->as_bool());
  CHECK(get->body.find("hunter2") == std::string::npos);
  Answer(Send(a.server, "PUT", "/console/api/settings/mail", a.session,
              RelayBody(2526, R"(, "username": "mailer")")),
         200);
  CHECK(stored().password.value_or("") == "hunter2-secret");
  CHECK(stored().port == 2526);
  Value cleared = Answer(Send(a.server, "PUT", "/console/api/settings/mail", a.session,
                              R"({"mail_settings": {"host": "smtp.agency.test",
                                  "security": "tls", "from_address": "hr@agency.test"}})"),
                         200);
  CHECK_FALSE(cleared.Find("mail_settings")->Find("has_password")->as_bool());
  CHECK(cleared.Find("mail_settings")->Find("port")->as_int() == 465);  // the default for tls
  CHECK_FALSE(stored().username.has_value());

  // The CLI's rules, with details naming the field; nothing changes.
  for (
      const auto& bad_case : std::vector<std::pair<std::string, std::string>>{
          {RelayBody(70000), "port"},
          {R"({"mail_settings": {"host": "a.test", "security": "ssl", "from_address": "x@a.test"}})",
           "security"},
          {R"({"mail_settings": {"host": "a.test"}})", "from_address"},
          {R"({"mail_settings": {"host": "a.test", "from_address": "not an address"}})",
           "from_address"}}) {
    // Named copies: clang 14 cannot capture a structured binding in CAPTURE.
    const std::string& body = bad_case.first;
    const std::string& field = bad_case.second;
    CAPTURE(body);
    auto bad = Send(a.server, "PUT", "/console/api/settings/mail", a.session, body);
    REQUIRE(bad);
    CHECK(bad->status == 412);
    INFO(bad->body);
    CHECK(Details(bad->body).find(field) != std::string::npos);
  }
  CHECK(stored().host == "smtp.agency.test");
}

TEST_CASE("console settings: the test message goes through the relay to the admin") {
  Admin a;
  auto no_relay = Send(a.server, "POST", "/console/api/settings/mail/test", a.session, "{}");
  REQUIRE(no_relay);
  CHECK(no_relay->status == 412);
  CHECK(!Details(no_relay->body).empty());

  SmtpPeer peer;
  REQUIRE_MESSAGE(peer.ok(), peer.error());
  Answer(Send(a.server, "PUT", "/console/api/settings/mail", a.session, RelayBody(peer.port())),
         200);
  Value ok =
      Answer(Send(a.server, "POST", "/console/api/settings/mail/test", a.session, "{}"), 200);
  const Value& t = *ok.Find("mail_test");
  const std::string why = t.Find("error")->is_null() ? std::string() : t.Find("error")->as_string();
  INFO(why);
  CHECK(t.Find("success")->as_bool());
  CHECK(t.Find("error")->is_null());
  CHECK(t.Find("to")->as_string() == a.server.creds().email);
  REQUIRE(peer.WaitForMessages(1));
  Value m = peer.Messages()[0];
  CHECK(m.Find("to_address")->as_string() == a.server.creds().email);
  CHECK(m.Find("subject")->as_string() == "Cammio test message");

  // A relay that refuses the recipient: its own reply is the answer's error.
  SmtpPeerOptions po;
  po.reject = "@";
  SmtpPeer refusing(po);
  REQUIRE_MESSAGE(refusing.ok(), refusing.error());
  Answer(Send(a.server, "PUT", "/console/api/settings/mail", a.session, RelayBody(refusing.port())),
         200);
  Value refused =
      Answer(Send(a.server, "POST", "/console/api/settings/mail/test", a.session, "{}"), 200);
  CHECK_FALSE(refused.Find("mail_test")->Find("success")->as_bool());
  const std::string error = refused.Find("mail_test")->Find("error")->as_string();
  CHECK(error.find("550") != std::string::npos);
  CHECK(refusing.Count() == 0);
  CHECK(peer.Count() == 1);
}

// A relay that takes connections and says nothing: a test message to it
// waits for the greeting until the relay hangs up (Release).
class SilentRelay {
 public:
  SilentRelay() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(listen(listener_, 8) == 0);
    // Accept gives up after 30 s rather than hang a broken test.
    timeval wait{30, 0};
    setsockopt(listener_, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    socklen_t len = sizeof a;
    REQUIRE(getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
  }
  ~SilentRelay() {
    Release();
    close(listener_);
  }
  int port() const { return port_; }
  // Blocks until a client has connected; keeps the connection open.
  void Accept() {
    int fd = accept(listener_, nullptr, nullptr);
    REQUIRE(fd >= 0);
    open_.push_back(fd);
  }
  // Hangs up every accepted connection: their clients fail at once.
  void Release() {
    for (int fd : open_) close(fd);
    open_.clear();
  }

 private:
  int listener_ = -1;
  int port_ = 0;
  std::vector<int> open_;
};

TEST_CASE("console settings: one test message per account at a time; a second one is 429") {
  Admin a;
  SilentRelay relay;
  Answer(Send(a.server, "PUT", "/console/api/settings/mail", a.session, RelayBody(relay.port())),
         200);
  int first_status = 0;
  std::string first_body;
  std::thread first([&] {
    auto r = Send(a.server, "POST", "/console/api/settings/mail/test", a.session, "{}");
    if (!r) return;
    first_status = r->status;
    first_body = r->body;
  });
  relay.Accept();  // the first message is in flight: its handler holds the account's slot
  auto second = Send(a.server, "POST", "/console/api/settings/mail/test", a.session, "{}");
  REQUIRE(second);
  CHECK(second->status == 429);
  CHECK(Details(second->body) ==
        "a test message of this account is already being sent; retry when it has finished");
  CHECK(second->get_header_value("Retry-After") == "10");
  relay.Release();
  first.join();
  INFO(first_body);
  CHECK(first_status == 200);
  CHECK_FALSE(Json(first_body).Find("mail_test")->Find("success")->as_bool());

  // The slot was given back: the next test message runs (and fails as the
  // relay hangs up again).
  int third_status = 0;
  std::thread third([&] {
    auto r = Send(a.server, "POST", "/console/api/settings/mail/test", a.session, "{}");
    if (r) third_status = r->status;
  });
  relay.Accept();
  relay.Release();
  third.join();
  CHECK(third_status == 200);
}

TEST_CASE("console settings: retention is shown, set and cleared with the CLI's rules") {
  Admin a;
  const int64_t account = a.server.creds().account_id;
  auto stored = [&] {
    std::optional<int64_t> days;
    REQUIRE(a.server.store()
                .Read([&](Db& db) {
                  auto got = GetRetentionSetting(db, account);
                  if (got.ok()) days = *got;
                  return got.status();
                })
                .ok());
    return days;
  };
  Value none = Answer(Send(a.server, "GET", "/console/api/settings/retention", a.session), 200);
  CHECK(none.Find("retention")->Find("interview_days")->is_null());
  CHECK(none.Find("retention")->Find("max_days")->as_int() == kMaxRetentionDays);

  Value set = Answer(Send(a.server, "PUT", "/console/api/settings/retention", a.session,
                          R"({"retention": {"interview_days": 30}})"),
                     200);
  CHECK(set.Find("retention")->Find("interview_days")->as_int() == 30);
  CHECK(stored() == std::optional<int64_t>(30));
  Value got = Answer(Send(a.server, "GET", "/console/api/settings/retention", a.session), 200);
  CHECK(got.Find("retention")->Find("interview_days")->as_int() == 30);

  for (const char* days : {"0", "36501", "-3"}) {
    CAPTURE(days);
    auto bad = Send(a.server, "PUT", "/console/api/settings/retention", a.session,
                    std::string(R"({"retention": {"interview_days": )") + days + "}}");
    REQUIRE(bad);
    CHECK(bad->status == 412);
    CHECK(Details(bad->body).find("interview_days") != std::string::npos);
  }
  auto text = Send(a.server, "PUT", "/console/api/settings/retention", a.session,
                   R"({"retention": {"interview_days": "soon"}})");
  REQUIRE(text);
  CHECK(text->status == 400);
  CHECK(stored() == std::optional<int64_t>(30));

  Value clear = Answer(Send(a.server, "PUT", "/console/api/settings/retention", a.session,
                            R"({"retention": {"interview_days": null}})"),
                       200);
  CHECK(clear.Find("retention")->Find("interview_days")->is_null());
  CHECK_FALSE(stored().has_value());
}

TEST_CASE("console settings: a recruiter gets 403 on every admin settings route") {
  Admin a;
  Answer(Send(a.server, "POST", "/console/api/users", a.session,
              R"({"user": {"email": "rita@agency.test", "name": "Rita", "role": "recruiter",
                  "invite": false}})"),
         201);
  SetUserPassword(a.server, "rita@agency.test", kPassword);
  ConsoleSession rita = SignIn(a.server, "rita@agency.test", kPassword);
  for (const auto& route : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/console/api/settings/mail"},
           {"PUT", "/console/api/settings/mail"},
           {"POST", "/console/api/settings/mail/test"},
           {"GET", "/console/api/settings/retention"},
           {"PUT", "/console/api/settings/retention"}}) {
    const std::string& method = route.first;  // named: see above
    const std::string& path = route.second;
    CAPTURE(method);
    CAPTURE(path);
    auto r = Send(a.server, method, path, rita, R"({"retention": {"interview_days": 1}})");
    REQUIRE(r);
    CHECK(r->status == 403);
    CHECK(Details(r->body) == "this needs the admin role");
  }
  // The ATS notification settings are the admins' too, through the API: a
  // recruiter may read them but not change or test them; an admin may.
  const std::string body =
      R"({"notification_settings": {"host": "https://ats.example", "endpoint": "/hook",
          "method": "POST"}})";
  auto read = Send(a.server, "GET", "/api/settings/notifications", rita, "");
  REQUIRE(read);
  CHECK(read->status == 200);
  for (const char* path : {"/api/settings/notifications", "/api/settings/notifications/test"}) {
    CAPTURE(path);
    auto r = Send(a.server, std::string(path).find("test") != std::string::npos ? "POST" : "PUT",
                  path, rita, body);
    REQUIRE(r);
    CHECK(r->status == 403);
    CHECK(Details(r->body) == "only an account admin can change the account's settings");
  }
  auto put = Send(a.server, "PUT", "/api/settings/notifications", a.session, body);
  REQUIRE(put);
  CHECK(put->status == 200);
}

}  // namespace
}  // namespace cammio
