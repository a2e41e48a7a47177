// Contract tests for /api/vacancies against the real server over TLS: the
// seed document's request and response examples in JSON
// and XML, the detail view with embedded invitations and interviews and its
// counters, deletion bodies, updated_since, and malformed input
// (docs/contract.md "Formats", "Errors", "Lists", "Resources").
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "testing/api_helpers.h"

namespace cammio {
namespace {

using namespace cammio::testing;

// The seed's example (kSeedVacancyPost, testing/api_helpers.h) by hand in XML
// (a list is a plural container with type="array"; nulls are nil="true").
constexpr char kSeedVacancyPostXml[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<vacancies type="array">
  <vacancy>
    <answering_time nil="true"/>
    <cv_upload_required nil="true"/>
    <datetime_end type="datetime">2013-09-26T02:00:00+02:00</datetime_end>
    <datetime_start type="datetime">2013-07-28T02:00:00+02:00</datetime_start>
    <external_info_url nil="true"/>
    <generic_invitation_text nil="true"/>
    <id type="integer">3474</id>
    <kind>live</kind>
    <language>nl</language>
    <num_of_interviews type="integer">0</num_of_interviews>
    <num_of_invitations type="integer">0</num_of_invitations>
    <num_of_retries nil="true"/>
    <play_test_question nil="true"/>
    <recruiter_email>bas@cammio.me</recruiter_email>
    <recruiter_id type="integer">10682</recruiter_id>
    <recruiter_name>Bas Dirkse</recruiter_name>
    <recruiter_phone>+31681526285</recruiter_phone>
    <reference_id>CA001-202</reference_id>
    <scope>private</scope>
    <title>REST API developer</title>
    <use_as_template>no</use_as_template>
  </vacancy>
</vacancies>
)";

// The fields of the seed's vacancy responses (POST and GET examples), with the
// values the seed's POST request must produce: the read-only id, counters and
// recruiter fields of the body are ignored; recruiter fields are the caller's.
void CheckSeedVacancy(const Value& v, const Credentials& caller) {
  CHECK(Int(v, "id") != 3474);
  CHECK(Int(v, "id") > 0);
  CHECK(Str(v, "answering_time") == "2 minutes");
  CHECK(Str(v, "cv_upload_required") == "no");
  CHECK(Str(v, "datetime_end") == "2013-09-26T02:00:00+02:00");
  CHECK(Str(v, "datetime_start") == "2013-07-28T02:00:00+02:00");
  CHECK(IsNull(v, "external_info_url"));
  CHECK(IsNull(v, "generic_invitation_text"));
  CHECK(Str(v, "kind") == "live");
  CHECK(Str(v, "language") == "nl");
  CHECK(Int(v, "num_of_interviews") == 0);
  CHECK(Int(v, "num_of_invitations") == 0);
  CHECK(IsNull(v, "num_of_retries"));
  CHECK(IsNull(v, "play_test_question"));
  CHECK(Str(v, "recruiter_email") == caller.email);
  CHECK(Int(v, "recruiter_id") == caller.user_id);
  CHECK(Str(v, "recruiter_name") == "Test Agency Recruiter");
  CHECK(At(v, "recruiter_phone").is_string());
  CHECK(Str(v, "reference_id") == "CA001-202");
  CHECK(Str(v, "scope") == "private");
  CHECK(Str(v, "title") == "REST API developer");
  CHECK(Str(v, "use_as_template") == "no");
}

// The embedded invitation of the seed's GET /api/vacancies/:id example.
void CheckEmbeddedInvitation(const Value& i, int64_t id, int64_t vacancy_id) {
  CHECK(Int(i, "id") == id);
  CHECK(Int(i, "vacancy_id") == vacancy_id);
  CHECK(Str(i, "candidate_email").find('@') != std::string::npos);
  CHECK(Str(i, "candidate_gender") == "male");
  CHECK(Int(i, "candidate_id") > 0);
  CHECK(Str(i, "candidate_name") == "John Lennon");
  CHECK(Str(i, "candidate_phone") == "123");
  CHECK(Str(i, "datetime_scheduled") == "2013-08-05T02:00:00+02:00");
  CHECK(Str(i, "kind") == "live");
  CHECK(Str(i, "title") == "REST API developer");
  CHECK(IsNull(i, "num_of_questions"));  // live: the seed shows null
}

TEST_CASE("contract: POST /api/vacancies with the seed's array example (JSON)") {
  TestServer server;
  Api api(server);
  Resp r = api.Post("/api/vacancies", kSeedVacancyPost);
  // An array of one behaves as the object form and answers one object.
  Value v = Object(r, 201, "vacancy");
  CheckSeedVacancy(v, server.creds());
  int64_t id = Int(v, "id");

  // GET answers the seed's GET example's fields, with the sub-resources.
  Value got = Object(api.Get("/api/vacancies/" + std::to_string(id)), 200, "vacancy");
  CheckSeedVacancy(got, server.creds());
  CHECK(At(got, "invitations").is_array());
  CHECK(At(got, "invitations").items().empty());
  CHECK(At(got, "interviews").is_array());
  CHECK(At(got, "interviews").items().empty());

  // The body's id was not used.
  ErrorDetails(api.Get("/api/vacancies/3474"), 404);
  std::vector<Value> all = List(api.Get("/api/vacancies"), "vacancy");
  REQUIRE(all.size() == 1);
  CheckSeedVacancy(all[0], server.creds());
}

TEST_CASE("contract: POST /api/vacancies.xml with the seed's array example (XML)") {
  TestServer server;
  Api api(server);
  Resp r = api.PostXml("/api/vacancies.xml", kSeedVacancyPostXml);
  XmlDoc x(r, 201);
  CHECK(x.root_name() == "vacancy");
  auto* v = x.root();
  int64_t id = XmlInt(v, "id");
  CHECK(id != 3474);
  CHECK(XmlStr(v, "answering_time") == "2 minutes");
  CHECK(XmlStr(v, "cv_upload_required") == "no");
  CHECK(XmlDatetime(v, "datetime_end") == "2013-09-26T02:00:00+02:00");
  CHECK(XmlDatetime(v, "datetime_start") == "2013-07-28T02:00:00+02:00");
  CHECK(XmlNil(v, "external_info_url"));
  CHECK(XmlNil(v, "generic_invitation_text"));
  CHECK(XmlStr(v, "kind") == "live");
  CHECK(XmlStr(v, "language") == "nl");
  CHECK(XmlInt(v, "num_of_interviews") == 0);
  CHECK(XmlInt(v, "num_of_invitations") == 0);
  CHECK(XmlNil(v, "num_of_retries"));
  CHECK(XmlNil(v, "play_test_question"));
  CHECK(XmlStr(v, "recruiter_email") == server.creds().email);
  CHECK(XmlInt(v, "recruiter_id") == server.creds().user_id);
  CHECK(XmlStr(v, "recruiter_name") == "Test Agency Recruiter");
  CHECK(XmlStr(v, "reference_id") == "CA001-202");
  CHECK(XmlStr(v, "scope") == "private");
  CHECK(XmlStr(v, "title") == "REST API developer");
  CHECK(XmlStr(v, "use_as_template") == "no");

  // The same vacancy in JSON.
  Value got = Object(api.Get("/api/vacancies/" + std::to_string(id)), 200, "vacancy");
  CheckSeedVacancy(got, server.creds());

  // GET .xml: the nested lists are type="array" (empty here).
  XmlDoc detail(api.Get("/api/vacancies/" + std::to_string(id) + ".xml"));
  CHECK(detail.root_name() == "vacancy");
  CHECK(XmlArray(detail.root(), "invitations", "invitation").empty());
  CHECK(XmlArray(detail.root(), "interviews", "interview").empty());

  // The list in XML: <vacancies type="array"><vacancy>...
  XmlDoc list(api.Get("/api/vacancies.xml"));
  CHECK(list.root_name() == "vacancies");
  CHECK(Attr(list.root(), "type") == "array");
  auto items = Children(list.root());
  REQUIRE(items.size() == 1);
  CHECK(std::string(items[0]->Name()) == "vacancy");
  CHECK(XmlInt(items[0], "id") == id);
}

TEST_CASE("contract: an array of several vacancies creates all or none") {
  TestServer server;
  Api api(server);
  std::string two =
      "[" + VacancyBody("First", "automated") + ", " + VacancyBody("Second", "live") + "]";
  Resp r = api.Post("/api/vacancies", two);
  Value doc = Doc(r, 201);
  REQUIRE(doc.is_array());
  REQUIRE(doc.size() == 2);
  CHECK(Str(Unwrap(doc.items()[0], "vacancy"), "title") == "First");
  CHECK(Str(Unwrap(doc.items()[1], "vacancy"), "title") == "Second");

  std::string bad =
      "[" + VacancyBody("Third", "automated") + ", {\"vacancy\": {\"title\": \"No dates\"}}]";
  CheckError(api.Post("/api/vacancies", bad), 412, "datetime_start");
  CHECK(TotalCount(api.Get("/api/vacancies")) == 2);
}

TEST_CASE("contract: the vacancy detail embeds open invitations and interviews; counters follow") {
  TestServer server;
  Api api(server);
  int64_t v = CreateVacancy(api, "live");
  std::string path = "/api/vacancies/" + std::to_string(v);

  auto detail = [&] { return Object(api.Get(path), 200, "vacancy"); };
  auto embedded = [&](const Value& d, const char* list, const char* item) {
    std::vector<int64_t> ids;
    const Value& l = At(d, list);
    REQUIRE(l.is_array());
    for (const Value& e : l.items()) ids.push_back(Int(Unwrap(e, item), "id"));
    return ids;
  };

  Value d = detail();
  CHECK(Int(d, "num_of_invitations") == 0);
  CHECK(Int(d, "num_of_interviews") == 0);

  int64_t i1 = CreateInvitationId(api, v, "john@cammio.com");
  int64_t i2 = CreateInvitationId(api, v, "paul@cammio.com");
  int64_t i3 = CreateInvitationId(api, v, "george@cammio.com");
  d = detail();
  CHECK(Int(d, "num_of_invitations") == 3);
  CHECK(Int(d, "num_of_interviews") == 0);
  CHECK(embedded(d, "invitations", "invitation") == std::vector<int64_t>{i1, i2, i3});
  CheckEmbeddedInvitation(Unwrap(At(d, "invitations").items()[0], "invitation"), i1, v);

  // Deleting one: it leaves the embedded list and the counter.
  CHECK(Str(Doc(api.Delete("/api/invitations/" + std::to_string(i2)), 200), "result") ==
        "INVITATION_DELETED");
  d = detail();
  CHECK(Int(d, "num_of_invitations") == 2);
  CHECK(embedded(d, "invitations", "invitation") == std::vector<int64_t>{i1, i3});

  // Completing one: it becomes an embedded interview.
  int64_t now = server.clock().Now();
  int64_t w1 = Complete(server, i1, now - 45, now);
  d = detail();
  CHECK(Int(d, "num_of_invitations") == 1);
  CHECK(Int(d, "num_of_interviews") == 1);
  CHECK(embedded(d, "invitations", "invitation") == std::vector<int64_t>{i3});
  CHECK(embedded(d, "interviews", "interview") == std::vector<int64_t>{w1});
  Value w = Unwrap(At(d, "interviews").items()[0], "interview");
  CHECK(Int(w, "vacancy_id") == v);
  CHECK(Str(w, "candidate_name") == "John Lennon");

  // The list items carry the same counters.
  std::vector<Value> list = List(api.Get("/api/vacancies"), "vacancy");
  REQUIRE(list.size() == 1);
  CHECK(Int(list[0], "num_of_invitations") == 1);
  CHECK(Int(list[0], "num_of_interviews") == 1);

  // XML: <invitations type="array"><invitation>... inside <vacancy>.
  XmlDoc x(api.Get(path + ".xml"));
  CHECK(x.root_name() == "vacancy");
  CHECK(XmlInt(x.root(), "num_of_invitations") == 1);
  auto invs = XmlArray(x.root(), "invitations", "invitation");
  REQUIRE(invs.size() == 1);
  CHECK(XmlInt(invs[0], "id") == i3);
  CHECK(XmlInt(invs[0], "candidate_id") > 0);
  CHECK(XmlStr(invs[0], "candidate_phone") == "123");
  CHECK(XmlDatetime(invs[0], "datetime_scheduled") == "2013-08-05T02:00:00+02:00");
  CHECK(XmlNil(invs[0], "num_of_questions"));
  auto ints = XmlArray(x.root(), "interviews", "interview");
  REQUIRE(ints.size() == 1);
  CHECK(XmlInt(ints[0], "id") == w1);
  CHECK(XmlNil(ints[0], "datetime_synchronized"));
  CHECK(XmlInt(ints[0], "duration_in_minutes") == 1);

  // With an interview and an open invitation the vacancy cannot be deleted.
  CheckError(api.Delete(path), 412, "interview");
  CHECK(Int(detail(), "num_of_interviews") == 1);
}

TEST_CASE("contract: DELETE /api/vacancies/:id answers VACANCY_DELETED in JSON and XML") {
  TestServer server;
  Api api(server);
  int64_t a = CreateVacancy(api);
  int64_t b = CreateVacancy(api, "live");
  // A deleted (revoked) invitation does not block the deletion.
  int64_t inv = CreateInvitationId(api, b, "x@cammio.com");
  CheckError(api.Delete("/api/vacancies/" + std::to_string(b)), 412, "invitation");
  api.Delete("/api/invitations/" + std::to_string(inv));

  Value doc = Doc(api.Delete("/api/vacancies/" + std::to_string(a)), 200);
  REQUIRE(doc.is_object());
  CHECK(doc.size() == 1);
  CHECK(Str(doc, "result") == "VACANCY_DELETED");

  XmlDoc x(api.Delete("/api/vacancies/" + std::to_string(b) + ".xml"));
  CHECK(x.root_name() == "result");
  CHECK(Text(x.root()) == "VACANCY_DELETED");
  CHECK(Children(x.root()).empty());

  ErrorDetails(api.Get("/api/vacancies/" + std::to_string(a)), 404);
  ErrorDetails(api.Get("/api/vacancies/" + std::to_string(b)), 404);
  ErrorDetails(api.Get("/api/invitations/" + std::to_string(inv)), 404);
  CHECK(TotalCount(api.Get("/api/vacancies")) == 0);
}

// decisions.md: deleted (revoked) invitations do not block deleting their
// vacancy "and are removed with it" -- also when the candidate had already
// started an upload through the link before the invitation was deleted
// (its `uploads` rows reference the invitation).
TEST_CASE("contract: a vacancy whose deleted invitation has an upload can be deleted") {
  TestServer server;
  Api api(server);
  int64_t v = CreateAutomatedWithQuestions(api);  // a recording names one of its questions
  Value inv = CreateInvitation(api, v, "started@cammio.com");
  std::string token = TokenAfter(Str(inv, "url"), "https://cammio.test/public/job_interviews/");
  REQUIRE(!token.empty());
  // The candidate page starts a tus upload (kind "recording", base64).
  auto anon = server.Client();
  auto up = anon->Post(("/public/job_interviews/" + token + "/uploads").c_str(),
                       httplib::Headers{{"Tus-Resumable", "1.0.0"},
                                        {"Upload-Length", "10"},
                                        {"Upload-Metadata", "kind cmVjb3JkaW5n,question MQ=="}},
                       "", "application/offset+octet-stream");
  REQUIRE(up);
  INFO("upload: " << up->status << " " << up->body);
  REQUIRE(up->status == 201);

  CHECK(Doc(api.Delete("/api/invitations/" + std::to_string(Int(inv, "id"))), 200).size() == 1);
  Resp del = api.Delete("/api/vacancies/" + std::to_string(v));
  INFO("delete: " << del);
  CHECK(del.status == 200);
  CHECK(del.body == "{\"result\":\"VACANCY_DELETED\"}");
  CHECK_FALSE(Contains(del.body, "FOREIGN KEY"));
  CHECK_FALSE(Contains(del.body, "DELETE FROM"));
  CHECK(api.Get("/api/vacancies/" + std::to_string(v)).status == 404);
}

TEST_CASE("contract: XML responses carry types, nil and the .xml suffix on every path") {
  TestServer server;
  Api api(server);
  int64_t v = CreateVacancy(api, "automated",
                            "\"questions\": [{\"title\": \"Why?\"}], \"num_of_retries\": 2");
  XmlDoc x(api.Get("/api/vacancies/" + std::to_string(v) + ".xml"));
  CHECK(x.root_name() == "vacancy");
  CHECK(XmlInt(x.root(), "id") == v);
  CHECK(XmlInt(x.root(), "num_of_retries") == 2);
  CHECK(XmlDatetime(x.root(), "datetime_updated").back() == 'Z');  // server-made: UTC
  CHECK(XmlNil(x.root(), "template_id"));
  auto qs = XmlArray(x.root(), "questions", "question");
  REQUIRE(qs.size() == 1);
  CHECK(XmlInt(qs[0], "index") == 1);
  CHECK(XmlInt(qs[0], "required") == 1);
  CHECK(XmlStr(qs[0], "title") == "Why?");
  CHECK(XmlNil(qs[0], "video_id"));

  // .json is an explicit JSON suffix; Accept: application/xml selects XML.
  Value j = Object(api.Get("/api/vacancies/" + std::to_string(v) + ".json"), 200, "vacancy");
  CHECK(Int(j, "id") == v);
  XmlDoc accept(api.Get("/api/vacancies/" + std::to_string(v), {{"Accept", "application/xml"}}));
  CHECK(accept.root_name() == "vacancy");

  // Nested paths with .xml.
  XmlDoc invs(api.Get("/api/vacancies/" + std::to_string(v) + "/invitations.xml"));
  CHECK(invs.root_name() == "invitations");
  CHECK(Attr(invs.root(), "type") == "array");
  XmlDoc ints(api.Get("/api/vacancies/" + std::to_string(v) + "/interviews.xml"));
  CHECK(ints.root_name() == "interviews");
  CHECK(Attr(ints.root(), "type") == "array");
}

TEST_CASE("contract: GET /api/vacancies?updated_since") {
  TestServer server;
  Api api(server);
  int64_t t0 = server.clock().Now();
  int64_t v1 = CreateVacancy(api);
  server.clock().Advance(100);
  int64_t v2 = CreateVacancy(api);
  server.clock().Advance(100);
  int64_t v3 = CreateVacancy(api);

  Resp r = api.Get("/api/vacancies?updated_since=" + FormatUtc(t0 + 100));
  CHECK(Ids(List(r, "vacancy")) == std::vector<int64_t>{v2, v3});
  CHECK(TotalCount(r) == 2);
  CHECK(Ids(List(api.Get("/api/vacancies?updated_since=" + FormatUtc(t0 + 101)), "vacancy")) ==
        std::vector<int64_t>{v3});

  // A PUT makes the vacancy updated again.
  server.clock().Advance(100);
  Resp put = api.Put("/api/vacancies/" + std::to_string(v1), "{\"vacancy\": {\"title\": \"New\"}}");
  CHECK(put.status == 200);
  CHECK(Ids(List(api.Get("/api/vacancies?updated_since=" + FormatUtc(t0 + 300)), "vacancy")) ==
        std::vector<int64_t>{v1});
  // A date means midnight UTC; combined with limit.
  r = api.Get("/api/vacancies?updated_since=2023-11-14&limit=1&offset=1");
  CHECK(Ids(List(r, "vacancy")) == std::vector<int64_t>{v2});
  CHECK(TotalCount(r) == 3);

  CheckError(api.Get("/api/vacancies?updated_since=yesterday"), 400, "updated_since");
}

TEST_CASE("contract: malformed vacancy input is refused with details and changes nothing") {
  TestServer server;
  Api api(server);
  int64_t v = CreateVacancy(api, "automated", "", "Keep me");
  std::string path = "/api/vacancies/" + std::to_string(v);
  std::string list_before = api.Get("/api/vacancies").body;
  std::string detail_before = api.Get(path).body;

  // Query parameters.
  CheckError(api.Get("/api/vacancies?limit=99999999999999999999"), 400, "limit");
  CheckError(api.Get("/api/vacancies?offset=99999999999999999999"), 400, "offset");
  CheckError(api.Get("/api/vacancies?limit=-1"), 400, "limit");
  CheckError(api.Get("/api/vacancies?offset=-1"), 400, "offset");
  CheckError(api.Get("/api/vacancies?limit=ten"), 400, "limit");
  CheckError(api.Get("/api/vacancies?offset=1.5"), 400, "offset");
  CheckError(api.Get("/api/vacancies?colour=red"), 400, "colour");
  CheckError(api.Get("/api/vacancies?from=2013-02-30"), 400, "from");
  CheckError(api.Get("/api/vacancies?templates=maybe"), 400, "templates");
  // Ids beyond int64 do not exist.
  ErrorDetails(api.Get("/api/vacancies/9223372036854775808"), 404);
  ErrorDetails(api.Get("/api/vacancies/99999999999999999999"), 404);
  ErrorDetails(api.Delete("/api/vacancies/9223372036854775807"), 404);

  // Bodies.
  CheckError(api.Post("/api/vacancies", ""), 400, "empty");
  CheckError(api.Post("/api/vacancies", "   "), 400, "empty");
  CheckError(api.Post("/api/vacancies", "{\"vacancy\": "), 400, "");
  CheckError(api.Post("/api/vacancies", "{\"invitation\": {\"title\": \"x\"}}"), 400, "vacancy");
  CHECK(Contains(
      XmlErrorDetails(
          api.PostXml("/api/vacancies.xml", "<invitation><title>x</title></invitation>"), 400),
      "vacancy"));
  CheckError(api.Post("/api/vacancies", "{\"vacancy\": [" + VacancyBody("x", "live") + "]}"), 400,
             "vacancy");
  CheckError(api.Post("/api/vacancies", "[]"), 400, "empty");
  CheckError(api.Post("/api/vacancies", "\"REST API developer\""), 400, "vacancy");
  CheckError(
      api.Post("/api/vacancies", VacancyBody("x", "live", "\"questions\": {\"title\": \"q\"}")),
      400, "questions");
  CheckError(api.Post("/api/vacancies", "{\"vacancy\": {\"title\": 5, \"datetime_start\": \"" +
                                            std::string(kStart) + "\", \"datetime_end\": \"" +
                                            kEnd + "\"}}"),
             400, "title");
  CheckError(api.Post("/api/vacancies", VacancyBody("x", "live", "\"num_of_retries\": \"2\"")), 400,
             "num_of_retries");
  CheckError(api.Post("/api/vacancies",
                      VacancyBody("x", "live", "\"num_of_retries\": 99999999999999999999")),
             400, "num_of_retries");
  CheckError(api.Post("/api/vacancies", VacancyBody(std::string(256, 'x'), "live")), 412, "title");
  CheckError(api.Post("/api/vacancies", VacancyBody("x", "manual")), 412, "kind");
  CheckError(api.Post("/api/vacancies", VacancyBody("x", "live", "\"scope\": \"secret\"")), 412,
             "scope");
  CheckError(api.Post("/api/vacancies", VacancyBody("x", "live", "\"use_as_template\": \"maybe\"")),
             412, "use_as_template");
  CheckError(
      api.Post("/api/vacancies", VacancyBody("x", "live", "\"external_info_url\": \"ftp://x\"")),
      412, "external_info_url");
  CheckError(
      api.Post("/api/vacancies", "{\"vacancy\": {\"datetime_start\": \"" + std::string(kStart) +
                                     "\", \"datetime_end\": \"" + kEnd + "\"}}"),
      412, "title");
  CheckError(api.Post("/api/vacancies",
                      "{\"vacancy\": {\"title\": \"x\", \"datetime_start\": \"2013-02-30\", "
                      "\"datetime_end\": \"" +
                          std::string(kEnd) + "\"}}"),
             400, "datetime_start");
  CheckError(api.Post("/api/vacancies", VacancyBody("x", "automated", "\"template_id\": 987654")),
             404, "template_id");

  // PUT: the same rules; the vacancy keeps its fields.
  CheckError(api.Put(path, ""), 400, "empty");
  CheckError(api.Put(path, "{\"vacancy\": {\"title\": 5}}"), 400, "title");
  CheckError(api.Put(path, "{\"vacancy\": {\"title\": \"" + std::string(300, 'y') + "\"}}"), 412,
             "title");
  CheckError(api.Put(path, "{\"vacancy\": {\"datetime_end\": \"2000-01-01T00:00:00Z\"}}"), 412,
             "datetime_end");

  CHECK(api.Get("/api/vacancies").body == list_before);
  CHECK(api.Get(path).body == detail_before);
}

// Bodies the server accepts that docs/openapi.json must accept too (the
// third-party check in tests/shell/openapi_validation_test.sh validates every
// body answered 2xx here against the document): dates `YYYY-MM-DD`, datetimes
// without an offset, the unwrapped form, an array of one, and null flags.
TEST_CASE("contract: the relaxed body forms the server accepts") {
  TestServer server;
  Api api(server);
  Value v = Object(api.Post("/api/vacancies",
                            R"({"title": "Dates", "datetime_start": "2013-07-28",
                                "datetime_end": "2013-09-26T02:00", "cv_upload_required": null,
                                "play_test_question": null, "use_as_template": null})"),
                   201, "vacancy");
  CHECK(Str(v, "datetime_start") == "2013-07-28T00:00:00Z");
  CHECK(Str(v, "datetime_end") == "2013-09-26T02:00:00Z");
  CHECK(Str(v, "cv_upload_required") == "no");
  const std::string path = "/api/vacancies/" + std::to_string(Int(v, "id"));
  v = Object(api.Put(path, R"([{"vacancy": {"datetime_end": "2013-10-01", "answering_time": null,
                                "play_test_question": true}}])"),
             200, "vacancy");
  CHECK(Str(v, "datetime_end") == "2013-10-01T00:00:00Z");
  Value inv = Object(api.Post(path + "/invitations", R"([{"candidate_email": "dates@example.com",
                                  "candidate_name": "Dee Ates", "candidate_phone": null,
                                  "datetime_scheduled": "2013-08-01"}])"),
                     201, "invitation");
  CHECK(Str(inv, "candidate_email") == "dates@example.com");
}

}  // namespace
}  // namespace cammio
