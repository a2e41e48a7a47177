// Headers on every answer of a listener (docs/decisions.md "HTTP details"):
// X-Content-Type-Options: nosniff everywhere, exactly once (cached answers
// included), and Strict-Transport-Security on the HTTPS listener -- HTML
// pages above all -- and on the plain listener only when public_url is https.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "testing/api_helpers.h"
#include "testing/raw_http.h"
#include "tls/certificate.h"
#include "util/log.h"

namespace cammio {
namespace {

using namespace cammio::testing;

constexpr char kHsts[] = "max-age=31536000";
const httplib::Headers kBrowser{{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}};

size_t Count(const httplib::Headers& h, const std::string& name) { return h.count(name); }

void CheckNosniff(const httplib::Headers& h) {
  CHECK(Count(h, "X-Content-Type-Options") == 1);
  auto it = h.find("X-Content-Type-Options");
  if (it != h.end()) CHECK(it->second == "nosniff");
}

void CheckHsts(const httplib::Headers& h) {
  CHECK(Count(h, "Strict-Transport-Security") == 1);
  auto it = h.find("Strict-Transport-Security");
  if (it != h.end()) CHECK(it->second == kHsts);
}

TEST_CASE("security headers: every HTTPS answer carries nosniff and HSTS once") {
  TestServer server;
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

// A server with a plain-HTTP listener and the given public_url.
struct PlainServer {
  explicit PlainServer(const std::string& public_url) {
    std::string cert = dir.path() + "/cert.pem", key = dir.path() + "/key.pem";
    REQUIRE(tls::GenerateSelfSignedCert({"localhost"}, cert, key).ok());
    StoreOptions so;
    so.path = dir.path() + "/cammio.db";
    auto opened = Store::Open(so);
    REQUIRE(opened.ok());
    store = std::move(opened.value());
    testing::ServerOptions o;
    o.listen_host = "127.0.0.1";
    o.listen_port = 0;
    o.http_listen_host = "127.0.0.1";
    o.http_listen_port = 0;
    o.cert_file = cert;
    o.key_file = key;
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

TEST_CASE("security headers: plain HTTP sends HSTS only for an https public_url") {
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

// How often `name: ` starts a header line in the head of a raw answer.
size_t RawHeaderCount(const std::string& raw, const std::string& name) {
  const std::string head = raw.substr(0, raw.find("\r\n\r\n"));
  size_t n = 0;
  for (size_t at = head.find("\r\n" + name + ": "); at != std::string::npos;
       at = head.find("\r\n" + name + ": ", at + 1)) {
    ++n;
  }
  return n;
}

TEST_CASE("security headers: refused request heads carry them too") {
  SetLogQuiet(true);
  testing::ServerOptions o;
  o.http_listen_host = "127.0.0.1";
  o.http_listen_port = 0;
  TestServer server(o);
  for (bool tls : {true, false}) {
    CAPTURE(tls);
    for (const char* head : {"GET / HTTP/9.9\r\n\r\n", "BREW / HTTP/1.1\r\nHost: x\r\n\r\n",
                             "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                             "Content-Length: 2\r\n\r\n"}) {
      CAPTURE(head);
      RawConnection c(tls ? server.port() : server.http_port(), tls);
      REQUIRE(c.ok());
      REQUIRE(c.Send(head));
      const std::string got = c.ReadUntilClose(std::chrono::milliseconds(5000));
      CHECK(FirstStatus(got) >= 400);
      CHECK(RawHeaderCount(got, "X-Content-Type-Options") == 1);
      CHECK(got.find("X-Content-Type-Options: nosniff\r\n") != std::string::npos);
      // TestServer's public_url is https: HSTS on both listeners.
      CHECK(RawHeaderCount(got, "Strict-Transport-Security") == 1);
    }
  }
}

}  // namespace
}  // namespace cammio
