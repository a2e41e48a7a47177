// End to end through the real `cammio` binary: `cammio serve` with the
// notification and mail senders it starts itself, configured with the admin
// CLI (`cammio mail settings`, `cammio notifications settings`), talking to
// real peers on loopback: the HTTPS ATS receiver (its own CA) and the
// aiosmtpd SMTP server. The candidate completes an interview through the
// public endpoints (tus upload + complete), exactly as the candidate page does.
//
// Covers the wiring the unit tests of notify/ and mail/ cannot: the completion
// event feeds both outboxes, the API's writes queue email, senders are woken
// after the commit, and a restart with a delivery pending neither loses it nor
// sends it under another id.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include <doctest/doctest.h>
#include "testing/api_helpers.h"
#include "testing/ats_receiver.h"
#include "testing/smtp_peer.h"
#include "testing/test_support.h"
#include "tls/client.h"
#include "util/crypto.h"

namespace cammio {
namespace {

using namespace testing;  // NOLINT: the helpers of tests/testing
using testing::AtsReceiver;
using testing::ReceivedRequest;
using testing::SmtpPeer;

// Runs the binary with `args`, answers its exit code and stdout.
int RunCammio(const std::vector<std::string>& args, std::string* out) {
  std::string cmd = CAMMIO_BINARY;
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  out->clear();
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string LineValue(const std::string& text, const std::string& label) {
  size_t at = text.find(label);
  if (at == std::string::npos) return "";
  at = text.find_first_not_of(' ', at + label.size());
  return text.substr(at, text.find('\n', at) - at);
}

// `cammio serve` as a child process on a free port.
class ServeProcess {
 public:
  // Each run logs to its own file, so the port read is this run's.
  explicit ServeProcess(const std::string& data)
      : data_(data), log_(data + "/serve-" + std::to_string(++runs_) + ".log") {
    // The ATS receiver is on loopback: allowed explicitly, as an operator would.
    const std::string conf = data + "/serve.conf";
    std::ofstream(conf) << "outbound_allow = 127.0.0.0/8, ::1/128\n";
    std::vector<std::string> args = {CAMMIO_BINARY, "serve", "--config", conf,
                                     "--data",      data,    "--listen", "127.0.0.1:0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, log_.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    REQUIRE(posix_spawn(&pid_, CAMMIO_BINARY, &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    const std::string marker = "listening on https://127.0.0.1:";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (port_ == 0 && std::chrono::steady_clock::now() < deadline) {
      std::string log = ReadFile(log_);
      size_t at = log.rfind(marker);
      if (at != std::string::npos) port_ = std::atoi(log.c_str() + at + marker.size());
      if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    INFO("serve log: " << ReadFile(log_));
    REQUIRE(port_ != 0);
  }
  ~ServeProcess() { Stop(); }

  // SIGTERM and wait: the graceful stop an operator's restart does.
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  std::unique_ptr<tls::TlsClient> Client(const std::string& user = "",
                                         const std::string& token = "") const {
    tls::TlsClientOptions o;
    o.ca_pem = ReadFile(data_ + "/tls/cert.pem");
    o.server_name = "localhost";
    auto c = std::make_unique<tls::TlsClient>("127.0.0.1", port_, o);
    if (!user.empty()) {
      c->set_default_headers({{"Authorization", "Basic " + Base64Encode(user + ":" + token)}});
    }
    return c;
  }
  std::string log() const { return ReadFile(log_); }

 private:
  static inline int runs_ = 0;
  std::string data_, log_;
  pid_t pid_ = -1;
  int port_ = 0;
};

struct Account {
  std::string user, token;
};

// Demo account, relay and ATS settings through the CLI; answers the signing
// secret the notification settings generated.
Account Provision(const std::string& data, const SmtpPeer& smtp, const AtsReceiver& ats,
                  std::string* secret) {
  std::string out;
  REQUIRE(RunCammio({"demo", "--data", data}, &out) == 0);
  Account a{LineValue(out, "username:"), LineValue(out, "access token:")};
  REQUIRE(!a.token.empty());
  INFO("mail settings: " << out);
  REQUIRE(RunCammio({"mail", "settings", "--data", data, "--account", "1", "--host", "127.0.0.1",
                     "--port", std::to_string(smtp.port()), "--security", "none", "--from",
                     "jobs@agency.test", "--from-name", "Agency Jobs"},
                    &out) == 0);
  Value settings = Value::Object();
  settings.Set("host", Value::String(ats.host()));
  settings.Set("endpoint", Value::String("/ats/{{employee_id}}"));
  settings.Set("method", Value::String("POST"));
  settings.Set("content_type", Value::String("application/json"));
  settings.Set("body_msg",
               Value::String(R"({"employee": "{{employee_id}}", "url": "{{CAMMIO_URL}}"})"));
  settings.Set("ca_pem", Value::String(ats.ca_pem()));
  settings.Set("username", Value::String("ats-user"));
  settings.Set("password", Value::String("ats-pass"));
  settings.Set("timeout_seconds", Value::Int(5));
  settings.Set("generate_signing_secret", Value::Bool(true));
  const std::string file = data + "/notify.json";
  std::ofstream(file) << RenderJson(Value::Wrap("notification_settings", settings));
  REQUIRE(RunCammio(
              {"notifications", "settings", "--data", data, "--account", "1", "--json-file", file},
              &out) == 0);
  INFO("notifications settings: " << out);
  Value doc = Json(out);
  const Value& s = At(doc, "notification_settings");
  CHECK(At(s, "has_password").as_bool());
  CHECK(out.find("ats-pass") == std::string::npos);
  *secret = Str(s, "signing_secret");
  REQUIRE(secret->rfind("whsec_", 0) == 0);
  // Printing the settings again never shows the secret.
  REQUIRE(RunCammio({"notifications", "settings", "--data", data, "--account", "1"}, &out) == 0);
  CHECK(out.find(*secret) == std::string::npos);
  return a;
}

Value Parse(const httplib::Result& r, int status) {
  INFO("transport error: " << httplib::to_string(r.error()));
  REQUIRE(r);
  INFO("status " << r->status << ": " << r->body);
  REQUIRE(r->status == status);
  return Json(r->body);
}

// A one-question vacancy; answers its id and its question's id.
std::pair<int64_t, int64_t> CreateVacancy(httplib::ClientImpl& api) {
  Value v = Unwrap(Parse(api.Post("/api/vacancies", R"({"vacancy": {"title": "Nurse",
      "kind": "automated", "language": "en", "datetime_start": "2026-01-01T00:00:00Z",
      "datetime_end": "2099-01-01T00:00:00Z",
      "questions": [{"title": "Why us?", "answering_time": "00:01:00"}]}})",
                                  "application/json"),
                         201),
                   "vacancy");
  return {Int(v, "id"), Int(Unwrap(At(v, "questions").items().at(0), "question"), "id")};
}

// Invites `email` with callback params; answers the candidate's token.
std::string Invite(httplib::ClientImpl& api, int64_t vacancy, const std::string& email,
                   const std::string& employee_id) {
  Value params = Value::Object();
  params.Set("employee_id", Value::String(employee_id));
  Value body = Value::Object();
  body.Set("vacancy_id", Value::Int(vacancy));
  body.Set("candidate_email", Value::String(email));
  body.Set("candidate_firstname", Value::String("Ann"));
  body.Set("candidate_lastname", Value::String("Smit"));
  body.Set("callback_params", std::move(params));
  Value inv = Unwrap(
      Parse(api.Post("/api/invitations", RenderJson(Value::Wrap("invitation", std::move(body))),
                     "application/json"),
            201),
      "invitation");
  std::string url = Str(inv, "url");
  return url.substr(url.rfind('/') + 1);
}

// The candidate's side: one tus upload of a WebM recording, then complete.
void CompleteAsCandidate(httplib::ClientImpl& anon, const std::string& token, int64_t question) {
  const std::string base = "/public/job_interviews/" + token;
  std::string webm("\x1A\x45\xDF\xA3", 4);
  webm += std::string(4096, 'w');
  auto created = anon.Post((base + "/uploads").c_str(),
                           httplib::Headers{{"Tus-Resumable", "1.0.0"},
                                            {"Upload-Length", std::to_string(webm.size())},
                                            {"Upload-Metadata", "kind cmVjb3JkaW5n,question MQ=="}},
                           "", "application/offset+octet-stream");
  REQUIRE(created);
  INFO("create upload: " << created->status << " " << created->body);
  REQUIRE(created->status == 201);
  std::string location = created->get_header_value("Location");
  auto patched = anon.Patch(location.c_str(),
                            httplib::Headers{{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", "0"}},
                            webm, "application/offset+octet-stream");
  REQUIRE(patched);
  REQUIRE(patched->status == 204);
  std::string upload_id = location.substr(location.rfind('/') + 1);
  auto done = anon.Post((base + "/complete").c_str(),
                        R"({"recordings": [{"question_id": )" + std::to_string(question) +
                            R"(, "upload_id": )" + upload_id + "}]}",
                        "application/json");
  REQUIRE(done);
  INFO("complete: " << done->status << " " << done->body);
  REQUIRE(done->status == 200);
}

// The messages whose envelope recipient is `to`.
std::vector<Value> MailTo(const SmtpPeer& smtp, const std::string& to) {
  std::vector<Value> out;
  for (const Value& m : smtp.Messages()) {
    if (m.is_object() && m.Find("to_address") && m.Find("to_address")->is_string() &&
        m.Find("to_address")->as_string() == to) {
      out.push_back(m);
    }
  }
  return out;
}

bool WaitFor(const std::function<bool()>& cond, int seconds = 20) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

TEST_CASE(
    "e2e: cammio serve sends the invitation mail, the ATS notification and the "
    "recruiter mail of a completed interview") {
  TempDir data;
  SmtpPeer smtp;
  REQUIRE_MESSAGE(smtp.ok(), smtp.error());
  AtsReceiver ats;
  std::string secret;
  Account acc = Provision(data.path(), smtp, ats, &secret);
  ServeProcess serve(data.path());
  auto api = serve.Client(acc.user, acc.token);
  auto anon = serve.Client();

  auto [vacancy, question] = CreateVacancy(*api);
  std::string token = Invite(*api, vacancy, "ann@example.test", "E 42/\"x\"");

  // The invitation email reaches the candidate with the personal link.
  INFO("serve log: " << serve.log());
  REQUIRE(WaitFor([&] { return MailTo(smtp, "ann@example.test").size() == 1; }));
  Value invite_mail = MailTo(smtp, "ann@example.test")[0];
  CHECK(Str(invite_mail, "from_address") == "jobs@agency.test");
  CHECK(RenderJson(invite_mail).find("/public/job_interviews/" + token) != std::string::npos);
  CHECK(At(invite_mail, "defects").items().empty());

  CompleteAsCandidate(*anon, token, question);

  // The ATS receives one signed notification, rendered from the settings.
  REQUIRE(ats.WaitForCount(1, std::chrono::seconds(20)));
  ReceivedRequest r = ats.requests()[0];
  CHECK(r.method == "POST");
  CHECK(r.target == "/ats/E%2042%2F%22x%22");
  CHECK(r.Header("Content-Type").rfind("application/json", 0) == 0);
  CHECK(r.Header("Authorization") == "Basic " + Base64Encode("ats-user:ats-pass"));
  std::string why;
  CHECK_MESSAGE(AtsReceiver::VerifySignature(secret, r, &why), why);
  Value body = Json(r.body);
  CHECK(Str(body, "employee") == "E 42/\"x\"");
  const std::string cammio_url = Str(body, "url");
  CHECK(cammio_url.find("/recruiter/reviews/") != std::string::npos);

  // The interview is marked synchronized once the ATS accepted.
  // (The demo account also holds the demo story's reviewed interview.)
  Value list = Parse(api->Get("/api/interviews"), 200);
  int64_t interview = 0;
  for (const Value& item : list.items()) {
    if (Str(Unwrap(item, "interview"), "title") == "Nurse") {
      REQUIRE(interview == 0);
      interview = Int(Unwrap(item, "interview"), "id");
    }
  }
  REQUIRE(interview != 0);
  CHECK(cammio_url.substr(cammio_url.rfind('/') + 1) == std::to_string(interview));
  REQUIRE(WaitFor([&] {
    Value w = Unwrap(Parse(api->Get(("/api/interviews/" + std::to_string(interview)).c_str()), 200),
                     "interview");
    return !At(w, "datetime_synchronized").is_null();
  }));
  Value deliveries = Parse(api->Get("/api/notifications"), 200);
  REQUIRE(deliveries.items().size() == 1);
  CHECK(Str(Unwrap(deliveries.items()[0], "notification"), "status") == "delivered");

  // The recruiter hears of the completion by mail.
  REQUIRE(WaitFor([&] { return MailTo(smtp, acc.user).size() == 1; }));
  CHECK(RenderJson(MailTo(smtp, acc.user)[0])
            .find("/recruiter/reviews/" + std::to_string(interview)) != std::string::npos);

  // A reviewer invitation is mailed with the reviewer's own link.
  Value reviewer = Unwrap(
      Parse(api->Post(("/api/interviews/" + std::to_string(interview) + "/reviewers").c_str(),
                      R"({"reviewer": {"name": "Rita", "email": "rita@example.test"}})",
                      "application/json"),
            201),
      "reviewer");
  REQUIRE(WaitFor([&] { return MailTo(smtp, "rita@example.test").size() == 1; }));
  CHECK(RenderJson(MailTo(smtp, "rita@example.test")[0]).find("/public/reviews/") !=
        std::string::npos);
  CHECK(ats.count() == 1);  // nothing was sent twice
}

TEST_CASE("e2e: a delivery pending across a restart of cammio serve is sent once, same id") {
  TempDir data;
  SmtpPeer smtp;
  REQUIRE_MESSAGE(smtp.ok(), smtp.error());
  AtsReceiver ats;
  std::string secret;
  Account acc = Provision(data.path(), smtp, ats, &secret);
  ats.FailNext(1, 503);
  std::string webhook_id;
  {
    ServeProcess serve(data.path());
    auto api = serve.Client(acc.user, acc.token);
    auto anon = serve.Client();
    auto [vacancy, question] = CreateVacancy(*api);
    CompleteAsCandidate(*anon, Invite(*api, vacancy, "bob@example.test", "E7"), question);
    // The first attempt fails (503); the retry is scheduled seconds later.
    REQUIRE(ats.WaitForCount(1, std::chrono::seconds(20)));
    webhook_id = ats.requests()[0].Header("webhook-id");
    REQUIRE(!webhook_id.empty());
    Value d = Unwrap(Parse(api->Get("/api/notifications"), 200).items().at(0), "notification");
    CHECK(Str(d, "status") == "pending");
    serve.Stop();
  }
  CHECK(ats.count() == 1);
  ServeProcess again(data.path());
  REQUIRE(ats.WaitForCount(2, std::chrono::seconds(30)));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  std::vector<ReceivedRequest> got = ats.requests();
  REQUIRE(got.size() == 2);
  CHECK(got[1].Header("webhook-id") == webhook_id);
  CHECK(got[1].answered == 200);
  CHECK(AtsReceiver::VerifySignature(secret, got[1]));
  auto api = again.Client(acc.user, acc.token);
  REQUIRE(WaitFor([&] {
    Value d = Unwrap(Parse(api->Get("/api/notifications"), 200).items().at(0), "notification");
    return Str(d, "status") == "delivered";
  }));
}

}  // namespace
}  // namespace cammio
