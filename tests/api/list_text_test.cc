// The invitation lists and the streamed (unpaginated) interview list are
// written straight into the answer's text (api/invitations.cc,
// api/interviews.cc, format/doc_writer.h): their bytes are what Render()
// gives for the list of InvitationDocument / InterviewDocument trees, the
// way they were answered before, in JSON and XML, with every optional field
// set and unset, text that needs escapes, and X-Total-Count as it was.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "api/interviews.h"
#include "api/invitations.h"
#include "testing/api_helpers.h"

namespace cammio {
namespace {

using namespace cammio::testing;

// The old answer: a tree per invitation, the list rendered at once.
std::string TreeList(const std::vector<Invitation>& rows, const PublicLinks& links, Format f) {
  Value list = Value::Array();
  for (const auto& inv : rows) list.Push(InvitationDocument(inv, links, nullptr));
  return Render(list, f, "invitations");
}

std::string WrittenList(const std::vector<Invitation>& rows, const PublicLinks& links, Format f) {
  DocWriter out(f);
  out.BeginArray("invitations");
  for (const auto& inv : rows) WriteInvitation(out, inv, links, nullptr);
  out.EndArray();
  return out.Take();
}

TEST_CASE("invitation list text: written equals the rendered trees, every field set and unset") {
  const PublicLinks links("https://cammio.test");
  Invitation bare;  // every optional unset, automated
  bare.id = 1;
  bare.vacancy_id = 2;
  bare.candidate_id = 3;
  bare.candidate_email = "a@b.c";
  bare.candidate_name = "";
  bare.title = "t";
  bare.kind = "automated";
  bare.num_of_questions = 4;
  bare.token = "tok";
  bare.updated_at = 1700000000;

  Invitation full = bare;  // every optional set, live, text needing escapes
  full.id = 9007199254740993;
  full.kind = "live";
  full.reference_id = "R\"1\\";
  full.datetime_scheduled = "2013-08-05T02:00:00+02:00";
  full.candidate_name = "Zo\xC3\xAB \"Q\" <O'Brien> & \xE6\x97\xA5\xE6\x9C\xAC\t\n\x01";
  full.candidate_phone = "+31 6";
  full.candidate_gender = "female";
  full.interviewer_name = "\xF0\x9F\x98\x80 bad \xC3";
  full.interviewer_email = "i@b.c";
  full.callback_params = R"({"employee_id":"12345","n":{"x":[1,2.5,null,true]},"u":"\u00e9"})";
  full.redirect_url = "http://x/?a=1&b=<2>";
  full.candidate_joined_at = 1700000100;
  full.interviewer_joined_at = -1;
  full.title = "A title of some length, with a comma, and \"quotes\"";

  Invitation odd = full;  // callback_params that do not parse: null
  odd.id = 10;
  odd.kind = "automated";
  odd.callback_params = "{not json";
  odd.candidate_joined_at.reset();

  const std::vector<std::vector<Invitation>> lists = {{}, {bare}, {full}, {bare, full, odd, bare}};
  for (size_t i = 0; i < lists.size(); ++i) {
    CAPTURE(i);
    for (Format f : {Format::kJson, Format::kXml}) {
      CHECK(WrittenList(lists[i], links, f) == TreeList(lists[i], links, f));
    }
  }
}

TEST_CASE("invitation list text: GET answers the rendered trees' bytes and X-Total-Count") {
  TestServer server;
  Api api(server);
  const int64_t live = CreateVacancy(api, "live", "\"reference_id\": \"CA002-202\"");
  const int64_t automated = CreateVacancy(api, "automated");
  const int64_t with_guest =
      CreateInvitationId(api, live, "guest-host@cammio.com",
                         R"("candidate_name": "Zo\u00eb \"Q\" <O'Brien> & \u65e5\u672c\t\\", )"
                         R"("interviewer_name": "Ivy", "interviewer_email": "ivy@cammio.com")");
  REQUIRE(api.Post("/api/invitations/" + std::to_string(with_guest) + "/guests",
                   R"({"guest": {"name": "H\u00e9l\u00e8ne", "email": "h@cammio.com"}})")
              .status == 201);
  CreateInvitationId(api, automated, "callback@cammio.com",
                     R"("callback_params": {"employee_id": "12345", "n": 2.5, "u": "\u00e9\""},)"
                     R"( "redirect_url": "http://url.topage.nl/?a=1&b=<2>")");
  CreateInvitationId(api, automated, "plain@cammio.com");

  struct Page {
    std::string path;
    InvitationFilter filter;
  };
  InvitationFilter all;
  InvitationFilter second;
  second.limit = 1;
  second.offset = 1;
  InvitationFilter nested;
  nested.vacancy_id = live;
  const Page pages[] = {
      {"/api/invitations", all},
      {"/api/invitations?limit=1&offset=1", second},
      {"/api/vacancies/" + std::to_string(live) + "/invitations", nested},
  };
  const PublicLinks links("https://cammio.test");
  for (const Page& page : pages) {
    std::vector<Invitation> rows;
    int64_t total = 0;
    REQUIRE(server.store()
                .Read([&](Db& db) {
                  return ListOpenInvitations(db, server.creds().account_id, page.filter, &rows,
                                             &total);
                })
                .ok());
    REQUIRE(!rows.empty());
    for (Format f : {Format::kJson, Format::kXml}) {
      const bool xml = f == Format::kXml;
      std::string path = page.path;
      if (xml)
        path.insert(path.find('?') == std::string::npos ? path.size() : path.find('?'), ".xml");
      CAPTURE(path);
      Resp r = api.Get(path);
      CHECK(r.status == 200);
      CHECK(r.Header("Content-Type") == (xml ? kXmlType : kJsonType));
      CHECK(TotalCount(r) == total);
      CHECK(r.body == TreeList(rows, links, f));
    }
  }
}

// The streamed list: chunks of 256 rows (api/interviews.cc kStreamBatch),
// so 257 rows end in a chunk of one; an empty list keeps ListWriter's form.
TEST_CASE("interview stream text: GET without limit answers the rendered trees' bytes") {
  TestServer server;
  Api api(server);
  const std::string empty_xml =
      std::string(kXmlDecl) + "\n<interviews type=\"array\">\n</interviews>\n";
  {
    Resp json = api.Get("/api/interviews");
    CHECK(json.body == "[]");
    CHECK(TotalCount(json) == 0);
    Resp xml = api.Get("/api/interviews.xml");
    CHECK(xml.body == empty_xml);
  }
  const int64_t vacancy = CreateVacancy(api, "automated", "\"reference_id\": \"R-1\"");
  const int64_t now = server.clock().Now();
  for (int i = 0; i < 257; ++i) {
    const std::string name = i % 50 == 0 ? R"("candidate_name": "Zo\u00eb \"Q\" <&> \\")"
                                         : R"("candidate_name": "Plain Name")";
    const int64_t inv =
        CreateInvitationId(api, vacancy, "c" + std::to_string(i) + "@cammio.com", name);
    Complete(server, inv, now - 600 - i, now - i);
  }
  std::vector<Interview> rows;
  int64_t total = 0;
  REQUIRE(server.store()
              .Read([&](Db& db) {
                return ListInterviews(db, server.creds().account_id, InterviewFilter(), &rows,
                                      &total);
              })
              .ok());
  REQUIRE(rows.size() == 257);
  const PublicLinks links("https://cammio.test");
  Value list = Value::Array();
  for (const auto& w : rows) list.Push(InterviewDocument(w, links));
  for (Format f : {Format::kJson, Format::kXml}) {
    const bool xml = f == Format::kXml;
    CAPTURE(xml);
    Resp r = api.Get(xml ? "/api/interviews.xml" : "/api/interviews");
    CHECK(r.status == 200);
    CHECK(TotalCount(r) == 257);
    CHECK(r.body == Render(list, f, "interviews"));
  }
}

// The lists read every row into one Invitation object in turn (store/
// invitations.h ForEachOpenInvitation): no field of a row may show through
// in the next. Rows alternate between every optional field set (long
// texts) and none set (short ones), so a stale value would show as a field
// that is set where it is unset, or as a longer text.
TEST_CASE("invitation lists: each row reads as the invitation's own GET answers it") {
  TestServer server;
  Api api(server);
  const int64_t vacancy = CreateVacancy(api);
  const std::string full_extra =
      R"("callback_params": {"employee_id": "E-000000000000000001", "n": 12}, )"
      R"("redirect_url": "https://ats.example/after/the/interview/a/long/path/x")";
  for (int i = 0; i < 6; ++i) {
    const std::string email = "row" + std::to_string(i) + "-a-longer-address@x.test";
    if (i % 2 == 0) {
      CreateInvitation(api, vacancy, email, full_extra);
    } else {
      const std::string body = "{\"invitation\": {\"vacancy_id\": " + std::to_string(vacancy) +
                               ", \"candidate_email\": \"r" + std::to_string(i) +
                               "@x.test\", \"candidate_name\": \"R\"}}";
      Object(api.Post("/api/invitations", body), 201, "invitation");
    }
  }
  // Another account's invitation in between: never listed here.
  Api other(server, server.NewAccount("Other", "other@x.test"));
  CreateInvitation(other, CreateVacancy(other), "other-account@x.test", full_extra);

  const std::string v = std::to_string(vacancy);
  const std::vector<Value> listed =
      List(api.Get("/api/vacancies/" + v + "/invitations"), "invitation");
  const Value detail = Object(api.Get("/api/vacancies/" + v), 200, "vacancy");
  std::vector<Value> embedded;
  for (const Value& item : At(detail, "invitations").items()) {
    embedded.push_back(Unwrap(item, "invitation"));
  }
  REQUIRE(listed.size() == 6);
  REQUIRE(embedded.size() == 6);
  int full_rows = 0;
  for (size_t i = 0; i < listed.size(); ++i) {
    const int64_t id = Int(listed[i], "id");
    const Value own = Object(api.Get("/api/invitations/" + std::to_string(id)), 200, "invitation");
    if (!IsNull(own, "callback_params")) ++full_rows;
    const Value* rows[] = {&listed[i], &embedded[i]};
    for (const Value* row : rows) {
      INFO("invitation " << id);
      CHECK(Int(*row, "id") == id);
      // Every member as the GET answers it; the GET alone adds the guests.
      CHECK(row->members().size() + 1 == own.members().size());
      for (const auto& m : row->members()) {
        INFO(m.first);
        CHECK(RenderJson(m.second) == RenderJson(At(own, m.first)));
      }
    }
  }
  CHECK(full_rows == 3);
}

}  // namespace
}  // namespace cammio
