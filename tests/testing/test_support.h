// Test support: temporary directories, and a real server over TLS (or, for
// the pipeline's tests, over plain HTTP alone) on a free port with a
// temporary data directory, with an account, a user and a token ready,
// talked to through the real mbedTLS client (or a plain one).
#pragma once

#include <httplib.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "api/auth_throttle.h"
#include "api/call.h"
#include "api/live.h"
#include "api/live_streams.h"
#include "api/metrics.h"
#include "api/pipeline.h"
#include "api/response_cache.h"
#include "cammio/document.h"
#include "cli/app_events.h"
#include "http/event_streams.h"
#include "http/server.h"
#include "net/address.h"
#include "store/integrity.h"
#include "store/store.h"
#include "tls/client.h"
#include "util/time.h"

namespace cammio {
class Sender;
namespace mail {
class Sender;
}
}  // namespace cammio

namespace cammio::testing {

// A fresh directory under /tmp, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Credentials {
  int64_t account_id = 0;
  int64_t user_id = 0;
  std::string email;
  std::string token;
};

// The outbound policy tests need to reach receivers on this machine:
// `outbound_allow = 127.0.0.0/8, ::1/128`.
net::OutboundPolicy AllowLoopback();

// What a test sets of a server: the transport's options (http/server.h) and
// the pipeline's.
// Starts from the settings table's defaults (cli::ServerOptionsFrom of
// DefaultConfig()), as `cammio serve` without a config file.
struct ServerOptions : http::ServerOptions {
  ServerOptions();
  std::vector<net::Cidr> trusted_proxies;  // PipelineOptions::trusted_proxies
  // TestServer: false serves the plain listener alone (no certificate), so
  // the pipeline is tested without TLS; Client() then speaks plain HTTP.
  bool tls = true;
  // The console's settings (api/call.h); the work factor is the lowest the
  // setting allows, so the many sign-ins of the tests stay cheap.
  ConsoleSettings console{8 * 3600, 7 * 86400, 10000};
};

// TestServer's options without TLS: the plain listener alone.
ServerOptions WithoutTls();

// The API pipeline over `ctx` with the server's route table (ServerRouter()),
// served by an http::Server, wired as `cammio serve` wires them: HSTS on
// the plain listener when ctx.links is https, connection metrics.
class ApiStack {
 public:
  // Counts into ctx.metrics, or into a Metrics of its own when that is null.
  ApiStack(ServerContext ctx, ServerOptions options);
  Status Start() { return server_.Start(); }
  void Stop() { server_.Stop(); }
  int port() const { return server_.port(); }
  int http_port() const { return server_.http_port(); }
  Metrics& metrics() { return *metrics_; }

 private:
  Metrics own_metrics_;
  Metrics* metrics_;
  Pipeline pipeline_;
  http::Server server_;
};

class TestServer {
 public:
  // `outbound`: where the server's ATS test calls may connect (by default,
  // like `cammio serve` without outbound_allow: public addresses only).
  // Events (api/events.h) are wired as `cammio serve` wires them
  // (cli/app_events.h): a completion queues the notification and the email;
  // the senders a test attaches with WakeOnEvents are woken after commits.
  // `store_options` (its path is replaced by the temporary directory's
  // cammio.db) lets a test choose e.g. the SQLite VFS.
  explicit TestServer(ServerOptions options = ServerOptions(),
                      net::OutboundPolicy outbound = net::OutboundPolicy(),
                      StoreOptions store_options = StoreOptions());
  ~TestServer();
  // Stops the server and closes the store, keeping the data directory (for
  // inspecting the database). Idempotent; the destructor does it too.
  void Shutdown();
  // Stops the server and closes the store (if still running), then opens the
  // same data directory again with `store_options` (its path is replaced)
  // and starts a new server on a new port with an empty response cache, like
  // a process restart. The credentials stay valid.
  void Restart(StoreOptions store_options = StoreOptions());

  // The TLS listener's port; 0 without TLS (ServerOptions::tls false).
  int port() const { return server_->port(); }
  // The plain-HTTP listener's port (options.http_listen_host set, or no
  // TLS), else 0.
  int http_port() const { return server_->http_port(); }
  Store& store() { return *store_; }
  ManualClock& clock() { return clock_; }
  const std::string& data_dir() const { return dir_.path(); }
  const std::string& cert_pem() const { return cert_pem_; }
  const Credentials& creds() const { return creds_; }
  // The response cache the server uses, as `cammio serve` does by default.
  ResponseCache& response_cache() { return *response_cache_; }
  // The integrity state /healthz and /metrics report (no check runs at start).
  DatabaseIntegrity& integrity() { return integrity_; }
  // The senders the API's events wake (null: none), like the ones `cammio
  // serve` starts. They must outlive the server, or be detached first.
  void WakeOnEvents(Sender* notifier, mail::Sender* mailer) {
    notifier_ = notifier;
    mailer_ = mailer;
  }
  // The counters the server reports to (what /metrics renders).
  Metrics& metrics() { return metrics_; }
  // The live rooms (api/live.h), made at each start with the settings
  // table's defaults (LiveSettingsFrom) over the server's event streams; its
  // ticker does not run: a test calls Tick() after moving the clock.
  LiveRooms& live() { return *live_; }

  // Creates another account with a user and token.
  Credentials NewAccount(const std::string& name, const std::string& email);
  // A client verifying the server's certificate as "localhost" (a
  // tls::TlsClient); without TLS, a plain client of the plain listener.
  std::unique_ptr<httplib::ClientImpl> Client() const;
  // A client that sends Basic credentials on every request.
  std::unique_ptr<httplib::ClientImpl> AuthedClient(const Credentials& c) const;
  std::unique_ptr<httplib::ClientImpl> AuthedClient() const { return AuthedClient(creds_); }

 private:
  void Start(StoreOptions store_options);
  void StopLive();

  TempDir dir_;
  ServerOptions options_;
  ManualClock clock_{1700000000};
  AuthThrottle throttle_;
  net::OutboundPolicy outbound_;
  std::atomic<Sender*> notifier_{nullptr};
  std::atomic<mail::Sender*> mailer_{nullptr};
  std::unique_ptr<AppEvents> events_;
  Metrics metrics_;
  std::unique_ptr<ResponseCache> response_cache_;
  DatabaseIntegrity integrity_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<http::EventStreams> event_streams_;
  std::unique_ptr<LiveTransport> live_transport_;
  std::unique_ptr<LiveRooms> live_;
  std::unique_ptr<ApiStack> server_;
  std::string cert_pem_;
  Credentials creds_;
};

// Parses a JSON response body; fails the test on bad JSON.
Value Json(const std::string& body);
std::string ReadFile(const std::string& path);
// Every member of the tar archive at `path` (a candidate export, a backup),
// name -> contents; fails the test when the archive cannot be read.
std::map<std::string, std::string> ReadTarMembers(const std::string& path);
// The database's change generation (store/store.h), read in its own read
// transaction; fails the test on an error.
int64_t CurrentGeneration(Store& store);

}  // namespace cammio::testing
