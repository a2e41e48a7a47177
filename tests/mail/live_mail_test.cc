// The emails of a live invitation (src/mail/enqueue.h), end to end through a
// real SMTP server (tests/testing/smtp_peer.h): the candidate, the
// interviewer and each guest get one mail with the date and time, only their
// own link, and an iCalendar invitation that parses back (one VEVENT, the
// invitation's UID, UTC times, the recipient's link); disable_email sends
// none.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "mail/enqueue.h"
#include "store/erase.h"
#include "testing/ical_parse.h"
#include "testing/mail_world.h"

namespace cammio::mail {
namespace {

// A live invitation with interviewer "Ivan", queued like the API does: the
// candidate's, then the interviewer's mail.
Invitation InviteLive(World& w, int64_t vacancy_id) {
  Invitation inv;
  inv.account_id = w.account_id;
  inv.vacancy_id = vacancy_id;
  inv.recruiter_id = w.user_id;
  inv.candidate_email = "zoe@example.com";
  inv.candidate_name = "Zoe Jansen";
  inv.interviewer_name = "Ivan";
  inv.interviewer_email = "ivan@agency.test";
  inv.token = RandomToken(20);
  inv.created_at = inv.updated_at = w.clock.Now();
  auto d = ParseDatetime("2030-04-10T09:00:00+02:00", "datetime_scheduled");
  REQUIRE(d.ok());
  inv.datetime_scheduled = d->text;
  inv.datetime_scheduled_ts = d->epoch;
  REQUIRE_OK(w.store->Write([&](Db& db) {
    Status s = InsertInvitation(db, &inv);
    const PublicLinks links(kPublicUrl);
    if (s.ok()) s = EnqueueCandidateInvitation(db, links, w.account_id, inv.id, w.clock.Now());
    if (s.ok()) s = EnqueueInterviewerInvitation(db, links, w.account_id, inv.id, w.clock.Now());
    return s;
  }));
  return inv;
}

std::map<std::string, std::string> Event(const std::string& ics) {
  std::map<std::string, std::string> ev;
  int events = 0;
  for (const auto& p : testing::ParseIcs(ics)) {
    if (p.name == "BEGIN" && p.value == "VEVENT") ++events;
    ev[p.name] = p.value;  // the VEVENT's names are unique in cammio's objects
  }
  CHECK(events == 1);
  return ev;
}

TEST_CASE("mail live: candidate, interviewer and guest each get their own link and a calendar") {
  World w;
  SmtpPeer peer;
  REQUIRE_PEER(peer);
  int64_t v = w.Vacancy("Barista", "live", std::string("en"), std::nullopt);
  Invitation inv = InviteLive(w, v);
  Guest guest = w.AddGuest(inv.id, "Gert Gast", "gert@example.com");
  w.Relay(peer.port());
  Sender sender(*w.store, w.clock, Fast());
  CHECK(sender.RunOnce() == 3);
  REQUIRE(peer.WaitForMessages(3));
  auto msgs = peer.Messages();
  REQUIRE(msgs.size() == 3);

  const PublicLinks links(kPublicUrl);
  const std::string candidate_link = links.CandidateInterview(inv.token);
  const std::string interviewer_link = InterviewerLink(links, inv.token, inv.id);
  const std::string guest_link = GuestLink(links, inv.token, guest.id);
  struct Expect {
    const char* to;
    std::string link;
    const char* greeting;
  };
  const Expect expects[] = {{"zoe@example.com", candidate_link, "Dear Zoe Jansen,"},
                            {"ivan@agency.test", interviewer_link, "Dear Ivan,"},
                            {"gert@example.com", guest_link, "Dear Gert Gast,"}};
  std::string uid;
  for (const Expect& x : expects) {
    INFO("to " << x.to);
    const Value* m = MessageTo(msgs, x.to);
    REQUIRE(m != nullptr);
    CheckWellFormed(*m);
    CHECK(m->Find("content_type")->as_string() == "multipart/mixed");
    std::string text = Part(*m, "text/plain")->Find("content")->as_string();
    CHECK(text.find(x.greeting) != std::string::npos);
    CHECK(text.find("Wednesday 10 April 2030 at 09:00 (UTC+02:00)") != std::string::npos);
    CHECK(text.find(x.link) != std::string::npos);
    const Value* cal = Part(*m, "text/calendar");
    REQUIRE(cal != nullptr);
    std::string ics = cal->Find("content")->as_string();
    // Only this recipient's link, anywhere in the mail.
    for (const Expect& other : expects) {
      if (other.link == x.link) continue;
      CHECK(text.find(other.link) == std::string::npos);
      CHECK(Part(*m, "text/html")->Find("content")->as_string().find(other.link) ==
            std::string::npos);
      CHECK(ics.find(other.link) == std::string::npos);
    }
    if (std::string(x.to) != "zoe@example.com") CHECK(text.find(inv.token) == std::string::npos);
    // The reader normalised line endings to "\n": back to CRLF to parse.
    std::string crlf;
    for (char c : ics) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    auto ev = Event(crlf);
    CHECK(ev["METHOD"] == "REQUEST");
    CHECK(ev["DTSTART"] == "20300410T070000Z");
    CHECK(ev["DTEND"] == "20300410T080000Z");
    CHECK(ev["URL"] == x.link);
    CHECK(testing::IcsUnescape(ev["DESCRIPTION"]).find(x.link) != std::string::npos);
    CHECK(ev["ORGANIZER"] == "mailto:ivan@agency.test");
    CHECK(ev["ATTENDEE"] == std::string("mailto:") + x.to);
    CHECK(ev["SEQUENCE"] == "0");
    if (uid.empty()) uid = ev["UID"];
    CHECK(ev["UID"] == uid);  // one event, the same UID in every copy
    CHECK(ev["UID"].find(inv.token) == std::string::npos);
  }
  {
    INFO("the interviewer's mail is its own kind, about the invitation");
    bool found = false;
    for (const auto& row : w.Outbox()) {
      if (row.kind == kInterviewerInvitation) {
        found = true;
        CHECK(row.ref_id == inv.id);
        CHECK(row.to_address == "ivan@agency.test");
      }
    }
    CHECK(found);
  }
}

TEST_CASE("mail live: without interviewer details the recruiter is the interviewer; Dutch") {
  World w;
  int64_t v = w.Vacancy("Barista", "live", std::string("nl"), std::nullopt);
  Invitation inv = w.Invite(v, "zoe@example.com", "Zoe", "2030-04-10T09:00:00+02:00");
  REQUIRE_OK(w.store->Write([&](Db& db) {
    return EnqueueInterviewerInvitation(db, PublicLinks(kPublicUrl), w.account_id, inv.id,
                                        w.clock.Now());
  }));
  auto rows = w.Outbox();
  REQUIRE(rows.size() == 2);
  OutboxMail m = w.Mail(rows[1].id);
  CHECK(m.kind == kInterviewerInvitation);
  CHECK(m.to_address == "rita@agency.test");
  CHECK(m.body_text.find("Beste Rita Recruiter,") != std::string::npos);
  CHECK(m.body_text.find("woensdag 10 april 2030 om 09:00 (UTC+02:00)") != std::string::npos);
  CHECK(m.body_text.find(InterviewerLink(PublicLinks(kPublicUrl), inv.token, inv.id)) !=
        std::string::npos);
  REQUIRE(m.calendar.has_value());
  CHECK(m.calendar->find("SUMMARY:Live video-interview: Zoe (Barista)\r\n") != std::string::npos);
  // The candidate's mail carries a calendar too; automated mail none.
  CHECK(w.Mail(rows[0].id).calendar.has_value());
  int64_t automated = w.Vacancy("Chef", "automated", std::nullopt, std::nullopt);
  Invitation bob = w.Invite(automated, "bob@example.com", "Bob");
  REQUIRE_OK(w.store->Write([&](Db& db) {
    return EnqueueInterviewerInvitation(db, PublicLinks(kPublicUrl), w.account_id, bob.id,
                                        w.clock.Now());
  }));
  rows = w.Outbox();
  REQUIRE(rows.size() == 3);  // no interviewer mail for an automated invitation
  CHECK_FALSE(w.Mail(rows[2].id).calendar.has_value());
}

TEST_CASE("mail live: disable_email sends none of the three") {
  World w;
  int64_t v = w.Vacancy("Barista", "live", std::nullopt, std::nullopt);
  REQUIRE_OK(w.store->Write(
      [&](Db& db) { return db.Prepare(kDisableEmail).Bind(1, w.account_id).Run(); }));
  Invitation inv = InviteLive(w, v);
  w.AddGuest(inv.id, "Gert", "gert@example.com");
  CHECK(w.Outbox().empty());
}

TEST_CASE("mail live: erasing the invitation deletes the interviewer's mail with the others") {
  World w;
  int64_t v = w.Vacancy("Barista", "live", std::nullopt, std::nullopt);
  Invitation inv = InviteLive(w, v);
  w.AddGuest(inv.id, "Gert", "gert@example.com");
  REQUIRE(w.Outbox().size() == 3);
  REQUIRE_OK(w.store->Write([&](Db& db) {
    Eraser e(db, w.account_id, w.dir.path() + "/media");
    return e.Invitation(inv.id);
  }));
  CHECK(w.Outbox().empty());  // the interviewer's mail names the candidate too
}

}  // namespace
}  // namespace cammio::mail
