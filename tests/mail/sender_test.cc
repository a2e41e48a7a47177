// Tests for src/mail/enqueue, outbox, settings, sender and the `cammio mail`
// commands, end to end: events queue email in their own transaction, the
// sender delivers it to a real SMTP server (tests/testing/smtp_peer.h) with a
// ManualClock driving the backoff, and Python's email package parses what
// arrived.
#include "mail/sender.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "cli/cli.h"
#include "mail/enqueue.h"
#include "mail/outbox.h"
#include "mail/settings.h"
#include "store/accounts.h"
#include "store/interviews.h"
#include "store/invitations.h"
#include "store/vacancies.h"
#include "testing/smtp_peer.h"
#include "testing/test_support.h"
#include "tls/certificate.h"
#include "util/random.h"

namespace cammio {
int MailCommand(const Args& a, Store& store);  // src/cli/mail_commands.cc
}

namespace cammio::mail {
namespace {

using testing::SmtpPeer;
using testing::SmtpPeerOptions;
using testing::TempDir;

constexpr const char kPublicUrl[] = "https://cammio.example:8443";
constexpr const char kDisableEmail[] =
    "INSERT INTO notification_settings (account_id, disable_email, updated_at) "
    "VALUES (?1, 1, 0)";

#define REQUIRE_OK(expr)                     \
  do {                                       \
    Status s_ = (expr);                      \
    REQUIRE_MESSAGE(s_.ok(), s_.ToString()); \
  } while (0)
#define REQUIRE_PEER(peer) REQUIRE_MESSAGE((peer).ok(), (peer).error())

// A data directory with one account, its recruiter, and helpers that create
// what the API handlers create.
struct World {
  TempDir dir;
  ManualClock clock{1700000000};
  std::unique_ptr<Store> store;
  int64_t account_id = 0;
  int64_t user_id = 0;

  World() {
    Open();
    REQUIRE_OK(store->Write([&](Db& db) {
      auto acc = CreateAccount(db, "Agency", clock.Now());
      if (!acc.ok()) return acc.status();
      account_id = acc->id;
      auto user = CreateUser(db, account_id, "rita@agency.test", "Rita Recruiter", std::nullopt,
                             clock.Now());
      if (!user.ok()) return user.status();
      user_id = user->id;
      return Status::OK();
    }));
  }

  void Open() {
    StoreOptions o;
    o.path = dir.path() + "/cammio.db";
    auto s = Store::Open(o);
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    store = std::move(s.value());
  }

  int64_t Vacancy(const std::string& title, const std::string& kind,
                  std::optional<std::string> language, std::optional<std::string> text) {
    cammio::Vacancy v;
    v.account_id = account_id;
    v.recruiter_id = user_id;
    v.title = title;
    v.kind = kind;
    v.language = std::move(language);
    v.generic_invitation_text = std::move(text);
    v.datetime_start = "2023-11-01T00:00:00Z";
    v.datetime_start_ts = 1698796800;
    v.datetime_end = "2033-11-01T00:00:00Z";
    v.datetime_end_ts = 2014329600;
    v.created_at = clock.Now();
    REQUIRE_OK(store->Write([&](Db& db) { return InsertVacancy(db, &v); }));
    return v.id;
  }

  // Creates an invitation and queues its email in the same transaction, as
  // the handler does.
  Invitation Invite(int64_t vacancy_id, const std::string& email, const std::string& name,
                    std::optional<std::string> scheduled = std::nullopt) {
    Invitation inv;
    inv.account_id = account_id;
    inv.vacancy_id = vacancy_id;
    inv.recruiter_id = user_id;
    inv.candidate_email = email;
    inv.candidate_name = name;
    inv.token = RandomToken(20);
    inv.created_at = inv.updated_at = clock.Now();
    if (scheduled) {
      auto d = ParseDatetime(*scheduled, "datetime_scheduled");
      REQUIRE(d.ok());
      inv.datetime_scheduled = d->text;
      inv.datetime_scheduled_ts = d->epoch;
    }
    REQUIRE_OK(store->Write([&](Db& db) {
      Status s = InsertInvitation(db, &inv);
      if (s.ok())
        s = EnqueueCandidateInvitation(db, PublicLinks(kPublicUrl), account_id, inv.id,
                                       clock.Now());
      return s;
    }));
    return inv;
  }

  Guest AddGuest(int64_t invitation_id, const std::string& name, const std::string& email) {
    Guest g;
    g.invitation_id = invitation_id;
    g.name = name;
    g.email = email;
    REQUIRE_OK(store->Write([&](Db& db) {
      Status s = InsertGuest(db, account_id, &g, clock.Now());
      if (s.ok()) {
        s = EnqueueGuestInvitation(db, PublicLinks(kPublicUrl), account_id, invitation_id, g.id,
                                   clock.Now());
      }
      return s;
    }));
    return g;
  }

  int64_t Complete(int64_t invitation_id) {
    int64_t interview_id = 0;
    Completion c;
    c.started_at = clock.Now() - 600;
    c.ended_at = clock.Now();
    REQUIRE_OK(store->Write([&](Db& db) {
      Status s = CompleteInvitation(db, invitation_id, c, &interview_id);
      if (s.ok())
        s = EnqueueInterviewCompleted(db, PublicLinks(kPublicUrl), account_id, interview_id,
                                      clock.Now());
      return s;
    }));
    return interview_id;
  }

  Reviewer AddReviewer(int64_t interview_id, const std::string& name, const std::string& email) {
    Reviewer r;
    r.interview_id = interview_id;
    r.name = name;
    r.email = email;
    r.token = RandomToken(20);
    REQUIRE_OK(store->Write([&](Db& db) {
      Status s = InsertReviewer(db, account_id, &r, clock.Now());
      if (s.ok()) {
        s = EnqueueReviewerInvitation(db, PublicLinks(kPublicUrl), account_id, interview_id, r.id,
                                      clock.Now());
      }
      return s;
    }));
    return r;
  }

  void Relay(int port) {
    RelaySettings r;
    r.account_id = account_id;
    r.host = "127.0.0.1";
    r.port = port;
    r.security = Security::kNone;
    r.from_address = "no-reply@agency.test";
    r.from_name = "Agency Recruitment";
    REQUIRE_OK(store->Write([&](Db& db) { return PutRelaySettings(db, r, clock.Now()); }));
  }

  std::vector<OutboxMail> Outbox(std::optional<std::string> status = std::nullopt) {
    std::vector<OutboxMail> rows;
    MailFilter f;
    f.status = std::move(status);
    REQUIRE_OK(store->Read([&](Db& db) { return ListMail(db, f, &rows); }));
    return rows;
  }

  OutboxMail Mail(int64_t id) {
    Result<OutboxMail> m = Status::Internal("unset");
    REQUIRE_OK(store->Read([&](Db& db) {
      m = GetMail(db, id);
      return m.status();
    }));
    return *m;
  }
};

// A loopback port nobody listens on (bound, noted, closed).
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

SenderOptions Fast() {
  SenderOptions o;
  o.smtp.connect_timeout = std::chrono::milliseconds(3000);
  o.smtp.io_timeout = std::chrono::milliseconds(5000);
  o.poll_interval = std::chrono::milliseconds(200);
  return o;
}

const Value* Part(const Value& msg, const std::string& type) {
  for (const auto& p : msg.Find("parts")->items()) {
    if (p.Find("content_type")->as_string() == type) return &p;
  }
  return nullptr;
}

const Value* MessageTo(const std::vector<Value>& msgs, const std::string& address) {
  for (const auto& m : msgs) {
    if (m.Find("rcpt_tos")->items()[0].as_string() == address) return &m;
  }
  return nullptr;
}

// The message parsed cleanly: multipart/alternative, plain text and HTML in
// UTF-8 quoted-printable, CRLF only, short lines, Date and Message-ID.
void CheckWellFormed(const Value& m) {
  INFO("headers: " << m.Find("raw_headers")->as_string());
  CHECK(m.Find("parse_error") == nullptr);
  CHECK(m.Find("defects")->size() == 0);
  CHECK(m.Find("content_type")->as_string() == "multipart/alternative");
  CHECK(m.Find("mime_version")->as_string() == "1.0");
  CHECK(m.Find("date_parses")->as_bool());
  CHECK(m.Find("message_id")->as_string().find("@cammio.example>") != std::string::npos);
  CHECK_FALSE(m.Find("bare_line_feed")->as_bool());
  CHECK_FALSE(m.Find("bare_carriage_return")->as_bool());
  CHECK_FALSE(m.Find("eight_bit")->as_bool());
  CHECK(m.Find("ends_with_crlf")->as_bool());
  CHECK(m.Find("max_line_length")->as_int() <= 78);
  CHECK(m.Find("from_address")->as_string() == "no-reply@agency.test");
  CHECK(m.Find("from_name")->as_string() == "Agency Recruitment");
  REQUIRE(m.Find("parts")->size() == 2);
  for (const auto& p : m.Find("parts")->items()) {
    CHECK(p.Find("charset")->as_string() == "utf-8");
    CHECK(p.Find("transfer_encoding")->as_string() == "quoted-printable");
  }
}

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

TEST_CASE("mail: without a relay mail is kept, listed, and sent once a relay is configured") {
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

TEST_CASE("mail: a STARTTLS + AUTH relay configured with the CLI (CA file, password file)") {
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
