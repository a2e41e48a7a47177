// Tests for the HTTPS listener (src/http/tls_listener.h) with the tls
// module's client: real sockets on 127.0.0.1 with ports picked by the kernel.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "http/tls_listener.h"
#include "http/worker_pool.h"
#include "testing/wait.h"
#include "tls/certificate.h"
#include "tls/client.h"
#include "tls/session.h"
#include "util/random.h"

namespace cammio::http {
namespace {

using tls::CertificateFingerprintSha256;
using tls::CertificateNotAfter;
using tls::GenerateSelfSignedCert;
using tls::TlsClient;
using tls::TlsClientOptions;

using Clock = std::chrono::steady_clock;

using testing::SecondsSince;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/cammio-tls-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string File(const std::string& name) const { return path + "/" + name; }
  std::string path;
};

// A generated certificate for "localhost" and its loaded server context.
struct Pki {
  explicit Pki(std::vector<std::string> names = {"localhost"}) {
    cert = dir.File("cert.pem");
    key = dir.File("key.pem");
    Status s = GenerateSelfSignedCert(names, cert, key);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    cert_pem = ReadFile(cert);
    auto ctx = TlsServerContext::Load(cert, key);
    REQUIRE_MESSAGE(ctx.ok(), ctx.status().ToString());
    context = *ctx;
  }
  TempDir dir;
  std::string cert, key, cert_pem;
  std::shared_ptr<TlsServerContext> context;
};

// A TlsServer with a few routes, listening on its own thread until destroyed.
class TestServer {
 public:
  explicit TestServer(const Pki& pki, const std::function<void(TlsServer&)>& configure = nullptr)
      : server(pki.context) {
    if (configure) configure(server);
    server.Get("/hello", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("hello over tls", "text/plain");
    });
    server.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(BigBody(), "application/octet-stream");
    });
    server.Post("/echo-size", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(std::to_string(req.body.size()) + " " +
                          std::to_string(std::hash<std::string>()(req.body)),
                      "text/plain");
    });
    port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    thread_ = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~TestServer() { Stop(); }
  // httplib::Server::stop() must be called once; this may be called again.
  void Stop() {
    if (!thread_.joinable()) return;
    server.stop();
    thread_.join();
  }

  static std::string BigBody() {
    std::string body(200 * 1024, '\0');
    for (size_t i = 0; i < body.size(); ++i)
      body[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
    return body;
  }

  TlsServer server;
  int port = -1;

 private:
  std::thread thread_;
};

std::unique_ptr<TlsClient> MakeClient(int port, const std::string& ca_pem,
                                      const std::string& server_name = "localhost") {
  auto client =
      std::make_unique<TlsClient>("127.0.0.1", port, TlsClientOptions{ca_pem, true, server_name});
  client->set_connection_timeout(5);
  client->set_read_timeout(5);
  client->set_write_timeout(5);
  return client;
}

// A plain TCP connection to the server, with a 5 s receive timeout.
int ConnectRaw(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return fd;
}

// Sends `bytes`, then reads until the server closes; returns the seconds that
// took (>= 5 if the server never closed).
double SecondsUntilServerCloses(int fd, const std::string& bytes) {
  auto start = Clock::now();
  if (!bytes.empty()) ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  char buf[512];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n == 0 || (n < 0 && errno == ECONNRESET)) return SecondsSince(start);
    if (n < 0 && errno != EINTR) return 99;  // Receive timeout: never closed.
  }
}

TEST_CASE("a TlsServer without a server context is invalid and binds nothing") {
  TlsServer invalid(nullptr);
  CHECK(!invalid.is_valid());
  CHECK(invalid.bind_to_any_port("127.0.0.1") < 0);
}

TEST_CASE("TlsServer and TlsClient: GET, TLS 1.3 AEAD suite, big bodies") {
  Pki pki;
  TestServer srv(pki);
  auto client = MakeClient(srv.port, pki.cert_pem);

  auto res = client->Get("/hello");
  REQUIRE_MESSAGE(res, (httplib::to_string(res.error()) + " " + client->last_tls_error()));
  CHECK(res->status == 200);
  CHECK(res->body == "hello over tls");
  CHECK(client->last_tls_version() == "TLSv1.3");
  const std::string suite = client->last_ciphersuite();
  CHECK(suite.find("TLS1-3-") == 0);
  CHECK((suite.find("-GCM-") != std::string::npos ||
         suite.find("CHACHA20-POLY1305") != std::string::npos));

  SUBCASE("a response larger than a TLS record arrives intact") {
    auto big = client->Get("/big");
    REQUIRE(big);
    CHECK(big->body.size() == 200 * 1024);
    CHECK(big->body == TestServer::BigBody());
  }
  SUBCASE("a 1 MB request body arrives intact") {
    std::string body(1024 * 1024, '\0');
    RandomFill(&body[0], body.size());
    auto echo = client->Post("/echo-size", body, "application/octet-stream");
    REQUIRE(echo);
    CHECK(echo->body ==
          std::to_string(body.size()) + " " + std::to_string(std::hash<std::string>()(body)));
  }
  SUBCASE("verification can be disabled") {
    TlsClient unverified("127.0.0.1", srv.port, TlsClientOptions{"", false, ""});
    auto r = unverified.Get("/hello");
    REQUIRE(r);
    CHECK(r->body == "hello over tls");
  }
}

TEST_CASE("keep-alive reuses one TLS connection; an idle-closed one is replaced") {
  Pki pki;
  TestServer srv(pki, [](TlsServer& s) {
    s.set_keep_alive_max_count(100);
    s.set_keep_alive_timeout(1);
  });
  auto client = MakeClient(srv.port, pki.cert_pem);
  client->set_keep_alive(true);
  auto start = Clock::now();
  for (int i = 0; i < 20; ++i) {
    auto res = client->Get(i % 5 == 4 ? "/big" : "/hello");
    REQUIRE(res);
    CHECK(res->status == 200);
  }
  // Without TCP_NODELAY each request would stall ~40 ms on delayed ACKs.
  CHECK(SecondsSince(start) < 0.6);
  CHECK(client->handshakes() == 1);
  CHECK(srv.server.handshakes_completed() == 1);
  CHECK(srv.server.connections_accepted() == 1);

  // The server drops the idle connection after 1 s (close_notify + FIN).
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  auto res = client->Get("/hello");
  REQUIRE_MESSAGE(res, httplib::to_string(res.error()));
  CHECK(res->body == "hello over tls");
  CHECK(client->handshakes() == 2);
  CHECK(srv.server.handshakes_completed() == 2);

  // stop() does not wait for the idle keep-alive connection to time out.
  start = Clock::now();
  srv.Stop();
  CHECK(SecondsSince(start) < 1.0);
}

TEST_CASE("concurrent handshakes share one TlsServerContext") {
  Pki pki;
  TestServer srv(
      pki, [](TlsServer& s) { s.new_task_queue = [] { return new httplib::ThreadPool(4); }; });
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        auto client = MakeClient(srv.port, pki.cert_pem);  // A new connection each time.
        auto res = client->Get("/big");
        if (res && res->body.size() == 200 * 1024) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok == 20);
  CHECK(srv.server.handshakes_completed() == 20);
}

TEST_CASE("TlsClient refuses an untrusted certificate and a wrong name") {
  Pki pki;
  Pki other;
  TestServer srv(pki);

  auto untrusted = MakeClient(srv.port, other.cert_pem);
  auto res = untrusted->Get("/hello");
  CHECK(!res);
  CHECK(res.error() == httplib::Error::SSLServerVerification);
  CHECK(untrusted->last_tls_error().find("not correctly signed") != std::string::npos);

  auto wrong_name = MakeClient(srv.port, pki.cert_pem, "cam.example.org");
  res = wrong_name->Get("/hello");
  CHECK(!res);
  CHECK(res.error() == httplib::Error::SSLServerVerification);
  CHECK(wrong_name->last_tls_error().find("CN") != std::string::npos);

  // The server survives refused handshakes.
  auto good = MakeClient(srv.port, pki.cert_pem);
  CHECK(good->Get("/hello"));
}

TEST_CASE("garbage on the TLS port is dropped quickly") {
  Pki pki;
  TestServer srv(pki);

  int fd = ConnectRaw(srv.port);
  CHECK(SecondsUntilServerCloses(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n") < 2.0);
  ::close(fd);

  std::string noise(300, '\0');
  RandomFill(&noise[0], noise.size());
  noise[0] = static_cast<char>(0xff);  // Not a TLS record type: no waiting for a length.
  fd = ConnectRaw(srv.port);
  CHECK(SecondsUntilServerCloses(fd, noise) < 2.0);
  ::close(fd);

  auto client = MakeClient(srv.port, pki.cert_pem);
  auto res = client->Get("/hello");
  REQUIRE(res);
  CHECK(res->body == "hello over tls");
  CHECK(srv.server.handshakes_failed() == 2);
}

TEST_CASE("silent and trickling clients cannot hold the workers") {
  Pki pki;
  TestServer srv(pki, [](TlsServer& s) {
    s.new_task_queue = [] { return new httplib::ThreadPool(2); };
    s.set_read_timeout(1);
  });
  int silent1 = ConnectRaw(srv.port);
  int silent2 = ConnectRaw(srv.port);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // Both workers busy.

  auto start = Clock::now();
  auto client = MakeClient(srv.port, pki.cert_pem);
  auto res = client->Get("/hello");
  REQUIRE(res);
  CHECK(res->body == "hello over tls");
  CHECK(SecondsSince(start) < 4.0);
  CHECK(SecondsUntilServerCloses(silent1, "") < 2.0);
  CHECK(SecondsUntilServerCloses(silent2, "") < 2.0);
  ::close(silent1);
  ::close(silent2);

  // A handshake record header promising bytes that never come: the handshake
  // deadline (the read timeout) ends it.
  int trickle = ConnectRaw(srv.port);
  const std::string header("\x16\x03\x01\x02\x00", 5);
  double closed_after = SecondsUntilServerCloses(trickle, header);
  CHECK(closed_after > 0.5);
  CHECK(closed_after < 3.0);
  ::close(trickle);
}

TEST_CASE("under a WorkerPool, idle keep-alive connections hold no worker thread") {
  Pki pki;
  std::atomic<int> opened{0}, closed{0};
  TestServer srv(pki, [&](TlsServer& s) {
    s.new_task_queue = [&] {
      WorkerPoolOptions o;
      o.threads = 2;  // far fewer threads than the connections below
      o.running_target = 2;
      o.max_parked = 512;
      o.connection_opened = [&] { ++opened; };
      o.connection_closed = [&] { ++closed; };
      return new WorkerPool(o);
    };
    s.set_keep_alive_timeout(30);
  });
  // Ten kept-alive connections, used in turn, twice. With a thread per
  // connection, the third would wait for one of the first two to time out.
  std::vector<std::unique_ptr<TlsClient>> clients;
  auto start = Clock::now();
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 10; ++i) {
      if (round == 0) {
        clients.push_back(MakeClient(srv.port, pki.cert_pem));
        clients.back()->set_keep_alive(true);
      }
      auto res = clients[static_cast<size_t>(i)]->Get(i % 3 == 2 ? "/big" : "/hello");
      REQUIRE_MESSAGE(res, httplib::to_string(res.error()));
      CHECK(res->status == 200);
      CHECK(res->body.size() == (i % 3 == 2 ? 200u * 1024 : 14u));
    }
  }
  CHECK(SecondsSince(start) < 5.0);
  CHECK(srv.server.handshakes_completed() == 10);  // every connection was kept
  for (auto& c : clients) CHECK(c->handshakes() == 1);
  CHECK(opened == 10);
  CHECK(closed == 0);

  // A client that hangs up while parked is closed on the server too.
  clients.back().reset();
  start = Clock::now();
  while (closed < 1 && SecondsSince(start) < 5)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(closed == 1);

  // stop() closes the parked connections at once, with close_notify.
  start = Clock::now();
  srv.Stop();
  CHECK(SecondsSince(start) < 1.0);
  CHECK(closed == 10);
}

TEST_CASE("under a WorkerPool, past max_parked the oldest idle connections are shed") {
  Pki pki;
  std::atomic<int> shed{0}, closed{0};
  TestServer srv(pki, [&](TlsServer& s) {
    s.new_task_queue = [&] {
      WorkerPoolOptions o;
      o.threads = 4;
      o.running_target = 2;
      o.max_parked = 2;  // a third idle connection makes room by closing the oldest
      o.connection_shed = [&] { ++shed; };
      o.connection_closed = [&] { ++closed; };
      return new WorkerPool(o);
    };
    s.set_keep_alive_timeout(30);
  });
  std::vector<std::unique_ptr<TlsClient>> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(MakeClient(srv.port, pki.cert_pem));
    clients.back()->set_keep_alive(true);
    auto res = clients.back()->Get("/hello");
    REQUIRE_MESSAGE(res, httplib::to_string(res.error()));
    CHECK(res->body == "hello over tls");
  }
  auto start = Clock::now();
  while (closed < 3 && SecondsSince(start) < 5)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(shed == 3);  // the first three, in the order they were parked
  CHECK(closed == 3);
  // The last two reuse their connections; a shed one notices the close and
  // reconnects.
  for (size_t i : {3u, 4u, 0u}) {
    auto res = clients[i]->Get("/hello");
    REQUIRE_MESSAGE(res, httplib::to_string(res.error()));
    CHECK(res->body == "hello over tls");
    CHECK(clients[i]->handshakes() == (i == 0 ? 2u : 1u));
  }
  start = Clock::now();
  srv.Stop();
  CHECK(SecondsSince(start) < 1.0);
}

}  // namespace
}  // namespace cammio::http
