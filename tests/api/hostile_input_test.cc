// Hostile input against the real server (TestServer over TLS): JSON numbers
// that used to crash the process, link tokens checked before a body is read,
// huge XML attribute lists, bogus methods and paths that multiplied /metrics
// series, newlines that forged log lines (issue 13 items 1, 7, 8, 10). See
// also tests/format/{json,xml}_test.cc and tests/util/log_test.cc.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/metrics.h"
#include "testing/api_helpers.h"
#include "testing/test_support.h"
#include "util/crypto.h"
#include "util/log.h"

namespace cammio {
namespace {

using testing::Api;
using testing::ErrorDetails;
using testing::Resp;
using testing::TestServer;

// An open invitation's candidate link token (the vacancy runs until 2030).
std::string OpenLinkToken(Api& api) {
  Resp v = api.Post("/api/vacancies", R"({"vacancy": {"title": "Tester", "kind": "automated",)"
                                      R"( "datetime_start": "2013-07-28T02:00:00+02:00",)"
                                      R"( "datetime_end": "2030-01-01T00:00:00Z",)"
                                      R"( "questions": [{"title": "Why?"}]}})");
  const int64_t vacancy = testing::Int(testing::Object(v, 201, "vacancy"), "id");
  const Value inv = testing::CreateInvitation(api, vacancy, "candidate@example.test");
  const std::string url = testing::Str(inv, "url");
  return url.substr(url.rfind('/') + 1);
}

TEST_CASE("hostile JSON numbers on the unauthenticated completion endpoint answer 400") {
  SetLogQuiet(true);
  TestServer srv;
  Api api(srv);
  const std::string token = OpenLinkToken(api);
  auto anon = srv.Client();
  std::string digits400;
  for (int i = 0; i < 400; ++i) digits400.push_back(static_cast<char>('1' + i % 9));
  const std::string bodies[] = {
      R"({"started_at": -0.)" + std::string(350, '0') + "}",
      R"({"started_at": 0.)" + std::string(400, '0') + "1}",
      R"({"started_at": 1.)" + digits400 + "e-400}",
      R"({"n":1844674407370955164467440737095.16161e308})",
  };
  const std::string path = "/public/job_interviews/" + token + "/complete";
  for (const std::string& body : bodies) {
    CAPTURE(body.substr(0, 40));
    auto r = anon->Post(path.c_str(), body, "application/json");
    REQUIRE(r);
    Resp resp{r->status, r->body, r->headers};
    const std::string details = ErrorDetails(resp, 400);
    CHECK(details.find("JSON number at offset ") == 0);
  }
  // The server is still there, and the link still open.
  auto health = anon->Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto state = anon->Get(("/public/job_interviews/" + token + "/state").c_str());
  REQUIRE(state);
  CHECK(state->status == 200);
  CHECK(state->body.find("\"state\":\"open\"") != std::string::npos);
}

TEST_CASE("public endpoints check the link token before they read the body") {
  SetLogQuiet(true);
  TestServer srv;
  auto anon = srv.Client();
  // Malformed JSON to an unknown link: 404 for the link, the body unread.
  const std::string hostile = R"({"n": -0.)" + std::string(350, '0') + "}";
  for (const std::string& body : {std::string("{"), hostile}) {
    auto r = anon->Post("/public/job_interviews/k3k3k3k3k3k3k3k3k3k3/complete", body,
                        "application/json");
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(r->body.find("JSON") == std::string::npos);
  }
  // A completed link answers 410 before its body is parsed.
  Api api(srv);
  const std::string token = OpenLinkToken(api);
  const std::string path = "/public/job_interviews/" + token + "/complete";
  REQUIRE(srv.store()
              .Write([&](Db& db) {
                return db.Exec(
                    ("UPDATE invitations SET status = 'completed' WHERE token = '" + token + "'")
                        .c_str());
              })
              .ok());
  auto r = anon->Post(path.c_str(), "{", "application/json");
  REQUIRE(r);
  CHECK(r->status == 410);
}

TEST_CASE("an XML body with 90,000 attributes is refused at once") {
  SetLogQuiet(true);
  TestServer srv;
  Api api(srv);
  std::string body = "<vacancy";
  for (int i = 0; i < 90000; ++i) body += " a" + std::to_string(i) + "=\"\"";
  body += "/>";
  REQUIRE(body.size() < (size_t{1} << 20));  // Under the default body limit.
  const auto start = std::chrono::steady_clock::now();
  Resp r = api.PostXml("/api/vacancies.xml", body);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(testing::XmlErrorDetails(r, 400) == "XML element has more than 64 attributes (line 1)");
  CHECK(took < std::chrono::seconds(5));
  // An ordinary XML body still works.
  Resp ok = api.PostXml("/api/vacancies.xml",
                        "<vacancy><title>XML</title><kind>automated</kind>"
                        "<datetime_start>2013-07-28T02:00:00+02:00</datetime_start>"
                        "<datetime_end>2013-09-26T02:00:00+02:00</datetime_end></vacancy>");
  CHECK(ok.status == 201);
}

// One request line on a fresh plain-HTTP connection; the answer's status
// line (empty if none came). The connection is closed once the answer is
// read (cpp-httplib writes nothing to a client that half-closed).
std::string RawRequestLine(int port, const std::string& line) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::send(fd, line.data(), line.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(line.size()));
  std::string answer;
  size_t head_end = std::string::npos;
  size_t want = std::string::npos;  // Header and body bytes, once known.
  char buf[4096];
  while (answer.size() < want) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
    if (head_end == std::string::npos &&
        (head_end = answer.find("\r\n\r\n")) != std::string::npos) {
      const size_t length = answer.find("Content-Length: ");
      want = head_end + 4 +
             (length < head_end ? std::strtoul(answer.c_str() + length + 16, nullptr, 10) : 0);
    }
  }
  ::close(fd);
  return answer.substr(0, answer.find("\r\n"));
}

size_t CountSeries(const std::string& metrics, const std::string& name) {
  size_t n = 0;
  for (size_t at = metrics.find("\n" + name + "{"); at != std::string::npos;
       at = metrics.find("\n" + name + "{", at + 1)) {
    ++n;
  }
  return n;
}

// The server with its plain-HTTP listener too, for raw request lines without
// a TLS handshake each.
testing::ServerOptions WithPlainListener() {
  testing::ServerOptions o;
  o.http_listen_host = "127.0.0.1";
  o.http_listen_port = 0;
  return o;
}

TEST_CASE("bogus methods and paths fold into one metrics label value each") {
  SetLogQuiet(true);
  testing::TestServer srv(WithPlainListener());
  const int port = srv.http_port();
  REQUIRE(port > 0);
  httplib::Client plain("127.0.0.1", port);
  plain.set_keep_alive(true);
  Metrics& metrics = srv.metrics();
  const std::string before = metrics.Render();
  const int64_t other_before = metrics.RequestCount("other", "unmatched", 501);
  const int64_t get_before = metrics.RequestCount("GET", "unmatched", 404);
  for (int i = 0; i < 1000; ++i) {
    const std::string path = i % 2 ? "/healthz" : "/no/such/" + std::to_string(i);
    CHECK(RawRequestLine(port, "BOGUS" + std::to_string(i) + " " + path + " HTTP/1.1\r\n") ==
          "HTTP/1.1 501 Not Implemented");
    auto r = plain.Get(("/no/such/path/" + std::to_string(i)).c_str());
    REQUIRE(r);
    CHECK(r->status == 404);
  }
  // The access-log hook counts a request just after its answer is sent.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((metrics.RequestCount("other", "unmatched", 501) < other_before + 1000 ||
          metrics.RequestCount("GET", "unmatched", 404) < get_before + 1000) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(metrics.RequestCount("other", "unmatched", 501) == other_before + 1000);
  CHECK(metrics.RequestCount("GET", "unmatched", 404) == get_before + 1000);
  // What GET /metrics shows of these series: at most (other, 400) and
  // (GET, 404) on route "unmatched" are new.
  const std::string after = metrics.Render();
  CHECK(after.find("BOGUS") == std::string::npos);
  CHECK(after.find("/no/such") == std::string::npos);
  CHECK(CountSeries(after, "cammio_http_requests_total") <=
        CountSeries(before, "cammio_http_requests_total") + 2);
  CHECK(CountSeries(after, "cammio_http_request_duration_seconds_count") <=
        CountSeries(before, "cammio_http_request_duration_seconds_count") + 2);
  CHECK(after.size() < before.size() + 4096);
}

// Collects log lines while alive (util/log.h's test sink).
class LogCapture {
 public:
  LogCapture() {
    SetLogSink([this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(line);
    });
  }
  ~LogCapture() { SetLogSink(nullptr); }

  // The lines containing `part`, waiting up to 10 s for at least `want`.
  std::vector<std::string> Containing(const std::string& part, size_t want) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      std::vector<std::string> found;
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (const std::string& line : lines_) {
          if (line.find(part) != std::string::npos) found.push_back(line);
        }
      }
      if (found.size() >= want || std::chrono::steady_clock::now() > deadline) return found;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  std::vector<std::string> All() {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

TEST_CASE("client text cannot forge log lines") {
  TestServer srv;
  LogCapture capture;
  auto anon = srv.Client();
  // A percent-encoded newline in the path: decoded by the server.
  auto r = anon->Get("/no/such%0a2026-01-01T00:00:00.000Z INFO forged-path");
  REQUIRE(r);
  CHECK(r->status == 404);
  const std::string path_id = r->get_header_value("X-Request-Id");
  // A newline in a Basic username (logged when authentication fails).
  r = anon->Get(
      "/api/vacancies",
      {{"Authorization", "Basic " + Base64Encode("bob\n2026-01-01 WARN forged-user:cmo_x")}});
  REQUIRE(r);
  CHECK(r->status == 403);
  const std::string user_id = r->get_header_value("X-Request-Id");

  const std::vector<std::string> path_lines = capture.Containing("forged-path", 1);
  REQUIRE(path_lines.size() == 1);
  CHECK(path_lines[0].find("access id=" + path_id) != std::string::npos);
  CHECK(path_lines[0].find(" GET /no/such%0A2026-01-01T00:00:00.000Z%20INFO%20forged-path 404 ") !=
        std::string::npos);
  const std::vector<std::string> user_lines = capture.Containing("forged-user", 1);
  REQUIRE(user_lines.size() == 1);
  CHECK(
      user_lines[0].find("request " + user_id +
                         " authentication failed for user=bob\\x0a2026-01-01 WARN forged-user ") !=
      std::string::npos);
  capture.Containing("access id=" + user_id, 1);
  // Every line the sink saw is one line: its only newline is the last byte.
  for (const std::string& line : capture.All()) {
    CAPTURE(line);
    CHECK(line.find_first_of("\r\n") == line.size() - 1);
  }
}

}  // namespace
}  // namespace cammio
