// Tests for src/http/event_streams.h: server-sent event streams handed from
// the worker that answered them to EventStreams' own thread. Through the
// transport (FakeServer, TLS and plain, on loopback), through a TlsServer
// with a small WorkerPool (no stream holds a worker), and EventStreams alone
// on socketpairs. Timings are generous bounds, never the thing measured.
#include "http/event_streams.h"

#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
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

// A Transport over a plain socket, for EventStreams alone.
class SocketTransport final : public Transport {
 public:
  explicit SocketTransport(int fd) : stream_(fd, 1, 0, 1, 0) {}
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
  httplib::detail::SocketStream stream_;
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

size_t RssKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoul(line.c_str() + 6, nullptr, 10);
  }
  return 0;
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
    const auto start = Clock::now();
    while (sent < (size_t{256} << 20) && SecondsSince(start) < 20) {
      if (!streams.Send(id, frame)) {
        refused = true;
        break;
      }
      sent += frame.size();
      // Slower than the streams' thread writes: what fills is the socket.
      if (sent % (32 * 1024) < frame.size()) std::this_thread::sleep_for(milliseconds(1));
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
    const size_t rss_before = RssKiB();
    for (int i = 0; i < 300; ++i) {
      std::string got;
      clients.push_back(OpenStream(server.port(), true, &got));
    }
    const size_t rss_after = RssKiB();
    MESSAGE("RSS of this process (server and client ends) for 300 TLS streams: +"
            << (rss_after - rss_before) << " KiB");
    CHECK(streams.open() == 300);
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

TEST_CASE("event streams, hostile: streams opened and reset from several threads") {
  StreamLog log;
  EventStreams streams(Options(1000, 16 * 1024, milliseconds(50)));
  FakeServer server;
  ServeEvents(server, streams, log);
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
  // The server still serves.
  RawConnection c(server.http_port(), false);
  REQUIRE(c.Send("GET /other HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  CHECK(testing::FirstStatus(c.ReadResponse(milliseconds(5000))) == 200);
}

}  // namespace
}  // namespace cammio::http
