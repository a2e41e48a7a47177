// Hostile input against the real server (TestServer over TLS): JSON numbers
// that used to crash the process, link tokens checked before a body is read,
// huge XML attribute lists (issue 13 items 1 and 7). See also
// tests/format/{json,xml}_test.cc.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "testing/api_helpers.h"
#include "testing/test_support.h"
#include "util/log.h"

namespace cammio {
namespace {

using testing::Api;
using testing::ErrorDetails;
using testing::Resp;
using testing::TestServer;

// An open invitation's candidate link token (the vacancy runs until 2030).
std::string OpenLinkToken(Api& api) {
  Resp v = api.Post("/api/vacancies", R"({"vacancy": {"title": "Tester", "kind": "automated",)"
                                      R"( "datetime_start": "2013-07-28T02:00:00+02:00",)"
                                      R"( "datetime_end": "2030-01-01T00:00:00Z",)"
                                      R"( "questions": [{"title": "Why?"}]}})");
  const int64_t vacancy = testing::Int(testing::Object(v, 201, "vacancy"), "id");
  const Value inv = testing::CreateInvitation(api, vacancy, "candidate@example.test");
  const std::string url = testing::Str(inv, "url");
  return url.substr(url.rfind('/') + 1);
}

TEST_CASE("hostile JSON numbers on the unauthenticated completion endpoint answer 400") {
  SetLogQuiet(true);
  TestServer srv;
  Api api(srv);
  const std::string token = OpenLinkToken(api);
  auto anon = srv.Client();
  std::string digits400;
  for (int i = 0; i < 400; ++i) digits400.push_back(static_cast<char>('1' + i % 9));
  const std::string bodies[] = {
      R"({"started_at": -0.)" + std::string(350, '0') + "}",
      R"({"started_at": 0.)" + std::string(400, '0') + "1}",
      R"({"started_at": 1.)" + digits400 + "e-400}",
      R"({"n":1844674407370955164467440737095.16161e308})",
  };
  const std::string path = "/public/job_interviews/" + token + "/complete";
  for (const std::string& body : bodies) {
    CAPTURE(body.substr(0, 40));
    auto r = anon->Post(path.c_str(), body, "application/json");
    REQUIRE(r);
    Resp resp{r->status, r->body, r->headers};
    const std::string details = ErrorDetails(resp, 400);
    CHECK(details.find("JSON number at offset ") == 0);
  }
  // The server is still there, and the link still open.
  auto health = anon->Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto state = anon->Get(("/public/job_interviews/" + token + "/state").c_str());
  REQUIRE(state);
  CHECK(state->status == 200);
  CHECK(state->body.find("\"state\":\"open\"") != std::string::npos);
}

TEST_CASE("public endpoints check the link token before they read the body") {
  SetLogQuiet(true);
  TestServer srv;
  auto anon = srv.Client();
  // Malformed JSON to an unknown link: 404 for the link, the body unread.
  const std::string hostile = R"({"n": -0.)" + std::string(350, '0') + "}";
  for (const std::string& body : {std::string("{"), hostile}) {
    auto r = anon->Post("/public/job_interviews/k3k3k3k3k3k3k3k3k3k3/complete", body,
                        "application/json");
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(r->body.find("JSON") == std::string::npos);
  }
  // A completed link answers 410 before its body is parsed.
  Api api(srv);
  const std::string token = OpenLinkToken(api);
  const std::string path = "/public/job_interviews/" + token + "/complete";
  REQUIRE(srv.store()
              .Write([&](Db& db) {
                return db.Exec(
                    ("UPDATE invitations SET status = 'completed' WHERE token = '" + token + "'")
                        .c_str());
              })
              .ok());
  auto r = anon->Post(path.c_str(), "{", "application/json");
  REQUIRE(r);
  CHECK(r->status == 410);
}

TEST_CASE("an XML body with 90,000 attributes is refused at once") {
  SetLogQuiet(true);
  TestServer srv;
  Api api(srv);
  std::string body = "<vacancy";
  for (int i = 0; i < 90000; ++i) body += " a" + std::to_string(i) + "=\"\"";
  body += "/>";
  REQUIRE(body.size() < (size_t{1} << 20));  // Under the default body limit.
  const auto start = std::chrono::steady_clock::now();
  Resp r = api.PostXml("/api/vacancies.xml", body);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(testing::XmlErrorDetails(r, 400) == "XML element has more than 64 attributes (line 1)");
  CHECK(took < std::chrono::seconds(5));
  // An ordinary XML body still works.
  Resp ok = api.PostXml("/api/vacancies.xml",
                        "<vacancy><title>XML</title><kind>automated</kind>"
                        "<datetime_start>2013-07-28T02:00:00+02:00</datetime_start>"
                        "<datetime_end>2013-09-26T02:00:00+02:00</datetime_end></vacancy>");
  CHECK(ok.status == 201);
}

}  // namespace
}  // namespace cammio
