// `cammio serve`.
#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "api/auth_throttle.h"
#include "api/live.h"
#include "api/live_streams.h"
#include "api/metrics.h"
#include "api/pipeline.h"
#include "api/response_cache.h"
#include "cli/app_events.h"
#include "cli/cli.h"
#include "cli/server_options.h"
#include "cli/server_router.h"
#include "config/public_links.h"
#include "http/server.h"
#include "mail/sender.h"
#include "net/address.h"
#include "notify/sender.h"
#include "ops/data_lock.h"
#include "ops/metrics_handler.h"
#include "ops/retention.h"
#include "store/accounts.h"
#include "store/integrity.h"
#include "tls/certificate.h"
#include "util/log.h"
#include "util/version.h"
#include "web/error_page.h"

namespace cammio {
namespace {

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// localhost, the host name, the host of public_url (the name links give
// candidates: their browsers check it) and the `hostnames` setting. A host
// name or public_url host that cannot be a certificate name (an '_', an IPv6
// zone) is left out with a warning rather than keeping the server from
// starting; the `hostnames` setting is the operator's explicit list and is
// checked strictly by GenerateSelfSignedCert.
std::vector<std::string> CertificateNames(const Config& config) {
  std::vector<std::string> names = {"localhost"};
  auto add_found = [&names](const std::string& name, const char* what) {
    if (name.empty() || std::find(names.begin(), names.end(), name) != names.end()) return;
    if (!tls::IsCertificateName(name)) {
      LogWarn(std::string("the certificate leaves out the ") + what + " '" + name +
              "': not a DNS name or IP address");
      return;
    }
    names.push_back(name);
  };
  add_found(UrlHost(config.public_url), "public_url host");
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) == 0) add_found(host, "host name");
  std::string list = config.hostnames;
  size_t start = 0;
  while (start < list.size()) {
    size_t comma = list.find(',', start);
    std::string name = list.substr(start, comma == std::string::npos ? comma : comma - start);
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(name);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return names;
}

// Resolves the certificate files, generating a self-signed pair on first
// start when none is configured. Prints the SHA-256 fingerprint.
Status PrepareCertificate(const Config& config, std::string* cert, std::string* key) {
  *cert = config.tls_cert;
  *key = config.tls_key;
  if (cert->empty() != key->empty()) {
    return Status::InvalidArgument("tls_cert and tls_key must be configured together");
  }
  if (cert->empty()) {
    std::string dir = config.data_dir + "/tls";
    Status s = EnsureDataDir(dir);
    if (!s.ok()) return s;
    *cert = dir + "/cert.pem";
    *key = dir + "/key.pem";
    if (!FileExists(*cert) || !FileExists(*key)) {
      s = tls::GenerateSelfSignedCert(CertificateNames(config), *cert, *key);
      if (!s.ok()) return s;
      LogInfo("generated a self-signed certificate " + *cert);
    }
  }
  auto fp = tls::CertificateFingerprintSha256(*cert);
  if (!fp.ok()) return fp.status();
  std::cerr << "TLS certificate " << *cert << "\nSHA-256 fingerprint " << *fp << "\n";
  return Status::OK();
}

PipelineOptions PipelineOptionsFrom(const Config& c) {
  PipelineOptions o;
  // Validated when the setting was read.
  if (auto proxies = net::ParseCidrList(c.trusted_proxies); proxies.ok()) {
    o.trusted_proxies = *proxies;
  }
  o.error_presenter = web::PresentErrorPage;
  return o;
}

LogLevel ParseLevel(const std::string& s) {
  if (s == "debug") return LogLevel::kDebug;
  if (s == "warn") return LogLevel::kWarn;
  if (s == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

}  // namespace

int RunServe(const Config& config) {
  // Signals are taken synchronously by this thread (sigwait), so block them
  // before any other thread exists; the threads inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  // glibc gives each of the 32 request threads its own malloc arena, and each
  // keeps the memory its largest answer needed: under load that doubled the
  // RSS (84 MiB against 55 MiB with one arena per core; see tools/bench).
  // One per core was too few the other way: an arena's lock is held by a
  // thread the scheduler can preempt, and the mixed load of tools/bench
  // then made 2.3 futex calls per request, 1.3 with four arenas per core,
  // for 3 MiB more peak RSS (34 against 37 MiB).
  mallopt(M_ARENA_MAX, static_cast<int>(4 * std::max(1u, std::thread::hardware_concurrency())));
  SetLogLevel(ParseLevel(config.log_level));

  // One server per data directory; `cammio restore` checks the same lock.
  Status dd = EnsureDataDir(config.data_dir);
  if (!dd.ok()) {
    std::cerr << "cammio: " << dd.details() << "\n";
    return 1;
  }
  auto lock = ops::DataDirLock::Acquire(config.data_dir);  // held until return
  if (!lock.ok()) {
    std::cerr << "cammio: " << lock.status().details() << "\n";
    return 1;
  }
  auto store = OpenDataStore(config);
  if (!store.ok()) {
    std::cerr << "cammio: " << store.status().details() << "\n";
    return 1;
  }
  // PRAGMA quick_check in the background: a large database does not delay
  // the start; a damaged one is logged and shown by /healthz and /metrics.
  // Never destroyed: stopping the server does not wait for a check that is
  // still reading a large file.
  static DatabaseIntegrity* const integrity = new DatabaseIntegrity();
  integrity->StartCheck(config.data_dir + "/cammio.db");
  http::ServerOptions options = ServerOptionsFrom(config);
  Status s = PrepareCertificate(config, &options.cert_file, &options.key_file);
  if (!s.ok()) {
    std::cerr << "cammio: " << s.details() << "\n";
    return 1;
  }
  AuthThrottle throttle;
  auto outbound_allow = net::ParseCidrList(config.outbound_allow);  // validated when read
  const net::OutboundPolicy outbound(outbound_allow.ok() ? *outbound_allow
                                                         : std::vector<net::Cidr>());
  ServerContext ctx;
  ctx.outbound = outbound;  // the tenants' ATS test calls
  ctx.store = store->get();
  ctx.clock = &SystemClock();
  ctx.throttle = &throttle;
  Metrics metrics;  // /metrics: requests, cache lookups, connections
  ctx.metrics = &metrics;
  ResponseCache response_cache(static_cast<size_t>(config.response_cache_kib) * 1024);
  if (config.response_cache_kib > 0) ctx.response_cache = &response_cache;
  ctx.integrity = integrity;
  ctx.data_dir = config.data_dir;
  ctx.links = PublicLinks(config.public_url, options.listen_port);
  // Completion notifications towards the ATS and email (mail/): their
  // outbox rows are written in the transactions of the events that cause
  // them; the senders are woken after the commit (api/events.h).
  SenderOptions notify_options;
  notify_options.outbound = outbound;
  Sender notifier(**store, SystemClock(), notify_options);
  mail::Sender mailer(**store, SystemClock());
  AppEvents events(
      ctx.links, [&notifier] { notifier.Kick(); }, [&mailer] { mailer.Kick(); });
  ctx.events = &events;
  // Live interviews: the rooms and their signalling streams (api/live.h),
  // which hold no request thread (http/event_streams.h).
  http::EventStreamsOptions stream_options;
  stream_options.max_streams = static_cast<size_t>(config.live_max_streams);
  http::EventStreams event_streams(stream_options);
  EventStreamsTransport live_transport(event_streams);
  LiveRooms live(**store, SystemClock(), events, live_transport, LiveSettingsFrom(config));
  ctx.live = &live;
  ctx.console.idle_seconds = int64_t{config.console_idle_minutes} * 60;
  ctx.console.absolute_seconds = int64_t{config.console_session_hours} * 3600;
  ctx.console.password_iterations = config.password_iterations;
  live.Start();
  notifier.Start();
  mailer.Start();
  ops::SetMetricsToken(config.metrics_token);
  ops::RetentionWorker retention(store->get(), config.data_dir, &SystemClock());
  retention.Start();
  // HSTS on the plain listener when browsers reach it over HTTPS (a
  // TLS-terminating proxy in front).
  options.hsts_on_plain_http = ctx.links.https();
  Pipeline pipeline(ctx, ServerRouter(), PipelineOptionsFrom(config));
  http::Server server(options, pipeline, MetricsObserver(metrics));
  s = server.Start();
  if (!s.ok()) {
    std::cerr << "cammio: " << s.details() << "\n";
    return 1;
  }
  LogInfo(std::string("cammio ") + CammioVersion() + " listening on https://" +
          options.listen_host + ":" + std::to_string(server.port()) +
          (server.http_port() ? " and http://" + options.http_listen_host + ":" +
                                    std::to_string(server.http_port())
                              : std::string()) +
          " (data " + config.data_dir + ", schema v" + std::to_string((*store)->schema_version()) +
          ")");
  int sig = 0;
  sigwait(&signals, &sig);
  LogInfo(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
          ", finishing requests in flight");
  server.Stop();
  live.Stop();
  event_streams.CloseAll();
  notifier.Stop();  // waits for attempts in flight (each at most its timeout)
  mailer.Stop();    // ends an SMTP session in progress; its mail stays pending
  retention.Stop();
  (*store)->Close();
  LogInfo("stopped cleanly");
  return 0;
}

}  // namespace cammio
