// The request edge against a stranger (issue 13): request smuggling probes,
// pipelining and header floods, over the HTTPS listener and the plain one.
// The transport alone: http::Server over a FakeHandler (fake_server.h), which
// records every request that reaches it, so a smuggled request that ran
// would show. What the API answers to the same bytes (its error document) is
// tested in tests/api/pipeline_edge_test.cc.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "http/fake_server.h"
#include "testing/raw_http.h"
#include "testing/smuggling_probes.h"

namespace cammio {
namespace {

using std::chrono::milliseconds;
using testing::FakeAnswer;
using testing::FakeServer;
using testing::RawConnection;
using Clock = std::chrono::steady_clock;

// A request that must never run: its answer would be a second response on
// the connection, and the fake would record it.
const char kSmuggled[] = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

// A refused head's body as the fake renders it: a JSON-ish document with the
// transport's details (the API renders its error document instead).
void RefuseWithDetails(FakeServer& server) {
  server.handler().SetRefusalBody("application/json", "{\"details\":\"<details>\"}");
}

using testing::Probe;
using testing::SmugglingProbes;

// Sends each probe with a smuggled request behind it: exactly one answer,
// with the probe's status and the body Handler::RefusedHead gave, then the
// server closes; the smuggled request never reaches the handler.
void CheckProbes(int port, bool tls) {
  for (const Probe& p : SmugglingProbes()) {
    CAPTURE(p.name);
    CAPTURE(tls);
    RawConnection c(port, tls);
    REQUIRE(c.ok());
    c.Send(p.head + kSmuggled);
    bool closed = false;
    const std::string got = c.ReadUntilClose(milliseconds(3000), &closed);
    CHECK(closed);
    CHECK(testing::FirstStatus(got) == p.status);
    CHECK(testing::CountResponses(got) == 1);
    CHECK(got.find("Connection: close") != std::string::npos);
    CHECK(got.find("\"details\":") != std::string::npos);
  }
}

TEST_CASE("request edge: smuggling probes get one error answer and a closed connection") {
  FakeServer server;
  RefuseWithDetails(server);
  REQUIRE(server.http_port() > 0);
  CheckProbes(server.port(), /*tls=*/true);
  CheckProbes(server.http_port(), /*tls=*/false);
  CHECK(server.handler().CountPath("/smuggled") == 0);
  // Refused before cpp-httplib parsed them: no request hook ran, the
  // observer and RefusedHead saw each one.
  const size_t probes = SmugglingProbes().size();
  CHECK(server.handler().Refusals().size() == 2 * probes);
  CHECK(server.refused_heads() == static_cast<int64_t>(2 * probes));
  CHECK(server.handler().Requests().empty());
}

// cpp-httplib may answer without reading a body (416 for a bad Range, before
// any hook runs) and frames chunked bodies leniently ("0x3", no CRLF after the
// chunk data): what follows such a request is never run as the next one.
TEST_CASE("request edge: a body that was not read in full, or was chunked, ends the connection") {
  FakeServer server;
  const std::string smuggled = kSmuggled;
  const std::vector<std::pair<const char*, std::string>> probes = {
      {"bad Range with an unread body",
       "POST /api/vacancies HTTP/1.1\r\nHost: x\r\n"
       "Range: bytes=1-0\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled},
      {"chunk data without its CRLF",
       "POST /api/vacancies HTTP/1.1\r\nHost: x\r\n"
       "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
       "2\r\n{}X\r\n" +
           smuggled},
      {"chunk size in hex notation",
       "POST /api/vacancies HTTP/1.1\r\nHost: x\r\n"
       "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
       "0x2\r\n{}\r\n0\r\n\r\n" +
           smuggled},
  };
  for (bool tls : {false, true}) {
    // Named copies, not a structured binding: clang 14 cannot capture a
    // binding in the lambdas that doctest's assertions expand to.
    for (const auto& entry : probes) {
      const auto& name = entry.first;
      const auto& bytes = entry.second;
      CAPTURE(tls);
      CAPTURE(name);
      RawConnection conn(tls ? server.port() : server.http_port(), tls);
      REQUIRE(conn.ok());
      REQUIRE(conn.Send(bytes));
      bool closed = false;
      const std::string got = conn.ReadUntilClose(milliseconds(5000), &closed);
      CHECK(closed);
      CHECK(testing::CountResponses(got) == 1);
    }
  }
  CHECK(server.handler().CountPath("/smuggled") == 0);
}

// Four requests in one write, answered by four different hooks' answers:
// 200 (OnRequest), 404 (OnHead, before the body), 412 (OnRequest after the
// body), 200 (the last one asks to close).
// Sends `pipeline` (its last request asks to close) on one connection and
// returns the statuses of the answers, in order.
std::vector<int> PipelineStatuses(FakeServer& server, bool tls, const std::string& pipeline) {
  RawConnection conn(tls ? server.port() : server.http_port(), tls);
  REQUIRE(conn.ok());
  REQUIRE(conn.Send(pipeline));
  bool closed = false;
  const std::string got = conn.ReadUntilClose(milliseconds(5000), &closed);
  CHECK(closed);
  return testing::ResponseStatuses(got);
}

TEST_CASE("request edge: pipelined requests are all answered, in order") {
  FakeServer server;
  server.handler().Answer("/missing", FakeAnswer::InHead(404));
  server.handler().Answer("/create", FakeAnswer{412, "precondition"});
  const std::string pipeline =
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /create HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
      "GET /list HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  for (bool tls : {false, true}) {
    CAPTURE(tls);
    CHECK(PipelineStatuses(server, tls, pipeline) == std::vector<int>{200, 404, 412, 200});
  }
  // Each request reached the handler once per listener, the POST with its body.
  std::vector<std::string> paths;
  for (const auto& r : server.handler().Requests()) {
    paths.push_back(r.method + " " + r.path);
    if (r.path == "/create") CHECK(r.body == "{}");
  }
  CHECK(paths == std::vector<std::string>{"GET /healthz", "GET /missing", "POST /create",
                                          "GET /list", "GET /healthz", "GET /missing",
                                          "POST /create", "GET /list"});
}

// GET and OPTIONS reach the handler straight from the pre-routing hook; a
// path with a line break still goes to cpp-httplib's ".*" route, which does
// not match it: 404 from the transport, and the handler's OnRequest never
// runs for it.
TEST_CASE("request edge: bodiless methods are dispatched, a path with a line break is not") {
  FakeServer server;
  const std::string pipeline =
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
      "OPTIONS /a HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /line%0Abreak HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /return%0Dhere HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /b?q=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  for (bool tls : {false, true}) {
    CAPTURE(tls);
    CHECK(PipelineStatuses(server, tls, pipeline) == std::vector<int>{200, 200, 404, 404, 200});
  }
  std::vector<std::string> ran;
  for (const auto& r : server.handler().Requests()) {
    if (r.body_seen) ran.push_back(r.method + " " + r.path);
  }
  CHECK(ran == std::vector<std::string>{"GET /a", "OPTIONS /a", "GET /b", "GET /a", "OPTIONS /a",
                                        "GET /b"});
  CHECK(server.handler().CountPath("/line\nbreak") == 2);  // OnHead saw them
  CHECK(server.handler().CountPath("/return\rhere") == 2);
}

// Methods with a body (and DELETE) are routed by cpp-httplib's per-segment
// patterns, then ".*" (src/http/server.cc, SegmentPatterns): paths of 1 to
// 12 segments all reach the handler with their bodies, a path with a line
// break in any of those methods is 404 without reaching it, and its body is
// read so the next pipelined request is still answered.
TEST_CASE("request edge: every path with a body is dispatched, one with a line break is not") {
  FakeServer server;
  std::string pipeline;
  std::vector<std::string> want;
  std::vector<int> statuses;
  std::string path;
  for (int segments = 1; segments <= 12; ++segments) {
    path += "/s" + std::to_string(segments);
    const std::string method = segments % 3 == 0 ? "PUT" : segments % 3 == 1 ? "POST" : "PATCH";
    pipeline += method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                "Content-Length: 2\r\n\r\n{}";
    want.push_back(method + " " + path);
    statuses.push_back(200);
  }
  pipeline += "DELETE /a/b HTTP/1.1\r\nHost: x\r\n\r\n";
  want.push_back("DELETE /a/b");
  statuses.push_back(200);
  for (const char* bad :
       {"POST /line%0Abreak", "PUT /a/b%0D/c", "DELETE /x%0A", "PATCH /a/b/c/d/e/f/g/h/i/j%0A"}) {
    pipeline += std::string(bad) +
                " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: 7\r\n\r\n{\"a\":1}";
    statuses.push_back(404);
  }
  pipeline += "GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  want.push_back("GET /last");
  statuses.push_back(200);
  CHECK(PipelineStatuses(server, true, pipeline) == statuses);
  std::vector<std::string> ran;
  for (const auto& r : server.handler().Requests()) {
    if (!r.body_seen) continue;
    ran.push_back(r.method + " " + r.path);
    if (r.method != "GET" && r.method != "DELETE") CHECK(r.body == "{}");
  }
  CHECK(ran == want);
}

// Resident memory of this process (the server runs in it), in KiB.
long RssKib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

// Sends `prefix` then `filler` up to `total` bytes, until the server answers
// (as an HTTP client does) or stops taking them; returns the answer and how
// long until the close.
std::string Flood(int port, bool tls, const std::string& prefix, const std::string& filler,
                  size_t total, double* seconds) {
  RawConnection c(port, tls);
  REQUIRE(c.ok());
  const auto start = Clock::now();
  bool sending = c.Send(prefix);
  std::string answer;
  for (size_t sent = prefix.size(); sending && sent < total; sent += filler.size()) {
    if (c.TakeAvailable(&answer) || !answer.empty()) break;
    sending = c.Send(filler);
  }
  bool closed = false;
  std::string got = c.ReadUntilClose(milliseconds(5000), &closed, std::move(answer));
  CHECK(closed);
  *seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return got;
}

TEST_CASE("request edge: header floods get 431 quickly and leave memory alone") {
  FakeServer server;
  std::string line_filler(64 * 1024, 'a');
  std::string field_filler;
  for (int i = 0; i < 1000; ++i) field_filler += "X-Flood: v\r\n";  // 100,000 over 100 sends
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  const long before = RssKib();
  for (bool tls : {true, false}) {
    CAPTURE(tls);
    const int port = tls ? server.port() : server.http_port();
    double seconds = 0;
    std::string got = Flood(port, tls, get + "X-Long: ", line_filler, size_t{200} << 20, &seconds);
    CHECK(testing::FirstStatus(got) == 431);
    CHECK(testing::CountResponses(got) == 1);
    CHECK(seconds < 5.0);
    got = Flood(port, tls, get, field_filler, field_filler.size() * 100, &seconds);
    CHECK(testing::FirstStatus(got) == 431);
    CHECK(seconds < 5.0);
  }
  const long grown_kib = RssKib() - before;
  MESSAGE("RSS grew by " << grown_kib << " KiB over four floods");
  CHECK(grown_kib < 8 * 1024);

  // The server still answers.
  auto cli = server.Client(/*tls=*/true);
  auto r = cli->Get("/healthz");
  REQUIRE(r);
  CHECK(r->status == 200);
}

}  // namespace
}  // namespace cammio
