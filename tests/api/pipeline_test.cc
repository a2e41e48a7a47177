// End-to-end tests of the request pipeline (api/pipeline.cc on http::Server) and the vacancy
// resource (api/vacancies.cc) against a real server on its plain listener, without TLS
// (TestServer with testing::WithoutTls(); the transport is tested alone in tests/http):
// request ids, 404/405, authentication, throttling, formats, body limits,
// malformed bodies, vacancies in JSON and XML, tenancy, atomicity, concurrency.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/errors.h"
#include "format/render.h"
#include "store/accounts.h"
#include "testing/api_helpers.h"
#include "testing/http_checks.h"
#include "testing/test_support.h"
#include "util/crypto.h"

namespace cammio {
namespace {

using testing::Json;
using testing::kSeedVacancyPost;
using testing::TestServer;
using HttpResult = httplib::Result;

constexpr char kForbidden[] =
    "User does not have access to the API. Please check your authentication header";
constexpr char kJsonType[] = "application/json; charset=utf-8";
constexpr char kXmlType[] = "application/xml; charset=utf-8";
constexpr char kXmlDecl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
constexpr char kStart[] = "2013-07-28T02:00:00+02:00";
constexpr char kEnd[] = "2013-09-26T02:00:00+02:00";

// ------------------------------------------------------------------ helpers

const Value& At(const Value& v, std::string_view key) {
  const Value* p = v.Find(key);
  INFO("missing member: " << std::string(key));
  REQUIRE(p != nullptr);
  return *p;
}

std::string Str(const Value& v, std::string_view key) {
  const Value& m = At(v, key);
  INFO("member " << std::string(key) << " is not a string");
  REQUIRE(m.is_string());
  return m.as_string();
}

int64_t Int(const Value& v, std::string_view key) {
  const Value& m = At(v, key);
  if (m.from_xml_text()) return std::strtoll(m.as_string().c_str(), nullptr, 10);
  INFO("member " << std::string(key) << " is not an integer");
  REQUIRE(m.type() == Value::Type::kInt);
  return m.as_int();
}

std::string Fields(const std::string& title, const std::string& start = kStart,
                   const std::string& end = kEnd, const std::string& extra = "") {
  std::string s = "\"title\": \"" + title + "\", \"datetime_start\": \"" + start +
                  "\", \"datetime_end\": \"" + end + "\"";
  if (!extra.empty()) s += ", " + extra;
  return s;
}

std::string Wrapped(const std::string& title, const std::string& start = kStart,
                    const std::string& end = kEnd, const std::string& extra = "") {
  return "{\"vacancy\": {" + Fields(title, start, end, extra) + "}}";
}

// Checks the error document of a failed response and returns its details.
std::string ErrorDetails(const HttpResult& r, int code) {
  REQUIRE(r);
  INFO("body: " << r->body);
  CHECK(r->status == code);
  CHECK(r->get_header_value("Content-Type") == kJsonType);
  CHECK(r->has_header("X-Request-Id"));
  Value doc = Json(r->body);
  REQUIRE(doc.is_object());
  CHECK(doc.size() == 1);
  const Value& e = At(doc, "error");
  CHECK(Int(e, "code") == code);
  CHECK(Str(e, "message") == MessageForHttpStatus(code));
  return Str(e, "details");
}

std::string XmlErrorBody(const HttpResult& r, int code) {
  REQUIRE(r);
  INFO("body: " << r->body);
  CHECK(r->status == code);
  CHECK(r->get_header_value("Content-Type") == kXmlType);
  CHECK(r->body.rfind(kXmlDecl, 0) == 0);
  CHECK(r->body.find("<error>") != std::string::npos);
  CHECK(r->body.find("<code type=\"integer\">" + std::to_string(code) + "</code>") !=
        std::string::npos);
  CHECK(r->body.find(std::string("<message>") + MessageForHttpStatus(code) + "</message>") !=
        std::string::npos);
  CHECK(r->body.find("<details>") != std::string::npos);
  return r->body;
}

// POSTs a JSON body and returns the created vacancy object (unwrapped).
Value Create(httplib::ClientImpl& cli, const std::string& body) {
  HttpResult r = cli.Post("/api/vacancies", body, "application/json");
  REQUIRE(r);
  INFO("request: " << body << "\nresponse: " << r->body);
  REQUIRE(r->status == 201);
  CHECK(r->get_header_value("Content-Type") == kJsonType);
  Value doc = Json(r->body);
  return At(doc, "vacancy");
}

int64_t CreateId(httplib::ClientImpl& cli, const std::string& body) {
  return Int(Create(cli, body), "id");
}

Value GetVacancy(httplib::ClientImpl& cli, int64_t id) {
  HttpResult r = cli.Get("/api/vacancies/" + std::to_string(id));
  REQUIRE(r);
  INFO("response: " << r->body);
  REQUIRE(r->status == 200);
  Value doc = Json(r->body);
  return At(doc, "vacancy");
}

struct Listed {
  std::vector<int64_t> ids;
  int64_t total = -1;
};

Listed List(httplib::ClientImpl& cli, const std::string& query = "") {
  HttpResult r = cli.Get("/api/vacancies" + query);
  REQUIRE(r);
  INFO("query: " << query << " response: " << r->body);
  REQUIRE(r->status == 200);
  Listed out;
  REQUIRE(r->has_header("X-Total-Count"));
  out.total = std::atoll(r->get_header_value("X-Total-Count").c_str());
  Value doc = Json(r->body);
  REQUIRE(doc.is_array());
  for (const Value& item : doc.items()) out.ids.push_back(Int(At(item, "vacancy"), "id"));
  return out;
}

std::string BasicHeader(const std::string& user, const std::string& token) {
  return "Basic " + Base64Encode(user + ":" + token);
}

// --------------------------------------------------------- ids, 404, 405

TEST_CASE("pipeline: every response carries a unique X-Request-Id") {
  TestServer server(testing::WithoutTls());
  auto anon = server.Client();
  auto cli = server.AuthedClient();
  std::vector<HttpResult> results;
  results.push_back(anon->Get("/healthz"));                                         // 200
  results.push_back(cli->Get("/api/vacancies"));                                    // 200
  results.push_back(anon->Get("/nothing/here"));                                    // 404
  results.push_back(anon->Get("/api/vacancies"));                                   // 403
  results.push_back(anon->Patch("/api/vacancies", "", "application/json"));         // 405
  results.push_back(cli->Post("/api/vacancies", "{not json", "application/json"));  // 400
  results.push_back(cli->Get("/api/vacancies/424242"));                             // 404 (handler)
  results.push_back(anon->Get("/healthz", {{"Range", "bytes=9-1"}}));               // 416 (httplib)
  const int expected[] = {200, 200, 404, 403, 405, 400, 404, 416};
  std::set<std::string> ids;
  for (size_t i = 0; i < results.size(); ++i) {
    CAPTURE(i);
    REQUIRE(results[i]);
    CHECK(results[i]->status == expected[i]);
    std::string id = results[i]->get_header_value("X-Request-Id");
    CHECK(id.size() >= 8);
    CHECK(results[i]->get_header_value_count("X-Request-Id") == 1);
    ids.insert(id);
  }
  for (int i = 0; i < 20; ++i) {
    HttpResult r = cli->Get("/api/vacancies");
    REQUIRE(r);
    ids.insert(r->get_header_value("X-Request-Id"));
  }
  CHECK(ids.size() == results.size() + 20);
}

TEST_CASE("pipeline: unknown paths and ids are 404 with the error document") {
  TestServer server(testing::WithoutTls());
  auto anon = server.Client();
  auto cli = server.AuthedClient();
  // Unknown paths need no credentials to be answered 404.
  for (const char* path :
       {"/api/nothing", "/", "/api", "/api/vacancies/1/nothing", "/api/vacancies/abc",
        "/api/vacancies/0", "/api/vacancies/-1", "/api/vacancies/99999999999999999999"}) {
    CAPTURE(path);
    CHECK(ErrorDetails(anon->Get(path), 404) ==
          "The requested resource does not exist within the API configuration");
  }
  // An unknown id: 404 from the handler, also as XML.
  std::string details = ErrorDetails(cli->Get("/api/vacancies/999999"), 404);
  CHECK(details.find("999999") != std::string::npos);
  std::string xml = XmlErrorBody(cli->Get("/api/vacancies/999999.xml"), 404);
  CHECK(xml.find("<error>") < xml.find("<code type=\"integer\">404</code>"));
  XmlErrorBody(anon->Get("/api/nothing.xml"), 404);
  // XML error for a 403 too.
  CHECK(XmlErrorBody(anon->Get("/api/vacancies.xml"), 403).find(kForbidden) != std::string::npos);
}

TEST_CASE("pipeline: a known path with another method is 405 with Allow") {
  TestServer server(testing::WithoutTls());
  auto anon = server.Client();
  auto cli = server.AuthedClient();
  HttpResult r = cli->Patch("/api/vacancies", "", "application/json");
  ErrorDetails(r, 405);
  CHECK(r->get_header_value("Allow") == "GET, POST");
  r = anon->Delete("/api/vacancies");
  ErrorDetails(r, 405);
  CHECK(r->get_header_value("Allow") == "GET, POST");
  r = cli->Post("/api/vacancies/5", "", "application/json");
  ErrorDetails(r, 405);
  CHECK(r->get_header_value("Allow") == "GET, PUT, DELETE");
  r = cli->Options("/api/vacancies/5.xml");
  XmlErrorBody(r, 405);
  CHECK(r->get_header_value("Allow") == "GET, PUT, DELETE");
  r = anon->Post("/healthz", "", "text/plain");
  ErrorDetails(r, 405);
  CHECK(r->get_header_value("Allow") == "GET");
  // HEAD is answered like GET, without a body.
  r = cli->Head("/api/vacancies");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.empty());
}

// ------------------------------------------------------------ authentication

TEST_CASE("pipeline: authentication") {
  TestServer server(testing::WithoutTls());
  const auto& c = server.creds();
  auto anon = server.Client();

  SUBCASE("no credentials: 403 with the seed's text") {
    CHECK(ErrorDetails(anon->Get("/api/vacancies"), 403) == kForbidden);
    CHECK(ErrorDetails(anon->Get("/api/vacancies/1"), 403) == kForbidden);
    CHECK(ErrorDetails(server.Client()->Post("/api/vacancies", Wrapped("x"), "application/json"),
                       403) == kForbidden);
  }
  SUBCASE("wrong token, unknown user, malformed header: 403") {
    CHECK(ErrorDetails(
              anon->Get("/api/vacancies", {{"Authorization", BasicHeader(c.email, "cmo_wrong")}}),
              403) == kForbidden);
    CHECK(ErrorDetails(anon->Get("/api/vacancies",
                                 {{"Authorization", BasicHeader("nobody@agency.test", c.token)}}),
                       403) == kForbidden);
    for (const char* h : {"Basic", "Basic ", "Basic !!!!", "Bearer abc", "Digest x"}) {
      CAPTURE(h);
      CHECK(ErrorDetails(anon->Get("/api/vacancies", {{"Authorization", h}}), 403) == kForbidden);
    }
    // user:token without the colon, or with an empty part.
    CHECK(ErrorDetails(anon->Get("/api/vacancies",
                                 {{"Authorization", "Basic " + Base64Encode(c.email + c.token)}}),
                       403) == kForbidden);
    CHECK(ErrorDetails(anon->Get("/api/vacancies", {{"Authorization", BasicHeader(c.email, "")}}),
                       403) == kForbidden);
  }
  SUBCASE("the right token works with both header spellings, the login in any case") {
    HttpResult r = anon->Get("/api/vacancies", {{"Authorization", BasicHeader(c.email, c.token)}});
    REQUIRE(r);
    CHECK(r->status == 200);
    r = anon->Get("/api/vacancies", {{"Authentication", BasicHeader(c.email, c.token)}});
    REQUIRE(r);
    CHECK(r->status == 200);
    r = anon->Get("/api/vacancies",
                  {{"Authorization", "basic " + Base64Encode(c.email + ":" + c.token)}});
    REQUIRE(r);
    CHECK(r->status == 200);
    r = anon->Get("/api/vacancies",
                  {{"Authorization", BasicHeader("RECRUITER@Agency.Test", c.token)}});
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  SUBCASE("a disabled account is 401 Service not available") {
    REQUIRE(server.store()
                .Write([&](Db& db) { return SetAccountDisabled(db, c.account_id, true); })
                .ok());
    auto cli = server.AuthedClient();
    HttpResult r = cli->Get("/api/vacancies");
    ErrorDetails(r, 401);
    CHECK_FALSE(r->has_header("WWW-Authenticate"));
    ErrorDetails(server.AuthedClient()->Post("/api/vacancies", Wrapped("x"), "application/json"),
                 401);
    // Wrong credentials on a disabled account are still 403.
    ErrorDetails(
        anon->Get("/api/vacancies", {{"Authorization", BasicHeader(c.email, "cmo_wrong")}}), 403);
    // Other accounts are not affected.
    auto other = server.AuthedClient(server.NewAccount("Other", "other@agency.test"));
    r = other->Get("/api/vacancies");
    REQUIRE(r);
    CHECK(r->status == 200);
    REQUIRE(server.store()
                .Write([&](Db& db) { return SetAccountDisabled(db, c.account_id, false); })
                .ok());
    r = cli->Get("/api/vacancies");
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  SUBCASE("a revoked token is 403") {
    REQUIRE(server.store()
                .Write([&](Db& db) {
                  auto tokens = ListTokens(db, c.email);
                  if (!tokens.ok()) return tokens.status();
                  return RevokeToken(db, tokens->front().id, 1);
                })
                .ok());
    ErrorDetails(server.AuthedClient()->Get("/api/vacancies"), 403);
  }
  SUBCASE("/healthz needs no credentials") {
    HttpResult r = anon->Get("/healthz");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Content-Type") == kJsonType);
    Value doc = Json(r->body);
    CHECK(Str(At(doc, "health"), "status") == "ok");
    // Wrong credentials on it do not matter either.
    r = anon->Get("/healthz", {{"Authorization", BasicHeader(c.email, "cmo_wrong")}});
    REQUIRE(r);
    CHECK(r->status == 200);
  }
}

TEST_CASE("pipeline: repeated wrong tokens are throttled with 429 and Retry-After") {
  TestServer server(testing::WithoutTls());
  const auto& c = server.creds();
  auto anon = server.Client();
  httplib::Headers wrong = {{"Authorization", BasicHeader(c.email, "cmo_wrong_token")}};
  int refused_at = 0;
  for (int i = 1; i <= 12 && refused_at == 0; ++i) {
    HttpResult r = anon->Get("/api/vacancies", wrong);
    REQUIRE(r);
    if (r->status == 429) {
      refused_at = i;
      ErrorDetails(r, 429);
      REQUIRE(r->has_header("Retry-After"));
      CHECK(std::atoi(r->get_header_value("Retry-After").c_str()) > 0);
    } else {
      CHECK(r->status == 403);
    }
  }
  CHECK((refused_at == 11 || refused_at == 12));
  // While throttled the right token still passes: only failures are refused.
  auto cli = server.AuthedClient();
  HttpResult r = cli->Get("/api/vacancies");
  REQUIRE(r);
  CHECK(r->status == 200);
  r = anon->Get("/api/vacancies", wrong);
  ErrorDetails(r, 429);
  // Requests that need no credentials still work.
  r = anon->Get("/healthz");
  REQUIRE(r);
  CHECK(r->status == 200);
  // Time refills the bucket (the server's clock): a failure is a 403 again.
  server.clock().Advance(3600);
  r = anon->Get("/api/vacancies", wrong);
  REQUIRE(r);
  CHECK(r->status == 403);
}

// -------------------------------------------------------------------- formats

TEST_CASE("pipeline: formats from the suffix and the Accept header") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  int64_t id = CreateId(*cli, Wrapped("Formats"));
  const std::string one = "/api/vacancies/" + std::to_string(id);

  HttpResult r = cli->Get(one + ".xml");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == kXmlType);
  CHECK(r->body.rfind(kXmlDecl, 0) == 0);
  CHECK(r->body.find("<vacancy>") != std::string::npos);
  CHECK(r->body.find("<id type=\"integer\">" + std::to_string(id) + "</id>") != std::string::npos);
  CHECK(r->body.find(
            "<datetime_start type=\"datetime\">2013-07-28T02:00:00+02:00</datetime_start>") !=
        std::string::npos);

  r = cli->Get("/api/vacancies.xml");
  REQUIRE(r);
  CHECK(r->get_header_value("Content-Type") == kXmlType);
  CHECK(r->body.find("<vacancies type=\"array\">") != std::string::npos);
  CHECK(r->get_header_value("X-Total-Count") == "1");

  for (const char* accept : {"application/xml", "text/xml", "application/xml, application/json"}) {
    CAPTURE(accept);
    r = cli->Get(one, {{"Accept", accept}});
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Content-Type") == kXmlType);
    CHECK(r->body.rfind(kXmlDecl, 0) == 0);
  }
  for (const char* accept : {"application/json", "*/*", "application/json, application/xml"}) {
    CAPTURE(accept);
    r = cli->Get(one, {{"Accept", accept}});
    REQUIRE(r);
    CHECK(r->get_header_value("Content-Type") == kJsonType);
  }
  // An explicit .json suffix wins over Accept.
  r = cli->Get(one + ".json", {{"Accept", "application/xml"}});
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == kJsonType);
  CHECK(Int(At(Json(r->body), "vacancy"), "id") == id);
  r = cli->Get("/api/vacancies.json");
  REQUIRE(r);
  CHECK(r->get_header_value("Content-Type") == kJsonType);
  CHECK(Json(r->body).is_array());
  // Errors follow the format too.
  XmlErrorBody(cli->Get("/api/vacancies/999999", {{"Accept", "application/xml"}}), 404);
}

// ------------------------------------------------------------------ body limit

TEST_CASE("pipeline: a body over the limit is 413 and the server keeps serving") {
  testing::ServerOptions o = testing::WithoutTls();
  o.max_body_bytes = 1024;
  TestServer server(o);
  auto cli = server.AuthedClient();
  std::string big = Wrapped("Big", kStart, kEnd,
                            "\"generic_invitation_text\": \"" + std::string(4096, 'x') + "\"");
  HttpResult r = cli->Post("/api/vacancies", big, "application/json");
  std::string details = ErrorDetails(r, 413);
  CHECK_FALSE(details.empty());
  // The same connection and a new one still work; nothing was created.
  r = cli->Get("/api/vacancies");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("X-Total-Count") == "0");
  auto fresh = server.AuthedClient();
  CHECK(List(*fresh).total == 0);
  // Just under the limit is fine.
  std::string small = Wrapped("Small", kStart, kEnd,
                              "\"generic_invitation_text\": \"" + std::string(800, 'x') + "\"");
  REQUIRE(small.size() <= 1024);
  CreateId(*cli, small);
  // XML gets an XML 413.
  XmlErrorBody(
      cli->Post("/api/vacancies.xml", std::string(4096, ' ') + "<vacancy/>", "application/xml"),
      413);
  CHECK(List(*cli).total == 1);
}

// Sends `body` as JSON with Transfer-Encoding: chunked, in chunks of 512 bytes.
HttpResult PostChunked(httplib::ClientImpl& cli, const std::string& path, const std::string& body) {
  return testing::PostChunked(cli, path, body, "application/json");
}

// The limit must hold however the body is framed (cpp-httplib's own limit
// is the larger upload limit).
TEST_CASE("pipeline: a chunked body is held to the limit too") {
  testing::ServerOptions o = testing::WithoutTls();
  o.max_body_bytes = 1024;
  TestServer server(o);
  auto cli = server.AuthedClient();
  HttpResult r = PostChunked(*cli, "/api/vacancies", Wrapped("Small chunked"));
  REQUIRE(r);
  CHECK(r->status == 201);
  std::string big = Wrapped("Big chunked", kStart, kEnd,
                            "\"generic_invitation_text\": \"" + std::string(64 * 1024, 'y') + "\"");
  for (int i = 0; i < 3; ++i) {
    auto other = server.AuthedClient();
    r = PostChunked(*other, "/api/vacancies", big);
    INFO("error: " << httplib::to_string(r.error()));
    CHECK(ErrorDetails(r, 413).find("1024") != std::string::npos);
  }
  // Nothing was created and the server keeps serving.
  Listed all = List(*cli);
  CHECK(all.total == 1);
}

// docs/contract.md "Errors": a body over the limit answers 413, wrong credentials 403.
// When the server answers before reading the whole body (a chunked body over
// the limit, or any body of a request refused before routing) it closes the
// connection with the rest of the body unread. A plain close with unread
// input sends a TCP reset, which discards the answer at a client that is
// still sending; the close must linger so that the client reads the answer.
TEST_CASE("pipeline: an answer sent before the body was read reaches the client") {
  testing::ServerOptions o = testing::WithoutTls();
  o.max_body_bytes = 1024;
  TestServer server(o);
  std::string big = Wrapped("Big", kStart, kEnd,
                            "\"generic_invitation_text\": \"" + std::string(64 * 1024, 'y') + "\"");
  int chunked_413 = 0;
  for (int i = 0; i < 5; ++i) {
    auto cli = server.AuthedClient();
    HttpResult r = PostChunked(*cli, "/api/vacancies", big);
    if (r && r->status == 413) ++chunked_413;
  }
  CHECK(chunked_413 == 5);

  TestServer plain(testing::WithoutTls());  // default limit (1 MiB)
  std::string upload =
      Wrapped("Upload", kStart, kEnd,
              "\"generic_invitation_text\": \"" + std::string(512 * 1024, 'z') + "\"");
  int refused_403 = 0;
  for (int i = 0; i < 3; ++i) {
    auto anon = plain.Client();
    HttpResult r = anon->Post("/api/vacancies",
                              {{"Authorization", BasicHeader(plain.creds().email, "cmo_wrong")}},
                              upload, "application/json");
    if (r && r->status == 403) ++refused_403;
  }
  CHECK(refused_403 == 3);
}

// When the pre-routing hook answers (403, 404, 405, 429) it does so before
// cpp-httplib reads the request body. If the connection were then kept alive,
// the unread body would be parsed as the next request on it: behind a reverse
// proxy that shares connections, request smuggling. Here an unauthenticated
// POST carries a complete authenticated request as its body.
TEST_CASE("pipeline: the body of a request refused before routing is not run as a request") {
  TestServer server(testing::WithoutTls());
  const auto& c = server.creds();
  const std::string inner_body = Wrapped("Smuggled");
  const std::string inner =
      "POST /api/vacancies HTTP/1.1\r\nHost: localhost\r\n"
      "Authorization: " +
      BasicHeader(c.email, c.token) +
      "\r\n"
      "Content-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(inner_body.size()) + "\r\n\r\n" + inner_body;
  auto anon = server.Client();
  HttpResult r = anon->Post("/api/vacancies", inner, "application/json");
  REQUIRE(r);
  CHECK(r->status == 403);
  auto cli = server.AuthedClient();
  int64_t total = 0;
  for (int i = 0; i < 10 && total == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    total = List(*cli).total;
  }
  CHECK(total == 0);
}

// The same seen by an honest client: after a POST refused before routing
// (wrong token, unknown method), its next request must not be read together
// with the unread body.
TEST_CASE("pipeline: a keep-alive connection works after a refused POST with a body") {
  TestServer server(testing::WithoutTls());
  auto anon = server.Client();
  HttpResult r = anon->Post("/api/vacancies", Wrapped("Refused"), "application/json");
  REQUIRE(r);
  CHECK(r->status == 403);
  r = anon->Get("/healthz");
  REQUIRE(r);
  CHECK(r->status == 200);
  r = anon->Patch("/api/vacancies", "{\"x\": 1}", "application/json");
  REQUIRE(r);
  CHECK(r->status == 405);
  r = anon->Get("/healthz");
  REQUIRE(r);
  CHECK(r->status == 200);
}

// ------------------------------------------------------------ malformed bodies

TEST_CASE("pipeline: malformed bodies are 400 with details") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  auto post = [&](const std::string& path, const std::string& body, const char* type) {
    return cli->Post(path, body, type);
  };
  std::string d =
      ErrorDetails(post("/api/vacancies", "{\"vacancy\": {\"title\": ", "application/json"), 400);
  CHECK_FALSE(d.empty());
  d = ErrorDetails(post("/api/vacancies",
                        "{\"vacancy\": {\"title\": \"\xff\xfe\", \"datetime_start\": "
                        "\"2013-07-28\", \"datetime_end\": \"2013-07-29\"}}",
                        "application/json"),
                   400);
  CHECK_FALSE(d.empty());
  // Overlong encoding of '/', and a lone surrogate.
  ErrorDetails(post("/api/vacancies", Wrapped("a\xc0\xaf"), "application/json"), 400);
  ErrorDetails(post("/api/vacancies", Wrapped("a\xed\xa0\x80"), "application/json"), 400);
  XmlErrorBody(post("/api/vacancies.xml",
                    "<?xml version=\"1.0\"?><!DOCTYPE vacancy [<!ENTITY x \"boom\">]>"
                    "<vacancy><title>&x;</title></vacancy>",
                    "application/xml"),
               400);
  ErrorDetails(post("/api/vacancies", "", "application/json"), 400);
  ErrorDetails(post("/api/vacancies", "   \r\n ", "application/json"), 400);
  ErrorDetails(post("/api/vacancies", "[]", "application/json"), 400);
  ErrorDetails(post("/api/vacancies", "null", "application/json"), 400);
  ErrorDetails(post("/api/vacancies", "\"vacancy\"", "application/json"), 400);
  ErrorDetails(post("/api/vacancies", "[1, 2]", "application/json"), 400);
  ErrorDetails(post("/api/vacancies", "{\"vacancy\": 5}", "application/json"), 400);
  ErrorDetails(post("/api/vacancies", "{\"invitation\": {\"title\": \"x\"}}", "application/json"),
               400);
  // A wrong JSON type is 400 too.
  ErrorDetails(
      post("/api/vacancies",
           "{\"title\": 5, \"datetime_start\": \"2013-07-28\", \"datetime_end\": \"2013-07-29\"}",
           "application/json"),
      400);

  int64_t id = CreateId(*cli, Wrapped("Target"));
  const std::string one = "/api/vacancies/" + std::to_string(id);
  ErrorDetails(cli->Put(one, "[1,2]", "application/json"), 400);
  ErrorDetails(cli->Put(one, "[{\"title\": \"a\"}, {\"title\": \"b\"}]", "application/json"), 400);
  ErrorDetails(cli->Put(one, "", "application/json"), 400);
  ErrorDetails(cli->Put(one, "{\"title\": ", "application/json"), 400);
  CHECK(Str(GetVacancy(*cli, id), "title") == "Target");
}

TEST_CASE("pipeline: malformed XML bodies are 400 with an XML error") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  auto post = [&](const std::string& body) {
    return cli->Post("/api/vacancies.xml", body, "application/xml");
  };
  XmlErrorBody(post("<vacancy><title>unclosed</vacancy>"), 400);
  XmlErrorBody(
      post("<?xml version=\"1.0\"?><!DOCTYPE vacancy SYSTEM \"file:///etc/passwd\"><vacancy/>"),
      400);
  XmlErrorBody(post("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
                    "\"&lol;&lol;&lol;&lol;\">]><vacancy><title>&lol2;</title></vacancy>"),
               400);
  XmlErrorBody(post(""), 400);
  // The wrong root element.
  std::string body =
      XmlErrorBody(post("<invitation><title>x</title><datetime-start>2013-07-28</datetime-start>"
                        "<datetime-end>2013-07-29</datetime-end></invitation>"),
                   400);
  CHECK(body.find("vacancy") != std::string::npos);
  CHECK(List(*cli).total == 0);
}

// ---------------------------------------------------------- vacancies: create

TEST_CASE("pipeline: POST /api/vacancies in the wrapped, unwrapped and array forms") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  const auto& c = server.creds();

  Value wrapped = Create(*cli, Wrapped("Wrapped"));
  CHECK(Str(wrapped, "title") == "Wrapped");
  Value unwrapped = Create(*cli, "{" + Fields("Unwrapped") + "}");
  CHECK(Str(unwrapped, "title") == "Unwrapped");
  CHECK(Int(unwrapped, "id") > Int(wrapped, "id"));

  // An array of one answers one object.
  HttpResult r =
      cli->Post("/api/vacancies", "[" + Wrapped("Array of one") + "]", "application/json");
  REQUIRE(r);
  CHECK(r->status == 201);
  Value doc = Json(r->body);
  REQUIRE(doc.is_object());
  CHECK(Str(At(doc, "vacancy"), "title") == "Array of one");

  // An array of two answers an array of two, both created.
  r = cli->Post("/api/vacancies",
                "[" + Wrapped("First of two") + ", {" + Fields("Second of two") + "}]",
                "application/json");
  REQUIRE(r);
  CHECK(r->status == 201);
  doc = Json(r->body);
  REQUIRE(doc.is_array());
  REQUIRE(doc.items().size() == 2);
  CHECK(Str(At(doc.items()[0], "vacancy"), "title") == "First of two");
  CHECK(Str(At(doc.items()[1], "vacancy"), "title") == "Second of two");
  CHECK(List(*cli).total == 5);

  // An array of two where the second is invalid: 412, neither created.
  r = cli->Post("/api/vacancies",
                "[" + Wrapped("Valid one") + ", {\"vacancy\": {\"title\": \"No dates\"}}]",
                "application/json");
  std::string details = ErrorDetails(r, 412);
  CHECK(details.find("datetime_start") != std::string::npos);
  CHECK(details.find("2") != std::string::npos);  // which element
  // Invalid first, valid second: also nothing.
  r = cli->Post("/api/vacancies",
                "[{\"vacancy\": {\"title\": \"Bad kind\", \"kind\": \"robot\", \"datetime_start\": "
                "\"2013-07-28\", \"datetime_end\": \"2013-07-29\"}}, " +
                    Wrapped("Valid two") + "]",
                "application/json");
  ErrorDetails(r, 412);
  // A malformed date in the second element is 400, still nothing created.
  r = cli->Post("/api/vacancies",
                "[" + Wrapped("Valid three") + ", " + Wrapped("Bad date", "2013-02-30") + "]",
                "application/json");
  ErrorDetails(r, 400);
  Listed all = List(*cli);
  CHECK(all.total == 5);
  CHECK(all.ids.size() == 5);
  (void)c;
}

TEST_CASE("pipeline: the seed's POST request example") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  const auto& c = server.creds();
  server.clock().Set(1700000000);
  HttpResult r = cli->Post("/api/vacancies", kSeedVacancyPost, "application/json");
  REQUIRE(r);
  INFO(r->body);
  CHECK(r->status == 201);
  Value doc = Json(r->body);
  REQUIRE(doc.is_object());  // an array of one answers one object
  const Value& v = At(doc, "vacancy");
  int64_t id = Int(v, "id");
  CHECK(id != 3474);  // read-only fields in the body are ignored
  CHECK(Str(v, "title") == "REST API developer");
  CHECK(Str(v, "kind") == "live");
  CHECK(Str(v, "scope") == "private");
  CHECK(Str(v, "language") == "nl");
  CHECK(Str(v, "reference_id") == "CA001-202");
  CHECK(Str(v, "datetime_start") == "2013-07-28T02:00:00+02:00");
  CHECK(Str(v, "datetime_end") == "2013-09-26T02:00:00+02:00");
  // Defaults as in the seed's POST response.
  CHECK(Str(v, "answering_time") == "2 minutes");
  CHECK(Str(v, "cv_upload_required") == "no");
  CHECK(Str(v, "use_as_template") == "no");
  CHECK(At(v, "external_info_url").is_null());
  CHECK(At(v, "generic_invitation_text").is_null());
  CHECK(At(v, "num_of_retries").is_null());
  CHECK(Int(v, "num_of_invitations") == 0);
  CHECK(Int(v, "num_of_interviews") == 0);
  // Recruiter fields come from the caller, not from the body.
  CHECK(Int(v, "recruiter_id") == c.user_id);
  CHECK(Str(v, "recruiter_email") == c.email);
  CHECK(Str(v, "recruiter_name") == "Test Agency Recruiter");
  CHECK(Str(v, "recruiter_phone") == "+31 6 1234 5678");
  CHECK(At(v, "public_url").is_null());
  CHECK(Str(v, "datetime_updated") == "2023-11-14T22:13:20Z");

  // Posting it again with the first id in the body creates a second one.
  std::string again = kSeedVacancyPost;
  again.replace(again.find("3474"), 4, std::to_string(id));
  again.replace(again.find("REST API developer"), 18, "Second developer");
  r = cli->Post("/api/vacancies", again, "application/json");
  REQUIRE(r);
  CHECK(r->status == 201);
  CHECK(Int(At(Json(r->body), "vacancy"), "id") != id);
  CHECK(Str(GetVacancy(*cli, id), "title") == "REST API developer");
  CHECK(List(*cli).total == 2);
}

TEST_CASE("pipeline: vacancy validation") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  auto post = [&](const std::string& body) {
    return cli->Post("/api/vacancies", body, "application/json");
  };

  CHECK(ErrorDetails(post("{\"vacancy\": {\"datetime_start\": \"2013-07-28\", \"datetime_end\": "
                          "\"2013-07-29\"}}"),
                     412)
            .find("title") != std::string::npos);
  CHECK(ErrorDetails(post("{\"vacancy\": {\"title\": \"  \", \"datetime_start\": \"2013-07-28\", "
                          "\"datetime_end\": \"2013-07-29\"}}"),
                     412)
            .find("title") != std::string::npos);
  CHECK(ErrorDetails(post("{\"vacancy\": {\"title\": null, \"datetime_start\": \"2013-07-28\", "
                          "\"datetime_end\": \"2013-07-29\"}}"),
                     412)
            .find("title") != std::string::npos);
  CHECK(
      ErrorDetails(post("{\"vacancy\": {\"title\": \"x\", \"datetime_end\": \"2013-07-29\"}}"), 412)
          .find("datetime_start") != std::string::npos);
  CHECK(ErrorDetails(post("{\"vacancy\": {\"title\": \"x\", \"datetime_start\": \"2013-07-29\"}}"),
                     412)
            .find("datetime_end") != std::string::npos);
  CHECK(ErrorDetails(post(Wrapped("x", "2013-09-26T02:00:00+02:00", "2013-07-28T02:00:00+02:00")),
                     412)
            .find("datetime_end") != std::string::npos);
  // Same instant in other offsets: end == start is allowed, end one second before is not.
  Create(*cli, Wrapped("Zero length", "2013-07-28T02:00:00+02:00", "2013-07-28T00:00:00Z"));
  ErrorDetails(post(Wrapped("x", "2013-07-28T02:00:00+02:00", "2013-07-27T23:59:59Z")), 412);
  // A malformed date is 400 naming the field.
  CHECK(ErrorDetails(post(Wrapped("x", "2013-02-30", "2013-07-29")), 400).find("datetime_start") !=
        std::string::npos);
  CHECK(ErrorDetails(post(Wrapped("x", "2013-07-28", "tomorrow")), 400).find("datetime_end") !=
        std::string::npos);
  CHECK(ErrorDetails(post(Wrapped("x", "2013-07-28T24:00:00Z", "2013-07-29")), 400)
            .find("datetime_start") != std::string::npos);
  CHECK(ErrorDetails(post(Wrapped("x", kStart, kEnd, "\"kind\": \"robot\"")), 412).find("kind") !=
        std::string::npos);
  CHECK(
      ErrorDetails(post(Wrapped("x", kStart, kEnd, "\"scope\": \"secret\"")), 412).find("scope") !=
      std::string::npos);
  CHECK(ErrorDetails(post(Wrapped("x", kStart, kEnd, "\"use_as_template\": \"maybe\"")), 412)
            .find("use_as_template") != std::string::npos);
  CHECK(ErrorDetails(post(Wrapped("x", kStart, kEnd, "\"cv_upload_required\": \"perhaps\"")), 412)
            .find("cv_upload_required") != std::string::npos);
  CHECK(ErrorDetails(
            post(Wrapped("x", kStart, kEnd, "\"external_info_url\": \"javascript:alert(1)\"")), 412)
            .find("external_info_url") != std::string::npos);
  CHECK(ErrorDetails(post(Wrapped(std::string(300, 't'))), 412).find("title") != std::string::npos);
  CHECK(ErrorDetails(post(Wrapped("x", kStart, kEnd, "\"num_of_retries\": \"three\"")), 400)
            .find("num_of_retries") != std::string::npos);
  CHECK(ErrorDetails(post(Wrapped("x", kStart, kEnd,
                                  "\"kind\": \"live\", \"questions\": [{\"title\": \"Q\"}]")),
                     412)
            .find("questions") != std::string::npos);
  CHECK(ErrorDetails(post(Wrapped("x", kStart, kEnd, "\"questions\": [{\"text\": \"no title\"}]")),
                     412)
            .find("questions[0].title") != std::string::npos);
  CHECK(ErrorDetails(post(Wrapped("x", kStart, kEnd, "\"questions\": \"Q1\"")), 400)
            .find("questions") != std::string::npos);
  // Only the one valid vacancy exists.
  CHECK(List(*cli).total == 1);

  // Flags accept booleans too and answer "yes"/"no".
  Value v = Create(*cli, Wrapped("Flags", kStart, kEnd,
                                 "\"use_as_template\": true, \"cv_upload_required\": \"yes\""));
  CHECK(Str(v, "use_as_template") == "yes");
  CHECK(Str(v, "cv_upload_required") == "yes");
  // Unknown fields are ignored.
  v = Create(*cli,
             Wrapped("Unknown", kStart, kEnd, "\"colour\": \"blue\", \"num_of_interviews\": 99"));
  CHECK(v.Find("colour") == nullptr);
  CHECK(Int(v, "num_of_interviews") == 0);
}

TEST_CASE("pipeline: datetimes come back with the offset they were given") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  Value v =
      Create(*cli, Wrapped("Offsets", "2013-07-28T02:00:00-05:30", "2013-09-26T02:00:00+0200"));
  CHECK(Str(v, "datetime_start") == "2013-07-28T02:00:00-05:30");
  CHECK(Str(v, "datetime_end") == "2013-09-26T02:00:00+02:00");
  v = GetVacancy(*cli, Int(v, "id"));
  CHECK(Str(v, "datetime_start") == "2013-07-28T02:00:00-05:30");
  CHECK(Str(v, "datetime_end") == "2013-09-26T02:00:00+02:00");
  v = Create(*cli, Wrapped("Dates only", "2013-07-28", "2013-07-29"));
  CHECK(Str(v, "datetime_start") == "2013-07-28T00:00:00Z");
  CHECK(Str(v, "datetime_end") == "2013-07-29T00:00:00Z");
  v = Create(*cli, Wrapped("Fractions", "2013-07-28T02:00:00.250+02:00", "2013-07-29T10:00:00Z"));
  CHECK(Str(v, "datetime_start") == "2013-07-28T02:00:00+02:00");
  CHECK(Str(v, "datetime_end") == "2013-07-29T10:00:00Z");
}

// -------------------------------------------------------------- vacancies: list

TEST_CASE("pipeline: GET /api/vacancies: order, X-Total-Count, limit and offset") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  Listed empty = List(*cli);
  CHECK(empty.total == 0);
  CHECK(empty.ids.empty());
  HttpResult r = cli->Get("/api/vacancies");
  REQUIRE(r);
  CHECK(r->body == "[]");
  r = cli->Get("/api/vacancies.xml");
  REQUIRE(r);
  CHECK(r->body.find("<vacancies type=\"array\"/>") != std::string::npos);

  std::vector<int64_t> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(CreateId(*cli, Wrapped("V" + std::to_string(i))));
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  Listed all = List(*cli);
  CHECK(all.total == 4);
  CHECK(all.ids == ids);

  Listed page = List(*cli, "?limit=1&offset=1");
  CHECK(page.total == 4);
  CHECK(page.ids == std::vector<int64_t>{ids[1]});
  page = List(*cli, "?limit=2");
  CHECK(page.ids == std::vector<int64_t>{ids[0], ids[1]});
  page = List(*cli, "?offset=3");
  CHECK(page.ids == std::vector<int64_t>{ids[3]});
  CHECK(page.total == 4);
  page = List(*cli, "?offset=10&limit=5");
  CHECK(page.ids.empty());
  CHECK(page.total == 4);
  page = List(*cli, "?limit=0");
  CHECK(page.ids.empty());
  CHECK(page.total == 4);
  page = List(*cli, "?limit=100000000");
  CHECK(page.ids == ids);

  // XML list: a plural container.
  r = cli->Get("/api/vacancies.xml?limit=2");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("X-Total-Count") == "4");
  CHECK(r->body.find("<vacancies type=\"array\">") != std::string::npos);
  size_t n = 0;
  for (size_t p = r->body.find("<vacancy>"); p != std::string::npos;
       p = r->body.find("<vacancy>", p + 1))
    ++n;
  CHECK(n == 2);

  for (const char* q : {"?limit=-1", "?limit=abc", "?limit=1.5", "?limit=", "?offset=-2",
                        "?offset=x", "?limt=1", "?page=2", "?templates=maybe", "?active=2",
                        "?from=yesterday", "?to=2013-13-01", "?from=2014-01-01&to=2013-01-01"}) {
    CAPTURE(q);
    ErrorDetails(cli->Get(std::string("/api/vacancies") + q), 400);
  }
  CHECK(ErrorDetails(cli->Get("/api/vacancies?limt=1"), 400).find("limt") != std::string::npos);
  CHECK(ErrorDetails(cli->Get("/api/vacancies?limit=-1"), 400).find("limit") != std::string::npos);
}

TEST_CASE("pipeline: list filters templates, active, from and to") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  // The server's clock: 2023-11-14T22:13:20Z.
  int64_t past =
      CreateId(*cli, Wrapped("Past", "2013-07-28T02:00:00+02:00", "2013-09-26T02:00:00+02:00"));
  int64_t now = CreateId(*cli, Wrapped("Now", "2023-11-01T00:00:00Z", "2023-12-01T00:00:00Z"));
  int64_t future = CreateId(*cli, Wrapped("Future", "2024-01-01T00:00:00+01:00", "2024-02-01"));
  int64_t tmpl = CreateId(
      *cli, Wrapped("Template", "2013-01-01", "2030-01-01", "\"use_as_template\": \"yes\""));
  int64_t tmpl2 = CreateId(
      *cli, Wrapped("Template 2", "2013-01-01", "2013-01-02", "\"use_as_template\": \"yes\""));

  CHECK(List(*cli, "?templates=true").ids == std::vector<int64_t>{tmpl, tmpl2});
  CHECK(List(*cli, "?templates=true").total == 2);
  CHECK(List(*cli, "?templates=false").total == 5);
  CHECK(List(*cli, "?templates=true&limit=1&offset=1").ids == std::vector<int64_t>{tmpl2});

  CHECK(List(*cli, "?active=true").ids == std::vector<int64_t>{now, tmpl});
  CHECK(List(*cli, "?active=true&templates=true").ids == std::vector<int64_t>{tmpl});
  CHECK(List(*cli, "?active=false").total == 5);
  // The server's clock decides what is active.
  server.clock().Set(1705320000);  // 2024-01-15T12:00:00Z
  CHECK(List(*cli, "?active=true").ids == std::vector<int64_t>{future, tmpl});
  server.clock().Set(1374969600);  // 2013-07-28T00:00:00Z, the instant "Past" starts
  CHECK(List(*cli, "?active=true").ids == std::vector<int64_t>{past, tmpl});
  server.clock().Set(1374969599);
  CHECK(List(*cli, "?active=true").ids == std::vector<int64_t>{tmpl});

  // from/to: vacancies whose start..end overlaps the range.
  CHECK(List(*cli, "?from=2013-08-01&to=2013-08-31").ids == std::vector<int64_t>{past, tmpl});
  CHECK(List(*cli, "?from=2023-11-30").ids == std::vector<int64_t>{now, future, tmpl});
  CHECK(List(*cli, "?to=2013-01-01").ids == std::vector<int64_t>{tmpl, tmpl2});
  // `to` as a date means the end of that day.
  CHECK(List(*cli, "?from=2013-07-28&to=2013-07-28").ids == std::vector<int64_t>{past, tmpl});
  CHECK(List(*cli, "?from=2013-07-27&to=2013-07-27").ids == std::vector<int64_t>{tmpl});
  // Full datetimes are accepted too (URL-encoded '+').
  CHECK(List(*cli, "?from=2013-09-26T02:00:00%2B02:00&to=2013-09-26T03:00:00%2B02:00").ids ==
        std::vector<int64_t>{past, tmpl});
  CHECK(List(*cli, "?from=2013-09-26T02:00:01%2B02:00&to=2013-09-27").ids ==
        std::vector<int64_t>{tmpl});
  CHECK(List(*cli, "?from=2024-01-31T23:00:00Z&to=2024-01-31T23:30:00Z").ids ==
        std::vector<int64_t>{future, tmpl});
  CHECK(List(*cli, "?from=2031-01-01").total == 0);
}

// ----------------------------------------------------------- vacancies: other

TEST_CASE("pipeline: template_id copies questions and texts, body fields win") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  Value t = Create(
      *cli, Wrapped("Template", "2013-01-01", "2030-01-01",
                    "\"use_as_template\": \"yes\", \"language\": \"en\", "
                    "\"generic_invitation_text\": \"Hello {{name}}\", "
                    "\"answering_time\": \"3 minutes\", \"cv_upload_required\": \"yes\", "
                    "\"external_info_url\": \"https://agency.test/job\", \"num_of_retries\": 2, "
                    "\"questions\": [{\"title\": \"Q1\", \"text\": \"Why?\"}, "
                    "{\"question\": {\"title\": \"Q2\", \"answering_time\": \"1 minute\", "
                    "\"required\": \"no\"}}]"));
  const int64_t tid = Int(t, "id");
  REQUIRE(At(t, "questions").items().size() == 2);

  Value v = Create(*cli, "{\"vacancy\": {\"template_id\": " + std::to_string(tid) + ", " +
                             Fields("From template", "2014-01-01", "2014-02-01",
                                    "\"answering_time\": \"1 minute\"") +
                             "}}");
  CHECK(Str(v, "title") == "From template");
  CHECK(Int(v, "template_id") == tid);
  CHECK(Str(v, "use_as_template") == "no");
  CHECK(Str(v, "language") == "en");
  CHECK(Str(v, "generic_invitation_text") == "Hello {{name}}");
  CHECK(Str(v, "answering_time") == "1 minute");  // the body wins
  CHECK(Str(v, "cv_upload_required") == "yes");
  CHECK(Str(v, "external_info_url") == "https://agency.test/job");
  CHECK(Int(v, "num_of_retries") == 2);
  CHECK(Str(v, "datetime_start") == "2014-01-01T00:00:00Z");
  const Value& qs = At(v, "questions");
  REQUIRE(qs.items().size() == 2);
  const Value& q1 = At(qs.items()[0], "question");
  const Value& q2 = At(qs.items()[1], "question");
  CHECK(Str(q1, "title") == "Q1");
  CHECK(Str(q1, "text") == "Why?");
  CHECK(Int(q1, "index") == 1);
  CHECK(Int(q1, "required") == 1);
  CHECK(Str(q2, "title") == "Q2");
  CHECK(Int(q2, "index") == 2);
  CHECK(Str(q2, "answering_time") == "1 minute");
  CHECK(Int(q2, "required") == 0);
  // Copies, not the template's rows.
  CHECK(Int(q1, "id") != Int(At(At(t, "questions").items()[0], "question"), "id"));
  // The title can come from the template; the schedule cannot.
  Value titled =
      Create(*cli, "{\"template_id\": " + std::to_string(tid) +
                       ", \"datetime_start\": \"2014-01-01\", \"datetime_end\": \"2014-01-02\"}");
  CHECK(Str(titled, "title") == "Template");
  CHECK(ErrorDetails(cli->Post("/api/vacancies", "{\"template_id\": " + std::to_string(tid) + "}",
                               "application/json"),
                     412)
            .find("datetime_start") != std::string::npos);
  // Questions in the body replace the template's.
  Value own = Create(
      *cli, "{\"template_id\": " + std::to_string(tid) + ", " +
                Fields("Own questions", kStart, kEnd, "\"questions\": [{\"title\": \"Mine\"}]") +
                "}");
  REQUIRE(At(own, "questions").items().size() == 1);
  CHECK(Str(At(At(own, "questions").items()[0], "question"), "title") == "Mine");
  // The template itself is unchanged.
  CHECK(At(GetVacancy(*cli, tid), "questions").items().size() == 2);

  // template_id of a vacancy that is not a template, that does not exist, or
  // that belongs to another account: 412, nothing created.
  int64_t plain = Int(v, "id");
  int64_t before = List(*cli).total;
  CHECK(ErrorDetails(
            cli->Post("/api/vacancies",
                      "{\"template_id\": " + std::to_string(plain) + ", " + Fields("x") + "}",
                      "application/json"),
            412)
            .find("template") != std::string::npos);
  ErrorDetails(cli->Post("/api/vacancies", "{\"template_id\": 999999, " + Fields("x") + "}",
                         "application/json"),
               404);
  auto other = server.AuthedClient(server.NewAccount("Other", "other@agency.test"));
  ErrorDetails(other->Post("/api/vacancies",
                           "{\"template_id\": " + std::to_string(tid) + ", " + Fields("x") + "}",
                           "application/json"),
               404);
  ErrorDetails(cli->Post("/api/vacancies", "{\"template_id\": \"abc\", " + Fields("x") + "}",
                         "application/json"),
               400);
  ErrorDetails(
      cli->Post("/api/vacancies", "{\"template_id\": 0, " + Fields("x") + "}", "application/json"),
      412);
  CHECK(List(*cli).total == before);
  CHECK(List(*other).total == 0);
}

TEST_CASE("pipeline: PUT updates only the given fields") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  Value v = Create(
      *cli,
      Wrapped(
          "Original", kStart, kEnd,
          "\"language\": \"nl\", \"reference_id\": \"R1\", \"questions\": [{\"title\": \"Q1\"}]"));
  const int64_t id = Int(v, "id");
  const std::string one = "/api/vacancies/" + std::to_string(id);
  server.clock().Advance(60);

  HttpResult r = cli->Put(one, "{\"vacancy\": {\"title\": \"Renamed\"}}", "application/json");
  REQUIRE(r);
  INFO(r->body);
  REQUIRE(r->status == 200);
  Value u = At(Json(r->body), "vacancy");
  CHECK(Int(u, "id") == id);
  CHECK(Str(u, "title") == "Renamed");
  CHECK(Str(u, "language") == "nl");
  CHECK(Str(u, "reference_id") == "R1");
  CHECK(Str(u, "datetime_start") == kStart);
  CHECK(Str(u, "datetime_end") == kEnd);
  CHECK(Str(u, "kind") == "automated");
  CHECK(At(u, "questions").items().size() == 1);
  CHECK(Str(u, "datetime_updated") == "2023-11-14T22:14:20Z");
  CHECK(Str(v, "datetime_updated") == "2023-11-14T22:13:20Z");

  // Unwrapped, and a new end date in another offset.
  r = cli->Put(one, "{\"datetime_end\": \"2013-10-01T12:00:00-04:00\", \"language\": null}",
               "application/json");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  u = GetVacancy(*cli, id);
  CHECK(Str(u, "title") == "Renamed");
  CHECK(Str(u, "datetime_end") == "2013-10-01T12:00:00-04:00");
  CHECK(At(u, "language").is_null());
  CHECK(Str(u, "reference_id") == "R1");
  // Questions are replaced only when given.
  r = cli->Put(one, "{\"questions\": [{\"title\": \"A\"}, {\"title\": \"B\"}]}",
               "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(At(GetVacancy(*cli, id), "questions").items().size() == 2);
  r = cli->Put(one, "{\"questions\": []}", "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(At(GetVacancy(*cli, id), "questions").items().empty());
  // XML PUT with dashes.
  r = cli->Put(one + ".xml", "<vacancy><reference-id>R2</reference-id></vacancy>",
               "application/xml");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.find("<reference_id>R2</reference_id>") != std::string::npos);
  // Unknown id.
  ErrorDetails(cli->Put("/api/vacancies/999999", "{\"title\": \"x\"}", "application/json"), 404);
}

TEST_CASE("pipeline: a failed request changes nothing") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  Value v = Create(*cli, Wrapped("Stable", kStart, kEnd,
                                 "\"language\": \"nl\", \"questions\": [{\"title\": \"Q1\"}]"));
  const int64_t id = Int(v, "id");
  const std::string one = "/api/vacancies/" + std::to_string(id);
  HttpResult before = cli->Get(one);
  REQUIRE(before);
  server.clock().Advance(3600);
  // Valid fields first, then an invalid one: nothing of it is applied.
  ErrorDetails(
      cli->Put(
          one,
          "{\"title\": \"Changed\", \"language\": \"en\", \"questions\": [], \"kind\": \"robot\"}",
          "application/json"),
      412);
  ErrorDetails(cli->Put(one, "{\"title\": \"Changed\", \"datetime_end\": \"2000-01-01\"}",
                        "application/json"),
               412);
  ErrorDetails(cli->Put(one, "{\"title\": \"Changed\", \"datetime_end\": \"2013-02-30\"}",
                        "application/json"),
               400);
  ErrorDetails(cli->Put(one, "{\"title\": \"\"}", "application/json"), 412);
  ErrorDetails(
      cli->Put(
          one,
          "{\"title\": \"Changed\", \"questions\": [{\"title\": \"A\"}, {\"text\": \"no title\"}]}",
          "application/json"),
      412);
  ErrorDetails(cli->Put(one, "{\"kind\": \"live\"}", "application/json"), 412);  // has questions
  HttpResult after = cli->Get(one);
  REQUIRE(after);
  CHECK(after->body == before->body);
}

TEST_CASE("pipeline: DELETE answers VACANCY_DELETED, then the vacancy is gone") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  int64_t id =
      CreateId(*cli, Wrapped("Doomed", kStart, kEnd, "\"questions\": [{\"title\": \"Q\"}]"));
  int64_t keep = CreateId(*cli, Wrapped("Kept"));
  const std::string one = "/api/vacancies/" + std::to_string(id);
  HttpResult r = cli->Delete(one);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == kJsonType);
  CHECK(r->body == "{\"result\":\"VACANCY_DELETED\"}");
  ErrorDetails(cli->Get(one), 404);
  ErrorDetails(cli->Delete(one), 404);
  ErrorDetails(cli->Put(one, "{\"title\": \"x\"}", "application/json"), 404);
  CHECK(List(*cli).ids == std::vector<int64_t>{keep});
  // XML.
  r = cli->Delete("/api/vacancies/" + std::to_string(keep) + ".xml");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == kXmlType);
  CHECK(r->body.find("<result>VACANCY_DELETED</result>") != std::string::npos);
  CHECK(List(*cli).total == 0);
}

TEST_CASE("pipeline: vacancies in XML, with dashes in element names") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<vacancy>\n"
      "  <title>XML developer &amp; tester</title>\n"
      "  <kind>automated</kind>\n"
      "  <datetime-start type=\"datetime\">2013-07-28T02:00:00+02:00</datetime-start>\n"
      "  <datetime_end type=\"datetime\">2013-09-26T02:00:00-05:30</datetime_end>\n"
      "  <num-of-retries type=\"integer\">3</num-of-retries>\n"
      "  <use-as-template>no</use-as-template>\n"
      "  <language nil=\"true\"/>\n"
      "  <id type=\"integer\">77</id>\n"
      "  <questions type=\"array\">\n"
      "    <question><title>First</title></question>\n"
      "    <question><title>Second</title><required type=\"boolean\">false</required></question>\n"
      "  </questions>\n"
      "</vacancy>\n";
  HttpResult r = cli->Post("/api/vacancies.xml", body, "application/xml");
  REQUIRE(r);
  INFO(r->body);
  REQUIRE(r->status == 201);
  CHECK(r->get_header_value("Content-Type") == kXmlType);
  CHECK(r->body.rfind(kXmlDecl, 0) == 0);
  CHECK(r->body.find("<title>XML developer &amp; tester</title>") != std::string::npos);
  CHECK(r->body.find(
            "<datetime_start type=\"datetime\">2013-07-28T02:00:00+02:00</datetime_start>") !=
        std::string::npos);
  CHECK(r->body.find("<datetime_end type=\"datetime\">2013-09-26T02:00:00-05:30</datetime_end>") !=
        std::string::npos);
  CHECK(r->body.find("<num_of_retries type=\"integer\">3</num_of_retries>") != std::string::npos);
  CHECK(r->body.find("<language nil=\"true\"/>") != std::string::npos);
  CHECK(r->body.find("<questions type=\"array\">") != std::string::npos);
  auto parsed = ParseXml(r->body);
  REQUIRE(parsed.ok());
  const Value& v = At(parsed.value(), "vacancy");
  const int64_t id = Int(v, "id");
  CHECK(id != 77);
  // The same vacancy in JSON.
  Value j = GetVacancy(*cli, id);
  CHECK(Str(j, "title") == "XML developer & tester");
  CHECK(Int(j, "num_of_retries") == 3);
  const Value& qs = At(j, "questions");
  REQUIRE(qs.items().size() == 2);
  CHECK(Str(At(qs.items()[0], "question"), "title") == "First");
  CHECK(Int(At(qs.items()[1], "question"), "required") == 0);

  // The plural array form creates several.
  r = cli->Post("/api/vacancies.xml",
                "<vacancies type=\"array\">"
                "<vacancy><title>A</title><datetime-start>2013-07-28</"
                "datetime-start><datetime-end>2013-07-29</datetime-end></vacancy>"
                "<vacancy><title>B</title><datetime-start>2013-07-28</"
                "datetime-start><datetime-end>2013-07-29</datetime-end></vacancy>"
                "</vacancies>",
                "application/xml");
  REQUIRE(r);
  CHECK(r->status == 201);
  CHECK(r->body.find("<vacancies type=\"array\">") != std::string::npos);
  CHECK(List(*cli).total == 3);
  // Validation failures in XML answer XML errors.
  std::string err = XmlErrorBody(
      cli->Post("/api/vacancies.xml", "<vacancy><title>x</title></vacancy>", "application/xml"),
      412);
  CHECK(err.find("datetime_start") != std::string::npos);
  XmlErrorBody(
      cli->Post(
          "/api/vacancies.xml",
          "<vacancy><title>x</title><datetime-start>2013-07-28</datetime-start>"
          "<datetime-end>2013-07-29</datetime-end><num-of-retries>many</num-of-retries></vacancy>",
          "application/xml"),
      400);
  CHECK(List(*cli).total == 3);
}

// docs/contract.md "Resources": the detail view embeds `invitations` and
// `interviews` (the seed's GET /api/vacancies/:id example has both, `[]` when
// empty).
TEST_CASE("pipeline: the vacancy detail view embeds invitations and interviews") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  int64_t id = CreateId(*cli, Wrapped("Detail"));
  Value v = GetVacancy(*cli, id);
  const Value* inv = v.Find("invitations");
  const Value* itv = v.Find("interviews");
  REQUIRE(inv != nullptr);
  REQUIRE(itv != nullptr);
  CHECK(inv->is_array());
  CHECK(itv->is_array());
  CHECK(inv->items().empty());
  CHECK(itv->items().empty());
}

// ------------------------------------------------------------------- tenancy

TEST_CASE("pipeline: another account's vacancy is 404 and untouchable") {
  TestServer server(testing::WithoutTls());
  auto a = server.AuthedClient();
  auto b = server.AuthedClient(server.NewAccount("Other Agency", "b@other.test"));
  int64_t id = CreateId(*a, Wrapped("A's vacancy"));
  int64_t b_own = CreateId(*b, Wrapped("B's vacancy"));
  const std::string one = "/api/vacancies/" + std::to_string(id);

  std::string foreign = ErrorDetails(b->Get(one), 404);
  std::string missing = ErrorDetails(b->Get("/api/vacancies/999999"), 404);
  // Answered exactly as an id that does not exist.
  CHECK(foreign == "no vacancy with id " + std::to_string(id));
  CHECK(missing == "no vacancy with id 999999");
  XmlErrorBody(b->Get(one + ".xml"), 404);
  ErrorDetails(b->Put(one, "{\"title\": \"Hijacked\"}", "application/json"), 404);
  ErrorDetails(b->Put(one, "{\"title\": \"\"}", "application/json"), 404);  // 404 before validation
  ErrorDetails(b->Delete(one), 404);
  CHECK(List(*b).ids == std::vector<int64_t>{b_own});
  CHECK(List(*b, "?limit=10&offset=0").total == 1);

  Value v = GetVacancy(*a, id);
  CHECK(Str(v, "title") == "A's vacancy");
  CHECK(List(*a).ids == std::vector<int64_t>{id});
  ErrorDetails(a->Get("/api/vacancies/" + std::to_string(b_own)), 404);
}

// --------------------------------------------------------------- concurrency

TEST_CASE("pipeline: 8 threads x 25 POSTs over keep-alive connections") {
  TestServer server(testing::WithoutTls());
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  std::vector<std::vector<int64_t>> ids(kThreads);
  std::vector<std::vector<int>> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto cli = server.AuthedClient();
      for (int i = 0; i < kEach; ++i) {
        std::string body = Wrapped("T" + std::to_string(t) + "-" + std::to_string(i));
        HttpResult r = cli->Post("/api/vacancies", body, "application/json");
        if (!r) {
          statuses[t].push_back(-1);
          continue;
        }
        statuses[t].push_back(r->status);
        auto doc = ParseJson(r->body);
        if (r->status == 201 && doc.ok()) {
          const Value* v = doc->Find("vacancy");
          const Value* id = v ? v->Find("id") : nullptr;
          if (id != nullptr) ids[t].push_back(id->as_int());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<int64_t> unique;
  for (int t = 0; t < kThreads; ++t) {
    CAPTURE(t);
    CHECK(statuses[t] == std::vector<int>(kEach, 201));
    CHECK(ids[t].size() == static_cast<size_t>(kEach));
    unique.insert(ids[t].begin(), ids[t].end());
  }
  CHECK(unique.size() == static_cast<size_t>(kThreads * kEach));
  auto cli = server.AuthedClient();
  Listed all = List(*cli);
  CHECK(all.total == kThreads * kEach);
  CHECK(std::set<int64_t>(all.ids.begin(), all.ids.end()) == unique);
}

// ------------------------------------------------------------------------ 500

TEST_CASE("pipeline: internal errors never carry internal details") {
  for (const Status& s : {Status::Internal("sqlite3_step: /var/lib/cammio/cammio.db is locked"),
                          Status::IoError("disk I/O error at /var/lib/cammio")}) {
    CHECK(HttpStatusFor(s) == 500);
    Value doc = ErrorDocumentFor(s);
    std::string json = RenderJson(doc);
    CHECK(json ==
          "{\"error\":{\"code\":500,\"message\":\"Internal server error\",\"details\":\"Internal "
          "server error\"}}");
    std::string xml = Render(doc, Format::kXml);
    CHECK(xml.find("/var/lib") == std::string::npos);
    CHECK(xml.find("<code type=\"integer\">500</code>") != std::string::npos);
  }
  // Client errors keep their details.
  Value doc = ErrorDocumentFor(Status::PreconditionFailed("title is required"));
  CHECK(RenderJson(doc) ==
        "{\"error\":{\"code\":412,\"message\":\"Precondition failed\",\"details\":\"title is "
        "required\"}}");
  CHECK(HttpStatusFor(Status::Disabled("x")) == 401);
  CHECK(HttpStatusFor(Status::Unauthenticated("x")) == 403);
  CHECK(HttpStatusFor(Status::TooManyRequests("x")) == 429);
  CHECK(HttpStatusFor(Status::PayloadTooLarge("x")) == 413);
  CHECK(HttpStatusFor(Status::Unavailable("x")) == 503);
}

TEST_CASE("pipeline: a write after the store closed answers 503 without internals") {
  TestServer server(testing::WithoutTls());
  auto cli = server.AuthedClient();
  int64_t id = CreateId(*cli, Wrapped("Before"));
  server.store().Close();
  HttpResult r = cli->Post("/api/vacancies", Wrapped("After"), "application/json");
  std::string details = ErrorDetails(r, 503);
  CHECK(details.find("/tmp") == std::string::npos);
  CHECK(id > 0);
}

// ---------------------------------------------------- without a certificate

TEST_CASE("pipeline: served over plain HTTP alone when no certificate is configured") {
  testing::TempDir dir;
  StoreOptions so;
  so.path = dir.path() + "/cammio.db";
  auto store = Store::Open(so);
  REQUIRE(store.ok());
  ManualClock clock{1700000000};
  AuthThrottle throttle;
  ServerContext ctx;
  ctx.store = store->get();
  ctx.clock = &clock;
  ctx.throttle = &throttle;
  ctx.links = PublicLinks("http://cammio.test");
  ctx.data_dir = dir.path();
  testing::ServerOptions o;
  o.workers = 2;
  SUBCASE("no listener at all is refused") {
    testing::ApiStack none(ctx, o);
    CHECK(none.Start().code() == Status::Code::kInvalidArgument);
  }
  SUBCASE("the plain listener answers through the pipeline") {
    o.http_listen_host = "127.0.0.1";
    o.http_listen_port = 0;
    testing::ApiStack server(ctx, o);
    REQUIRE(server.Start().ok());
    CHECK(server.port() == 0);
    REQUIRE(server.http_port() > 0);
    httplib::Client cli("127.0.0.1", server.http_port());
    cli.set_read_timeout(10, 0);
    auto health = cli.Get("/healthz");
    REQUIRE(health);
    CHECK(health->status == 200);
    CHECK(health->has_header("X-Request-Id"));
    CHECK_FALSE(health->has_header("Strict-Transport-Security"));
    auto refused = cli.Get("/api/vacancies.xml");
    REQUIRE(refused);
    CHECK(refused->status == 403);
    CHECK(refused->get_header_value("Content-Type") == ContentTypeFor(Format::kXml));
    CHECK(refused->body.find("<message>Forbidden request</message>") != std::string::npos);
    server.Stop();
  }
  (*store)->Close();
}

}  // namespace
}  // namespace cammio
