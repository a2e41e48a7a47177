// Tests for src/mail/enqueue, outbox, settings and sender, end to end (the
// `cammio mail` commands: tests/cli/mail_commands_test.cc): events queue
// email in their own transaction, the sender delivers it to a real SMTP
// server (tests/testing/smtp_peer.h) with a ManualClock driving the backoff,
// and Python's email package parses what arrived.
#include "mail/sender.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "mail/enqueue.h"
#include "mail/outbox.h"
#include "mail/settings.h"
#include "store/accounts.h"
#include "store/interviews.h"
#include "store/invitations.h"
#include "store/vacancies.h"
#include "testing/mail_world.h"
#include "testing/smtp_peer.h"
#include "testing/test_support.h"
#include "tls/certificate.h"
#include "util/random.h"

namespace cammio::mail {
namespace {

TEST_CASE("mail: every kind of email, in English and Dutch, parses and carries its link") {
  World w;
  SmtpPeer peer;
  REQUIRE_PEER(peer);
  int64_t en = w.Vacancy("Backend Developer", "automated", std::string("en"),
                         std::string("We look forward to meeting you.\n\nGood luck!"));
  int64_t nl = w.Vacancy("Ontwikkelaar \xE2\x80\x93 Zo\xC3\xAB's team", "live", std::string("nl"),
                         std::string("Wij kijken ernaar uit je te ontmoeten."));
  Invitation bob = w.Invite(en, "bob@example.com", "Bob de Bouwer");
  Invitation zoe =
      w.Invite(nl, "zoe@example.com", "Zo\xC3\xAB Jansen", "2023-12-05T14:30:00+01:00");
  Guest guest = w.AddGuest(zoe.id, "Gert Gast", "gert@example.com");
  int64_t interview = w.Complete(bob.id);
  Reviewer rev = w.AddReviewer(interview, "Rob Reviewer", "rob@example.com");

  auto pending = w.Outbox("pending");
  REQUIRE(pending.size() == 5);
  CHECK(pending[0].last_error.value_or("") == kNoRelayReason);

  w.Relay(peer.port());
  Sender sender(*w.store, w.clock, Fast());
  CHECK(sender.RunOnce() == 5);
  REQUIRE(peer.WaitForMessages(5));
  CHECK(w.Outbox("sent").size() == 5);
  auto msgs = peer.Messages();
  for (const auto& m : msgs) CheckWellFormed(m);

  {
    INFO("(1) candidate invitation, English, automated");
    const Value* m = MessageTo(msgs, "bob@example.com");
    REQUIRE(m != nullptr);
    CHECK(m->Find("subject")->as_string() == "Invitation: video interview for Backend Developer");
    CHECK(m->Find("to_name")->as_string() == "Bob de Bouwer");
    CHECK(m->Find("reply_to")->as_string() == "rita@agency.test");
    std::string text = Part(*m, "text/plain")->Find("content")->as_string();
    std::string html = Part(*m, "text/html")->Find("content")->as_string();
    std::string link = std::string(kPublicUrl) + "/public/job_interviews/" + bob.token;
    CHECK(text.find("Dear Bob de Bouwer,") != std::string::npos);
    CHECK(text.find("Rita Recruiter invites you") != std::string::npos);
    CHECK(text.find("We look forward to meeting you.\n\nGood luck!") != std::string::npos);
    CHECK(text.find(link) != std::string::npos);
    CHECK(html.find("<a href=\"" + link + "\"") != std::string::npos);
    CHECK(html.find("<p>Good luck!</p>") != std::string::npos);
  }
  {
    INFO("(1) candidate invitation, Dutch, live, RFC 2047 subject");
    const Value* m = MessageTo(msgs, "zoe@example.com");
    REQUIRE(m != nullptr);
    CHECK(m->Find("subject")->as_string() ==
          "Uitnodiging: video-interview voor Ontwikkelaar \xE2\x80\x93 Zo\xC3\xAB's team");
    std::string raw_headers = m->Find("raw_headers")->as_string();
    CHECK(raw_headers.find("Subject: =?UTF-8?B?") != std::string::npos);
    CHECK(raw_headers.find("To: =?UTF-8?B?") != std::string::npos);
    CHECK(m->Find("to_name")->as_string() == "Zo\xC3\xAB Jansen");
    std::string text = Part(*m, "text/plain")->Find("content")->as_string();
    CHECK(text.find("Beste Zo\xC3\xAB Jansen,") != std::string::npos);
    CHECK(text.find("nodigt je uit voor een video-interview voor de vacature") !=
          std::string::npos);
    CHECK(
        text.find("Het interview staat gepland op dinsdag 5 december 2023 om 14:30 (UTC+01:00).") !=
        std::string::npos);
    CHECK(text.find("Wij kijken ernaar uit je te ontmoeten.") != std::string::npos);
    CHECK(text.find(std::string(kPublicUrl) + "/public/job_interviews/" + zoe.token) !=
          std::string::npos);
    CHECK(Part(*m, "text/html")->Find("content")->as_string().find("<html lang=\"nl\">") !=
          std::string::npos);
  }
  {
    INFO("(2) guest invitation: date, time and the guest's own link");
    const Value* m = MessageTo(msgs, "gert@example.com");
    REQUIRE(m != nullptr);
    CHECK(m->Find("subject")->as_string().rfind("Uitnodiging: live video-interview met Zo", 0) ==
          0);
    std::string text = Part(*m, "text/plain")->Find("content")->as_string();
    CHECK(text.find("Beste Gert Gast,") != std::string::npos);
    CHECK(text.find("dinsdag 5 december 2023 om 14:30") != std::string::npos);
    std::string link = GuestLink(PublicLinks(kPublicUrl), zoe.token, guest.id);
    CHECK(link.rfind(std::string(kPublicUrl) + "/public/guests/" + std::to_string(guest.id) + ".",
                     0) == 0);
    CHECK(text.find(link) != std::string::npos);
    CHECK(text.find(zoe.token) == std::string::npos);  // never the candidate's link
  }
  {
    INFO("(3) reviewer invitation");
    const Value* m = MessageTo(msgs, "rob@example.com");
    REQUIRE(m != nullptr);
    CHECK(m->Find("subject")->as_string() ==
          "Please review the video interview of Bob de Bouwer for Backend Developer");
    std::string text = Part(*m, "text/plain")->Find("content")->as_string();
    CHECK(text.find("Dear Rob Reviewer,") != std::string::npos);
    CHECK(text.find(std::string(kPublicUrl) + "/public/reviews/" + rev.token) != std::string::npos);
  }
  {
    INFO("(4) the recruiter hears of the completed interview");
    const Value* m = MessageTo(msgs, "rita@agency.test");
    REQUIRE(m != nullptr);
    CHECK(m->Find("subject")->as_string() ==
          "Bob de Bouwer completed the video interview for Backend Developer");
    std::string text = Part(*m, "text/plain")->Find("content")->as_string();
    CHECK(text.find("Dear Rita Recruiter,") != std::string::npos);
    CHECK(text.find("on Tuesday 14 November 2023 at 22:13 (UTC)") != std::string::npos);
    CHECK(text.find(std::string(kPublicUrl) + "/recruiter/reviews/" + std::to_string(interview)) !=
          std::string::npos);
  }
}

TEST_CASE("mail: an email is committed with its event or not at all") {
  World w;
  int64_t v = w.Vacancy("Job", "automated", std::nullopt, std::nullopt);
  Status s = w.store->Write([&](Db& db) {
    Invitation inv;
    inv.account_id = w.account_id;
    inv.vacancy_id = v;
    inv.recruiter_id = w.user_id;
    inv.candidate_email = "x@example.com";
    inv.candidate_name = "X";
    inv.token = RandomToken(20);
    Status st = InsertInvitation(db, &inv);
    if (st.ok())
      st = EnqueueCandidateInvitation(db, PublicLinks(kPublicUrl), w.account_id, inv.id, 1);
    if (st.ok()) st = Status::PreconditionFailed("the handler fails after queueing");
    return st;
  });
  CHECK_FALSE(s.ok());
  CHECK(w.Outbox().empty());
  // Unknown rows are NotFound, and queue nothing.
  s = w.store->Write([&](Db& db) {
    return EnqueueCandidateInvitation(db, PublicLinks(kPublicUrl), w.account_id, 999, 1);
  });
  CHECK(s.IsNotFound());
  CHECK(w.Outbox().empty());
}

TEST_CASE("mail: 451 is retried after the backoff, then delivered once") {
  World w;
  SmtpPeerOptions po;
  po.tempfail = 1;
  SmtpPeer peer(po);
  REQUIRE_PEER(peer);
  w.Relay(peer.port());
  w.Invite(w.Vacancy("Job", "automated", std::nullopt, std::nullopt), "bob@example.com", "Bob");
  Sender sender(*w.store, w.clock, Fast());

  CHECK(sender.RunOnce() == 1);
  OutboxMail m = w.Outbox()[0];
  CHECK(m.status == "pending");
  CHECK(m.attempts == 1);
  CHECK(m.last_error.value_or("").find("451 4.3.0 try again later") != std::string::npos);
  CHECK(m.next_attempt_at == w.clock.Now() + 60);
  CHECK(peer.Count() == 0);

  CHECK(sender.RunOnce() == 0);  // not due yet
  w.clock.Advance(60);
  CHECK(sender.RunOnce() == 1);
  m = w.Outbox()[0];
  CHECK(m.status == "sent");
  CHECK(m.attempts == 2);
  CHECK_FALSE(m.last_error.has_value());
  CHECK(m.sent_at == w.clock.Now());
  REQUIRE(peer.WaitForMessages(1));
  w.clock.Advance(3600);
  CHECK(sender.RunOnce() == 0);
  CHECK(peer.Count() == 1);
}

TEST_CASE("mail: 550 fails the message permanently; the others of the batch are sent") {
  World w;
  SmtpPeerOptions po;
  po.reject = "nobody";
  SmtpPeer peer(po);
  REQUIRE_PEER(peer);
  w.Relay(peer.port());
  int64_t v = w.Vacancy("Job", "automated", std::nullopt, std::nullopt);
  w.Invite(v, "first@example.com", "First");
  w.Invite(v, "nobody@example.com", "Nobody");
  w.Invite(v, "last@example.com", "Last");
  Sender sender(*w.store, w.clock, Fast());
  CHECK(sender.RunOnce() == 3);
  auto rows = w.Outbox();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].status == "sent");
  CHECK(rows[1].status == "failed");
  CHECK(rows[1].last_error.value_or("").find("RCPT TO: 550 5.1.1") != std::string::npos);
  CHECK(rows[2].status == "sent");
  w.clock.Advance(7 * 24 * 3600);
  CHECK(sender.RunOnce() == 0);  // failed is final
  REQUIRE(peer.WaitForMessages(2));
  CHECK(peer.Count() == 2);
}

TEST_CASE("mail: transient failures for longer than the retry window fail the message") {
  World w;
  w.Relay(ClosedPort());
  w.Invite(w.Vacancy("Job", "automated", std::nullopt, std::nullopt), "bob@example.com", "Bob");
  SenderOptions o = Fast();
  Sender sender(*w.store, w.clock, o);
  const int64_t start = w.clock.Now();
  int attempts = 0;
  while (w.Outbox("pending").size() == 1 && attempts < 200) {
    attempts += sender.RunOnce();
    OutboxMail m = w.Outbox()[0];
    if (m.status != "pending") break;
    CHECK(m.last_error.value_or("").find("connect to 127.0.0.1") != std::string::npos);
    CHECK(m.next_attempt_at - w.clock.Now() == Sender::Backoff(o, m.attempts));
    w.clock.Set(m.next_attempt_at);
  }
  OutboxMail m = w.Outbox()[0];
  CHECK(m.status == "failed");
  CHECK(m.last_error.value_or("").find("gave up after 72 hours") != std::string::npos);
  CHECK(w.clock.Now() - start >= o.retry_window_s);
  CHECK(w.clock.Now() - start < o.retry_window_s + o.max_backoff_s);
  CHECK(Sender::Backoff(o, 1) == 60);
  CHECK(Sender::Backoff(o, 2) == 120);
  CHECK(Sender::Backoff(o, 30) == 7200);
}

TEST_CASE("mail: disable_email suppresses all email of the account") {
  World w;
  int64_t v = w.Vacancy("Job", "live", std::nullopt, std::nullopt);
  REQUIRE_OK(w.store->Write(
      [&](Db& db) { return db.Prepare(kDisableEmail).Bind(1, w.account_id).Run(); }));
  Invitation inv = w.Invite(v, "bob@example.com", "Bob", "2023-12-05T14:30:00Z");
  w.AddGuest(inv.id, "Gert", "gert@example.com");
  int64_t interview = w.Complete(inv.id);
  w.AddReviewer(interview, "Rob", "rob@example.com");
  CHECK(w.Outbox().empty());
  Result<bool> disabled = false;
  REQUIRE_OK(w.store->Read([&](Db& db) {
    disabled = EmailDisabled(db, w.account_id);
    return disabled.status();
  }));
  CHECK(*disabled);
}

TEST_CASE("mail: mail pending at a restart is delivered once by the new sender") {
  World w;
  SmtpPeer peer;
  REQUIRE_PEER(peer);
  w.Relay(peer.port());
  int64_t v = w.Vacancy("Job", "automated", std::nullopt, std::nullopt);
  w.Invite(v, "first@example.com", "First");
  {
    Sender sender(*w.store, w.clock, Fast());
    sender.Start();
    sender.Kick();
    REQUIRE(peer.WaitForMessages(1));
    sender.Stop();
  }
  // Queued while no sender runs, then the server goes down.
  w.Invite(v, "second@example.com", "Second");
  w.store->Close();
  w.store.reset();

  w.Open();
  CHECK(w.Outbox("pending").size() == 1);
  Sender sender(*w.store, w.clock, Fast());
  sender.Start();  // no Kick: a start looks at the outbox by itself
  REQUIRE(peer.WaitForMessages(2));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (w.Outbox("sent").size() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  sender.Stop();
  CHECK(w.Outbox("sent").size() == 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto msgs = peer.Messages();
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[0].Find("rcpt_tos")->items()[0].as_string() == "first@example.com");
  CHECK(msgs[1].Find("rcpt_tos")->items()[0].as_string() == "second@example.com");
  CHECK(msgs[0].Find("message_id")->as_string() != msgs[1].Find("message_id")->as_string());
}

TEST_CASE("mail: Stop() does not wait for a silent relay") {
  World w;
  // Accepts connections (the kernel does) but never says a word.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  w.Relay(ntohs(addr.sin_port));
  w.Invite(w.Vacancy("Job", "automated", std::nullopt, std::nullopt), "bob@example.com", "Bob");

  SenderOptions o = Fast();
  o.smtp.io_timeout = std::chrono::milliseconds(120000);
  Sender sender(*w.store, w.clock, o);
  sender.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // in the greeting wait
  auto start = std::chrono::steady_clock::now();
  sender.Stop();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  ::close(fd);
  OutboxMail m = w.Outbox()[0];
  CHECK(m.status == "pending");  // retried at the next start
}

TEST_CASE("mail: relay settings are validated; configuring one makes the backlog due") {
  World w;
  RelaySettings r;
  r.account_id = w.account_id;
  r.host = "smtp.example.com";
  r.port = 587;
  r.from_address = "no-reply@agency.test";
  auto put = [&](const RelaySettings& s) {
    return w.store->Write([&](Db& db) { return PutRelaySettings(db, s, w.clock.Now()); });
  };
  REQUIRE_OK(put(r));
  RelaySettings bad = r;
  bad.host = "smtp example.com";
  CHECK(put(bad).code() == Status::Code::kPreconditionFailed);
  bad = r;
  bad.from_address = "nobody";
  CHECK(put(bad).code() == Status::Code::kPreconditionFailed);
  bad = r;
  bad.password = "secret";  // without a user
  CHECK(put(bad).code() == Status::Code::kPreconditionFailed);
  bad = r;
  bad.username = "user\r\nRCPT TO:<x@y>";
  CHECK(put(bad).code() == Status::Code::kPreconditionFailed);
  bad = r;
  bad.ca_pem = "not a certificate";
  CHECK(put(bad).code() == Status::Code::kPreconditionFailed);
  bad = r;
  bad.account_id = 999;
  CHECK_FALSE(put(bad).ok());

  Result<RelaySettings> got = Status::Internal("unset");
  REQUIRE_OK(w.store->Read([&](Db& db) {
    got = GetRelaySettings(db, w.account_id);
    return got.status();
  }));
  CHECK(got->host == "smtp.example.com");
  CHECK(got->security == Security::kStartTls);
  CHECK(got->verify_tls);

  // A mail waiting out a backoff becomes due at once with a new relay.
  w.Invite(w.Vacancy("Job", "automated", std::nullopt, std::nullopt), "bob@example.com", "Bob");
  int64_t id = w.Outbox()[0].id;
  REQUIRE_OK(w.store->Write([&](Db& db) {
    return MarkMailRetry(db, id, w.clock.Now(), w.clock.Now() + 7200, "451 later");
  }));
  CHECK(w.Mail(id).next_attempt_at == w.clock.Now() + 7200);
  w.clock.Advance(5);
  REQUIRE_OK(put(r));
  OutboxMail m = w.Mail(id);
  CHECK(m.next_attempt_at == w.clock.Now());
  CHECK(m.attempts == 0);
  CHECK_FALSE(m.first_attempt_at.has_value());
  CHECK(m.body_text.find("/public/job_interviews/") != std::string::npos);
}

}  // namespace
}  // namespace cammio::mail
