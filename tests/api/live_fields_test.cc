// The API fields of live interviews (issue 16, participants): an
// invitation's interviewer_url (live only; absent on automated ones, whose
// answers stay as they were), the three emails a live invitation queues, and
// the vacancy's live_recording flag (live only; validated; a refused body
// changes nothing). Against the real server over TLS.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "config/public_links.h"
#include "mail/enqueue.h"
#include "store/mail_outbox.h"
#include "testing/api_helpers.h"

namespace cammio {
namespace {

using namespace cammio::testing;

// "https://host:port" and the token of an invitation's candidate url.
void SplitUrl(const std::string& url, std::string* base, std::string* token) {
  size_t at = url.find("/public/job_interviews/");
  REQUIRE(at != std::string::npos);
  *base = url.substr(0, at);
  *token = url.substr(at + std::string("/public/job_interviews/").size());
}

const char kIvan[] = "\"interviewer_name\": \"Ivan\", \"interviewer_email\": \"ivan@agency.test\"";

TEST_CASE("live fields: interviewer_url on live invitations, JSON and XML; absent on automated") {
  TestServer server;
  Api api(server);
  int64_t live = CreateVacancy(api, "live");
  int64_t automated = CreateVacancy(api);
  Value inv = CreateInvitation(api, live, "l@cammio.com", kIvan);
  int64_t id = Int(inv, "id");
  std::string base, token;
  SplitUrl(Str(inv, "url"), &base, &token);
  const std::string expected = mail::InterviewerLink(PublicLinks(base), token, id);
  CHECK(expected.find(base + "/public/interviewers/" + std::to_string(id) + ".") == 0);
  CHECK(Str(inv, "interviewer_url") == expected);  // the POST's answer
  std::string path = "/api/invitations/" + std::to_string(id);
  CHECK(Str(Object(api.Get(path), 200, "invitation"), "interviewer_url") == expected);
  XmlDoc x(api.Get(path + ".xml"));
  CHECK(XmlStr(x.root(), "interviewer_url") == expected);
  // The listing shows it too.
  bool listed = false;
  for (const Value& i : List(api.Get("/api/invitations"), "invitation")) {
    if (Int(i, "id") == id) listed = Str(i, "interviewer_url") == expected;
  }
  CHECK(listed);

  Value a = CreateInvitation(api, automated, "a@cammio.com");
  CHECK_FALSE(HasMember(a, "interviewer_url"));
  std::string apath = "/api/invitations/" + std::to_string(Int(a, "id"));
  CHECK_FALSE(HasMember(Object(api.Get(apath), 200, "invitation"), "interviewer_url"));
  XmlDoc ax(api.Get(apath + ".xml"));
  CHECK(ax.root()->FirstChildElement("interviewer_url") == nullptr);

  // Another account sees neither the invitation nor its link.
  Credentials other = server.NewAccount("Other Agency", "recruiter@other.test");
  Api b(server, other);
  Resp theirs = b.Get(path);
  CHECK(theirs.status == 404);
  CHECK_FALSE(Contains(theirs.body, expected));
  CHECK(b.Get(path + ".xml").status == 404);
}

TEST_CASE("live fields: a live invitation with Ivan and one guest queues three mails") {
  TestServer server;
  Api api(server);
  int64_t live = CreateVacancy(api, "live");
  int64_t id = CreateInvitationId(api, live, "l@cammio.com", kIvan);
  Object(api.Post("/api/invitations/" + std::to_string(id) + "/guests",
                  "{\"guest\": {\"name\": \"Gert\", \"email\": \"gert@cammio.com\"}}"),
         201, "guest");
  std::vector<mail::OutboxMail> rows;
  Status s = server.store().Read([&](Db& db) {
    mail::MailFilter f;
    Status st = mail::ListMail(db, f, &rows);
    for (auto& r : rows) {
      auto full = mail::GetMail(db, r.id);
      if (!full.ok()) return full.status();
      r = full.value();
    }
    return st;
  });
  REQUIRE(s.ok());
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].kind == mail::kCandidateInvitation);
  CHECK(rows[0].to_address == "l@cammio.com");
  CHECK(rows[1].kind == mail::kInterviewerInvitation);
  CHECK(rows[1].to_address == "ivan@agency.test");
  CHECK(rows[1].ref_id == id);
  CHECK(rows[2].kind == mail::kGuestInvitation);
  for (const auto& r : rows) {
    INFO(r.kind);
    REQUIRE(r.calendar.has_value());
    CHECK(r.calendar->find("METHOD:REQUEST\r\n") != std::string::npos);
    CHECK(r.calendar->find("DTSTART:20130805T000000Z\r\n") != std::string::npos);
  }
  // An automated invitation: one mail, no calendar, no interviewer mail.
  CreateInvitationId(api, CreateVacancy(api), "a@cammio.com", kIvan);
  std::vector<mail::OutboxMail> after;
  REQUIRE(server.store()
              .Read([&](Db& db) { return mail::ListMail(db, mail::MailFilter{}, &after); })
              .ok());
  REQUIRE(after.size() == 4);
  CHECK(after[3].kind == mail::kCandidateInvitation);
}

// Every outbox row with its calendar, oldest first.
std::vector<mail::OutboxMail> OutboxRows(TestServer& server) {
  std::vector<mail::OutboxMail> rows;
  Status s = server.store().Read([&](Db& db) {
    Status st = mail::ListMail(db, mail::MailFilter{}, &rows);
    for (auto& r : rows) {
      auto full = mail::GetMail(db, r.id);
      if (!full.ok()) return full.status();
      r = full.value();
    }
    return st;
  });
  REQUIRE(s.ok());
  return rows;
}

std::string Property(const std::string& ics, const std::string& name) {
  size_t at = ics.find("\r\n" + name + ":");
  REQUIRE(at != std::string::npos);
  at += 3 + name.size();
  return ics.substr(at, ics.find("\r\n", at) - at);
}

TEST_CASE("live fields: rescheduling a live invitation mails everyone again, same UID") {
  TestServer server;
  Api api(server);
  int64_t live = CreateVacancy(api, "live");
  int64_t id = CreateInvitationId(api, live, "l@cammio.com", kIvan);
  std::string path = "/api/invitations/" + std::to_string(id);
  Object(api.Post(path + "/guests", "{\"guest\": {\"name\": \"G\", \"email\": \"g@cammio.com\"}}"),
         201, "guest");
  REQUIRE(OutboxRows(server).size() == 3);
  // A change that is not the time sends nothing.
  Object(api.Put(path, "{\"invitation\": {\"candidate_name\": \"Lena\"}}"), 200, "invitation");
  REQUIRE(OutboxRows(server).size() == 3);
  Object(api.Put(path, "{\"invitation\": {\"datetime_scheduled\": \"2013-08-06T10:00:00Z\"}}"), 200,
         "invitation");
  auto rows = OutboxRows(server);
  REQUIRE(rows.size() == 6);
  CHECK(rows[3].kind == mail::kCandidateInvitation);
  CHECK(rows[4].kind == mail::kInterviewerInvitation);
  CHECK(rows[5].kind == mail::kGuestInvitation);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(rows[i].calendar.has_value());
    REQUIRE(rows[i + 3].calendar.has_value());
    CHECK(rows[i].to_address == rows[i + 3].to_address);
    CHECK(Property(*rows[i + 3].calendar, "UID") == Property(*rows[i].calendar, "UID"));
    CHECK(Property(*rows[i + 3].calendar, "DTSTART") == "20130806T100000Z");
    CHECK(std::stoll(Property(*rows[i + 3].calendar, "SEQUENCE")) >=
          std::stoll(Property(*rows[i].calendar, "SEQUENCE")));
  }
  CHECK(rows[4].body_text.find("Tuesday 6 August 2013 at 10:00 (UTC)") != std::string::npos);
}

TEST_CASE("live fields: a new interviewer on a live invitation gets their own mail; others none") {
  TestServer server;
  Api api(server);
  int64_t live = CreateVacancy(api, "live");
  int64_t id = CreateInvitationId(api, live, "l@cammio.com", kIvan);
  std::string path = "/api/invitations/" + std::to_string(id);
  REQUIRE(OutboxRows(server).size() == 2);  // candidate and Ivan
  Object(api.Put(path,
                 "{\"invitation\": {\"interviewer_name\": \"Ines\", "
                 "\"interviewer_email\": \"ines@agency.test\"}}"),
         200, "invitation");
  auto rows = OutboxRows(server);
  REQUIRE(rows.size() == 3);
  CHECK(rows[2].kind == mail::kInterviewerInvitation);
  CHECK(rows[2].to_address == "ines@agency.test");
  REQUIRE(rows[2].calendar.has_value());
  CHECK(rows[2].body_text.find("/public/interviewers/" + std::to_string(id) + ".") !=
        std::string::npos);
  // The same interviewer again sends nothing.
  Object(api.Put(path, "{\"invitation\": {\"interviewer_email\": \"ines@agency.test\"}}"), 200,
         "invitation");
  CHECK(OutboxRows(server).size() == 3);
}

TEST_CASE("live fields: live_recording defaults to true, is set on create and update, live only") {
  TestServer server;
  Api api(server);
  int64_t live = CreateVacancy(api, "live");
  std::string path = "/api/vacancies/" + std::to_string(live);
  Value v = Object(api.Get(path), 200, "vacancy");
  REQUIRE(At(v, "live_recording").type() == Value::Type::kBool);
  CHECK(At(v, "live_recording").as_bool());

  Value put = Object(api.Put(path, "{\"vacancy\": {\"live_recording\": false}}"), 200, "vacancy");
  CHECK_FALSE(At(put, "live_recording").as_bool());
  CHECK_FALSE(At(Object(api.Get(path), 200, "vacancy"), "live_recording").as_bool());
  XmlDoc x(api.Get(path + ".xml"));
  const tinyxml2::XMLElement* rec = Child(x.root(), "live_recording");
  CHECK(Attr(rec, "type") == "boolean");
  CHECK(Text(rec) == "false");
  // XML sets it with text.
  XmlDoc xput(
      api.PutXml(path + ".xml", "<vacancy><live_recording>true</live_recording></vacancy>"));
  CHECK(Text(Child(xput.root(), "live_recording")) == "true");

  int64_t off = CreateVacancy(api, "live", "\"live_recording\": false");
  CHECK_FALSE(
      At(Object(api.Get("/api/vacancies/" + std::to_string(off)), 200, "vacancy"), "live_recording")
          .as_bool());

  // Automated vacancies do not show it.
  int64_t automated = CreateVacancy(api);
  CHECK_FALSE(
      HasMember(Object(api.Get("/api/vacancies/" + std::to_string(automated)), 200, "vacancy"),
                "live_recording"));
}

TEST_CASE("live fields: a non-boolean live_recording is refused with details, nothing changed") {
  TestServer server;
  Api api(server);
  int64_t live = CreateVacancy(api, "live");
  std::string path = "/api/vacancies/" + std::to_string(live);
  std::string before = api.Get(path).body;
  for (const char* bad : {"\"maybe\"", "2", "null", "[true]", "{\"x\": 1}", "\"\""}) {
    INFO(bad);
    CheckError(api.Put(path, std::string("{\"vacancy\": {\"title\": \"Changed\", "
                                         "\"live_recording\": ") +
                                 bad + "}}"),
               412, "live_recording");
  }
  CHECK(
      XmlErrorDetails(api.PutXml(path + ".xml",
                                 "<vacancy><live_recording>yes please</live_recording></vacancy>"),
                      412)
          .find("live_recording") != std::string::npos);
  CHECK(api.Get(path).body == before);
  int64_t count = TotalCount(api.Get("/api/vacancies"));
  CheckError(api.Post("/api/vacancies", VacancyBody("New", "live", "\"live_recording\": \"no\"")),
             412, "live_recording");
  CHECK(TotalCount(api.Get("/api/vacancies")) == count);
}

}  // namespace
}  // namespace cammio
