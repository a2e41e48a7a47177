// Tests for src/http/event_streams.h: server-sent event streams handed from
// the worker that answered them to EventStreams' own thread. Through the
// transport (FakeServer, TLS and plain, on loopback), through a TlsServer
// with a small WorkerPool (no stream holds a worker), and EventStreams alone
// on socketpairs. Timings are generous bounds, never the thing measured.
#include "http/event_streams.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/fake_server.h"
#include "http/http_connection.h"
#include "http/tls_listener.h"
#include "http/worker_pool.h"
#include "testing/raw_http.h"
#include "testing/sanitizer.h"
#include "testing/wait.h"

namespace cammio::http {
namespace {

using Clock = std::chrono::steady_clock;
using Id = EventStreams::Id;
using std::chrono::milliseconds;
using testing::FakeAnswer;
using testing::FakeServer;
using testing::RawConnection;
using testing::SecondsSince;
using testing::WaitUntil;

// Under AddressSanitizer, RSS measures the allocator's quarantine (freed
// blocks are held back, up to 256 MiB) and shadow memory, not what the
// server keeps: there the memory bound is checked on the live heap the
// sanitizer's allocator reports, which is what RSS tracks in release.
// TLS handshakes there are ~15 times slower: the many-stream tests open
// 100 streams instead of 300 (the bound scales with the count).
#ifdef CAMMIO_TEST_ASAN
#include <sanitizer/allocator_interface.h>
constexpr int kManyStreams = 100;
#else
constexpr int kManyStreams = 300;
#endif

constexpr char kWelcome[] = "event: welcome\ndata: {}\n\n";
constexpr char kEarly[] = "data: early\n\n";

// The streams opened and how often each one's `closed` ran (thread-safe).
class StreamLog {
 public:
  EventStreams::Closed OnClosed() {
    return [this](Id id) {
      std::lock_guard<std::mutex> lock(mu_);
      ++closed_[id];
      threads_.push_back(std::this_thread::get_id());
    };
  }
  void Opened(Id id) {
    std::lock_guard<std::mutex> lock(mu_);
    opened_.push_back(id);
  }
  std::vector<Id> opened() const {
    std::lock_guard<std::mutex> lock(mu_);
    return opened_;
  }
  Id last() const {
    std::lock_guard<std::mutex> lock(mu_);
    return opened_.empty() ? 0 : opened_.back();
  }
  int closed(Id id) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = closed_.find(id);
    return it == closed_.end() ? 0 : it->second;
  }
  size_t closed_total() const {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const auto& entry : closed_) n += static_cast<size_t>(entry.second);
    return n;
  }
  // Every stream opened has closed exactly once, and nothing else closed.
  bool AllClosedOnce() const {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_.size() != opened_.size()) return false;
    for (Id id : opened_) {
      auto it = closed_.find(id);
      if (it == closed_.end() || it->second != 1) return false;
    }
    return true;
  }
  std::vector<std::thread::id> threads() const {
    std::lock_guard<std::mutex> lock(mu_);
    return threads_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Id> opened_;
  std::map<Id, int> closed_;
  std::vector<std::thread::id> threads_;
};

// A handler's answer: an event stream whose first frame is kWelcome, with
// kEarly queued before the connection is adopted.
void AnswerEvents(EventStreams& streams, StreamLog& log, httplib::Response& res) {
  const Id id = AnswerWithEventStream(res, streams, kWelcome, log.OnClosed());
  if (id == 0) return;
  log.Opened(id);
  CHECK(streams.Send(id, kEarly));
}

void ServeEvents(FakeServer& server, EventStreams& streams, StreamLog& log) {
  server.handler().Answer("/events",
                          FakeAnswer::Custom([&](const httplib::Request&, httplib::Response& res) {
                            AnswerEvents(streams, log, res);
                          }));
}

// Reads from `c` into `got` until `needle` occurs (true), the connection
// ends or `timeout` passes (false; `ended` tells which).
bool ReadUntil(RawConnection& c, std::string* got, const std::string& needle,
               milliseconds timeout = milliseconds(10000), bool* ended = nullptr) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const bool end = c.TakeAvailable(got);
    if (got->find(needle) != std::string::npos) return true;
    if (end || Clock::now() >= deadline) {
      if (ended != nullptr) *ended = end;
      return false;
    }
    pollfd p{c.fd(), POLLIN, 0};
    ::poll(&p, 1, 20);
  }
}

// True when the server ends the connection within `timeout`.
bool ReadsToEnd(RawConnection& c, std::string* got, milliseconds timeout = milliseconds(10000)) {
  bool ended = false;
  ReadUntil(c, got, std::string(1, '\0'), timeout, &ended);
  return ended;
}

// A new connection with an event stream open on it; `got` holds what was
// read (the head, kWelcome and kEarly).
std::unique_ptr<RawConnection> OpenStream(int port, bool tls, std::string* got,
                                          const char* method = "GET") {
  auto c = std::make_unique<RawConnection>(port, tls);
  REQUIRE(c->ok());
  REQUIRE(c->Send(std::string(method) + " /events HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  if (std::string(method) == "GET") REQUIRE(ReadUntil(*c, got, kEarly));
  return c;
}

// A blocking httplib::Stream over a plain socket (cpp-httplib's own
// SocketStream is internal to its implementation file).
class PlainSocketStream final : public httplib::Stream {
 public:
  explicit PlainSocketStream(int fd) : fd_(fd) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override { return ::recv(fd_, ptr, size, 0); }
  ssize_t write(const char* ptr, size_t size) override {
    return ::send(fd_, ptr, size, MSG_NOSIGNAL);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip.clear();
    port = 0;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip.clear();
    port = 0;
  }
  socket_t socket() const override { return fd_; }

 private:
  int fd_;
};

// A Transport over a plain socket, for EventStreams alone.
class SocketTransport final : public Transport {
 public:
  explicit SocketTransport(int fd) : stream_(fd) {}
  int fd() const override { return stream_.socket(); }
  Open Step() override { return Open::kDone; }
  ssize_t ReadAvailable(char* buf, size_t size) override {
    const ssize_t n = ::recv(fd(), buf, size, MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? kWouldBlock : n;
  }
  ssize_t WriteAvailable(const char* buf, size_t size) override {
    const ssize_t n = ::send(fd(), buf, size, MSG_DONTWAIT | MSG_NOSIGNAL);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? kWouldBlock : n;
  }
  httplib::Stream& stream() override { return stream_; }
  bool Flush() override { return true; }
  void Close(bool) override {}

 private:
  PlainSocketStream stream_;
};

// Reads `fd` until the peer closes it (or 10 s pass).
std::string ReadSocketToEnd(int fd, bool* ended) {
  std::string got;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  *ended = false;
  char buf[4096];
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      *ended = true;
      break;
    }
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

EventStreamsOptions Options(size_t max_streams = 1000, size_t max_queued = 64 * 1024,
                            milliseconds heartbeat = milliseconds(30000)) {
  EventStreamsOptions o;
  o.max_streams = max_streams;
  o.max_queued_bytes = max_queued;
  o.heartbeat = heartbeat;
  return o;
}

void Reset(RawConnection& c) {
  linger l{1, 0};  // close() sends RST
  ::setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

// Sockets this process has open.
size_t OpenSockets() {
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    n += std::filesystem::read_symlink(entry.path(), ec).string().rfind("socket:", 0) == 0;
  }
  return n;
}

// What the server holds, in KiB: RSS in release, the live heap under ASan
// (see kManyStreams).
size_t MemoryKiB() {
#ifdef CAMMIO_TEST_ASAN
  return __sanitizer_get_current_allocated_bytes() / 1024;
#else
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoul(line.c_str() + 6, nullptr, 10);
  }
  return 0;
#endif
}

TEST_CASE("event streams alone: queued frames first, in order; Close flushes; a closed id") {
  StreamLog log;
  EventStreams streams(Options());
  const Id id = streams.Reserve(log.OnClosed());
  REQUIRE(id != 0);
  log.Opened(id);
  CHECK(streams.open() == 1);
  CHECK(streams.Send(id, "data: 1\n\n"));  // before the adoption
  int fd[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) == 0);
  streams.Adopt(id, std::make_unique<SocketTransport>(fd[0]));
  CHECK(streams.Send(id, "data: 2\n\n"));
  streams.Close(id);
  CHECK_FALSE(streams.Send(id, "data: 3\n\n"));  // closing
  bool ended = false;
  CHECK(ReadSocketToEnd(fd[1], &ended) == "data: 1\n\ndata: 2\n\n");
  CHECK(ended);
  CHECK(WaitUntil([&] { return log.closed(id) == 1; }));
  CHECK(streams.open() == 0);
  CHECK_FALSE(streams.Send(id, "data: 4\n\n"));
  CHECK_FALSE(streams.Send(id + 1000, "data: 5\n\n"));
  ::close(fd[1]);
  CHECK(log.AllClosedOnce());
  CHECK(log.threads().at(0) != std::this_thread::get_id());  // the streams' thread
}

TEST_CASE("event streams alone: an abandoned stream closes; a late adoption closes the socket") {
  StreamLog log;
  EventStreams streams(Options());
  const Id id = streams.Reserve(log.OnClosed());
  log.Opened(id);
  streams.Abandon(id);
  CHECK(WaitUntil([&] { return log.closed(id) == 1; }));
  CHECK(streams.open() == 0);
  int fd[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) == 0);
  streams.Adopt(id, std::make_unique<SocketTransport>(fd[0]));  // the stream is gone
  bool ended = false;
  CHECK(ReadSocketToEnd(fd[1], &ended).empty());
  CHECK(ended);
  ::close(fd[1]);
  CHECK(log.AllClosedOnce());
}

TEST_CASE("event streams alone: destruction closes every stream, adopted or not") {
  StreamLog log;
  auto streams = std::make_unique<EventStreams>(Options(/*max_streams=*/6));
  std::vector<int> peers;
  for (int i = 0; i < 5; ++i) {
    const Id id = streams->Reserve(log.OnClosed());
    log.Opened(id);
    int fd[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) == 0);
    streams->Adopt(id, std::make_unique<SocketTransport>(fd[0]));
    peers.push_back(fd[1]);
  }
  log.Opened(streams->Reserve(log.OnClosed()));  // never adopted
  CHECK(streams->open() == 6);
  CHECK(streams->Reserve(log.OnClosed()) == 0);  // max_streams
  streams.reset();
  CHECK(log.AllClosedOnce());
  for (int fd : peers) {
    bool ended = false;
    ReadSocketToEnd(fd, &ended);
    CHECK(ended);
    ::close(fd);
  }
}

TEST_CASE("event streams: frames arrive in order over TLS and plain, frames sent before adoption") {
  for (const bool tls : {true, false}) {
    CAPTURE(tls);
    StreamLog log;
    EventStreams streams(Options());
    FakeServer server;
    ServeEvents(server, streams, log);
    const int port = tls ? server.port() : server.http_port();
    std::string got;
    auto c = OpenStream(port, tls, &got);
    const size_t head_end = got.find("\r\n\r\n");
    REQUIRE(head_end != std::string::npos);
    const std::string head = got.substr(0, head_end + 2);
    CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(head.find("Content-Type: text/event-stream\r\n") != std::string::npos);
    CHECK(head.find("Cache-Control: no-store\r\n") != std::string::npos);
    CHECK(head.find("Connection: close\r\n") != std::string::npos);
    CHECK(head.find("X-Content-Type-Options: nosniff\r\n") != std::string::npos);
    CHECK((head.find("Strict-Transport-Security") != std::string::npos) == tls);
    CHECK(head.find("Content-Length") == std::string::npos);
    CHECK(head.find("Transfer-Encoding") == std::string::npos);
    CHECK(head.find("Keep-Alive") == std::string::npos);
    CHECK(got.substr(head_end + 4) == std::string(kWelcome) + kEarly);

    const Id id = log.last();
    REQUIRE(id != 0);
    std::string expected;
    for (int i = 0; i < 300; ++i) {
      const std::string frame = "event: n\ndata: " + std::to_string(i) + "\n\n";
      expected += frame;
      CHECK(streams.Send(id, frame));
    }
    got.clear();
    REQUIRE(ReadUntil(*c, &got, "data: 299\n\n"));
    CHECK(got == expected);
    // The access log saw the request once, with 200; the pool no longer
    // counts the connection.
    REQUIRE(server.handler().Done().size() == 1);
    CHECK(server.handler().Done()[0].status == 200);
    CHECK(WaitUntil([&] { return server.opened() == server.closed(); }));
    CHECK(streams.open() == 1);

    CHECK(streams.Send(id, "data: last\n\n"));
    streams.Close(id);
    got.clear();
    CHECK(ReadsToEnd(*c, &got));
    CHECK(got == "data: last\n\n");
    CHECK(WaitUntil([&] { return log.closed(id) == 1; }));
    CHECK_FALSE(streams.Send(id, "data: gone\n\n"));
    CHECK(streams.open() == 0);
    CHECK(log.AllClosedOnce());
  }
}

TEST_CASE("event streams: a HEAD request gets the head, and its stream closes unadopted") {
  StreamLog log;
  EventStreams streams(Options());
  FakeServer server;
  ServeEvents(server, streams, log);
  std::string got;
  auto c = OpenStream(server.http_port(), /*tls=*/false, &got, "HEAD");
  CHECK(ReadsToEnd(*c, &got));
  CHECK(got.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(got.find(kWelcome) == std::string::npos);
  CHECK(WaitUntil([&] { return log.closed_total() == 1; }));
  CHECK(log.AllClosedOnce());
  CHECK(streams.open() == 0);
}

TEST_CASE("event streams: the peer closing or resetting runs `closed` once") {
  for (const bool tls : {true, false}) {
    for (const bool reset : {false, true}) {
      CAPTURE(tls);
      CAPTURE(reset);
      StreamLog log;
      EventStreams streams(Options());
      FakeServer server;
      ServeEvents(server, streams, log);
      std::string got;
      auto c = OpenStream(tls ? server.port() : server.http_port(), tls, &got);
      const Id id = log.last();
      if (reset) Reset(*c);
      c.reset();
      CHECK(WaitUntil([&] { return log.closed(id) == 1; }));
      CHECK(streams.open() == 0);
      CHECK_FALSE(streams.Send(id, "data: x\n\n"));
      CHECK(log.AllClosedOnce());
    }
  }
}

TEST_CASE("event streams: a reader that never reads is dropped past max_queued_bytes") {
  for (const bool tls : {true, false}) {
    CAPTURE(tls);
    StreamLog log;
    EventStreams streams(Options(1000, /*max_queued=*/64 * 1024));
    FakeServer server;
    ServeEvents(server, streams, log);
    std::string got;
    auto c = OpenStream(tls ? server.port() : server.http_port(), tls, &got);
    const Id id = log.last();
    // The client reads nothing more: the socket buffers fill, then the queue.
    const std::string frame = "data: " + std::string(4000, 'x') + "\n\n";
    size_t sent = 0;
    bool refused = false;
    bool full = false;  // the socket took no more for 500 ms
    const auto start = Clock::now();
    while (sent < (size_t{256} << 20) && SecondsSince(start) < 20) {
      if (!streams.Send(id, frame)) {
        refused = true;
        break;
      }
      sent += frame.size();
      // Slower than the streams' thread writes: only a full socket lets
      // the queue grow past half of its limit for long.
      if (!full && streams.queued(id) > 32 * 1024) {
        full = !WaitUntil([&] { return streams.queued(id) <= 32 * 1024; }, milliseconds(500));
      }
    }
    CHECK(refused);
    CHECK(sent > size_t{256} * 1024);  // the socket buffers took their share first
    MESSAGE("sent " << sent << " bytes before the stream was dropped");
    CHECK(WaitUntil([&] { return log.closed(id) == 1; }));
    CHECK(streams.open() == 0);
    CHECK_FALSE(streams.Send(id, "data: x\n\n"));
    CHECK(log.AllClosedOnce());
  }
}

TEST_CASE("event streams: a heartbeat comment arrives after silence") {
  for (const bool tls : {true, false}) {
    CAPTURE(tls);
    StreamLog log;
    EventStreams streams(Options(1000, 64 * 1024, /*heartbeat=*/milliseconds(200)));
    FakeServer server;
    ServeEvents(server, streams, log);
    std::string got;
    auto c = OpenStream(tls ? server.port() : server.http_port(), tls, &got);
    got.clear();
    const auto start = Clock::now();
    CHECK(ReadUntil(*c, &got, ": hb\n\n", milliseconds(5000)));
    CHECK(SecondsSince(start) > 0.1);  // not at once: after the silence
    CHECK(ReadUntil(*c, &got, ": hb\n\n: hb\n\n", milliseconds(5000)));  // and again
    CHECK(streams.open() == 1);
  }
}

TEST_CASE("event streams: max_streams reached answers 503 with a body") {
  StreamLog log;
  EventStreams streams(Options(/*max_streams=*/2));
  FakeServer server;
  ServeEvents(server, streams, log);
  std::string got1, got2;
  auto a = OpenStream(server.port(), true, &got1);
  auto b = OpenStream(server.http_port(), false, &got2);
  CHECK(streams.open() == 2);
  for (const bool tls : {true, false}) {
    RawConnection c(tls ? server.port() : server.http_port(), tls);
    REQUIRE(c.Send("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    const std::string answer = c.ReadResponse(milliseconds(5000));
    CHECK(testing::FirstStatus(answer) == 503);
    CHECK(answer.find("Retry-After: 5\r\n") != std::string::npos);
    CHECK(answer.find("\r\n\r\nerror 503") != std::string::npos);  // the handler's body
  }
  CHECK(log.opened().size() == 2);
  a.reset();
  CHECK(WaitUntil([&] { return streams.open() == 1; }));
  std::string got3;
  auto c = OpenStream(server.port(), true, &got3);
  CHECK(streams.open() == 2);
}

TEST_CASE("event streams: Server::Stop closes every stream it handed over") {
  StreamLog log;
  EventStreams streams(Options());
  auto server = std::make_unique<FakeServer>();
  ServeEvents(*server, streams, log);
  std::vector<std::unique_ptr<RawConnection>> clients;
  for (int i = 0; i < 4; ++i) {
    std::string got;
    const bool tls = i % 2 == 0;
    clients.push_back(OpenStream(tls ? server->port() : server->http_port(), tls, &got));
  }
  CHECK(streams.open() == 4);
  const auto start = Clock::now();
  server.reset();
  CHECK(SecondsSince(start) < 5.0);
  CHECK(streams.open() == 0);
  CHECK(log.opened().size() == 4);
  CHECK(log.AllClosedOnce());
  for (auto& c : clients) {
    std::string got;
    CHECK(ReadsToEnd(*c, &got));
  }
}

// A TlsServer under a WorkerPool of 2 threads with /events and /hello.
class PoolServer {
 public:
  PoolServer(EventStreams& streams, StreamLog& log) : dir_("/tmp/cammio-streams-XXXXXX") {
    REQUIRE(::mkdtemp(dir_.data()) != nullptr);
    const std::string cert = dir_ + "/cert.pem", key = dir_ + "/key.pem";
    REQUIRE(tls::GenerateSelfSignedCert({"localhost"}, cert, key).ok());
    auto context = tls::TlsServerContext::Load(cert, key);
    REQUIRE(context.ok());
    server_ = std::make_unique<TlsServer>(*context);
    server_->new_task_queue = [this] {
      WorkerPoolOptions o;
      o.threads = 2;
      o.running_target = 2;
      o.max_parked = 64;
      auto* pool = new WorkerPool(o);
      pool_.store(pool);
      return pool;
    };
    server_->Get("/events", [&](const httplib::Request&, httplib::Response& res) {
      AnswerEvents(streams, log, res);
    });
    server_->Get("/hello", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("hello", "text/plain");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    REQUIRE(WaitUntil([&] { return server_->is_running() && pool_.load() != nullptr; }));
  }
  ~PoolServer() {
    server_->stop();
    thread_.join();
    server_->CloseEventStreams();
    std::filesystem::remove_all(dir_);
  }
  int port() const { return port_; }
  WorkerPool& pool() { return *pool_.load(); }

 private:
  std::string dir_;
  std::unique_ptr<TlsServer> server_;
  std::atomic<WorkerPool*> pool_{nullptr};
  int port_ = 0;
  std::thread thread_;
};

TEST_CASE("event streams: 300 open TLS streams on 2 workers hold none of them") {
  StreamLog log;
  EventStreams streams(Options());
  std::vector<std::unique_ptr<RawConnection>> clients;
  {
    PoolServer server(streams, log);
    for (int i = 0; i < kManyStreams; ++i) {
      std::string got;
      clients.push_back(OpenStream(server.port(), true, &got));
    }
    CHECK(streams.open() == kManyStreams);
    // No worker serves or waits for a stream: none running, queued or parked.
    CHECK(WaitUntil([&] { return server.pool().running() == 0; }));
    CHECK(server.pool().queued() == 0);
    CHECK(server.pool().parked() == 0);

    // A normal request is answered at once.
    const auto start = Clock::now();
    RawConnection c(server.port(), true);
    REQUIRE(c.Send("GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    const std::string answer = c.ReadResponse(milliseconds(5000));
    CHECK(testing::FirstStatus(answer) == 200);
    CHECK(SecondsSince(start) < 2.0);

    // Every stream is alive: a frame to each arrives.
    for (Id id : log.opened()) CHECK(streams.Send(id, "data: all\n\n"));
    for (auto& client : clients) {
      std::string got;
      CHECK(ReadUntil(*client, &got, "data: all\n\n"));
    }
  }  // the server stops: its streams close
  CHECK(streams.open() == 0);
  CHECK(log.AllClosedOnce());
}

// The client side of the RSS test, in a child process (single-threaded):
// reads the port from `in`, opens `n` TLS event streams, writes one byte to
// `out`, then holds them until `in` says to end. Exits 0, or 2 on failure.
[[noreturn]] void StreamClients(int in, int out, int n) {
  int port = 0;
  if (::read(in, &port, sizeof port) != static_cast<ssize_t>(sizeof port)) ::_exit(2);
  std::vector<std::unique_ptr<RawConnection>> clients;
  for (int i = 0; i < n; ++i) {
    auto c = std::make_unique<RawConnection>(port, true);
    std::string got;
    if (!c->ok() || !c->Send("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n") ||
        !ReadUntil(*c, &got, kEarly)) {
      ::_exit(2);
    }
    clients.push_back(std::move(c));
  }
  const char ready = 'r';
  if (::write(out, &ready, 1) != 1) ::_exit(2);
  char end;
  (void)!::read(in, &end, 1);
  ::_exit(0);
}

TEST_CASE("event streams: 300 open TLS streams cost the server at most 16 MiB of RSS") {
  // The clients run in a child process, forked before this process starts
  // any thread, so the RSS measured here is the server's alone.
  int to_child[2], from_child[2];
  REQUIRE(::pipe(to_child) == 0);
  REQUIRE(::pipe(from_child) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) StreamClients(to_child[0], from_child[1], kManyStreams);
  StreamLog log;
  {
    EventStreams streams(Options());
    PoolServer server(streams, log);
    {  // one stream first: every thread and arena of the server is in use
      std::string got;
      auto c = OpenStream(server.port(), true, &got);
    }
    REQUIRE(WaitUntil([&] { return streams.open() == 0; }));
    const size_t before = MemoryKiB();
    const int port = server.port();
    REQUIRE(::write(to_child[1], &port, sizeof port) == static_cast<ssize_t>(sizeof port));
    char ready = 0;
    CHECK(::read(from_child[0], &ready, 1) == 1);
    CHECK(ready == 'r');
    CHECK(streams.open() == kManyStreams);
    const size_t after = MemoryKiB();
    MESSAGE("server memory for " << kManyStreams << " open TLS event streams: +" << (after - before)
                                 << " KiB (" << (after - before) * 1024 / kManyStreams
                                 << " bytes per stream)");
    CHECK(after - before <= 16 * 1024 * kManyStreams / 300);
    const char end = 'e';
    CHECK(::write(to_child[1], &end, 1) == 1);
    int status = -1;
    CHECK(::waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(WaitUntil([&] { return streams.open() == 0; }));
  }
  for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) ::close(fd);
  CHECK(log.AllClosedOnce());
}

TEST_CASE("event streams, hostile: streams opened and reset from several threads") {
  StreamLog log;
  EventStreams streams(Options(1000, 16 * 1024, milliseconds(50)));
  FakeServer server;
  ServeEvents(server, streams, log);
  const size_t sockets_before = OpenSockets();
  std::atomic<bool> done{false};
  // Frames to every stream, open or gone, all along.
  std::thread sender([&] {
    while (!done.load()) {
      for (Id id : log.opened()) streams.Send(id, "data: " + std::string(512, 'y') + "\n\n");
      std::this_thread::sleep_for(milliseconds(1));
    }
  });
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        const bool tls = (i + t) % 2 == 0;
        RawConnection c(tls ? server.port() : server.http_port(), tls);
        if (!c.ok()) continue;
        c.Send("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n");
        std::string got;
        if (i % 3 != 0) ReadUntil(c, &got, kEarly, milliseconds(3000));  // else: mid-answer
        if (i % 4 != 0) Reset(c);                                        // else: an orderly close
      }
    });
  }
  for (auto& th : clients) th.join();
  done = true;
  sender.join();
  CHECK(WaitUntil([&] { return streams.open() == 0; }, milliseconds(15000)));
  CHECK(log.AllClosedOnce());
  CHECK(log.opened().size() > 100);
  // Every socket of theirs is closed on the server too.
  CHECK(WaitUntil([&] { return OpenSockets() == sockets_before; }, milliseconds(15000)));
  // The server still serves.
  RawConnection c(server.http_port(), false);
  REQUIRE(c.Send("GET /other HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  CHECK(testing::FirstStatus(c.ReadResponse(milliseconds(5000))) == 200);
}

// Bytes waiting in `fd`'s receive queue.
int Unread(int fd) {
  int n = 0;
  ::ioctl(fd, FIONREAD, &n);
  return n;
}

// Queues `total` bytes of numbered frames on `id`; what arrives must be
// exactly Frames(total).
std::string Frames(size_t total) {
  std::string all;
  for (size_t i = 0; all.size() < total; ++i) {
    char line[64];
    std::snprintf(line, sizeof line, "data: %09zu ", i);
    all += line;
    all += std::string(1000, static_cast<char>('a' + i % 26));
    all += "\n\n";
  }
  return all;
}

// Waits until the client on `fd` has had unread bytes that stopped growing
// for 300 ms: the server's socket buffers are full and its write is pending.
bool WaitStalled(int fd) {
  int last = -1;
  auto since = Clock::now();
  const auto deadline = Clock::now() + std::chrono::seconds(15);
  while (Clock::now() < deadline) {
    const int n = Unread(fd);
    if (n != last) {
      last = n;
      since = Clock::now();
    } else if (n > 0 && Clock::now() - since > milliseconds(300)) {
      return true;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

TEST_CASE(
    "event streams, hostile: a peer that stalls a TLS write and then sends garbage or is closed "
    "holds up no other stream") {
  StreamLog log;
  EventStreams streams(Options(1000, size_t{32} << 20));
  FakeServer server;
  ServeEvents(server, streams, log);
  std::string got_a, got_b;
  auto a = OpenStream(server.port(), true, &got_a);
  const Id stalled = log.last();
  auto b = OpenStream(server.port(), true, &got_b);
  const Id other = log.last();
  REQUIRE(stalled != other);
  // More than loopback's socket buffers hold: the server's write is pending.
  const std::string big = Frames(size_t{12} << 20);
  for (size_t at = 0; at < big.size(); at += 64 * 1024) {
    REQUIRE(streams.Send(stalled, big.substr(at, 64 * 1024)));
  }
  REQUIRE(WaitStalled(a->fd()));

  // The stalled peer sends a record that is not valid TLS (what a read of
  // it answers with, an alert, must not wait for the full socket), ...
  const char garbage[] =
      "\x17\x03\x03\x00\x20"
      "0123456789abcdef0123456789abcdef";
  REQUIRE(::send(a->fd(), garbage, sizeof garbage - 1, MSG_NOSIGNAL) ==
          static_cast<ssize_t>(sizeof garbage - 1));
  std::this_thread::sleep_for(milliseconds(300));  // the streams' thread reads it
  auto start = Clock::now();
  REQUIRE(streams.Send(other, "data: one\n\n"));
  CHECK(ReadUntil(*b, &got_b, "data: one\n\n", milliseconds(12000)));
  CHECK(SecondsSince(start) < 2.0);

  // ... then the server closes it (a rejoin) and stops (CloseAll).
  start = Clock::now();
  streams.Close(stalled);
  REQUIRE(streams.Send(other, "data: two\n\n"));
  CHECK(ReadUntil(*b, &got_b, "data: two\n\n", milliseconds(12000)));
  CHECK(SecondsSince(start) < 2.0);
  start = Clock::now();
  streams.CloseAll();
  CHECK(SecondsSince(start) < 2.0);
  CHECK(log.AllClosedOnce());
  Reset(*a);
}

TEST_CASE("event streams: a slow TLS reader gets several MiB byte-exact and in order") {
  StreamLog log;
  EventStreams streams(Options(1000, size_t{16} << 20));
  FakeServer server;
  ServeEvents(server, streams, log);
  std::string got;
  auto c = OpenStream(server.port(), true, &got);
  const Id id = log.last();
  const std::string all = Frames(size_t{6} << 20);
  // Frames of varied sizes, so records and frames do not line up.
  size_t at = 0;
  for (size_t i = 0; at < all.size(); ++i) {
    const size_t len = std::min(all.size() - at, size_t{1000} + (i * 7919) % 40000);
    REQUIRE(streams.Send(id, all.substr(at, len)));
    at += len;
  }
  streams.Close(id);
  const std::string head_and_first = got;
  std::string rest;
  const auto deadline = Clock::now() + std::chrono::seconds(25);
  bool ended = false;
  while (!ended && Clock::now() < deadline) {
    ended = c->TakeAvailable(&rest);
    std::this_thread::sleep_for(milliseconds(2));  // a reader slower than the writer
  }
  CHECK(ended);
  const std::string body = head_and_first + rest;
  const size_t first = body.find(kEarly);
  REQUIRE(first != std::string::npos);
  const std::string stream = body.substr(first + sizeof kEarly - 1);
  CHECK(stream.size() == all.size());
  CHECK(stream == all);
  CHECK(WaitUntil([&] { return log.closed(id) == 1; }));
}

TEST_CASE("event streams alone: an adopted socket has TCP_USER_TIMEOUT of 2 heartbeats + 5 s") {
  const EventStreamsOptions o = Options(1000, 64 * 1024, milliseconds(15000));
  CHECK(EventStreams::TcpUserTimeout(o) == milliseconds(35000));
  EventStreams streams(o);
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(listener >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener, 1) == 0);
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const int accepted = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  REQUIRE(accepted >= 0);
  ::close(listener);
  unsigned timeout = 1;
  socklen_t size = sizeof timeout;
  REQUIRE(::getsockopt(accepted, IPPROTO_TCP, TCP_USER_TIMEOUT, &timeout, &size) == 0);
  CHECK(timeout == 0);  // the kernel's default: none

  StreamLog log;
  const Id id = streams.Reserve(log.OnClosed());
  REQUIRE(id != 0);
  streams.Adopt(id, std::make_unique<SocketTransport>(accepted));
  REQUIRE(::getsockopt(accepted, IPPROTO_TCP, TCP_USER_TIMEOUT, &timeout, &size) == 0);
  CHECK(timeout == 35000u);
  // (A peer that vanishes without FIN or RST cannot be made on loopback;
  // with the timeout, unacknowledged heartbeats make the kernel abort the
  // connection, epoll reports the error and the stream closes.)
  streams.Close(id);
  CHECK(WaitUntil([&] { return log.closed(id) == 1; }));
  ::close(client);
}

}  // namespace
}  // namespace cammio::http
