// GET /metrics (src/ops/metrics*.h) against a real server.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "api/metrics.h"
#include "ops/metrics_handler.h"
#include "testing/api_helpers.h"
#include "testing/test_support.h"
#include "util/log.h"

namespace cammio {
namespace {

using testing::TestServer;

// The value of the first sample line starting with `series` ("name{labels}").
double Sample(const std::string& body, const std::string& series) {
  size_t at = body.find("\n" + series + " ");
  INFO("no sample " << series << " in:\n" << body);
  REQUIRE(at != std::string::npos);
  return std::strtod(body.c_str() + at + series.size() + 2, nullptr);
}

TEST_CASE("ops metrics: requests by route and status, latency, connections, outboxes, sizes") {
  SetLogQuiet(true);
  TestServer srv;
  auto anon = srv.Client();
  auto cli = srv.AuthedClient();
  const int64_t before = srv.metrics().RequestCount("GET", "/api/vacancies/:id", 404);
  REQUIRE(anon->Get("/healthz")->status == 200);
  REQUIRE(cli->Get("/api/vacancies")->status == 200);
  REQUIRE(cli->Get("/api/vacancies/424242")->status == 404);
  REQUIRE(cli->Get("/api/vacancies/424243")->status == 404);
  REQUIRE(anon->Get("/no/such/path")->status == 404);

  // The access-log hook runs just after the answer is sent: wait for it.
  for (int i = 0; i < 200; ++i) {
    if (srv.metrics().RequestCount("GET", "/api/vacancies/:id", 404) == before + 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto r = anon->Get("/metrics");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Type").find("text/plain; version=0.0.4") == 0);
  const std::string& b = r->body;
  // The route pattern is the label, not the path with its id.
  CHECK(Sample(b,
               "cammio_http_requests_total{method=\"GET\",route=\"/api/vacancies/:id\","
               "status=\"404\"}") == before + 2);
  CHECK(b.find("424242") == std::string::npos);
  CHECK(
      Sample(b, "cammio_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}") >=
      1);
  CHECK(
      Sample(b, "cammio_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"}") >=
      1);
  CHECK(Sample(b,
               "cammio_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\","
               "le=\"+Inf\"}") >= 1);
  CHECK(b.find("# TYPE cammio_http_request_duration_seconds histogram") != std::string::npos);
  // This scrape's own connection (and the other clients' keep-alive ones) are open.
  CHECK(Sample(b, "cammio_http_open_connections") >= 1);
  CHECK(Sample(b, "cammio_outbox_messages{outbox=\"notifications\",status=\"pending\"}") == 0);
  CHECK(Sample(b, "cammio_outbox_messages{outbox=\"mail\",status=\"pending\"}") == 0);
  CHECK(Sample(b, "cammio_database_bytes") > 0);
  CHECK(Sample(b, "cammio_media_bytes") == 0);
  CHECK(Sample(b, "cammio_data_disk_free_bytes") > 0);

  // Queued mail shows up as outbox depth.
  REQUIRE(srv.store()
              .Write([&](Db& db) {
                return db.Exec(
                    ("INSERT INTO mail_outbox (account_id, kind, ref_id, to_address, subject,"
                     " body_text, body_html, message_id, next_attempt_at, created_at, updated_at)"
                     " VALUES (" +
                     std::to_string(srv.creds().account_id) +
                     ", 'candidate_invitation', 1, 'a@b.test', 's', 't', 'h', 'm1@x', 0, 0, 0)")
                        .c_str());
              })
              .ok());
  r = anon->Get("/metrics");
  REQUIRE(r);
  CHECK(Sample(r->body, "cammio_outbox_messages{outbox=\"mail\",status=\"pending\"}") == 1);
  // That write went through the group commit and moved the change generation
  // (a table without a narrower scope, mail_outbox aside, would count as global).
  CHECK(Sample(r->body, "cammio_store_writes_total") >= 1);
  CHECK(Sample(r->body, "cammio_store_write_groups_total") >= 1);
  CHECK(Sample(r->body, "cammio_store_write_groups_total") <=
        Sample(r->body, "cammio_store_writes_total") + Sample(r->body, "cammio_store_async_writes_total"));
  CHECK(Sample(r->body, "cammio_change_log_generation") >= 1);
  CHECK(r->body.find("# TYPE cammio_store_writes_total counter") != std::string::npos);

  // A cacheable GET twice: one miss, then one hit, both counted.
  const int64_t hits = Sample(r->body, "cammio_response_cache_lookups_total{result=\"hit\"}");
  const int64_t misses = Sample(r->body, "cammio_response_cache_lookups_total{result=\"miss\"}");
  testing::Api api(srv);
  const std::string id = std::to_string(testing::CreateVacancy(api));
  REQUIRE(cli->Get("/api/vacancies/" + id)->status == 200);
  REQUIRE(cli->Get("/api/vacancies/" + id)->status == 200);
  r = anon->Get("/metrics");
  REQUIRE(r);
  CHECK(Sample(r->body, "cammio_response_cache_lookups_total{result=\"miss\"}") >= misses + 1);
  CHECK(Sample(r->body, "cammio_response_cache_lookups_total{result=\"hit\"}") == hits + 1);

  // With a token configured, only a request carrying it is answered.
  ops::SetMetricsToken("scrape-secret");
  CHECK(anon->Get("/metrics")->status == 403);
  CHECK(anon->Get("/metrics", {{"Authorization", "Bearer wrong"}})->status == 403);
  CHECK(anon->Get("/metrics", {{"Authorization", "Bearer scrape-secret"}})->status == 200);
  ops::SetMetricsToken("");
}

TEST_CASE("ops metrics: without a token only loopback clients are answered") {
  CHECK(ops::IsLoopbackAddress("127.0.0.1"));
  CHECK(ops::IsLoopbackAddress("127.3.2.1"));
  CHECK(ops::IsLoopbackAddress("::1"));
  CHECK(ops::IsLoopbackAddress("::ffff:127.0.0.1"));
  CHECK_FALSE(ops::IsLoopbackAddress("10.0.0.1"));
  CHECK_FALSE(ops::IsLoopbackAddress("::ffff:10.0.0.1"));
  CHECK_FALSE(ops::IsLoopbackAddress("1127.0.0.1"));
  CHECK(EscapeLabel("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace cammio
