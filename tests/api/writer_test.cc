// The writer thread only writes (docs/decisions.md): a request whose input is
// invalid is refused before Store::Write, with the error it always got (a
// missing parent still answers 404 before a bad field); a valid one costs
// exactly one write; the email a handler inserts is the one composed before
// the write (mail::Compose*, pure: the same snapshot gives the same bytes).
#include <doctest/doctest.h>

#include <string>

#include "mail/enqueue.h"
#include "store/interviews.h"
#include "store/invitations.h"
#include "store/mail_outbox.h"
#include "store/vacancies.h"
#include "testing/api_helpers.h"

namespace cammio {
namespace {

using namespace cammio::testing;

// The Write() calls the server made while `request` ran (token bookkeeping
// goes through WriteAsync and is not counted).
template <typename F>
uint64_t WritesDuring(TestServer& server, F request) {
  uint64_t before = server.store().write_stats().writes;
  request();
  return server.store().write_stats().writes - before;
}

// Every stored mail of `kind`, newest last.
std::vector<mail::OutboxMail> StoredMail(TestServer& server, const std::string& kind) {
  std::vector<mail::OutboxMail> rows, out;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                Status s = mail::ListMail(db, mail::MailFilter(), &rows);
                for (const auto& r : rows) {
                  if (r.kind != kind) continue;
                  auto full = mail::GetMail(db, r.id);
                  if (!full.ok()) return full.status();
                  out.push_back(std::move(full.value()));
                }
                return s;
              })
              .ok());
  return out;
}

void CheckSameMail(const mail::OutboxMail& a, const mail::OutboxMail& b) {
  CHECK(a.account_id == b.account_id);
  CHECK(a.kind == b.kind);
  CHECK(a.to_address == b.to_address);
  CHECK(a.to_name == b.to_name);
  CHECK(a.reply_to == b.reply_to);
  CHECK(a.subject == b.subject);
  CHECK(a.body_text == b.body_text);
  CHECK(a.body_html == b.body_html);
  CHECK(a.message_id == b.message_id);
  CHECK(a.created_at == b.created_at);
}

TEST_CASE("writer: invalid input is refused before the write, with the error it always had") {
  TestServer server;
  Api api(server);
  const int64_t automated = CreateAutomatedWithQuestions(api);
  const int64_t live = CreateVacancy(api, "live");
  const int64_t inv = CreateInvitationId(api, live, "cand@example.com");
  const int64_t done_inv = CreateInvitationId(api, automated, "done@example.com");
  const int64_t interview = Complete(server, done_inv, 1700000000, 1700000100);
  const std::string vac = std::to_string(automated);
  const std::string iv = "/api/interviews/" + std::to_string(interview);
  const std::string missing = std::to_string(kMissingId);

  struct Case {
    const char* what;
    std::string method, path, body;
    int status;
  };
  const Case cases[] = {
      {"invitation: bad email", "POST", "/api/invitations",
       "{\"invitation\": {\"vacancy_id\": " + vac +
           ", \"candidate_email\": \"nope\", \"candidate_name\": \"A\"}}",
       412},
      {"invitation: no name", "POST", "/api/invitations",
       "{\"invitation\": {\"vacancy_id\": " + vac + ", \"candidate_email\": \"a@b.example\"}}",
       412},
      {"invitation: live without datetime_scheduled", "POST", "/api/invitations",
       "{\"invitation\": {\"vacancy_id\": " + std::to_string(live) +
           ", \"candidate_email\": \"a@b.example\", \"candidate_name\": \"A\"}}",
       412},
      {"invitation: bad body on a missing vacancy is 404", "POST", "/api/invitations",
       "{\"invitation\": {\"vacancy_id\": " + missing + ", \"candidate_email\": \"nope\"}}", 404},
      {"invitation update: bad email", "PUT", "/api/invitations/" + std::to_string(inv),
       "{\"invitation\": {\"candidate_email\": \"nope\"}}", 412},
      {"invitation update: bad body on a missing one is 404", "PUT", "/api/invitations/" + missing,
       "{\"invitation\": {\"candidate_email\": \"nope\"}}", 404},
      {"invitation update: a live one loses its datetime_scheduled", "PUT",
       "/api/invitations/" + std::to_string(inv),
       "{\"invitation\": {\"datetime_scheduled\": null}}", 412},
      {"guest: bad email", "POST", "/api/invitations/" + std::to_string(inv) + "/guests",
       "{\"guest\": {\"name\": \"G\", \"email\": \"nope\"}}", 412},
      {"guest: automated vacancy answers 412 before the bad field", "POST",
       "/api/invitations/" + std::to_string(done_inv) + "/guests",
       "{\"guest\": {\"name\": \"G\", \"email\": \"nope\"}}", 412},
      {"vacancy: bad kind", "POST", "/api/vacancies", VacancyBody("T", "robot"), 412},
      {"vacancy: end before start", "POST", "/api/vacancies",
       "{\"vacancy\": {\"title\": \"T\", \"datetime_start\": \"2013-09-26T02:00:00+02:00\", "
       "\"datetime_end\": \"2013-07-28T02:00:00+02:00\"}}",
       412},
      {"vacancy: missing template", "POST", "/api/vacancies",
       VacancyBody("T", "automated", "\"template_id\": " + missing), 404},
      {"vacancy update: bad kind", "PUT", "/api/vacancies/" + vac,
       "{\"vacancy\": {\"kind\": \"robot\"}}", 412},
      {"vacancy update: bad body on a missing one is 404", "PUT", "/api/vacancies/" + missing,
       "{\"vacancy\": {\"kind\": \"robot\"}}", 404},
      {"reviewer: bad email", "POST", iv + "/reviewers",
       "{\"reviewer\": {\"name\": \"R\", \"email\": \"nope\"}}", 412},
      {"reviewer: bad body on a missing interview is 404", "POST",
       "/api/interviews/" + missing + "/reviewers", "{\"reviewer\": {\"email\": \"nope\"}}", 404},
      {"notification settings: a host that is no host name", "PUT", "/api/settings/notifications",
       "{\"notification_settings\": {\"host\": \"no such host!\"}}", 412},
      {"review: rating of the wrong type", "POST", iv + "/reviews",
       "{\"review\": {\"rating\": [1]}}", 400},
      {"review: rating out of range", "POST", iv + "/reviews", "{\"review\": {\"rating\": 9}}",
       412},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Resp r;
    uint64_t writes = WritesDuring(server, [&] {
      r = c.method == "POST" ? api.Post(c.path, c.body) : api.Put(c.path, c.body);
    });
    CHECK(r.status == c.status);
    CHECK(writes == 0);
  }

  // A valid request of the same kinds costs exactly one write.
  uint64_t writes =
      WritesDuring(server, [&] { CreateInvitationId(api, automated, "ok@a.example"); });
  CHECK(writes == 1);
  writes = WritesDuring(server, [&] {
    Resp r = api.Post(iv + "/reviewers",
                      "{\"reviewer\": {\"name\": \"R\", \"email\": \"r@a.example\"}}");
    CHECK(r.status == 201);
  });
  CHECK(writes == 1);
}

TEST_CASE("writer: a hand-in of the wrong shape is refused before the write") {
  TestServer server;
  Api api(server);
  // A vacancy that is still running at the test clock's time.
  Resp created = api.Post("/api/vacancies", R"({"vacancy": {"title": "Tester",)"
                                            R"( "datetime_start": "2013-07-28T02:00:00+02:00",)"
                                            R"( "datetime_end": "2030-01-01T00:00:00Z",)"
                                            R"( "questions": [{"title": "Why?"}]}})");
  const int64_t vacancy = Int(Object(created, 201, "vacancy"), "id");
  Value inv = CreateInvitation(api, vacancy, "cand@example.com");
  const std::string token = Str(inv, "url").substr(Str(inv, "url").rfind('/') + 1);
  auto client = server.Client();
  const std::string path = "/public/job_interviews/" + token + "/complete";
  // The status of a hand-in of `body`, and the writes it cost.
  auto hand_in = [&](const std::string& body, int* status) {
    return WritesDuring(server, [&] {
      auto r = client->Post(path.c_str(), body, "application/json");
      REQUIRE(r);
      *status = r->status;
    });
  };
  int status = 0;
  CHECK(hand_in("{\"recordings\": 5}", &status) == 0);
  CHECK(status == 400);
  CHECK(hand_in("[1]", &status) == 0);
  CHECK(status == 400);
  // A hand-in of the right shape that misses a required recording is decided
  // inside the write, against the vacancy's questions.
  CHECK(hand_in("{\"recordings\": []}", &status) == 1);
  CHECK(status == 412);
}

TEST_CASE("writer: the invitation email inserted is the one composed from a snapshot") {
  TestServer server;
  Api api(server);
  const int64_t vacancy = CreateVacancy(api, "live", "\"generic_invitation_text\": \"Welcome\"");
  const int64_t id = CreateInvitationId(api, vacancy, "Cand@Example.com");
  auto stored = StoredMail(server, mail::kCandidateInvitation);
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].ref_id == id);
  const PublicLinks links(kPublicUrl);
  mail::OutboxMail first, second;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                auto inv = GetInvitation(db, server.creds().account_id, id);
                if (!inv.ok()) return inv.status();
                auto v = GetVacancyRow(db, inv->account_id, inv->vacancy_id);
                if (!v.ok()) return v.status();
                auto inviter = GetInvitationInviter(db, inv->account_id, inv->id);
                if (!inviter.ok()) return inviter.status();
                REQUIRE(inviter->has_value());
                first = mail::ComposeCandidateInvitation(
                    links, *inv, *v, *inviter, stored[0].message_id, stored[0].created_at);
                second = mail::ComposeCandidateInvitation(
                    links, *inv, *v, *inviter, stored[0].message_id, stored[0].created_at);
                return Status::OK();
              })
              .ok());
  CheckSameMail(first, second);  // pure: the same inputs, the same bytes
  CheckSameMail(first, stored[0]);
  CHECK(Contains(stored[0].body_text, "Welcome"));
  CHECK(Contains(
      stored[0].body_text,
      Str(Object(api.Get("/api/invitations/" + std::to_string(id)), 200, "invitation"), "url")));
}

TEST_CASE("writer: the reviewer and guest emails inserted are the ones composed") {
  TestServer server;
  Api api(server);
  const int64_t automated = CreateAutomatedWithQuestions(api);
  const int64_t done_inv = CreateInvitationId(api, automated, "done@example.com");
  const int64_t interview = Complete(server, done_inv, 1700000000, 1700000100);
  Value r = Object(api.Post("/api/interviews/" + std::to_string(interview) + "/reviewers",
                            "{\"reviewer\": {\"name\": \"Rob\", \"email\": \"rob@a.example\"}}"),
                   201, "reviewer");
  auto stored = StoredMail(server, mail::kReviewerInvitation);
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].ref_id == Int(r, "id"));
  const PublicLinks links(kPublicUrl);
  mail::OutboxMail composed;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                const int64_t account = server.creds().account_id;
                auto w = GetInterview(db, account, interview);
                if (!w.ok()) return w.status();
                auto rev = GetReviewer(db, account, interview, Int(r, "id"));
                if (!rev.ok()) return rev.status();
                auto v = GetVacancyRow(db, account, w->vacancy_id);
                if (!v.ok()) return v.status();
                composed = mail::ComposeReviewerInvitation(
                    links, *rev, *w, *v, stored[0].message_id, stored[0].created_at);
                return Status::OK();
              })
              .ok());
  CheckSameMail(composed, stored[0]);

  // The guest's email: its link names the guest's id, so its texts are
  // rendered inside the write; the result is the one Enqueue gives.
  const int64_t live = CreateVacancy(api, "live");
  const int64_t inv = CreateInvitationId(api, live, "cand@example.com");
  Value g = Object(api.Post("/api/invitations/" + std::to_string(inv) + "/guests",
                            "{\"guest\": {\"name\": \"Gus\", \"email\": \"gus@a.example\"}}"),
                   201, "guest");
  auto guests = StoredMail(server, mail::kGuestInvitation);
  REQUIRE(guests.size() == 1);
  CHECK(guests[0].ref_id == Int(g, "id"));
  std::string token;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                auto i = GetInvitation(db, server.creds().account_id, inv);
                if (i.ok()) token = i->token;
                return i.status();
              })
              .ok());
  CHECK(Contains(guests[0].body_text, mail::GuestLink(links, token, Int(g, "id"))));
}

}  // namespace
}  // namespace cammio
