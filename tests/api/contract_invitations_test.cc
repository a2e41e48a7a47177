// Contract tests for /api/invitations and their guests (flat and nested under
// /api/vacancies/:vacancy_id), against the real server over TLS: the seed's
// request examples in JSON and XML and its response shapes, candidate
// identity, candidate links, completion and deletion, from/to and
// updated_since, Idempotency-Key, and malformed input.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/mail_outbox.h"
#include "testing/api_helpers.h"

namespace cammio {
namespace {

using namespace cammio::testing;
using mail::OutboxMail;

// "Candidate invitations" example; the seed's JSON has two syntax slips (a
// trailing comma inside callback_params and a missing comma after it),
// fixed here and nothing else.
constexpr char kSeedCallbackInvitation[] = R"({
  "invitation" : {
    "vacancy_id" : 3324,
    "datetime_scheduled" : "2013-08-29T00:00:00+02:00",
    "candidate_email" : "abc@cammio.com",
    "candidate_firstname" : "Bob",
    "candidate_lastname" : "de Bouwer",
    "candidate_gender" : "male",
    "candidate_phone" : 123,
    "callback_params" : {
      "employee_id" : "12345",
      "my_other_param" : "my_param_value"
    },
    "redirect_url" : "http://url.topage.nl"
  }
})";

// The same by hand in XML, with dashes in the element names.
constexpr char kSeedCallbackInvitationXml[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<invitation>
  <vacancy-id type="integer">3324</vacancy-id>
  <datetime-scheduled type="datetime">2013-08-29T00:00:00+02:00</datetime-scheduled>
  <candidate-email>abc@cammio.com</candidate-email>
  <candidate-firstname>Bob</candidate-firstname>
  <candidate-lastname>de Bouwer</candidate-lastname>
  <candidate-gender>male</candidate-gender>
  <candidate-phone type="integer">123</candidate-phone>
  <callback_params>
    <employee_id>12345</employee_id>
    <my_other_param>my_param_value</my_other_param>
  </callback_params>
  <redirect-url>http://url.topage.nl</redirect-url>
</invitation>
)";

// POST /api/invitations request example, verbatim.
constexpr char kSeedInvitation[] = R"({
  "invitation" : {
    "vacancy_id" : 3484,
    "datetime_scheduled" : "2013-07-29T00:00:00+02:00",
    "candidate_email" : "nelson@cammio.com",
    "candidate_firstname" : "Nelson",
    "candidate_lastname" : "Mandela",
    "candidate_gender" : "male",
    "candidate_phone" : 123456789
  }
})";

constexpr char kSeedInvitationXml[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<invitation>
  <vacancy_id type="integer">3484</vacancy_id>
  <datetime_scheduled type="datetime">2013-07-29T00:00:00+02:00</datetime_scheduled>
  <candidate_email>nelson@cammio.com</candidate_email>
  <candidate_firstname>Nelson</candidate_firstname>
  <candidate_lastname>Mandela</candidate_lastname>
  <candidate_gender>male</candidate_gender>
  <candidate_phone type="integer">123456789</candidate_phone>
</invitation>
)";

// POST /api/invitations/:invitation_id/guests request example, verbatim.
constexpr char kSeedGuest[] = R"({
  "guest": {
    "name": "Hillary Clinton",
    "email": "hillary@cammio.com"
  }
})";

constexpr char kSeedGuestXml[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<guest>
  <name>Hillary Clinton</name>
  <email>hillary@cammio.com</email>
</guest>
)";

constexpr char kLinkPrefix[] = "https://cammio.test/public/job_interviews/";

std::string S(int64_t id) { return std::to_string(id); }

// The seed's vacancy of the invitation examples: live, "REST API developer",
// reference CA002-202.
int64_t SeedLiveVacancy(Api& api) {
  return CreateVacancy(api, "live", "\"reference_id\": \"CA002-202\", \"language\": \"nl\"");
}

void CheckCandidateLink(const std::string& url) {
  std::string token = TokenAfter(url, kLinkPrefix);
  INFO("url: " << url);
  CHECK(token.size() >= 26);
  CHECK(IsTokenText(token));
}

// The fields of the seed's POST /api/invitations response example for its
// request example (datetime_scheduled keeps the offset it was given).
void CheckSeedInvitationResponse(const Value& i, int64_t vacancy_id) {
  CHECK(Int(i, "id") > 0);
  CHECK(Int(i, "vacancy_id") == vacancy_id);
  CHECK(Str(i, "reference_id") == "CA002-202");
  CHECK(Str(i, "datetime_scheduled") == "2013-07-29T00:00:00+02:00");
  CHECK(Str(i, "candidate_email") == "nelson@cammio.com");
  CHECK(Str(i, "candidate_name") == "Nelson Mandela");
  CHECK(Str(i, "candidate_phone") == "123456789");
  CHECK(Str(i, "candidate_gender") == "male");
  CHECK(Str(i, "title") == "REST API developer");
  CHECK(Str(i, "kind") == "live");
  CheckCandidateLink(Str(i, "url"));
}

// The fields of the seed's GET /api/invitations (list) example.
void CheckSeedInvitationListItem(const Value& i, int64_t id, int64_t vacancy_id) {
  CHECK(Str(i, "candidate_email") == "nelson@cammio.com");
  CHECK(Str(i, "candidate_gender") == "male");
  CHECK(Int(i, "candidate_id") > 0);
  CHECK(Str(i, "candidate_name") == "Nelson Mandela");
  CHECK(Str(i, "candidate_phone") == "123456789");
  CHECK(Str(i, "datetime_scheduled") == "2013-07-29T00:00:00+02:00");
  CHECK(Int(i, "id") == id);
  CHECK(Str(i, "kind") == "live");
  CHECK(Str(i, "title") == "REST API developer");
  CHECK(Int(i, "vacancy_id") == vacancy_id);
}

void CheckSeedGuest(const Value& g) {
  CHECK(Int(g, "id") > 0);
  CHECK(Str(g, "name") == "Hillary Clinton");
  CHECK(Str(g, "email") == "hillary@cammio.com");
}

TEST_CASE("contract: POST /api/invitations with the seed's request example (JSON)") {
  TestServer server;
  Api api(server);
  int64_t v = SeedLiveVacancy(api);
  Resp r = api.Post("/api/invitations", ReplaceAll(kSeedInvitation, "3484", S(v)));
  Value created = Object(r, 201, "invitation");
  CheckSeedInvitationResponse(created, v);
  int64_t id = Int(created, "id");

  // GET /api/invitations/:id: the seed's detail fields, with guests.
  Value got = Object(api.Get("/api/invitations/" + S(id)), 200, "invitation");
  CheckSeedInvitationListItem(got, id, v);
  CHECK(Str(got, "url") == Str(created, "url"));
  CHECK(Int(got, "candidate_id") == Int(created, "candidate_id"));
  CHECK(Str(got, "status") == "open");
  REQUIRE(At(got, "guests").is_array());
  CHECK(At(got, "guests").items().empty());

  // GET /api/invitations: the seed's list fields.
  std::vector<Value> list = List(api.Get("/api/invitations"), "invitation");
  REQUIRE(list.size() == 1);
  CheckSeedInvitationListItem(list[0], id, v);
}

TEST_CASE("contract: POST /api/invitations.xml with the seed's request example (XML)") {
  TestServer server;
  Api api(server);
  int64_t v = SeedLiveVacancy(api);
  Resp r = api.PostXml("/api/invitations.xml", ReplaceAll(kSeedInvitationXml, "3484", S(v)));
  XmlDoc x(r, 201);
  CHECK(x.root_name() == "invitation");
  auto* i = x.root();
  int64_t id = XmlInt(i, "id");
  CHECK(XmlInt(i, "vacancy_id") == v);
  CHECK(XmlStr(i, "reference_id") == "CA002-202");
  CHECK(XmlDatetime(i, "datetime_scheduled") == "2013-07-29T00:00:00+02:00");
  CHECK(XmlStr(i, "candidate_email") == "nelson@cammio.com");
  CHECK(XmlStr(i, "candidate_name") == "Nelson Mandela");
  CHECK(XmlStr(i, "candidate_phone") == "123456789");
  CHECK(XmlStr(i, "candidate_gender") == "male");
  CHECK(XmlStr(i, "title") == "REST API developer");
  CHECK(XmlStr(i, "kind") == "live");
  CHECK(XmlInt(i, "candidate_id") > 0);
  CHECK(XmlNil(i, "callback_params"));
  CHECK(XmlNil(i, "num_of_questions"));
  CheckCandidateLink(XmlStr(i, "url"));
  CHECK(XmlArray(i, "guests", "guest").empty());

  // The same invitation in JSON.
  CheckSeedInvitationListItem(Object(api.Get("/api/invitations/" + S(id)), 200, "invitation"), id,
                              v);
  // The list in XML, also nested.
  for (const std::string& path : std::vector<std::string>{
           "/api/invitations.xml", "/api/vacancies/" + S(v) + "/invitations.xml"}) {
    XmlDoc list(api.Get(path));
    CHECK(list.root_name() == "invitations");
    CHECK(Attr(list.root(), "type") == "array");
    auto items = Children(list.root());
    REQUIRE(items.size() == 1);
    CHECK(std::string(items[0]->Name()) == "invitation");
    CHECK(XmlInt(items[0], "id") == id);
  }
  XmlDoc one(api.Get("/api/vacancies/" + S(v) + "/invitations/" + S(id) + ".xml"));
  CHECK(one.root_name() == "invitation");
  CHECK(XmlInt(one.root(), "id") == id);
}

TEST_CASE("contract: the seed's callback_params example, JSON and XML") {
  TestServer server;
  Api api(server);
  int64_t v = CreateAutomatedWithQuestions(api);

  auto check = [&](const Value& i) {
    CHECK(Int(i, "vacancy_id") == v);
    CHECK(Str(i, "datetime_scheduled") == "2013-08-29T00:00:00+02:00");
    CHECK(Str(i, "candidate_email") == "abc@cammio.com");
    CHECK(Str(i, "candidate_name") == "Bob de Bouwer");
    CHECK(Str(i, "candidate_phone") == "123");
    CHECK(Str(i, "candidate_gender") == "male");
    CHECK(Str(i, "kind") == "automated");
    CHECK(Int(i, "num_of_questions") == 2);
    const Value& cp = At(i, "callback_params");
    REQUIRE(cp.is_object());
    CHECK(cp.size() == 2);
    CHECK(Str(cp, "employee_id") == "12345");
    CHECK(Str(cp, "my_other_param") == "my_param_value");
    CHECK(Str(i, "redirect_url") == "http://url.topage.nl");
    CheckCandidateLink(Str(i, "url"));
  };

  Value json =
      Object(api.Post("/api/invitations", ReplaceAll(kSeedCallbackInvitation, "3324", S(v))), 201,
             "invitation");
  check(json);
  check(Object(api.Get("/api/invitations/" + S(Int(json, "id"))), 200, "invitation"));

  XmlDoc x(
      api.PostXml("/api/invitations.xml", ReplaceAll(kSeedCallbackInvitationXml, "3324", S(v))),
      201);
  CHECK(x.root_name() == "invitation");
  int64_t xid = XmlInt(x.root(), "id");
  auto* cp = Child(x.root(), "callback_params");
  CHECK(XmlStr(cp, "employee_id") == "12345");
  CHECK(XmlStr(cp, "my_other_param") == "my_param_value");
  CHECK(XmlStr(x.root(), "redirect_url") == "http://url.topage.nl");
  CHECK(XmlInt(x.root(), "num_of_questions") == 2);
  check(Object(api.Get("/api/invitations/" + S(xid)), 200, "invitation"));

  // Same candidate email: same candidate; the links differ.
  CHECK(Int(json, "candidate_id") ==
        Int(Object(api.Get("/api/invitations/" + S(xid)), 200, "invitation"), "candidate_id"));

  // Numbers and booleans in callback_params are kept as given; XML renders
  // them with their types.
  Value typed = CreateInvitation(api, v, "typed@cammio.com",
                                 "\"callback_params\": {\"n\": 7, \"flag\": true, \"s\": \"x\"}");
  const Value& tcp = At(typed, "callback_params");
  CHECK(Int(tcp, "n") == 7);
  CHECK(At(tcp, "flag").type() == Value::Type::kBool);
  XmlDoc tx(api.Get("/api/invitations/" + S(Int(typed, "id")) + ".xml"));
  auto* txcp = Child(tx.root(), "callback_params");
  CHECK(Attr(Child(txcp, "flag"), "type") == "boolean");
  CHECK(Text(Child(txcp, "flag")) == "true");
  CHECK(XmlInt(txcp, "n") == 7);
}

TEST_CASE("contract: candidates are identified by email within the account") {
  TestServer server;
  Api a(server);
  Credentials other = server.NewAccount("Other Agency", "recruiter@other.test");
  Api b(server, other);
  int64_t va = CreateVacancy(a);
  int64_t va2 = CreateVacancy(a, "live");
  int64_t vb = CreateVacancy(b);

  Value first = CreateInvitation(a, va, "same@cammio.com");
  Value second = CreateInvitation(a, va2, "same@cammio.com");
  Value different = CreateInvitation(a, va, "different@cammio.com");
  Value elsewhere = CreateInvitation(b, vb, "same@cammio.com");

  CHECK(Int(first, "candidate_id") == Int(second, "candidate_id"));
  CHECK(Int(first, "candidate_id") != Int(different, "candidate_id"));
  CHECK(Int(first, "candidate_id") != Int(elsewhere, "candidate_id"));
  CHECK(Int(first, "id") != Int(second, "id"));

  // Several invitations to one candidate are all listed.
  std::vector<Value> list = List(a.Get("/api/invitations"), "invitation");
  CHECK(list.size() == 3);
  CHECK(List(b.Get("/api/invitations"), "invitation").size() == 1);

  // Every invitation has its own unguessable link.
  std::set<std::string> links;
  for (const Value& i : {first, second, different, elsewhere}) {
    CheckCandidateLink(Str(i, "url"));
    links.insert(Str(i, "url"));
  }
  CHECK(links.size() == 4);

  // candidate_name from candidate_name alone.
  Value named = CreateInvitation(a, va, "named@cammio.com", "");
  CHECK(Str(named, "candidate_name") == "John Lennon");
  Value whole =
      Object(a.Post("/api/invitations", "{\"invitation\": {\"vacancy_id\": " + S(va) +
                                            ", \"candidate_email\": \"whole@cammio.com\", "
                                            "\"candidate_name\": \"Ringo Starr\"}}"),
             201, "invitation");
  CHECK(Str(whole, "candidate_name") == "Ringo Starr");
  CHECK(IsNull(whole, "datetime_scheduled"));  // automated: not required
  CHECK(IsNull(whole, "candidate_phone"));
}

TEST_CASE("contract: a live vacancy needs datetime_scheduled; PUT reschedules") {
  TestServer server;
  Api api(server);
  int64_t live = CreateVacancy(api, "live");
  std::string no_schedule = "{\"invitation\": {\"vacancy_id\": " + S(live) +
                            ", \"candidate_email\": \"a@cammio.com\", \"candidate_name\": \"A\"}}";
  CheckError(api.Post("/api/invitations", no_schedule), 412, "datetime_scheduled");
  CheckError(api.Post("/api/vacancies/" + S(live) + "/invitations", no_schedule), 412,
             "datetime_scheduled");
  CHECK(TotalCount(api.Get("/api/invitations")) == 0);

  int64_t id = CreateInvitationId(api, live, "a@cammio.com");
  std::string path = "/api/invitations/" + S(id);
  Value before = Object(api.Get(path), 200, "invitation");

  Value put = Object(api.Put(path,
                             "{\"invitation\": {\"datetime_scheduled\": "
                             "\"2013-08-01T10:00:00-05:00\"}}"),
                     200, "invitation");
  CHECK(Str(put, "datetime_scheduled") == "2013-08-01T10:00:00-05:00");
  Value after = Object(api.Get(path), 200, "invitation");
  CHECK(Str(after, "datetime_scheduled") == "2013-08-01T10:00:00-05:00");
  for (const char* f : {"candidate_email", "candidate_name", "candidate_phone", "url", "title"}) {
    CHECK(Str(after, f) == Str(before, f));
  }
  CHECK(Int(after, "candidate_id") == Int(before, "candidate_id"));

  // The schedule filter follows the new time (2013-08-01 15:00 UTC).
  CHECK(Ids(List(api.Get("/api/invitations?from=2013-08-01&to=2013-08-01"), "invitation")) ==
        std::vector<int64_t>{id});
  CHECK(List(api.Get("/api/invitations?to=2013-07-31"), "invitation").empty());

  // XML PUT, nested path.
  XmlDoc x(api.PutXml("/api/vacancies/" + S(live) + "/invitations/" + S(id) + ".xml",
                      "<invitation><datetime_scheduled>2013-08-02T09:00:00+02:00"
                      "</datetime_scheduled></invitation>"));
  CHECK(XmlDatetime(x.root(), "datetime_scheduled") == "2013-08-02T09:00:00+02:00");

  // A live invitation cannot lose its schedule.
  CheckError(api.Put(path, "{\"invitation\": {\"datetime_scheduled\": null}}"), 412,
             "datetime_scheduled");
  CHECK(Str(Object(api.Get(path), 200, "invitation"), "datetime_scheduled") ==
        "2013-08-02T09:00:00+02:00");
}

TEST_CASE("contract: a completed invitation leaves the list but stays readable, and is frozen") {
  TestServer server;
  Api api(server);
  int64_t v = CreateVacancy(api, "live");
  int64_t done = CreateInvitationId(api, v, "done@cammio.com");
  int64_t open = CreateInvitationId(api, v, "open@cammio.com");
  Resp guest = api.Post("/api/invitations/" + S(done) + "/guests", kSeedGuest);
  CHECK(guest.status == 201);
  int64_t now = server.clock().Now();
  Complete(server, done, now - 600, now);

  Resp list = api.Get("/api/invitations");
  CHECK(Ids(List(list, "invitation")) == std::vector<int64_t>{open});
  CHECK(TotalCount(list) == 1);
  CHECK(Ids(List(api.Get("/api/vacancies/" + S(v) + "/invitations"), "invitation")) ==
        std::vector<int64_t>{open});

  std::string path = "/api/invitations/" + S(done);
  Value got = Object(api.Get(path), 200, "invitation");
  CHECK(Str(got, "status") == "completed");
  CHECK(At(got, "guests").size() == 1);
  std::string before = api.Get(path).body;

  CheckError(api.Delete(path), 412, "completed");
  CheckError(api.Put(path, "{\"invitation\": {\"datetime_scheduled\": \"2014-01-01\"}}"), 412,
             "completed");
  CheckError(
      api.Post(path + "/guests", "{\"guest\": {\"name\": \"G\", \"email\": \"g@cammio.com\"}}"),
      412, "completed");
  CheckError(api.Delete("/api/vacancies/" + S(v) + "/invitations/" + S(done)), 412, "completed");
  // Its guests are still listed, and frozen with it.
  std::vector<Value> guests = List(api.Get(path + "/guests"), "guest");
  REQUIRE(guests.size() == 1);
  std::string g = path + "/guests/" + S(Int(guests[0], "id"));
  CheckError(api.Put(g, "{\"guest\": {\"name\": \"Bill\"}}"), 412, "completed");
  CheckError(api.Delete(g), 412, "completed");
  ErrorDetails(api.Delete(path + "/guests/" + S(kMissingId)), 404);
  CHECK(api.Get(path).body == before);
}

TEST_CASE("contract: DELETE /api/invitations/:id revokes; the invitation is gone afterwards") {
  TestServer server;
  Api api(server);
  int64_t v = CreateVacancy(api, "live");
  Value created_a = CreateInvitation(api, v, "a@cammio.com");
  int64_t a = Int(created_a, "id");
  int64_t b = CreateInvitationId(api, v, "b@cammio.com");
  int64_t c = CreateInvitationId(api, v, "c@cammio.com");
  int64_t g =
      Int(Object(api.Post("/api/invitations/" + S(a) + "/guests", kSeedGuest), 201, "guest"), "id");

  Value doc = Doc(api.Delete("/api/invitations/" + S(a)), 200);
  REQUIRE(doc.is_object());
  CHECK(doc.size() == 1);
  CHECK(Str(doc, "result") == "INVITATION_DELETED");

  XmlDoc x(api.Delete("/api/vacancies/" + S(v) + "/invitations/" + S(b) + ".xml"));
  CHECK(x.root_name() == "result");
  CHECK(Text(x.root()) == "INVITATION_DELETED");

  for (int64_t gone : {a, b}) {
    std::string path = "/api/invitations/" + S(gone);
    ErrorDetails(api.Get(path), 404);
    ErrorDetails(api.Delete(path), 404);
    ErrorDetails(api.Put(path, "{\"invitation\": {\"candidate_name\": \"X\"}}"), 404);
    ErrorDetails(api.Get(path + "/guests"), 404);
    ErrorDetails(api.Post(path + "/guests", kSeedGuest), 404);
    ErrorDetails(api.Get("/api/vacancies/" + S(v) + "/invitations/" + S(gone)), 404);
  }
  ErrorDetails(api.Get("/api/invitations/" + S(a) + "/guests/" + S(g)), 404);
  Resp list = api.Get("/api/invitations");
  CHECK(Ids(List(list, "invitation")) == std::vector<int64_t>{c});
  CHECK(TotalCount(list) == 1);
  CHECK(Int(Object(api.Get("/api/vacancies/" + S(v)), 200, "vacancy"), "num_of_invitations") == 1);

  // Deleting revoked the candidate's link (the candidate page's state).
  std::string token = TokenAfter(Str(created_a, "url"), kLinkPrefix);
  auto anon = server.Client();
  auto state = anon->Get(("/public/job_interviews/" + token + "/state").c_str());
  REQUIRE(state);
  INFO("state: " << state->body);
  CHECK(state->status == 200);
  CHECK(Contains(state->body, "\"state\":\"revoked\""));
}

// The candidate invitation rows of `invitation` in the outbox, oldest first.
std::vector<OutboxMail> CandidateMails(TestServer& server, int64_t invitation) {
  std::vector<OutboxMail> rows, out;
  REQUIRE(server.store()
              .Read([&](Db& db) { return mail::ListMail(db, mail::MailFilter{}, &rows); })
              .ok());
  for (OutboxMail& m : rows) {
    if (m.kind == mail::kCandidateInvitation && m.ref_id == invitation) out.push_back(m);
  }
  std::sort(out.begin(), out.end(),
            [](const OutboxMail& a, const OutboxMail& b) { return a.id < b.id; });
  return out;
}

TEST_CASE("contract: POST /api/invitations/:id/resend queues the candidate's email again") {
  TestServer server;
  Api api(server);
  const int64_t v = CreateVacancy(api, "automated");
  const int64_t a = CreateInvitationId(api, v, "resend@cammio.com");
  REQUIRE(CandidateMails(server, a).size() == 1);

  Value inv = Object(api.Post("/api/invitations/" + S(a) + "/resend", ""), 202, "invitation");
  CHECK(Int(inv, "id") == a);
  Object(api.Post("/api/vacancies/" + S(v) + "/invitations/" + S(a) + "/resend", ""), 202,
         "invitation");
  std::vector<OutboxMail> mails = CandidateMails(server, a);
  REQUIRE(mails.size() == 3);
  CHECK(mails[1].to_address == mails[0].to_address);
  CHECK(mails[1].subject == mails[0].subject);
  CHECK(mails[2].to_address == "resend@cammio.com");
  CHECK(mails[1].message_id != mails[0].message_id);
  CHECK(mails[2].message_id != mails[1].message_id);
  // With an Idempotency-Key, a retry replays the answer and mails nothing.
  const std::string path = "/api/invitations/" + S(a) + "/resend";
  CHECK(api.Post(path, "", "application/json", {{"Idempotency-Key", "resend-once"}}).status == 202);
  Resp replay = api.Post(path, "", "application/json", {{"Idempotency-Key", "resend-once"}});
  CHECK(replay.status == 202);
  CHECK(replay.Header("Idempotent-Replayed") == "true");
  REQUIRE(CandidateMails(server, a).size() == 4);

  SUBCASE("another vacancy's nested path, a missing id: 404") {
    const int64_t w = CreateVacancy(api, "automated");
    ErrorDetails(api.Post("/api/vacancies/" + S(w) + "/invitations/" + S(a) + "/resend", ""), 404);
    ErrorDetails(api.Post("/api/invitations/999999/resend", ""), 404);
  }
  SUBCASE("another account's invitation: 404, nothing queued") {
    Api other(server, server.NewAccount("Other", "other@cammio.test"));
    ErrorDetails(other.Post("/api/invitations/" + S(a) + "/resend", ""), 404);
    CHECK(CandidateMails(server, a).size() == 4);
  }
  SUBCASE("revoked: 404; completed: 412 with details; nothing queued") {
    const int64_t done = CreateInvitationId(api, v, "done@cammio.com");
    const int64_t now = server.clock().Now();
    Complete(server, done, now - 600, now);
    CHECK(!ErrorDetails(api.Post("/api/invitations/" + S(done) + "/resend", ""), 412).empty());
    CHECK(CandidateMails(server, done).size() == 1);
    REQUIRE(api.Delete("/api/invitations/" + S(a)).status == 200);
    ErrorDetails(api.Post("/api/invitations/" + S(a) + "/resend", ""), 404);
    CHECK(CandidateMails(server, a).size() == 4);
  }
  SUBCASE("email disabled for the account: 412, nothing queued") {
    REQUIRE(api.Put("/api/settings/notifications",
                    R"({"notification_settings": {"disable_email": true}})")
                .status == 200);
    CHECK(!ErrorDetails(api.Post("/api/invitations/" + S(a) + "/resend", ""), 412).empty());
    CHECK(CandidateMails(server, a).size() == 4);
  }
}

TEST_CASE("contract: GET /api/invitations from/to filter on datetime_scheduled") {
  TestServer server;
  Api api(server);
  int64_t live = CreateVacancy(api, "live");
  int64_t automated = CreateVacancy(api);
  auto invite = [&](int64_t v, const std::string& email, const std::string& when) {
    std::string sched = when.empty() ? "" : ", \"datetime_scheduled\": \"" + when + "\"";
    return Int(
        Object(api.Post("/api/invitations", "{\"invitation\": {\"vacancy_id\": " + S(v) +
                                                ", \"candidate_email\": \"" + email +
                                                "\", \"candidate_name\": \"N\"" + sched + "}}"),
               201, "invitation"),
        "id");
  };
  int64_t i29 = invite(live, "a@c.com", "2013-07-29T10:00:00+02:00");   // 29th 08:00Z
  int64_t i29b = invite(live, "b@c.com", "2013-07-30T01:00:00+02:00");  // 29th 23:00Z
  int64_t i30 = invite(live, "c@c.com", "2013-07-30T12:00:00Z");
  int64_t i01 = invite(live, "d@c.com", "2013-07-31T23:30:00-05:00");  // Aug 1 04:30Z
  int64_t none = invite(automated, "e@c.com", "");

  auto ids = [&](const std::string& q) {
    return Ids(List(api.Get("/api/invitations" + q), "invitation"));
  };
  CHECK(ids("") == std::vector<int64_t>{i29, i29b, i30, i01, none});
  CHECK(ids("?from=2013-07-30&to=2013-07-30") == std::vector<int64_t>{i30});
  CHECK(ids("?to=2013-07-29") == std::vector<int64_t>{i29, i29b});
  CHECK(ids("?from=2013-07-31") == std::vector<int64_t>{i01});
  CHECK(ids("?from=2013-07-29T09:00:00Z&to=2013-07-30T12:00:00Z") ==
        std::vector<int64_t>{i29b, i30});
  Resp page = api.Get("/api/invitations?from=2013-07-29&limit=2&offset=1");
  CHECK(Ids(List(page, "invitation")) == std::vector<int64_t>{i29b, i30});
  CHECK(TotalCount(page) == 4);
  // Nested: the same filter restricted to the vacancy.
  CHECK(Ids(List(api.Get("/api/vacancies/" + S(automated) + "/invitations?from=2013-01-01"),
                 "invitation"))
            .empty());
  CHECK(Ids(List(api.Get("/api/vacancies/" + S(automated) + "/invitations"), "invitation")) ==
        std::vector<int64_t>{none});

  CheckError(api.Get("/api/invitations?from=2013-07-31&to=2013-07-30"), 400, "from");
  CheckError(api.Get("/api/invitations?to=31-07-2013"), 400, "to");
}

TEST_CASE("contract: GET /api/invitations?updated_since") {
  TestServer server;
  Api api(server);
  int64_t v = CreateVacancy(api);
  int64_t t0 = server.clock().Now();
  int64_t a = CreateInvitationId(api, v, "a@cammio.com");
  server.clock().Advance(100);
  int64_t b = CreateInvitationId(api, v, "b@cammio.com");
  server.clock().Advance(100);
  CHECK(api.Put("/api/invitations/" + S(a), "{\"invitation\": {\"candidate_gender\": \"female\"}}")
            .status == 200);

  auto ids = [&](int64_t since) {
    return Ids(List(api.Get("/api/invitations?updated_since=" + FormatUtc(since)), "invitation"));
  };
  CHECK(ids(t0) == std::vector<int64_t>{a, b});
  CHECK(ids(t0 + 100) == std::vector<int64_t>{a, b});
  CHECK(ids(t0 + 150) == std::vector<int64_t>{a});
  CHECK(ids(t0 + 201).empty());
  CHECK(Ids(List(
            api.Get("/api/vacancies/" + S(v) + "/invitations?updated_since=" + FormatUtc(t0 + 150)),
            "invitation")) == std::vector<int64_t>{a});
}

TEST_CASE("contract: guests: a deleted guest's id is never given to the next guest") {
  // Guest links are an HMAC of the guest id (mail::GuestToken): a reused id
  // would let a deleted guest's mailed link open its successor's page.
  TestServer server;
  Api api(server);
  int64_t live = CreateVacancy(api, "live");
  std::string base =
      "/api/invitations/" + S(CreateInvitationId(api, live, "l@cammio.com")) + "/guests";
  int64_t first = Int(Object(api.Post(base, kSeedGuest), 201, "guest"), "id");
  CHECK(Doc(api.Delete(base + "/" + S(first)), 200).size() == 1);
  int64_t second = Int(Object(api.Post(base, kSeedGuest), 201, "guest"), "id");
  CHECK(second > first);
  CHECK(api.Get(base + "/" + S(first)).status == 404);
}

TEST_CASE("contract: guests: the seed's examples on live vacancies only") {
  TestServer server;
  Api api(server);
  int64_t automated = CreateVacancy(api);
  int64_t live = CreateVacancy(api, "live");
  int64_t ai = CreateInvitationId(api, automated, "a@cammio.com");
  int64_t li = CreateInvitationId(api, live, "l@cammio.com");

  CheckError(api.Post("/api/invitations/" + S(ai) + "/guests", kSeedGuest), 412, "live");
  CHECK(Contains(
      XmlErrorDetails(api.PostXml("/api/invitations/" + S(ai) + "/guests.xml", kSeedGuestXml), 412),
      "live"));
  CHECK(List(api.Get("/api/invitations/" + S(ai) + "/guests"), "guest").empty());

  std::string base = "/api/invitations/" + S(li) + "/guests";
  Value g1 = Object(api.Post(base, kSeedGuest), 201, "guest");
  CheckSeedGuest(g1);
  CHECK(g1.size() == 3);  // exactly the seed's fields
  XmlDoc x(api.PostXml(base + ".xml", kSeedGuestXml), 201);
  CHECK(x.root_name() == "guest");
  int64_t g2 = XmlInt(x.root(), "id");
  CHECK(XmlStr(x.root(), "name") == "Hillary Clinton");
  CHECK(XmlStr(x.root(), "email") == "hillary@cammio.com");

  // List (the seed's GET guests example), X-Total-Count, limit/offset.
  Resp list = api.Get(base);
  std::vector<Value> guests = List(list, "guest");
  CHECK(Ids(guests) == std::vector<int64_t>{Int(g1, "id"), g2});
  CheckSeedGuest(guests[0]);
  CHECK(TotalCount(list) == 2);
  Resp page = api.Get(base + "?limit=1&offset=1");
  CHECK(Ids(List(page, "guest")) == std::vector<int64_t>{g2});
  CHECK(TotalCount(page) == 2);
  CheckError(api.Get(base + "?from=2013-01-01"), 400, "from");  // limit and offset only
  XmlDoc xl(api.Get(base + ".xml"));
  CHECK(xl.root_name() == "guests");
  CHECK(Attr(xl.root(), "type") == "array");
  CHECK(Children(xl.root()).size() == 2);

  // GET one; the invitation detail embeds the guests (the seed's example).
  CheckSeedGuest(Object(api.Get(base + "/" + S(g2)), 200, "guest"));
  Value inv = Object(api.Get("/api/invitations/" + S(li)), 200, "invitation");
  REQUIRE(At(inv, "guests").size() == 2);
  CheckSeedGuest(Unwrap(At(inv, "guests").items()[0], "guest"));
  XmlDoc xi(api.Get("/api/invitations/" + S(li) + ".xml"));
  CHECK(XmlArray(xi.root(), "guests", "guest").size() == 2);

  // PUT.
  Value put = Object(api.Put(base + "/" + S(g2), "{\"guest\": {\"name\": \"Bill Clinton\"}}"), 200,
                     "guest");
  CHECK(Str(put, "name") == "Bill Clinton");
  CHECK(Str(put, "email") == "hillary@cammio.com");
  CHECK(Str(Object(api.Get(base + "/" + S(g2)), 200, "guest"), "name") == "Bill Clinton");
  CheckError(api.Put(base + "/" + S(g2), "{\"guest\": {\"email\": \"not an email\"}}"), 412,
             "email");
  CheckError(api.Put(base + "/" + S(g2), "{\"guest\": {\"name\": \"\"}}"), 412, "name");

  // Validation on create.
  CheckError(api.Post(base, "{\"guest\": {\"name\": \"G\", \"email\": \"nope\"}}"), 412, "email");
  CheckError(api.Post(base, "{\"guest\": {\"email\": \"g@cammio.com\"}}"), 412, "name");
  CheckError(api.Post(base, "{\"guest\": {\"name\": \"G\"}}"), 412, "email");
  CheckError(api.Post(base, "{\"guest\": {\"name\": 5, \"email\": \"g@cammio.com\"}}"), 400,
             "name");
  CheckError(api.Post(base, "{\"guest\": {\"name\": \"" + std::string(201, 'n') +
                                "\", \"email\": \"g@cammio.com\"}}"),
             412, "name");
  CheckError(api.Post(base, "{\"invitation\": {\"name\": \"G\"}}"), 400, "guest");
  CHECK(TotalCount(api.Get(base)) == 2);

  // DELETE: GUEST_DELETED, then 404.
  Value del = Doc(api.Delete(base + "/" + S(Int(g1, "id"))), 200);
  CHECK(del.size() == 1);
  CHECK(Str(del, "result") == "GUEST_DELETED");
  XmlDoc xd(api.Delete(base + "/" + S(g2) + ".xml"));
  CHECK(xd.root_name() == "result");
  CHECK(Text(xd.root()) == "GUEST_DELETED");
  ErrorDetails(api.Get(base + "/" + S(g2)), 404);
  ErrorDetails(api.Delete(base + "/" + S(g2)), 404);
  ErrorDetails(api.Put(base + "/" + S(g2), kSeedGuest), 404);
  CHECK(List(api.Get(base), "guest").empty());
}

TEST_CASE("contract: nested /api/vacancies/:vacancy_id/invitations answer like the flat paths") {
  TestServer server;
  Api api(server);
  int64_t v1 = CreateVacancy(api, "live");
  int64_t v2 = CreateVacancy(api, "live");
  int64_t i1 = CreateInvitationId(api, v1, "one@cammio.com");
  int64_t i2 = CreateInvitationId(api, v2, "two@cammio.com");
  int64_t g2 = Int(
      Object(api.Post("/api/invitations/" + S(i2) + "/guests", kSeedGuest), 201, "guest"), "id");
  std::string n1 = "/api/vacancies/" + S(v1) + "/invitations";
  std::string n2 = "/api/vacancies/" + S(v2) + "/invitations";

  // Lists restricted to the vacancy.
  Resp l1 = api.Get(n1);
  CHECK(Ids(List(l1, "invitation")) == std::vector<int64_t>{i1});
  CHECK(TotalCount(l1) == 1);
  // One invitation: the same body as the flat path.
  CHECK(api.Get(n1 + "/" + S(i1)).body == api.Get("/api/invitations/" + S(i1)).body);
  CHECK(api.Get(n2 + "/" + S(i2) + "/guests").body ==
        api.Get("/api/invitations/" + S(i2) + "/guests").body);
  CHECK(api.Get(n2 + "/" + S(i2) + "/guests/" + S(g2)).body ==
        api.Get("/api/invitations/" + S(i2) + "/guests/" + S(g2)).body);

  // A child of another vacancy of the same account is 404 under every method.
  std::string before2 = api.Get("/api/invitations/" + S(i2)).body;
  ErrorDetails(api.Get(n1 + "/" + S(i2)), 404);
  ErrorDetails(api.Put(n1 + "/" + S(i2), "{\"invitation\": {\"candidate_name\": \"X\"}}"), 404);
  ErrorDetails(api.Delete(n1 + "/" + S(i2)), 404);
  ErrorDetails(api.Get(n1 + "/" + S(i2) + "/guests"), 404);
  ErrorDetails(api.Post(n1 + "/" + S(i2) + "/guests", kSeedGuest), 404);
  ErrorDetails(api.Get(n1 + "/" + S(i2) + "/guests/" + S(g2)), 404);
  ErrorDetails(api.Put(n1 + "/" + S(i2) + "/guests/" + S(g2), kSeedGuest), 404);
  ErrorDetails(api.Delete(n1 + "/" + S(i2) + "/guests/" + S(g2)), 404);
  // A guest of another invitation under the right vacancy: 404 too.
  ErrorDetails(api.Get(n1 + "/" + S(i1) + "/guests/" + S(g2)), 404);
  ErrorDetails(api.Delete("/api/invitations/" + S(i1) + "/guests/" + S(g2)), 404);
  CHECK(api.Get("/api/invitations/" + S(i2)).body == before2);
  CHECK(List(api.Get("/api/invitations/" + S(i2) + "/guests"), "guest").size() == 1);

  // An unknown vacancy: 404 for everything under it.
  std::string nx = "/api/vacancies/" + S(kMissingId) + "/invitations";
  ErrorDetails(api.Get(nx), 404);
  ErrorDetails(api.Post(nx, "{\"invitation\": {" + InvitationFields("x@cammio.com") + "}}"), 404);
  ErrorDetails(api.Get(nx + "/" + S(i1)), 404);
  ErrorDetails(api.Get(nx + "/" + S(i1) + "/guests"), 404);

  // POST takes the vacancy from the URL; a body vacancy_id is ignored.
  Value created = Object(api.Post(n1, "{\"invitation\": {\"vacancy_id\": " + S(v2) + ", " +
                                          InvitationFields("three@cammio.com") + "}}"),
                         201, "invitation");
  CHECK(Int(created, "vacancy_id") == v1);
  Value unwrapped =
      Object(api.Post(n1, "{" + InvitationFields("four@cammio.com") + "}"), 201, "invitation");
  CHECK(Int(unwrapped, "vacancy_id") == v1);
  Value junk = Object(api.Post(n1, "{\"invitation\": {\"vacancy_id\": \"junk\", " +
                                       InvitationFields("five@cammio.com") + "}}"),
                      201, "invitation");
  CHECK(Int(junk, "vacancy_id") == v1);
  XmlDoc x(api.PostXml(n1 + ".xml", "<invitation><vacancy_id>" + S(v2) +
                                        "</vacancy_id><candidate_email>six@cammio.com"
                                        "</candidate_email><candidate_name>Six</candidate_name>"
                                        "<datetime_scheduled>2013-08-05T02:00:00+02:00"
                                        "</datetime_scheduled></invitation>"),
           201);
  CHECK(XmlInt(x.root(), "vacancy_id") == v1);
  CHECK(TotalCount(api.Get(n1)) == 5);
  CHECK(TotalCount(api.Get(n2)) == 1);
}

TEST_CASE("contract: Idempotency-Key on POST replays the first answer") {
  TestServer server;
  Api a(server);
  Credentials other = server.NewAccount("Other Agency", "recruiter@other.test");
  Api b(server, other);
  int64_t va = CreateVacancy(a, "live");
  int64_t vb = CreateVacancy(b, "live");
  std::string body_a = "{\"invitation\": {\"vacancy_id\": " + S(va) + ", " +
                       InvitationFields("retry@cammio.com") + "}}";
  httplib::Headers key{{"Idempotency-Key", "ats-req-42"}};

  Resp first = a.Post("/api/invitations", body_a, "application/json", key);
  int64_t id = Int(Object(first, 201, "invitation"), "id");
  CHECK_FALSE(first.HasHeader("Idempotent-Replayed"));
  Resp again = a.Post("/api/invitations", body_a, "application/json", key);
  CHECK(Int(Object(again, 201, "invitation"), "id") == id);
  CHECK(again.Header("Idempotent-Replayed") == "true");
  CHECK(again.body == first.body);
  CHECK(TotalCount(a.Get("/api/invitations")) == 1);

  // Same key, different request: 409, nothing created.
  std::string body_a2 = ReplaceAll(body_a, "retry@", "other@");
  CheckError(a.Post("/api/invitations", body_a2, "application/json", key), 409, "Idempotency-Key");
  CHECK(TotalCount(a.Get("/api/invitations")) == 1);

  // Another account with the same key is independent.
  std::string body_b = "{\"invitation\": {\"vacancy_id\": " + S(vb) + ", " +
                       InvitationFields("retry@cammio.com") + "}}";
  Resp other_first = b.Post("/api/invitations", body_b, "application/json", key);
  int64_t bid = Int(Object(other_first, 201, "invitation"), "id");
  CHECK(bid != id);
  CHECK_FALSE(other_first.HasHeader("Idempotent-Replayed"));
  CHECK(TotalCount(b.Get("/api/invitations")) == 1);
  CHECK(TotalCount(a.Get("/api/invitations")) == 1);

  // A failed POST is not remembered: the corrected retry creates.
  httplib::Headers key2{{"Idempotency-Key", "ats-req-43"}};
  std::string unscheduled =
      "{\"invitation\": {\"vacancy_id\": " + S(va) +
      ", \"candidate_email\": \"late@cammio.com\", \"candidate_name\": \"L\"}}";
  CheckError(a.Post("/api/invitations", unscheduled, "application/json", key2), 412,
             "datetime_scheduled");
  CheckError(a.Post("/api/invitations", unscheduled, "application/json", key2), 412,
             "datetime_scheduled");
  std::string fixed = "{\"invitation\": {\"vacancy_id\": " + S(va) + ", " +
                      InvitationFields("late@cammio.com") + "}}";
  Resp created = a.Post("/api/invitations", fixed, "application/json", key2);
  int64_t late = Int(Object(created, 201, "invitation"), "id");
  CHECK_FALSE(created.HasHeader("Idempotent-Replayed"));
  Resp replay = a.Post("/api/invitations", fixed, "application/json", key2);
  CHECK(Int(Object(replay, 201, "invitation"), "id") == late);
  CHECK(replay.Header("Idempotent-Replayed") == "true");
  CHECK(TotalCount(a.Get("/api/invitations")) == 2);

  // Keys are kept 24 hours; after that the same request creates again.
  server.clock().Advance(24 * 3600 + 1);
  Resp later = a.Post("/api/invitations", fixed, "application/json", key2);
  CHECK(Int(Object(later, 201, "invitation"), "id") != late);
  CHECK_FALSE(later.HasHeader("Idempotent-Replayed"));
  CHECK(TotalCount(a.Get("/api/invitations")) == 3);

  // Vacancies, in XML too.
  httplib::Headers key3{{"Idempotency-Key", "vacancy-1"}};
  std::string xml =
      "<vacancy><title>X</title><datetime_start>2013-07-28</datetime_start>"
      "<datetime_end>2013-09-26</datetime_end></vacancy>";
  Resp vx = a.PostXml("/api/vacancies.xml", xml, key3);
  XmlDoc x1(vx, 201);
  Resp vx2 = a.PostXml("/api/vacancies.xml", xml, key3);
  XmlDoc x2(vx2, 201);
  CHECK(XmlInt(x2.root(), "id") == XmlInt(x1.root(), "id"));
  CHECK(vx2.Header("Idempotent-Replayed") == "true");
  CHECK(TotalCount(a.Get("/api/vacancies")) == 2);
  // The same key on another path is another request: 409.
  CheckError(a.Post("/api/vacancies", VacancyBody("X", "automated"), "application/json", key3), 409,
             "Idempotency-Key");
  // A key must be printable ASCII without spaces.
  CheckError(a.Post("/api/vacancies", VacancyBody("Y", "live"), "application/json",
                    {{"Idempotency-Key", "has space"}}),
             400, "Idempotency-Key");
  CHECK(TotalCount(a.Get("/api/vacancies")) == 2);
}

TEST_CASE("contract: concurrent retries with one Idempotency-Key create once") {
  TestServer server;
  Api api(server);
  int64_t v = CreateVacancy(api);
  std::string body = "{\"invitation\": {\"vacancy_id\": " + S(v) + ", " +
                     InvitationFields("race@cammio.com") + "}}";
  constexpr int kThreads = 6;
  std::vector<Resp> answers(kThreads);
  std::vector<std::thread> threads;
  for (int k = 0; k < kThreads; ++k) {
    threads.emplace_back([&, k] {
      Api own(server);
      answers[k] =
          own.Post("/api/invitations", body, "application/json", {{"Idempotency-Key", "race-1"}});
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> ids;
  int replayed = 0;
  for (const Resp& r : answers) {
    ids.insert(Int(Object(r, 201, "invitation"), "id"));
    replayed += r.Header("Idempotent-Replayed") == "true";
  }
  CHECK(ids.size() == 1);
  CHECK(replayed == kThreads - 1);
  CHECK(TotalCount(api.Get("/api/invitations")) == 1);
}

TEST_CASE("contract: malformed invitation input is refused with details and changes nothing") {
  TestServer server;
  Api api(server);
  int64_t v = CreateVacancy(api, "live");
  int64_t id = CreateInvitationId(api, v, "keep@cammio.com");
  std::string path = "/api/invitations/" + S(id);
  std::string list_before = api.Get("/api/invitations").body;
  std::string detail_before = api.Get(path).body;
  std::string vac = "\"vacancy_id\": " + S(v) + ", ";
  auto post = [&](const std::string& fields) {
    return api.Post("/api/invitations", "{\"invitation\": {" + fields + "}}");
  };

  // Query parameters.
  CheckError(api.Get("/api/invitations?limit=99999999999999999999"), 400, "limit");
  CheckError(api.Get("/api/invitations?limit=-1"), 400, "limit");
  CheckError(api.Get("/api/invitations?offset=abc"), 400, "offset");
  CheckError(api.Get("/api/invitations?status=open"), 400, "status");
  CheckError(api.Get("/api/invitations/" + S(id) + "/guests?limit=-3"), 400, "limit");
  ErrorDetails(api.Get("/api/invitations/9223372036854775808"), 404);

  // Bodies.
  CheckError(api.Post("/api/invitations", ""), 400, "empty");
  CheckError(api.Post("/api/invitations", "{\"vacancy\": {\"title\": \"x\"}}"), 400, "invitation");
  CheckError(api.Post("/api/invitations", "{\"invitation\": [1, 2]}"), 400, "invitation");
  CheckError(api.Post("/api/invitations",
                      "[{\"invitation\": {" + vac + InvitationFields("a@b.com") +
                          "}}, {\"invitation\": {" + vac + InvitationFields("c@d.com") + "}}]"),
             400, "invitation");
  CheckError(post(InvitationFields("x@cammio.com")), 412, "vacancy_id");
  CheckError(post("\"vacancy_id\": \"" + S(v) + "\", " + InvitationFields("x@cammio.com")), 400,
             "vacancy_id");
  CheckError(post("\"vacancy_id\": 99999999999999999999, " + InvitationFields("x@cammio.com")), 400,
             "vacancy_id");
  CheckError(post("\"vacancy_id\": -4, " + InvitationFields("x@cammio.com")), 412, "vacancy_id");
  // decisions.md: a body vacancy_id that is not the account's is 404.
  CheckError(post("\"vacancy_id\": " + S(kMissingId) + ", " + InvitationFields("x@cammio.com")),
             404, S(kMissingId));
  CheckError(post(vac + InvitationFields("not-an-email")), 412, "candidate_email");
  CheckError(post(vac + InvitationFields("a@@cammio.com")), 412, "candidate_email");
  CheckError(post(vac + "\"candidate_name\": \"N\", \"datetime_scheduled\": \"2013-08-05\""), 412,
             "candidate_email");
  CheckError(post(vac + "\"candidate_email\": \"n@cammio.com\", \"datetime_scheduled\": "
                        "\"2013-08-05\""),
             412, "candidate_name");
  CheckError(post(vac + InvitationFields("x@cammio.com", "\"candidate_firstname\": \"" +
                                                             std::string(101, 'f') + "\"")),
             412, "candidate_firstname");
  CheckError(post(vac + InvitationFields("x@cammio.com",
                                         "\"candidate_phone\": \"" + std::string(41, '1') + "\"")),
             412, "candidate_phone");
  CheckError(post(vac + InvitationFields("x@cammio.com", "\"candidate_phone\": true")), 400,
             "candidate_phone");
  CheckError(post(vac + InvitationFields("x@cammio.com", "\"candidate_email\": 5")), 400,
             "candidate_email");
  CheckError(post(vac + InvitationFields("x@cammio.com", "\"datetime_scheduled\": \"soon\"")), 400,
             "datetime_scheduled");
  CheckError(post(vac + InvitationFields("x@cammio.com", "\"callback_params\": [\"a\"]")), 400,
             "callback_params");
  CheckError(
      post(vac + InvitationFields("x@cammio.com", "\"callback_params\": {\"a\": {\"b\": 1}}")), 400,
      "callback_params");
  CheckError(post(vac + InvitationFields("x@cammio.com", "\"callback_params\": \"a=b\"")), 400,
             "callback_params");
  std::string many;
  for (int k = 0; k < 51; ++k) many += (k ? ", " : "") + std::string("\"p") + S(k) + "\": \"v\"";
  CheckError(post(vac + InvitationFields("x@cammio.com", "\"callback_params\": {" + many + "}")),
             412, "callback_params");
  CheckError(post(vac + InvitationFields("x@cammio.com", "\"callback_params\": {\"" +
                                                             std::string(101, 'k') + "\": \"v\"}")),
             412, "callback_params");
  CheckError(post(vac + InvitationFields("x@cammio.com", "\"redirect_url\": \"javascript:x\"")),
             412, "redirect_url");
  CheckError(post(vac + InvitationFields("x@cammio.com", "\"interviewer_email\": \"bob\"")), 412,
             "interviewer_email");
  CHECK(
      Contains(XmlErrorDetails(api.PostXml("/api/invitations.xml",
                                           "<invitation><vacancy_id>abc</vacancy_id></invitation>"),
                               400),
               "vacancy_id"));

  // PUT.
  CheckError(api.Put(path, ""), 400, "empty");
  CheckError(api.Put(path, "{\"invitation\": {\"candidate_email\": \"nope\"}}"), 412,
             "candidate_email");
  CheckError(api.Put(path, "{\"invitation\": {\"candidate_phone\": [1]}}"), 400, "candidate_phone");
  CheckError(api.Put(path, "{\"invitation\": {\"datetime_scheduled\": \"2013-13-01\"}}"), 400,
             "datetime_scheduled");

  CHECK(api.Get("/api/invitations").body == list_before);
  CHECK(api.Get(path).body == detail_before);
}

}  // namespace
}  // namespace cammio
