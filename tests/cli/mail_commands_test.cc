// The `cammio mail` commands (src/cli/mail_commands.cc): `mail list` and
// `mail settings` against a data directory, with the sender delivering to a
// real SMTP server (tests/testing/smtp_peer.h) once a relay is configured.
#include <doctest/doctest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "mail/sender.h"
#include "testing/mail_world.h"
#include "testing/smtp_peer.h"
#include "testing/test_support.h"
#include "tls/certificate.h"

namespace cammio {
int MailCommand(const Args& a, Store& store);  // src/cli/mail_commands.cc
}

namespace cammio::mail {
namespace {

// Runs `cammio mail ...` (words after "mail") and returns its stdout.
std::string RunMailCommand(Store& store, std::vector<std::string> words,
                           std::map<std::string, std::string> flags, int* rc) {
  Args a;
  a.words = {"mail"};
  a.words.insert(a.words.end(), words.begin(), words.end());
  a.flags = std::move(flags);
  std::ostringstream out;
  std::streambuf* old = std::cout.rdbuf(out.rdbuf());
  *rc = MailCommand(a, store);
  std::cout.rdbuf(old);
  return out.str();
}

TEST_CASE("cli mail: without a relay mail is kept, listed, and sent once a relay is configured") {
  World w;
  SmtpPeer peer;
  REQUIRE_PEER(peer);
  w.Invite(w.Vacancy("Job", "automated", std::nullopt, std::nullopt), "bob@example.com", "Bob");
  Sender sender(*w.store, w.clock, Fast());
  CHECK(sender.RunOnce() == 0);
  w.clock.Advance(10 * 24 * 3600);  // days in an air-gapped demo
  CHECK(sender.RunOnce() == 0);

  int rc = -1;
  std::string out = RunMailCommand(*w.store, {"list"}, {{"status", "pending"}}, &rc);
  CHECK(rc == 0);
  auto listed = ParseJson(out);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  const Value& row = listed->items()[0];
  CHECK(row.Find("status")->as_string() == "pending");
  CHECK(row.Find("reason")->as_string() == "no relay configured");
  CHECK(row.Find("to")->as_string() == "bob@example.com");
  CHECK(row.Find("kind")->as_string() == "candidate_invitation");
  CHECK(row.Find("attempts")->as_int() == 0);
  out = RunMailCommand(*w.store, {"list"}, {{"status", "sent"}}, &rc);
  CHECK(out == "[]\n");
  RunMailCommand(*w.store, {"list"}, {{"status", "bogus"}}, &rc);
  CHECK(rc == 2);

  out = RunMailCommand(*w.store, {"settings"}, {{"account", std::to_string(w.account_id)}}, &rc);
  CHECK(rc == 0);
  CHECK(out == "null\n");
  // Creating needs --host and --from.
  RunMailCommand(*w.store, {"settings"},
                 {{"account", std::to_string(w.account_id)}, {"host", "127.0.0.1"}}, &rc);
  CHECK(rc == 1);
  out = RunMailCommand(*w.store, {"settings"},
                       {{"account", std::to_string(w.account_id)},
                        {"host", "127.0.0.1"},
                        {"port", std::to_string(peer.port())},
                        {"security", "none"},
                        {"from", "no-reply@agency.test"},
                        {"from-name", "Agency Recruitment"},
                        {"user", "mailer"},
                        {"password", "hunter2"}},
                       &rc);
  CHECK(rc == 0);
  CHECK(out.find("hunter2") == std::string::npos);
  auto shown = ParseJson(out);
  REQUIRE(shown.ok());
  CHECK(shown->Find("port")->as_int() == peer.port());
  CHECK(shown->Find("security")->as_string() == "none");
  CHECK(shown->Find("password_set")->as_bool());
  // The peer offers no AUTH: clear the user again (updates keep the rest).
  out = RunMailCommand(*w.store, {"settings"},
                       {{"account", std::to_string(w.account_id)}, {"user", ""}}, &rc);
  CHECK(rc == 0);
  shown = ParseJson(out);
  REQUIRE(shown.ok());
  CHECK(shown->Find("user")->is_null());
  CHECK_FALSE(shown->Find("password_set")->as_bool());
  CHECK(shown->Find("host")->as_string() == "127.0.0.1");
  RunMailCommand(*w.store, {"settings"},
                 {{"account", std::to_string(w.account_id)}, {"port", "70000"}}, &rc);
  CHECK(rc == 2);
  RunMailCommand(*w.store, {"settings"},
                 {{"account", std::to_string(w.account_id)}, {"from", "not an address"}}, &rc);
  CHECK(rc == 1);
  RunMailCommand(*w.store, {"settings"},
                 {{"account", std::to_string(w.account_id)}, {"pasword", "typo"}}, &rc);
  CHECK(rc == 2);

  CHECK(sender.RunOnce() == 1);
  REQUIRE(peer.WaitForMessages(1));
  CheckWellFormed(peer.Messages()[0]);
  out = RunMailCommand(*w.store, {"list"}, {{"account", std::to_string(w.account_id)}}, &rc);
  listed = ParseJson(out);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->items()[0].Find("status")->as_string() == "sent");
  CHECK(listed->items()[0].Find("reason")->is_null());
}

TEST_CASE("cli mail: a STARTTLS + AUTH relay configured with the CLI (CA file, password file)") {
  World w;
  TempDir tls;
  const std::string cert = tls.path() + "/cert.pem", key = tls.path() + "/key.pem";
  REQUIRE_OK(tls::GenerateSelfSignedCert({"localhost"}, cert, key));
  SmtpPeerOptions po;
  po.cert_file = cert;
  po.key_file = key;
  po.starttls = true;
  po.auth = "mailer:pa ss";
  SmtpPeer peer(po);
  REQUIRE_PEER(peer);
  const std::string password_file = tls.path() + "/password";
  { std::ofstream(password_file) << "pa ss\n"; }
  int rc = -1;
  std::string out = RunMailCommand(*w.store, {"settings"},
                                   {{"account", std::to_string(w.account_id)},
                                    {"host", "localhost"},
                                    {"port", std::to_string(peer.port())},
                                    {"from", "no-reply@agency.test"},
                                    {"from-name", "Agency Recruitment"},
                                    {"user", "mailer"},
                                    {"password-file", password_file},
                                    {"ca-file", cert},
                                    {"helo", "appliance.agency.test"}},
                                   &rc);
  REQUIRE(rc == 0);
  auto shown = ParseJson(out);
  REQUIRE(shown.ok());
  CHECK(shown->Find("security")->as_string() == "starttls");  // the default
  CHECK(shown->Find("ca_pem_set")->as_bool());
  CHECK(shown->Find("verify")->as_bool());
  CHECK(out.find("pa ss") == std::string::npos);

  w.Invite(w.Vacancy("Job", "automated", std::nullopt, std::nullopt), "bob@example.com", "Bob");
  Sender sender(*w.store, w.clock, Fast());
  CHECK(sender.RunOnce() == 1);
  REQUIRE(peer.WaitForMessages(1));
  Value m = peer.Messages()[0];
  CHECK(m.Find("tls")->as_bool());
  CHECK(m.Find("login")->as_string() == "mailer");
  CheckWellFormed(m);
  CHECK(w.Outbox("sent").size() == 1);

  // A relay that stops trusting us (wrong password) keeps the mail pending.
  RunMailCommand(*w.store, {"settings"},
                 {{"account", std::to_string(w.account_id)}, {"password", "wrong"}}, &rc);
  REQUIRE(rc == 0);
  w.Invite(w.Vacancy("Job 2", "automated", std::nullopt, std::nullopt), "eve@example.com", "Eve");
  CHECK(sender.RunOnce() == 1);
  auto pending = w.Outbox("pending");
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].last_error.value_or("").find("AUTH: 535") != std::string::npos);
}

}  // namespace
}  // namespace cammio::mail
