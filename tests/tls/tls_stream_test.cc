// Tests for TlsStream's record packing (src/tls/session.h): a real TLS
// 1.2 session over a loopback TCP connection, the server side written through
// TlsStream, the client side read with mbedTLS after counting the records on
// the wire (MSG_PEEK of the raw socket).
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <mbedtls/ssl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tls/certificate.h"
#include "tls/session.h"
#include "util/random.h"

namespace cammio::tls {
namespace {

using std::chrono::seconds;

// A connected loopback TCP pair: [0] accepted (server), [1] connecting (client).
struct TcpPair {
  TcpPair() {
    int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listener >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listener, 1) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    fd[1] = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(::connect(fd[1], reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    fd[0] = ::accept(listener, nullptr, nullptr);
    REQUIRE(fd[0] >= 0);
    ::close(listener);
  }
  ~TcpPair() {
    ::close(fd[0]);
    ::close(fd[1]);
  }
  int fd[2];
};

// A client configuration that accepts any certificate (the server side is
// what is tested here; verification has its own tests in tls_test.cc).
struct ClientConfig {
  ClientConfig() {
    mbedtls_ssl_config_init(&conf);
    REQUIRE(TlsConfigDefaults(&conf, MBEDTLS_SSL_IS_CLIENT) == 0);
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_NONE);
    // TLS 1.2: the record arithmetic below (explicit nonce + tag) is its,
    // and no NewSessionTicket follows the handshake into the socket. The
    // packing under test is the same in both versions.
    mbedtls_ssl_conf_max_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_2);
  }
  ~ClientConfig() { mbedtls_ssl_config_free(&conf); }
  mbedtls_ssl_config conf;
};

// Both ends of a TLS session after the handshake.
struct Session {
  Session() {
    dir = std::filesystem::temp_directory_path() / ("cammio-tls-stream-" + RandomToken(8));
    std::filesystem::create_directories(dir);
    const std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
    REQUIRE(GenerateSelfSignedCert({"localhost"}, cert, key).ok());
    auto ctx = TlsServerContext::Load(cert, key);
    REQUIRE(ctx.ok());
    context = *ctx;
    server = std::make_shared<TlsConnection>(pair.fd[0], seconds(5), seconds(5), context);
    client = std::make_shared<TlsConnection>(pair.fd[1], seconds(5), seconds(5), nullptr);
    REQUIRE(server->Setup(context->config(), nullptr) == 0);
    REQUIRE(client->Setup(&client_conf.conf, "localhost") == 0);
    int server_rc = -1;
    std::thread t([&] { server_rc = server->Handshake(seconds(5)); });
    int client_rc = client->Handshake(seconds(5));
    t.join();
    REQUIRE(server_rc == 0);
    REQUIRE(client_rc == 0);
  }
  ~Session() { std::filesystem::remove_all(dir); }

  // The TLS records waiting in the client's socket: (content type, length).
  std::vector<std::pair<int, size_t>> PeekRecords() {
    std::string raw(1 << 20, '\0');
    ssize_t n = ::recv(pair.fd[1], &raw[0], raw.size(), MSG_PEEK | MSG_DONTWAIT);
    std::vector<std::pair<int, size_t>> records;
    for (size_t at = 0; n > 0 && at + 5 <= static_cast<size_t>(n);) {
      size_t len =
          static_cast<unsigned char>(raw[at + 3]) * 256u + static_cast<unsigned char>(raw[at + 4]);
      records.emplace_back(static_cast<unsigned char>(raw[at]), len);
      at += 5 + len;
    }
    return records;
  }
  std::string ReadAll(size_t size) {
    std::string out(size, '\0');
    size_t got = 0;
    while (got < size) {
      ssize_t n = client->Read(&out[got], size - got);
      REQUIRE(n > 0);
      got += static_cast<size_t>(n);
    }
    return out;
  }

  std::filesystem::path dir;
  TcpPair pair;
  ClientConfig client_conf;
  std::shared_ptr<TlsServerContext> context;
  std::shared_ptr<TlsConnection> server, client;
};

std::string Pattern(size_t size, char seed) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>(seed + (i * 13 + i / 97) % 61);
  return s;
}

void WaitForBytes(int fd, size_t at_least) {
  std::string buf(at_least, '\0');
  for (int i = 0; i < 500; ++i) {
    ssize_t n = ::recv(fd, &buf[0], buf.size(), MSG_PEEK | MSG_DONTWAIT);
    if (n >= static_cast<ssize_t>(at_least)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  FAIL("the bytes never arrived");
}

constexpr int kApplicationData = 23;
constexpr size_t kRecordOverhead = 8 + 16;  // GCM: explicit nonce and tag

TEST_CASE("TlsStream: a header and a 40 KB body leave as three full-as-possible records") {
  Session s;
  const std::string header = Pattern(300, 'A'), body = Pattern(40000, 'a');
  {
    TlsStream strm(s.server);
    REQUIRE(strm.write(header.data(), header.size()) == 300);
    // Held back: nothing is on the wire yet.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(s.PeekRecords().empty());
    REQUIRE(strm.write(body.data(), body.size()) == 40000);
    REQUIRE(strm.Flush());
  }
  const size_t record = s.server->MaxRecordPayload();
  REQUIRE(record == 16384);
  WaitForBytes(s.pair.fd[1], 40300 + 3 * (5 + kRecordOverhead));
  auto records = s.PeekRecords();
  REQUIRE(records.size() == 3);
  for (const auto& r : records) CHECK(r.first == kApplicationData);
  CHECK(records[0].second == record + kRecordOverhead);  // the header shares the first
  CHECK(records[1].second == record + kRecordOverhead);
  CHECK(records[2].second == 40300 - 2 * record + kRecordOverhead);
  CHECK(s.ReadAll(40300) == header + body);
}

TEST_CASE("TlsStream: an exact multiple of a record, small writes, and the destructor's flush") {
  Session s;
  const std::string big = Pattern(2 * 16384, 'b');
  {
    TlsStream strm(s.server);
    REQUIRE(strm.write(big.data(), big.size()) == static_cast<ssize_t>(big.size()));
    for (int i = 0; i < 10; ++i) REQUIRE(strm.write("0123456789", 10) == 10);
  }  // no Flush(): the destructor sends what was held
  WaitForBytes(s.pair.fd[1], 2 * 16384 + 100);
  auto records = s.PeekRecords();
  REQUIRE(records.size() == 3);
  CHECK(records[2].second == 100 + kRecordOverhead);
  std::string expected = big;
  for (int i = 0; i < 10; ++i) expected += "0123456789";
  CHECK(s.ReadAll(expected.size()) == expected);
}

TEST_CASE("TlsStream: waiting for input first sends what is held back") {
  // A 100 Continue, or a request the peer must see before it answers: if
  // read() did not flush, both sides would wait for each other.
  Session s;
  std::string reply;
  std::thread peer([&] {
    std::string ping = s.ReadAll(4);
    CHECK(ping == "ping");
    REQUIRE(s.client->Write("pong", 4) == 4);
  });
  TlsStream strm(s.server);
  REQUIRE(strm.write("ping", 4) == 4);
  CHECK(strm.is_readable());
  char buf[4];
  CHECK(strm.read(buf, 4) == 4);
  reply.assign(buf, 4);
  peer.join();
  CHECK(reply == "pong");
}

}  // namespace
}  // namespace cammio::tls
