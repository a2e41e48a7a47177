// api/format_negotiation.h: the request body's format comes from an explicit
// Content-Type (else the suffix, else JSON), the answer's from the suffix
// (else Accept, else JSON); unit cases for Negotiate(), then the four body x
// answer combinations and the suffix/header conflicts through HTTP.
#include "api/format_negotiation.h"

#include <doctest/doctest.h>

#include <string>

#include "testing/api_helpers.h"

namespace cammio {
namespace {

using namespace cammio::testing;

FormatNegotiation N(const std::string& path, const std::string& content_type,
                    const std::string& accept, SuffixRule rule = SuffixRule::kFormat) {
  httplib::Headers h;
  if (!content_type.empty()) h.emplace("Content-Type", content_type);
  if (!accept.empty()) h.emplace("Accept", accept);
  return Negotiate(path, h, rule);
}

constexpr Format J = Format::kJson;
constexpr Format X = Format::kXml;

TEST_CASE("format negotiation: body from Content-Type, answer from the suffix or Accept") {
  struct Row {
    const char* path;
    const char* content_type;
    const char* accept;
    Format body, response;
    const char* resource;
  } rows[] = {
      {"/api/vacancies", "", "", J, J, "/api/vacancies"},
      {"/api/vacancies.xml", "", "", X, X, "/api/vacancies"},
      {"/api/vacancies/7.json", "", "", J, J, "/api/vacancies/7"},
      // The four combinations without a suffix.
      {"/api/vacancies", "application/json", "application/json", J, J, "/api/vacancies"},
      {"/api/vacancies", "application/json", "application/xml", J, X, "/api/vacancies"},
      {"/api/vacancies", "application/xml", "application/json", X, J, "/api/vacancies"},
      {"/api/vacancies", "text/xml; charset=utf-8", "text/xml", X, X, "/api/vacancies"},
      // An explicit Content-Type describes the body whatever the suffix says;
      // the suffix decides the answer over Accept.
      {"/api/vacancies.xml", "application/json", "", J, X, "/api/vacancies"},
      {"/api/vacancies.json", "application/xml", "application/xml", X, J, "/api/vacancies"},
      {"/api/vacancies.json", "", "application/xml", J, J, "/api/vacancies"},
      // A Content-Type that names neither format: the suffix, else JSON.
      {"/api/vacancies.xml", "text/plain", "", X, X, "/api/vacancies"},
      {"/api/vacancies", "application/x-www-form-urlencoded", "", J, J, "/api/vacancies"},
      {"/api/vacancies", "Application/Problem+JSON", "", J, J, "/api/vacancies"},
      {"/api/vacancies", "application/atom+xml", "", X, J, "/api/vacancies"},
      // Accept: q-values, then the order listed; wildcards and q=0 name nothing.
      {"/api/vacancies", "", "application/json;q=0.5, application/xml", J, X, "/api/vacancies"},
      {"/api/vacancies", "", "application/xml, application/json", J, X, "/api/vacancies"},
      {"/api/vacancies", "", "application/json, application/xml", J, J, "/api/vacancies"},
      {"/api/vacancies", "", "application/xml;q=0", J, J, "/api/vacancies"},
      {"/api/vacancies", "", "*/*", J, J, "/api/vacancies"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.path);
    CAPTURE(r.content_type);
    CAPTURE(r.accept);
    FormatNegotiation n = N(r.path, r.content_type, r.accept);
    CHECK(n.body == r.body);
    CHECK(n.response == r.response);
    CHECK(n.path == r.resource);
  }
}

TEST_CASE("format negotiation: a literal path keeps its ending and only the headers decide") {
  FormatNegotiation n = N("/api/openapi.json", "", "application/xml", SuffixRule::kLiteral);
  CHECK(n.path == "/api/openapi.json");
  CHECK(n.suffix == FormatNegotiation::Suffix::kNone);
  CHECK(n.response == X);
  CHECK(n.body == J);
}

// ------------------------------------------------------------------ HTTP

constexpr char kJsonBody[] = R"({"vacancy": {"title": "Formats", "kind": "live",
  "datetime_start": "2013-07-28T02:00:00+02:00", "datetime_end": "2013-09-26T02:00:00+02:00"}})";
constexpr char kXmlBody[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<vacancy><title>Formats</title><kind>live</kind>
<datetime_start>2013-07-28T02:00:00+02:00</datetime_start>
<datetime_end>2013-09-26T02:00:00+02:00</datetime_end></vacancy>)";

// The created vacancy's title, from a JSON or an XML answer of `want` format.
std::string CreatedTitle(const Resp& r, Format want) {
  INFO("response: " << r);
  if (want == Format::kXml) {
    XmlDoc x(r, 201);
    REQUIRE(x.root_name() == "vacancy");
    return XmlStr(x.root(), "title");
  }
  return Str(Object(r, 201, "vacancy"), "title");
}

TEST_CASE("format negotiation: JSON and XML bodies x JSON and XML answers over HTTP") {
  TestServer server;
  Api api(server);
  struct Row {
    const char* body;
    const char* content_type;
    const char* accept;
    Format answer;
  } rows[] = {
      {kJsonBody, "application/json", "application/json", J},
      {kJsonBody, "application/json", "application/xml", X},  // was 400 "malformed XML"
      {kXmlBody, "application/xml", "application/json", J},
      {kXmlBody, "application/xml", "application/xml", X},
  };
  int created = 0;
  for (const Row& r : rows) {
    CAPTURE(r.content_type);
    CAPTURE(r.accept);
    Resp resp = api.Post("/api/vacancies", r.body, r.content_type, {{"Accept", r.accept}});
    CHECK(CreatedTitle(resp, r.answer) == "Formats");
    ++created;
  }
  CHECK(TotalCount(api.Get("/api/vacancies")) == created);

  // An update the same way: JSON body, XML answer.
  int64_t id = CreateVacancy(api);
  Resp put = api.Put("/api/vacancies/" + std::to_string(id), R"({"vacancy": {"title": "Renamed"}})",
                     "application/json", {{"Accept", "application/xml"}});
  XmlDoc x(put, 200);
  CHECK(XmlStr(x.root(), "title") == "Renamed");
  // A malformed JSON body is refused as JSON, in the answer's format.
  std::string details =
      XmlErrorDetails(api.Post("/api/vacancies", "{\"vacancy\": ", "application/json",
                               {{"Accept", "application/xml"}}),
                      400);
  CHECK(Contains(details, "JSON"));
}

TEST_CASE("format negotiation: suffix against headers over HTTP") {
  TestServer server;
  Api api(server);
  // The suffix picks the answer; the explicit Content-Type still names the body.
  CHECK(CreatedTitle(api.Post("/api/vacancies.xml", kJsonBody, "application/json"), X) ==
        "Formats");
  CHECK(CreatedTitle(api.Post("/api/vacancies.json", kXmlBody, "application/xml",
                              {{"Accept", "application/xml"}}),
                     J) == "Formats");
  // Without a format Content-Type the suffix names the body too.
  CHECK(CreatedTitle(api.Post("/api/vacancies.xml", kXmlBody, "text/plain"), X) == "Formats");
  // No Content-Type and no suffix: JSON.
  auto cli = server.AuthedClient();
  httplib::Result r = cli->Post("/api/vacancies", kJsonBody, "");
  REQUIRE(r);
  CHECK(r->status == 201);
  CHECK(r->get_header_value("Content-Type") == kJsonType);
  CHECK(TotalCount(api.Get("/api/vacancies")) == 4);
}

}  // namespace
}  // namespace cammio
