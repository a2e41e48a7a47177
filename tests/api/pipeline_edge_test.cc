// What the API answers at the transport's edge, over the plain listener (no
// TLS): the pipeline (api/pipeline.cc) behind http::Server, as `cammio serve`
// wires it. The transport's own part of the same probes (framing, one answer
// and a closed connection, listener headers) runs on a fake handler in
// tests/http/{request_edge,security_headers}_test.cc; here are the parts that
// are the API's: a refused head's error document with its details, the API's
// answers to pipelined requests, and the listener headers on the pipeline's
// answers of every kind (cached ones, HTML pages, media files), with HSTS on
// the plain listener following public_url.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "testing/api_helpers.h"
#include "testing/http_checks.h"
#include "testing/raw_http.h"
#include "testing/smuggling_probes.h"
#include "util/crypto.h"
#include "util/log.h"

namespace cammio {
namespace {

using namespace cammio::testing;
using std::chrono::milliseconds;

std::string BasicHeader(const std::string& user, const std::string& token) {
  return "Basic " + Base64Encode(user + ":" + token);
}

// An authenticated request that must never run: its answer would be a
// second response on the connection.
std::string Smuggled(const Credentials& c) {
  return "GET /api/vacancies HTTP/1.1\r\nHost: x\r\nAuthorization: " +
         BasicHeader(c.email, c.token) + "\r\n\r\n";
}

using testing::Probe;
using testing::SmugglingProbes;

TEST_CASE("pipeline edge: a refused head gets the error document with details") {
  TestServer server(WithoutTls());
  REQUIRE(server.http_port() > 0);
  for (const Probe& p : SmugglingProbes()) {
    CAPTURE(p.name);
    RawConnection c(server.http_port(), /*tls=*/false);
    REQUIRE(c.ok());
    c.Send(p.head + Smuggled(server.creds()));
    bool closed = false;
    const std::string got = c.ReadUntilClose(milliseconds(3000), &closed);
    CHECK(closed);
    CHECK(FirstStatus(got) == p.status);
    CHECK(CountResponses(got) == 1);
    CHECK(got.find("Connection: close") != std::string::npos);
    CHECK(got.find("\"details\":") != std::string::npos);
    CHECK(got.find("Content-Type: application/json; charset=utf-8") != std::string::npos);
    CHECK(got.find("{\"error\":{\"code\":" + std::to_string(p.status)) != std::string::npos);
  }
}

TEST_CASE("pipeline edge: pipelined API requests are all answered, in order") {
  TestServer server(WithoutTls());
  const auto& c = server.creds();
  const std::string auth = "Authorization: " + BasicHeader(c.email, c.token) + "\r\n";
  const std::string pipeline =
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/vacancies/999999 HTTP/1.1\r\nHost: x\r\n" +
      auth +
      "\r\n"
      "POST /api/vacancies HTTP/1.1\r\nHost: x\r\n" +
      auth +
      "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
      "GET /api/vacancies HTTP/1.1\r\nHost: x\r\n" +
      auth + "Connection: close\r\n\r\n";
  RawConnection conn(server.http_port(), /*tls=*/false);
  REQUIRE(conn.ok());
  REQUIRE(conn.Send(pipeline));
  bool closed = false;
  const std::string got = conn.ReadUntilClose(milliseconds(5000), &closed);
  CHECK(closed);
  CHECK(ResponseStatuses(got) == std::vector<int>{200, 404, 412, 200});
}

using testing::CheckHsts;
using testing::CheckNosniff;
using testing::kBrowser;
using testing::kHsts;

size_t Count(const httplib::Headers& h, const std::string& name) { return h.count(name); }

TEST_CASE("pipeline edge: every answer of the pipeline carries nosniff and HSTS once") {
  // public_url is https (TestServer): HSTS on the plain listener too.
  TestServer server(WithoutTls());
  Api api(server);
  // Open until 2030, so the candidate's page is the interview itself (200).
  int64_t vacancy =
      Int(Object(api.Post("/api/vacancies",
                          "{\"vacancy\": {\"title\": \"Open\", \"kind\": \"automated\", "
                          "\"datetime_start\": \"2013-07-28T02:00:00Z\", "
                          "\"datetime_end\": \"2030-01-01T00:00:00Z\", "
                          "\"questions\": [{\"title\": \"Why?\"}]}}"),
                 201, "vacancy"),
          "id");
  Value inv = CreateInvitation(api, vacancy, "page@cammio.com");
  std::string page = Str(inv, "url").substr(std::string("https://cammio.test").size());
  int64_t video = AddMediaFile(server, server.creds().account_id, "clip.webm", "recording",
                               "video/webm", "\x1A\x45\xDF\xA3 webm");
  auto anon = server.Client();

  SUBCASE("the candidate's HTML page") {
    auto r = anon->Get(page.c_str(), kBrowser);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Content-Type").rfind("text/html", 0) == 0);
    CheckHsts(r->headers);
    CheckNosniff(r->headers);
  }
  SUBCASE("an HTML error page") {
    auto r = anon->Get("/public/reviews/unknowntoken", kBrowser);
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(r->get_header_value("Content-Type").rfind("text/html", 0) == 0);
    CheckHsts(r->headers);
    CheckNosniff(r->headers);
  }
  SUBCASE("a media file") {
    Resp r = api.Get("/api/videos/" + std::to_string(video));
    CHECK(r.status == 200);
    CHECK(r.Header("Content-Type") == "video/webm");
    CheckNosniff(r.headers);
    CheckHsts(r.headers);
  }
  SUBCASE("JSON answers, cached ones and errors raised before routing") {
    for (int i = 0; i < 2; ++i) {  // the second one comes from the response cache
      Resp r = api.Get("/api/vacancies/" + std::to_string(vacancy));
      CHECK(r.status == 200);
      CheckNosniff(r.headers);
      CheckHsts(r.headers);
    }
    Resp missing = api.Get("/no/such/path");
    CHECK(missing.status == 404);
    CheckNosniff(missing.headers);
    auto unauthenticated = anon->Get("/api/vacancies");
    REQUIRE(unauthenticated);
    CHECK(unauthenticated->status == 403);
    CheckNosniff(unauthenticated->headers);
    CheckHsts(unauthenticated->headers);
  }
}

// The pipeline on the plain-HTTP listener alone (no certificate), wired as
// `cammio serve` wires it (ApiStack: HSTS there when public_url is https).
struct PlainServer {
  explicit PlainServer(const std::string& public_url) {
    StoreOptions so;
    so.path = dir.path() + "/cammio.db";
    auto opened = Store::Open(so);
    REQUIRE(opened.ok());
    store = std::move(opened.value());
    testing::ServerOptions o;
    o.http_listen_host = "127.0.0.1";
    o.http_listen_port = 0;
    o.workers = 2;
    ServerContext ctx;
    ctx.store = store.get();
    ctx.clock = &clock;
    ctx.throttle = &throttle;
    ctx.links = PublicLinks(public_url);
    ctx.data_dir = dir.path();
    server = std::make_unique<testing::ApiStack>(ctx, o);
    REQUIRE(server->Start().ok());
  }
  ~PlainServer() {
    server->Stop();
    store->Close();
  }
  httplib::Result Get(const std::string& path) {
    httplib::Client cli("127.0.0.1", server->http_port());
    cli.set_read_timeout(10, 0);
    return cli.Get(path.c_str(), kBrowser);
  }

  TempDir dir;
  ManualClock clock{1700000000};
  AuthThrottle throttle;
  std::unique_ptr<Store> store;
  std::unique_ptr<testing::ApiStack> server;
};

TEST_CASE("pipeline edge: plain HTTP sends HSTS only for an https public_url") {
  SetLogQuiet(true);
  SUBCASE("public_url http: no HSTS (browsers ignore it over HTTP anyway)") {
    PlainServer s("http://appliance.local:8080");
    auto page = s.Get("/public/reviews/unknowntoken");
    REQUIRE(page);
    CHECK(page->status == 404);
    CHECK(page->get_header_value("Content-Type").rfind("text/html", 0) == 0);
    CHECK(Count(page->headers, "Strict-Transport-Security") == 0);
    CheckNosniff(page->headers);
    auto health = s.Get("/healthz");
    REQUIRE(health);
    CHECK(Count(health->headers, "Strict-Transport-Security") == 0);
    CheckNosniff(health->headers);
  }
  SUBCASE("public_url https: behind a TLS proxy, HSTS") {
    PlainServer s("https://jobs.example.com");
    auto page = s.Get("/public/reviews/unknowntoken");
    REQUIRE(page);
    CHECK(page->status == 404);
    CheckHsts(page->headers);
    CheckNosniff(page->headers);
  }
}

}  // namespace
}  // namespace cammio
