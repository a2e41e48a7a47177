// http::Server's body handling, the transport's part of the body limit: a
// declared or chunked body over max_body_bytes is refused (Handler::
// OnBodyError, 413) without OnRequest, a streamed route reads past it, a
// throwing handler becomes OnException's answer, and a slow handler holds
// only its own request. On a FakeHandler (fake_server.h), plain listener.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "http/fake_server.h"
#include "testing/http_checks.h"
#include "testing/wait.h"

namespace cammio {
namespace {

using testing::FakeAnswer;
using testing::FakeServer;

http::ServerOptions SmallBodies() {
  http::ServerOptions o = testing::TransportTestOptions();
  o.max_body_bytes = 1024;
  return o;
}

// Sends `body` with Transfer-Encoding: chunked, in chunks of 512 bytes.
// Chunked bodies in this file are octet streams.
httplib::Result PostChunked(httplib::ClientImpl& cli, const std::string& path,
                            const std::string& body) {
  return testing::PostChunked(cli, path, body, "application/octet-stream");
}

TEST_CASE("http::Server: bodies over max_body_bytes answer 413 without OnRequest") {
  FakeServer server(SmallBodies(), /*tls=*/false, /*plain=*/true);
  auto cli = server.Client(/*tls=*/false);
  auto ok = cli->Post("/echo", std::string(1024, 'a'), "application/octet-stream");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  auto declared = cli->Post("/echo", std::string(1025, 'b'), "application/octet-stream");
  REQUIRE(declared);
  CHECK(declared->status == 413);
  CHECK(declared->body.find("body error: ") == 0);
  auto chunked = PostChunked(*server.Client(/*tls=*/false), "/echo", std::string(4096, 'c'));
  REQUIRE(chunked);
  CHECK(chunked->status == 413);
  CHECK(server.handler().BodyErrors() == std::vector<int>{413, 413});
  // Only the first body reached OnRequest, whole.
  int seen = 0;
  for (const auto& r : server.handler().Requests()) {
    if (!r.body_seen) continue;
    ++seen;
    CHECK(r.body == std::string(1024, 'a'));
  }
  CHECK(seen == 1);
}

TEST_CASE("http::Server: a streamed route reads its body past max_body_bytes") {
  FakeServer server(SmallBodies(), /*tls=*/true, /*plain=*/false);
  FakeAnswer upload{204, ""};
  upload.stream_body = true;
  server.handler().Answer("/upload", upload);
  const std::string body(64 * 1024, 'u');
  auto r = server.Client()->Patch("/upload", body, "application/offset+octet-stream");
  REQUIRE(r);
  CHECK(r->status == 204);
  const auto requests = server.handler().Requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].body_seen);
  CHECK(requests[0].body == body);
}

TEST_CASE("http::Server: a throwing handler answers OnException's 500; the server goes on") {
  FakeServer server(testing::TransportTestOptions(), /*tls=*/false, /*plain=*/true);
  server.handler().Answer("/boom", FakeAnswer::Throw("boom"));
  auto cli = server.Client(/*tls=*/false);
  auto r = cli->Get("/boom");
  REQUIRE(r);
  CHECK(r->status == 500);
  CHECK(r->body == "exception: boom");
  auto after = cli->Get("/fine");
  REQUIRE(after);
  CHECK(after->status == 200);
  CHECK(after->body == "ok");
}

TEST_CASE("http::Server: a slow handler holds its own request only") {
  FakeServer server(testing::TransportTestOptions(), /*tls=*/false, /*plain=*/true);
  server.handler().Answer("/slow",
                          FakeAnswer{200, "late", "text/plain", std::chrono::milliseconds(1500)});
  std::thread slow([&] {
    auto r = server.Client(/*tls=*/false)->Get("/slow");
    REQUIRE(r);
    CHECK(r->body == "late");
  });
  // Wait until the slow request is in its handler, then ask another one.
  for (int i = 0; i < 200 && server.handler().CountPath("/slow") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto start = std::chrono::steady_clock::now();
  auto fast = server.Client(/*tls=*/false)->Get("/fast");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  slow.join();
  REQUIRE(fast);
  CHECK(fast->status == 200);
  // Answered while the slow one still waited (its 1.5 s are a wide margin).
  CHECK(seconds < 1.0);
  // Both are logged as done: the server records a request after its answer
  // is written, which a client can read (and a test move past) first.
  CHECK(testing::WaitUntil([&] { return server.handler().Done().size() == 2; }));
}

}  // namespace
}  // namespace cammio
