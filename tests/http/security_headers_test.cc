// Headers on every answer of a listener (docs/decisions.md "HTTP details"):
// X-Content-Type-Options: nosniff everywhere, exactly once, and
// Strict-Transport-Security on the HTTPS listener and on the plain listener
// only when asked (hsts_on_plain_http: a TLS proxy in front). The transport
// alone: http::Server over a FakeHandler (fake_server.h) answering from each
// of the handler's hooks. That the API's answers (cached ones, HTML error
// pages) carry them once, and that an https public_url turns on HSTS for the
// plain listener, is tested in tests/api/pipeline_edge_test.cc.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "http/fake_server.h"
#include "testing/http_checks.h"
#include "testing/raw_http.h"

namespace cammio {
namespace {

using testing::FakeAnswer;
using testing::FakeServer;

using testing::CheckHsts;
using testing::CheckNosniff;
using testing::kBrowser;
using testing::kHsts;

size_t Count(const httplib::Headers& h, const std::string& name) { return h.count(name); }

// The fake answers from each hook: an HTML page and an HTML error page
// (OnRequest), a file (content provider), JSON, a route miss (OnHead) and a
// refused credentials check (OnAdmit).
void AnswerEveryKind(FakeServer& server) {
  testing::FakeHandler& h = server.handler();
  h.Answer("/page", FakeAnswer{200, "<html>page</html>", "text/html; charset=utf-8"});
  h.Answer("/error-page", FakeAnswer{404, "<html>missing</html>", "text/html; charset=utf-8"});
  h.Answer("/media", FakeAnswer::File("\x1A\x45\xDF\xA3 webm", "video/webm"));
  h.Answer("/json", FakeAnswer{200, "{}", "application/json; charset=utf-8"});
  h.Answer("/no/such/path", FakeAnswer::InHead(404));
  h.Answer("/refused", FakeAnswer::Refused(403));
}

TEST_CASE("security headers: every HTTPS answer carries nosniff and HSTS once") {
  FakeServer server(testing::TransportTestOptions(), /*tls=*/true, /*plain=*/false);
  AnswerEveryKind(server);
  auto anon = server.Client();

  SUBCASE("an HTML page") {
    auto r = anon->Get("/page", kBrowser);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Content-Type").rfind("text/html", 0) == 0);
    CheckHsts(r->headers);
    CheckNosniff(r->headers);
  }
  SUBCASE("an HTML error page") {
    auto r = anon->Get("/error-page", kBrowser);
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(r->get_header_value("Content-Type").rfind("text/html", 0) == 0);
    CheckHsts(r->headers);
    CheckNosniff(r->headers);
  }
  SUBCASE("a media file") {
    auto r = anon->Get("/media");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Content-Type") == "video/webm");
    CheckNosniff(r->headers);
    CheckHsts(r->headers);
  }
  SUBCASE("JSON answers and answers from OnHead and OnAdmit") {
    for (int i = 0; i < 2; ++i) {
      auto r = anon->Get("/json");
      REQUIRE(r);
      CHECK(r->status == 200);
      CheckNosniff(r->headers);
      CheckHsts(r->headers);
    }
    auto missing = anon->Get("/no/such/path");
    REQUIRE(missing);
    CHECK(missing->status == 404);
    CheckNosniff(missing->headers);
    auto refused = anon->Get("/refused");
    REQUIRE(refused);
    CHECK(refused->status == 403);
    CheckNosniff(refused->headers);
    CheckHsts(refused->headers);
  }
}

// The plain listener alone, with or without hsts_on_plain_http.
std::unique_ptr<FakeServer> PlainServer(bool hsts) {
  http::ServerOptions o = testing::TransportTestOptions();
  o.hsts_on_plain_http = hsts;
  auto s = std::make_unique<FakeServer>(o, /*tls=*/false, /*plain=*/true);
  AnswerEveryKind(*s);
  return s;
}

TEST_CASE("security headers: plain HTTP sends HSTS only when asked to") {
  SUBCASE("hsts_on_plain_http off: no HSTS (browsers ignore it over HTTP anyway)") {
    auto s = PlainServer(false);
    auto cli = s->Client(/*tls=*/false);
    auto page = cli->Get("/error-page", kBrowser);
    REQUIRE(page);
    CHECK(page->status == 404);
    CHECK(page->get_header_value("Content-Type").rfind("text/html", 0) == 0);
    CHECK(Count(page->headers, "Strict-Transport-Security") == 0);
    CheckNosniff(page->headers);
    auto health = cli->Get("/healthz");
    REQUIRE(health);
    CHECK(Count(health->headers, "Strict-Transport-Security") == 0);
    CheckNosniff(health->headers);
  }
  SUBCASE("hsts_on_plain_http on: behind a TLS proxy, HSTS") {
    auto s = PlainServer(true);
    auto page = s->Client(/*tls=*/false)->Get("/error-page", kBrowser);
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
  http::ServerOptions o = testing::TransportTestOptions();
  o.hsts_on_plain_http = true;
  FakeServer server(o);
  for (bool tls : {true, false}) {
    CAPTURE(tls);
    for (const char* head : {"GET / HTTP/9.9\r\n\r\n", "BREW / HTTP/1.1\r\nHost: x\r\n\r\n",
                             "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                             "Content-Length: 2\r\n\r\n"}) {
      CAPTURE(head);
      testing::RawConnection c(tls ? server.port() : server.http_port(), tls);
      REQUIRE(c.ok());
      REQUIRE(c.Send(head));
      const std::string got = c.ReadUntilClose(std::chrono::milliseconds(5000));
      CHECK(testing::FirstStatus(got) >= 400);
      CHECK(RawHeaderCount(got, "X-Content-Type-Options") == 1);
      CHECK(got.find("X-Content-Type-Options: nosniff\r\n") != std::string::npos);
      // hsts_on_plain_http: HSTS on both listeners.
      CHECK(RawHeaderCount(got, "Strict-Transport-Security") == 1);
    }
  }
  // None of them reached a request hook; each got RefusedHead's body.
  CHECK(server.handler().Requests().empty());
  CHECK(server.handler().Refusals().size() == 6);
}

}  // namespace
}  // namespace cammio
