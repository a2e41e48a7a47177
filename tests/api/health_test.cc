// GET /healthz (src/api/health.h) and the integrity gauge of GET /metrics
// with each state of the start's integrity check (src/store/integrity.h). The
// real `cammio serve` on a damaged file is tests/shell/integrity_test.sh.
#include <doctest/doctest.h>

#include "store/integrity.h"
#include "testing/test_support.h"
#include "util/version.h"

namespace cammio {
namespace {

using testing::TestServer;

TEST_CASE("api health: ok, checking, degraded with a reason; the metrics gauge follows") {
  TestServer srv;
  auto anon = srv.Client();
  auto health = [&] {
    auto r = anon->Get("/healthz");
    REQUIRE(r);
    CHECK(r->status == 200);
    return testing::Json(r->body);
  };
  auto metrics = [&] {
    auto r = anon->Get("/metrics");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return r->body;
  };
  auto field = [](const Value& doc, const char* name) {
    const Value* h = doc.Find("health");
    REQUIRE(h != nullptr);
    const Value* f = h->Find(name);
    return f == nullptr ? std::string("(absent)") : f->as_string();
  };

  Value doc = health();  // a TestServer runs no start check
  CHECK(field(doc, "status") == "ok");
  CHECK(field(doc, "database_integrity") == "not checked");
  CHECK(field(doc, "version") == CammioVersion());
  CHECK(field(doc, "reason") == "(absent)");
  CHECK(metrics().find("cammio_database_integrity_ok") == std::string::npos);

  srv.integrity().Set(DatabaseIntegrity::State::kChecking, "");
  doc = health();
  CHECK(field(doc, "status") == "ok");
  CHECK(field(doc, "database_integrity") == "checking");

  srv.integrity().Set(DatabaseIntegrity::State::kOk, "");
  CHECK(field(health(), "database_integrity") == "ok");
  CHECK(metrics().find("\ncammio_database_integrity_ok 1\n") != std::string::npos);

  srv.integrity().Set(DatabaseIntegrity::State::kFailed,
                      "Page 23: btreeInitPage() "
                      "returns error code 11");
  doc = health();
  CHECK(field(doc, "status") == "degraded");
  CHECK(field(doc, "database_integrity") == "failed");
  CHECK(field(doc, "reason").find("failed its integrity check") != std::string::npos);
  // The unauthenticated answer names no page or index: that is for the log.
  auto raw = anon->Get("/healthz");
  REQUIRE(raw);
  CHECK(raw->body.find("Page 23") == std::string::npos);
  const std::string m = metrics();
  CHECK(m.find("\ncammio_database_integrity_ok 0\n") != std::string::npos);
  CHECK(m.find("cammio_build_info{version=\"" + std::string(CammioVersion()) + "\"} 1") !=
        std::string::npos);
}

}  // namespace
}  // namespace cammio
