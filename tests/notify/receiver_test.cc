// The AtsReceiver test peer itself: it records requests and misbehaves on
// demand, over HTTPS with its own CA and over plain HTTP.
//
// tests/CMakeLists.txt compiles *_test.cc and test_support.cc only, so the
// receiver's implementation is compiled here, once for the whole binary.
#include "testing/ats_receiver.cc"  // NOLINT(build/include): see above

#include <doctest/doctest.h>

#include "tls/client.h"

namespace cammio {
namespace {

using testing::AtsReceiver;
using namespace std::chrono_literals;

std::unique_ptr<httplib::ClientImpl> ClientFor(const AtsReceiver& ats) {
  std::unique_ptr<httplib::ClientImpl> c;
  if (ats.https()) {
    tls::TlsClientOptions o;
    o.ca_pem = ats.ca_pem();
    c = std::make_unique<tls::TlsClient>("localhost", ats.port(), o);
  } else {
    c = std::make_unique<httplib::ClientImpl>("localhost", ats.port());
  }
  c->set_connection_timeout(5, 0);
  c->set_read_timeout(5, 0);
  return c;
}

TEST_CASE("notify: the ATS receiver records requests and fails on demand") {
  for (auto mode : {AtsReceiver::Mode::kHttps, AtsReceiver::Mode::kHttp}) {
    AtsReceiver ats(mode);
    CAPTURE(ats.https());
    auto cli = ClientFor(ats);
    auto r = cli->Post("/in?a=b%20c", httplib::Headers{{"X-Test", "1"}}, "body!", "text/plain");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "ok");

    ats.FailNext(1, 503);
    ats.RetryAfterNext(1, "120");
    ats.CloseNext(1);
    r = cli->Get("/x");
    REQUIRE(r);
    CHECK(r->status == 503);
    r = cli->Get("/x");
    REQUIRE(r);
    CHECK(r->status == 429);
    CHECK(r->get_header_value("Retry-After") == "120");
    r = cli->Get("/x");
    CHECK_FALSE(r);  // closed without an answer
    r = cli->Get("/x");
    REQUIRE(r);
    CHECK(r->status == 200);

    auto got = ats.requests();
    REQUIRE(got.size() == 5);
    CHECK(got[0].method == "POST");
    CHECK(got[0].path == "/in");
    CHECK(got[0].target == "/in?a=b%20c");
    CHECK(got[0].query == "a=b%20c");
    CHECK(got[0].Param("a") == "b c");
    CHECK(got[0].body == "body!");
    CHECK(got[0].Header("X-Test") == "1");
    CHECK(got[3].answered == 0);
    CHECK(ats.accepted() == 2);

    ats.Stop();
    r = cli->Get("/x");
    CHECK_FALSE(r);
    CHECK(r.error() == httplib::Error::Connection);
  }
}

TEST_CASE("notify: the ATS receiver's certificate is its own CA; others do not trust it") {
  AtsReceiver ats;
  AtsReceiver other;
  tls::TlsClientOptions o;
  o.ca_pem = other.ca_pem();
  tls::TlsClient cli("localhost", ats.port(), o);
  cli.set_connection_timeout(5, 0);
  auto r = cli.Get("/");
  CHECK_FALSE(r);
  CHECK(r.error() == httplib::Error::SSLServerVerification);
  CHECK(ats.count() == 0);
}

}  // namespace
}  // namespace cammio
