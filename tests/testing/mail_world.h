// The mail tests' world (tests/mail/sender_test.cc,
// tests/cli/mail_commands_test.cc): a data directory with one account and its
// recruiter, helpers that create what the API handlers create, sender options
// for tests, and the checks of a message as tests/testing/smtp_peer.h
// received and parsed it.
// Header-only; failures are doctest REQUIRE/CHECK failures of the calling test.
#pragma once

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mail/enqueue.h"
#include "mail/outbox.h"
#include "mail/sender.h"
#include "mail/settings.h"
#include "store/accounts.h"
#include "store/interviews.h"
#include "store/invitations.h"
#include "store/vacancies.h"
#include "testing/smtp_peer.h"
#include "testing/test_support.h"
#include "util/random.h"

namespace cammio::mail {

using testing::SmtpPeer;
using testing::SmtpPeerOptions;
using testing::TempDir;

inline constexpr const char kPublicUrl[] = "https://cammio.example:8443";
inline constexpr const char kDisableEmail[] =
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
inline int ClosedPort() {
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

inline SenderOptions Fast() {
  SenderOptions o;
  o.smtp.connect_timeout = std::chrono::milliseconds(3000);
  o.smtp.io_timeout = std::chrono::milliseconds(5000);
  o.poll_interval = std::chrono::milliseconds(200);
  return o;
}

inline const Value* Part(const Value& msg, const std::string& type) {
  for (const auto& p : msg.Find("parts")->items()) {
    if (p.Find("content_type")->as_string() == type) return &p;
  }
  return nullptr;
}

inline const Value* MessageTo(const std::vector<Value>& msgs, const std::string& address) {
  for (const auto& m : msgs) {
    if (m.Find("rcpt_tos")->items()[0].as_string() == address) return &m;
  }
  return nullptr;
}

// The message parsed cleanly: multipart/alternative, plain text and HTML in
// UTF-8 quoted-printable (with a live interview's calendar: multipart/mixed
// of those and a base64 text/calendar; method=REQUEST), CRLF only, short
// lines, Date and Message-ID.
inline void CheckWellFormed(const Value& m) {
  INFO("headers: " << m.Find("raw_headers")->as_string());
  CHECK(m.Find("parse_error") == nullptr);
  CHECK(m.Find("defects")->size() == 0);
  // With a calendar (live interviews): multipart/mixed of the alternative
  // and a text/calendar attachment.
  const bool calendar = m.Find("content_type")->as_string() == "multipart/mixed";
  if (!calendar) CHECK(m.Find("content_type")->as_string() == "multipart/alternative");
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
  REQUIRE(m.Find("parts")->size() == (calendar ? 3u : 2u));
  for (const auto& p : m.Find("parts")->items()) {
    CHECK(p.Find("charset")->as_string() == "utf-8");
    if (p.Find("content_type")->as_string() == "text/calendar") {
      CHECK(p.Find("method")->as_string() == "REQUEST");
      CHECK(p.Find("filename")->as_string() == "invite.ics");
      CHECK(p.Find("transfer_encoding")->as_string() == "base64");
    } else {
      CHECK(p.Find("transfer_encoding")->as_string() == "quoted-printable");
    }
  }
  if (calendar)
    CHECK(m.Find("parts")->items()[2].Find("content_type")->as_string() == "text/calendar");
}

}  // namespace cammio::mail
