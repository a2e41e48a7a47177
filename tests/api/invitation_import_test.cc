// POST /api/vacancies/:vacancy_id/invitations/import (api/invitations.h):
// all or nothing. Every row valid: all created in row order with their
// emails, in one write; any bad row: the answer lists every bad row and
// nothing is written (no invitation, no email, the writer never reached).
// Duplicates in the file, the row cap, another account's vacancy, hostile
// bodies, Idempotency-Key, the response cache, live vacancies, XML, and a
// power failure at every file write of an import.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "api/invitations.h"
#include "store/mail_outbox.h"
#include "testing/api_helpers.h"
#include "testing/lossy_vfs.h"
#include "util/log.h"

namespace cammio {
namespace {

using namespace cammio::testing;  // NOLINT: the helpers of api_helpers.h

std::string S(int64_t n) { return std::to_string(n); }

std::string ImportPath(int64_t vacancy) {
  return "/api/vacancies/" + S(vacancy) + "/invitations/import";
}

// One row: {"candidate_email": ..., "candidate_name": ...} plus `extra`.
std::string Row(const std::string& email, const std::string& extra = "") {
  std::string s =
      "{\"candidate_email\": \"" + email + "\", \"candidate_name\": \"Name of " + email + "\"";
  if (!extra.empty()) s += ", " + extra;
  return s + "}";
}

std::string Body(const std::vector<std::string>& rows) {
  std::string s = "{\"invitations\": [";
  for (size_t i = 0; i < rows.size(); ++i) s += (i ? ", " : "") + rows[i];
  return s + "]}";
}

// `n` good rows with emails row<i>@<domain>.
std::vector<std::string> GoodRows(size_t n, const std::string& domain = "import.test") {
  std::vector<std::string> rows;
  for (size_t i = 1; i <= n; ++i) rows.push_back(Row("row" + S(i) + "@" + domain));
  return rows;
}

int64_t Invitations(TestServer& server, int64_t vacancy) {
  return CountRows(server, "SELECT COUNT(*) FROM invitations WHERE vacancy_id = " + S(vacancy));
}

int64_t Mails(TestServer& server, const std::string& kind = mail::kCandidateInvitation) {
  return CountRows(server, "SELECT COUNT(*) FROM mail_outbox WHERE kind = '" + kind + "'");
}

// The open invitations of the vacancy as GET .../invitations lists them.
int64_t Listed(Api& api, int64_t vacancy) {
  return TotalCount(api.Get("/api/vacancies/" + S(vacancy) + "/invitations"));
}

// One entry of a refusal's `errors`.
struct RowError {
  int64_t row = 0;
  std::string field;  // "" for null
  int64_t code = 0;
  std::string details;
};

// The refusal of an import: `status`, the error document with `errors`.
std::vector<RowError> RowErrors(const Resp& r, int status) {
  INFO("response: " << r);
  REQUIRE(r.status == status);
  const Value doc = Json(r.body);
  const Value& e = At(doc, "error");
  CHECK(Int(e, "code") == status);
  CHECK(Str(e, "message") == MessageForHttpStatus(status));
  CHECK(!Str(e, "details").empty());
  const Value& list = At(e, "errors");
  REQUIRE(list.is_array());
  std::vector<RowError> out;
  for (const Value& item : list.items()) {
    RowError one;
    one.row = Int(item, "row");
    one.field = IsNull(item, "field") ? "" : Str(item, "field");
    one.code = Int(item, "code");
    one.details = Str(item, "details");
    out.push_back(one);
  }
  return out;
}

// The created invitations of a 201 answer, in order.
std::vector<Value> Created(const Resp& r) {
  INFO("response: " << r);
  REQUIRE(r.status == 201);
  const Value doc = Json(r.body);
  REQUIRE(doc.is_array());
  std::vector<Value> out;
  for (const Value& item : doc.items()) out.push_back(Unwrap(item, "invitation"));
  return out;
}

TEST_CASE("import: every row valid creates all of them in row order, each with its email") {
  TestServer server;
  Api api(server);
  const int64_t v = CreateVacancy(api);
  const uint64_t writes_before = server.store().write_stats().writes;
  std::vector<std::string> rows = GoodRows(4);
  rows[1] = Row("row2@import.test",
                "\"candidate_phone\": 612345678, \"callback_params\": "
                "{\"ats_id\": \"A-2\"}");
  std::vector<Value> made = Created(api.Post(ImportPath(v), Body(rows)));
  // One write for the whole import.
  CHECK(server.store().write_stats().writes - writes_before == 1);
  REQUIRE(made.size() == 4);
  for (size_t i = 0; i < made.size(); ++i) {
    CAPTURE(i);
    CHECK(Str(made[i], "candidate_email") == "row" + S(i + 1) + "@import.test");
    CHECK(Int(made[i], "vacancy_id") == v);
    CHECK(Str(made[i], "status") == "open");
    // As the single create answers it: guests embedded, a candidate link.
    CHECK(At(made[i], "guests").is_array());
    CHECK(Str(made[i], "url").rfind("https://cammio.test/public/job_interviews/", 0) == 0);
    if (i > 0) CHECK(Int(made[i], "id") > Int(made[i - 1], "id"));
  }
  CHECK(Str(made[1], "candidate_phone") == "612345678");
  CHECK(Str(At(made[1], "callback_params"), "ats_id") == "A-2");
  CHECK(Listed(api, v) == 4);
  CHECK(Mails(server) == 4);
  for (const Value& inv : made) {
    CHECK(CountRows(server,
                    "SELECT COUNT(*) FROM mail_outbox WHERE kind = "
                    "'candidate_invitation' AND ref_id = " +
                        S(Int(inv, "id")) + " AND to_address = '" + Str(inv, "candidate_email") +
                        "'") == 1);
  }
  // The same as a single create would have made: the vacancy counts them.
  CHECK(Int(Object(api.Get("/api/vacancies/" + S(v)), 200, "vacancy"), "num_of_invitations") == 4);
}

TEST_CASE("import: any bad row refuses the whole file, names every bad row, writes nothing") {
  TestServer server;
  Api api(server);
  const int64_t v = CreateVacancy(api);
  auto nothing_written = [&](const std::vector<std::string>& rows, int status) {
    const uint64_t writes_before = server.store().write_stats().writes;
    std::vector<RowError> errors = RowErrors(api.Post(ImportPath(v), Body(rows)), status);
    CHECK(server.store().write_stats().writes == writes_before);
    CHECK(Invitations(server, v) == 0);
    CHECK(Listed(api, v) == 0);
    CHECK(Mails(server) == 0);
    return errors;
  };

  SUBCASE("a missing email in row 3 of 5: 412 naming row 3 and the field") {
    std::vector<std::string> rows = GoodRows(5);
    rows[2] = R"({"candidate_name": "No Address"})";
    std::vector<RowError> e = nothing_written(rows, 412);
    REQUIRE(e.size() == 1);
    CHECK(e[0].row == 3);
    CHECK(e[0].field == "candidate_email");
    CHECK(e[0].code == 412);
    CHECK(e[0].details == "candidate_email is required");
  }
  SUBCASE("several bad rows: each listed once, in row order, with the single create's error") {
    std::vector<std::string> rows = GoodRows(6);
    rows[0] = Row("not-an-address");
    rows[3] = Row("row4@import.test", "\"candidate_name\": \"" + std::string(201, 'x') + "\"");
    rows[5] = Row("row6@import.test", "\"redirect_url\": \"ftp://nope\"");
    std::vector<RowError> e = nothing_written(rows, 412);
    REQUIRE(e.size() == 3);
    CHECK(e[0].row == 1);
    CHECK(e[0].field == "candidate_email");
    CHECK(e[1].row == 4);
    CHECK(e[1].field == "candidate_name");
    CHECK(e[2].row == 6);
    CHECK(e[2].field == "redirect_url");
    // The single create refuses row 4 with the same words.
    const std::string single = "{\"invitation\": " + rows[3] + "}";
    const std::string alone =
        ErrorDetails(api.Post("/api/vacancies/" + S(v) + "/invitations", single), 412);
    CHECK(alone == e[1].details);
    CHECK(Invitations(server, v) == 0);
  }
  SUBCASE("a malformed row (a wrong type, not an object): 400, with the rules' rows too") {
    std::vector<std::string> rows = GoodRows(4);
    rows[0] = Row("row1@import.test", "\"candidate_phone\": {\"x\": 1}");
    rows[1] = "42";
    rows[2] = R"(["candidate_email", "a@b.test"])";
    rows[3] = R"({"candidate_name": "No Address"})";
    std::vector<RowError> e = nothing_written(rows, 400);
    REQUIRE(e.size() == 4);
    CHECK(e[0].field == "candidate_phone");
    CHECK(e[0].code == 400);
    CHECK(e[1].row == 2);
    CHECK(e[1].field.empty());
    CHECK(e[1].code == 400);
    CHECK(e[2].field.empty());
    CHECK(e[3].code == 412);
  }
  SUBCASE("the same email twice in the file, in any case: the later row is refused") {
    std::vector<std::string> rows = GoodRows(3);
    rows[2] = Row("ROW1@Import.Test");
    std::vector<RowError> e = nothing_written(rows, 412);
    REQUIRE(e.size() == 1);
    CHECK(e[0].row == 3);
    CHECK(e[0].field == "candidate_email");
    CHECK(Contains(e[0].details, "row 1"));
  }
  SUBCASE("a live vacancy: a row without datetime_scheduled is refused") {
    const int64_t live = CreateVacancy(api, "live");
    std::vector<std::string> rows = {
        Row("a@live.test", "\"datetime_scheduled\": \"2013-08-05T10:00:00Z\""), Row("b@live.test")};
    std::vector<RowError> e = RowErrors(api.Post(ImportPath(live), Body(rows)), 412);
    REQUIRE(e.size() == 1);
    CHECK(e[0].row == 2);
    CHECK(e[0].field == "datetime_scheduled");
    CHECK(Invitations(server, live) == 0);
  }
}

TEST_CASE("import: a live vacancy's rows mail the candidate and the interviewer, as one create") {
  TestServer server;
  Api api(server);
  const int64_t live = CreateVacancy(api, "live");
  std::vector<std::string> rows = {
      Row("a@live.test", "\"datetime_scheduled\": \"2013-08-05T10:00:00Z\""),
      Row("b@live.test",
          "\"datetime_scheduled\": \"2013-08-05T11:00:00Z\", "
          "\"interviewer_name\": \"Ida\", \"interviewer_email\": \"ida@live.test\"")};
  std::vector<Value> made = Created(api.Post(ImportPath(live), Body(rows)));
  REQUIRE(made.size() == 2);
  CHECK(Str(made[1], "interviewer_email") == "ida@live.test");
  CHECK(!Str(made[0], "interviewer_url").empty());
  CHECK(Mails(server) == 2);
  CHECK(Mails(server, mail::kInterviewerInvitation) == 2);
  CHECK(CountRows(server, "SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'ida@live.test'") ==
        1);
}

TEST_CASE("import: the row cap, and hostile bodies, are refused with clear errors") {
  TestServer server;
  Api api(server);
  const int64_t v = CreateVacancy(api);
  auto refused = [&](const std::string& body, int status, const std::string& names) {
    const Resp r = api.Post(ImportPath(v), body);
    CheckError(r, status, names);
    CHECK(Invitations(server, v) == 0);
  };
  SUBCASE("one row more than the cap: 413 naming the cap") {
    refused(Body(GoodRows(kMaxImportRows + 1)), 413, S(kMaxImportRows));
  }
  SUBCASE("a huge array of numbers: 413 before any row is looked at") {
    std::string body = "{\"invitations\": [1";
    for (int i = 0; i < 200000; ++i) body += ",1";
    refused(body + "]}", 413, "at most");
  }
  SUBCASE("the shape of the body") {
    refused("{\"invitations\": []}", 400, "invitations");
    refused("{\"invitations\": {\"candidate_email\": \"a@b.test\"}}", 400, "invitations");
    refused("{\"invitations\": \"a@b.test\"}", 400, "invitations");
    refused("{\"rows\": []}", 412, "invitations");
    refused("[" + Row("a@b.test") + "]", 412, "invitations");
    refused("{\"invitations\": [", 400, "JSON");
    refused("", 400, "empty");
  }
  SUBCASE("deeply nested rows: 400 from the parser") {
    refused("{\"invitations\": [" + std::string(5000, '[') + std::string(5000, ']') + "]}", 400,
            "nested too deeply");
  }
  SUBCASE("a body over the server's limit: 413") {
    std::vector<std::string> rows = GoodRows(2);
    rows[0] = Row("big@import.test", "\"candidate_gender\": \"" + std::string(1100000, 'x') + "\"");
    const Resp r = api.Post(ImportPath(v), Body(rows));
    CHECK(r.status == 413);
    CHECK(Invitations(server, v) == 0);
  }
}

TEST_CASE("import: exactly the cap is one transaction of every row") {
  TestServer server;
  Api api(server);
  const int64_t v = CreateVacancy(api);
  std::vector<Value> made = Created(api.Post(ImportPath(v), Body(GoodRows(kMaxImportRows))));
  CHECK(made.size() == kMaxImportRows);
  CHECK(Listed(api, v) == static_cast<int64_t>(kMaxImportRows));
  CHECK(Mails(server) == static_cast<int64_t>(kMaxImportRows));
}

TEST_CASE("import: another account's vacancy, or none, is 404 and creates nothing") {
  TestServer server;
  Api api(server);
  const int64_t v = CreateVacancy(api);
  Api other(server, server.NewAccount("Other", "other@cammio.test"));
  CheckError(other.Post(ImportPath(v), Body(GoodRows(2))), 404, S(v));
  // A bad file to a vacancy that is not the caller's: 404 first, as the
  // single create answers.
  CheckError(other.Post(ImportPath(v), Body({R"({"candidate_name": "x"})"})), 404, S(v));
  CheckError(other.Post(ImportPath(v), "{\"rows\": []}"), 404, S(v));
  CheckError(other.Post(ImportPath(v), Body(GoodRows(kMaxImportRows + 1))), 404, S(v));
  ErrorDetails(api.Post(ImportPath(kMissingId), Body(GoodRows(2))), 404);
  CHECK(CountRows(server, "SELECT COUNT(*) FROM invitations") == 0);
  CHECK(Mails(server) == 0);
  // The path's vacancy decides: a row's vacancy_id is ignored.
  std::vector<Value> made =
      Created(api.Post(ImportPath(v), Body({Row("a@b.test", "\"vacancy_id\": 1234")})));
  REQUIRE(made.size() == 1);
  CHECK(Int(made[0], "vacancy_id") == v);
}

TEST_CASE("import: an Idempotency-Key replays the answer and creates nothing again") {
  TestServer server;
  Api api(server);
  const int64_t v = CreateVacancy(api);
  const httplib::Headers key{{"Idempotency-Key", "import-once"}};
  const std::string body = Body(GoodRows(3));
  const Resp first = api.Post(ImportPath(v), body, "application/json", key);
  REQUIRE(first.status == 201);
  const Resp again = api.Post(ImportPath(v), body, "application/json", key);
  CHECK(again.status == 201);
  CHECK(again.Header("Idempotent-Replayed") == "true");
  CHECK(again.body == first.body);
  CHECK(Invitations(server, v) == 3);
  CHECK(Mails(server) == 3);
  CHECK(api.Post(ImportPath(v), Body(GoodRows(2)), "application/json", key).status == 409);
  // A refused import is not remembered: the corrected file goes through
  // under the same key.
  const httplib::Headers key2{{"Idempotency-Key", "import-two"}};
  std::vector<std::string> bad = GoodRows(2, "two.test");
  bad[1] = R"({"candidate_name": "No Address"})";
  RowErrors(api.Post(ImportPath(v), Body(bad), "application/json", key2), 412);
  CHECK(Created(api.Post(ImportPath(v), Body(GoodRows(2, "two.test")), "application/json", key2))
            .size() == 2);
  CHECK(Invitations(server, v) == 5);
}

TEST_CASE("import: a cached list of the vacancy's invitations shows the imported ones at once") {
  TestServer server;
  Api api(server);
  const int64_t v = CreateVacancy(api);
  CreateInvitationId(api, v, "before@cammio.test");
  const std::string list = "/api/vacancies/" + S(v) + "/invitations?limit=50";
  CHECK(TotalCount(api.Get(list)) == 1);
  CHECK(TotalCount(api.Get(list)) == 1);  // now answered from the cache
  CHECK(TotalCount(api.Get("/api/invitations")) == 1);
  REQUIRE(Created(api.Post(ImportPath(v), Body(GoodRows(3)))).size() == 3);
  CHECK(TotalCount(api.Get(list)) == 4);
  CHECK(List(api.Get(list), "invitation").size() == 4);
  CHECK(TotalCount(api.Get("/api/invitations")) == 4);
  // A refused import evicts nothing and shows nothing.
  RowErrors(api.Post(ImportPath(v), Body({Row("x@import.test"), Row("X@import.test")})), 412);
  CHECK(TotalCount(api.Get(list)) == 4);
}

TEST_CASE("import: an XML body with an array of <invitation> elements") {
  TestServer server;
  Api api(server);
  const int64_t v = CreateVacancy(api);
  const std::string xml = std::string(kXmlDecl) +
                          "<invitation_import><invitations type=\"array\">"
                          "<invitation><candidate_email>x1@xml.test</candidate_email>"
                          "<candidate_name>X One</candidate_name></invitation>"
                          "<invitation><candidate_email>x2@xml.test</candidate_email>"
                          "<candidate_name>X Two</candidate_name></invitation>"
                          "</invitations></invitation_import>";
  const Resp r = api.PostXml(ImportPath(v) + ".xml", xml);
  INFO("response: " << r);
  CHECK(r.status == 201);
  CHECK(r.Header("Content-Type") == kXmlType);
  CHECK(Contains(r.body, "<candidate_email>x2@xml.test</candidate_email>"));
  CHECK(Invitations(server, v) == 2);
  // A bad row: the XML error document lists it.
  const std::string bad = ReplaceAll(xml, "x2@xml.test", "not-an-address");
  const Resp refused = api.PostXml(ImportPath(v) + ".xml", bad);
  CHECK(refused.status == 412);
  CHECK(Contains(refused.body, "<row type=\"integer\">2</row>"));
  CHECK(Invitations(server, v) == 2);
}

struct QuietLogs {
  QuietLogs() { SetLogQuiet(true); }
  ~QuietLogs() { SetLogQuiet(false); }
};

StoreOptions OnVfs(const LossyVfs& vfs) {
  StoreOptions so;
  so.vfs = vfs.name();
  return so;
}

// The mutating VFS calls of one import on a warm server.
int64_t MutationsOfImport(const std::string& body) {
  LossyVfs vfs("lossy-import-dry", LossyVfs::Mode::kDiscard, 1);
  TestServer server(testing::ServerOptions(), net::OutboundPolicy(), OnVfs(vfs));
  Api api(server);
  const int64_t v = CreateVacancy(api);
  CreateInvitationId(api, v, "warm@cammio.test");
  vfs.ArmCrash(0);
  CHECK(api.Post(ImportPath(v), body).status == 201);
  const int64_t n = vfs.counts().mutations;
  server.Shutdown();
  return n;
}

TEST_CASE("import: a power failure anywhere in an import leaves all rows and mails, or none") {
  QuietLogs quiet;
  const std::string body = Body(GoodRows(8));
  const int64_t calls = MutationsOfImport(body);
  REQUIRE(calls > 0);
  int all = 0, none = 0;
  // calls + 1: the power fails only after the answer.
  for (int64_t crash_at = 1; crash_at <= calls + 1; ++crash_at) {
    INFO("power failure at mutating call " << crash_at << " of " << calls);
    LossyVfs vfs("lossy-import-crash", LossyVfs::Mode::kRandomSubset,
                 static_cast<uint64_t>(crash_at));
    TestServer server(testing::ServerOptions(), net::OutboundPolicy(), OnVfs(vfs));
    Api api(server);
    const int64_t v = CreateVacancy(api);
    CreateInvitationId(api, v, "warm@cammio.test");
    vfs.ArmCrash(crash_at);
    const Resp r = api.Post(ImportPath(v), body);
    vfs.CrashNow();
    server.Restart();  // the default VFS: what the disk held at the power failure
    const int64_t imported = Invitations(server, v) - 1;
    const int64_t mails = Mails(server) - 1;
    CHECK((imported == 0 || imported == 8));
    CHECK(mails == imported);
    if (r.status == 201) CHECK(imported == 8);  // an answered import is durable
    (imported == 8 ? all : none) += 1;
  }
  CHECK(all >= 1);
  CHECK(none >= 1);
}

}  // namespace
}  // namespace cammio
