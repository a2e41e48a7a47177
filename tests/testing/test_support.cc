#include "testing/test_support.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/server_options.h"
#include "cli/server_router.h"
#include "config/config.h"
#include "mail/sender.h"
#include "notify/sender.h"
#include "ops/tar.h"
#include "store/accounts.h"
#include "testing/exchange_recorder.h"
#include "tls/certificate.h"
#include "util/crypto.h"
#include "web/error_page.h"

namespace cammio::testing {

TempDir::TempDir() {
  char tmpl[] = "/tmp/cammio-test-XXXXXX";
  char* p = mkdtemp(tmpl);
  REQUIRE(p != nullptr);
  path_ = p;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int64_t CurrentGeneration(Store& store) {
  int64_t g = 0;
  Status s = store.Read([&](Db& db) {
    auto r = ChangeGeneration(db);
    if (r.ok()) g = r.value();
    return r.status();
  });
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return g;
}

std::map<std::string, std::string> ReadTarMembers(const std::string& path) {
  std::map<std::string, std::string> members;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  ops::TarReader tar(fd, path);
  for (;;) {
    ops::TarEntry e;
    bool more = false;
    Status s = tar.Next(&e, &more);
    if (!s.ok() || !more) {
      ::close(fd);
      REQUIRE_MESSAGE(s.ok(), s.ToString());
      return members;
    }
    std::string data;
    s = tar.ReadData(
        [&](const char* d, size_t n) {
          data.append(d, n);
          return Status::OK();
        },
        nullptr);
    if (!s.ok()) ::close(fd);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    members[e.name] = std::move(data);
  }
}

Value Json(const std::string& body) {
  auto v = ParseJson(body);
  INFO("body: " << body);
  REQUIRE(v.ok());
  return v.value();
}

net::OutboundPolicy AllowLoopback() {
  auto ranges = net::ParseCidrList("127.0.0.0/8, ::1/128");
  REQUIRE(ranges.ok());
  return net::OutboundPolicy(*ranges);
}

ServerOptions::ServerOptions() : http::ServerOptions(ServerOptionsFrom(DefaultConfig())) {}

ServerOptions WithoutTls() {
  ServerOptions o;
  o.tls = false;
  return o;
}

namespace {

PipelineOptions PipelineOptionsOf(const ServerOptions& o) {
  PipelineOptions p;
  p.trusted_proxies = o.trusted_proxies;
  p.error_presenter = web::PresentErrorPage;
  return p;
}

ServerContext WithMetrics(ServerContext ctx, Metrics* own) {
  if (ctx.metrics == nullptr) ctx.metrics = own;
  return ctx;
}

http::ServerOptions TransportOptionsOf(const ServerContext& ctx, const ServerOptions& o) {
  http::ServerOptions t = o;
  t.hsts_on_plain_http = ctx.links.https();
  return t;
}

}  // namespace

ApiStack::ApiStack(ServerContext ctx, ServerOptions options)
    : metrics_(ctx.metrics != nullptr ? ctx.metrics : &own_metrics_),
      pipeline_(WithMetrics(ctx, metrics_), ServerRouter(), PipelineOptionsOf(options)),
      server_(TransportOptionsOf(ctx, options), pipeline_, MetricsObserver(*metrics_)) {}

TestServer::TestServer(ServerOptions options, net::OutboundPolicy outbound, StoreOptions so)
    : options_(std::move(options)), outbound_(std::move(outbound)) {
  options_.listen_host = "127.0.0.1";
  options_.listen_port = 0;
  if (options_.tls) {
    std::string cert = dir_.path() + "/cert.pem", key = dir_.path() + "/key.pem";
    REQUIRE(tls::GenerateSelfSignedCert({"localhost"}, cert, key).ok());
    cert_pem_ = ReadFile(cert);
    options_.cert_file = cert;
    options_.key_file = key;
  } else {
    options_.cert_file.clear();
    options_.key_file.clear();
    options_.http_listen_host = "127.0.0.1";
    options_.http_listen_port = 0;
  }
  if (options_.workers == ServerOptions().workers) options_.workers = 8;
  Start(std::move(so));
}

void TestServer::Restart(StoreOptions so) {
  server_->Stop();
  StopLive();
  store_->Close();
  server_.reset();
  store_.reset();
  Start(std::move(so));
}

void TestServer::Start(StoreOptions so) {
  so.path = dir_.path() + "/cammio.db";
  auto store = Store::Open(so);
  REQUIRE(store.ok());
  store_ = std::move(store.value());
  if (creds_.token.empty()) creds_ = NewAccount("Test Agency", "recruiter@agency.test");
  ServerContext ctx;
  ctx.store = store_.get();
  ctx.clock = &clock_;
  ctx.throttle = &throttle_;
  ctx.metrics = &metrics_;
  response_cache_ = std::make_unique<ResponseCache>(4 << 20);
  ctx.response_cache = response_cache_.get();
  ctx.integrity = &integrity_;
  ctx.links = PublicLinks("https://cammio.test");
  ctx.data_dir = dir_.path();
  ctx.outbound = outbound_;
  events_ = std::make_unique<AppEvents>(
      ctx.links,
      [this] {
        if (Sender* s = notifier_.load()) s->Kick();
      },
      [this] {
        if (mail::Sender* m = mailer_.load()) m->Kick();
      });
  ctx.events = events_.get();
  event_streams_ = std::make_unique<http::EventStreams>(http::EventStreamsOptions());
  live_transport_ = std::make_unique<EventStreamsTransport>(*event_streams_);
  live_ = std::make_unique<LiveRooms>(*store_, clock_, *events_, *live_transport_,
                                      LiveSettingsFrom(DefaultConfig()));
  ctx.live = live_.get();
  ctx.console = options_.console;
  live_->Recover();  // as LiveRooms::Start in `cammio serve`; the ticker does not run
  server_ = std::make_unique<ApiStack>(ctx, options_);
  Status s = server_->Start();
  INFO(s.ToString());
  REQUIRE(s.ok());
}

TestServer::~TestServer() { Shutdown(); }

void TestServer::StopLive() {
  if (event_streams_) event_streams_->CloseAll();  // their callbacks reach live_
  live_.reset();
  live_transport_.reset();
  event_streams_.reset();
}

void TestServer::Shutdown() {
  if (server_) server_->Stop();
  StopLive();
  if (store_) store_->Close();
}

Credentials TestServer::NewAccount(const std::string& name, const std::string& email) {
  Credentials c;
  c.email = email;
  Status s = store_->Write([&](Db& db) {
    auto a = CreateAccount(db, name, clock_.Now());
    if (!a.ok()) return a.status();
    auto u = CreateUser(db, a->id, email, name + " Recruiter", "+31 6 1234 5678", clock_.Now());
    if (!u.ok()) return u.status();
    auto t = CreateToken(db, u->id, clock_.Now(), nullptr);
    if (!t.ok()) return t.status();
    c.account_id = a->id;
    c.user_id = u->id;
    c.token = *t;
    return Status::OK();
  });
  REQUIRE(s.ok());
  return c;
}

std::unique_ptr<httplib::ClientImpl> TestServer::Client() const {
  std::unique_ptr<httplib::ClientImpl> c;
  if (options_.tls) {
    tls::TlsClientOptions o;
    o.ca_pem = cert_pem_;
    o.server_name = "localhost";
    c = std::make_unique<tls::TlsClient>("127.0.0.1", port(), o);
  } else {
    c = std::make_unique<httplib::ClientImpl>("127.0.0.1", http_port());
  }
  c->set_keep_alive(true);
  c->set_read_timeout(10, 0);
  RecordExchanges(*c);  // with CAMMIO_OPENAPI_RECORD set (testing/exchange_recorder.h)
  return c;
}

std::unique_ptr<httplib::ClientImpl> TestServer::AuthedClient(const Credentials& cr) const {
  auto c = Client();
  // Not set_basic_auth: cpp-httplib 0.11.4's base64 encoder has undefined
  // behaviour (a negative shift) that the sanitizer build aborts on.
  c->set_default_headers({{"Authorization", "Basic " + Base64Encode(cr.email + ":" + cr.token)}});
  return c;
}

}  // namespace cammio::testing
