#include "notify/sender.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "net/outbound.h"
#include "store/interviews.h"
#include "tls/client.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/random.h"

namespace cammio {
namespace {

// Standard Webhooks' example schedule (after the immediate first attempt:
// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), with the 10 h step repeated so
// that the last attempt comes ~2.8 days (up to ~3.4 with jitter) after the first.
constexpr int64_t kRetrySchedule[] = {5,     300,   1800,  7200,  18000, 36000,
                                      36000, 36000, 36000, 36000, 36000};
constexpr size_t kRetrySteps = sizeof kRetrySchedule / sizeof kRetrySchedule[0];

constexpr size_t kBodyKeep = 64 * 1024;       // kept of an answer
constexpr size_t kBodyReadMax = 1024 * 1024;  // read of an answer before giving up on it
constexpr int kMaxThreads = 16;
constexpr int kStoreFailureHoldSeconds = 30;

int MonthIndex(std::string_view m) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) {
    if (m == kMonths[i]) return i + 1;
  }
  return 0;
}

bool Digits(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 12) return false;
  int64_t v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// scheme://authority/path?query -> the pieces a client needs.
struct Target {
  bool https = false;
  std::string host;  // without IPv6 brackets
  int port = 0;
  std::string path;  // "/..." with the query
};

Result<Target> ParseTarget(const std::string& url) {
  size_t sep = url.find("://");
  if (sep == std::string::npos) return Status::InvalidArgument("not an absolute URL: " + url);
  size_t slash = url.find('/', sep + 3);
  std::string authority = url.substr(0, slash);
  auto hp = ParseHost(authority, true);
  if (!hp.ok()) return Status::InvalidArgument("bad URL " + url + ": " + hp.status().details());
  Target t;
  t.https = hp->scheme == "https";
  t.host = hp->host;
  if (t.host.size() >= 2 && t.host.front() == '[') t.host = t.host.substr(1, t.host.size() - 2);
  t.port = hp->port;
  t.path = slash == std::string::npos ? "/" : url.substr(slash);
  return t;
}

// Closed and filtered ports (and unknown hosts) read the same: the tenant
// learns no more about a destination than that it could not be reached.
std::string DescribeError(httplib::Error e, const std::string& host, int port) {
  std::string where = host + ":" + std::to_string(port);
  switch (e) {
    case httplib::Error::Connection:
    case httplib::Error::ConnectionTimeout:
      return "could not connect to " + where + " (no such host, refused, unreachable or timed out)";
    case httplib::Error::Read:
      return "no answer from " + where + " within the timeout, or the connection was closed";
    case httplib::Error::Write:
      return "sending the request to " + where + " failed";
    case httplib::Error::SSLConnection:
      return "the TLS handshake with " + where + " failed";
    case httplib::Error::SSLServerVerification:
      return "the certificate of " + where + " could not be verified";
    case httplib::Error::SSLLoadingCerts:
      return "the trusted certificates could not be loaded";
    default:
      return "the request to " + where + " failed (" + httplib::to_string(e) + ")";
  }
}

// Where connections may go, and what happened when one was refused.
struct Connector {
  const net::OutboundPolicy& policy;
  bool not_allowed = false;

  socket_t Connect(const std::string& host, int port, std::chrono::microseconds timeout,
                   httplib::Error& error) {
    auto c = net::ConnectOutbound(host, port, policy,
                                  std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
    if (c.kind == net::OutboundConnection::Kind::kOk) return c.fd;
    not_allowed = c.kind == net::OutboundConnection::Kind::kNotAllowed;
    if (not_allowed) LogWarn("outbound connection refused by the policy: " + c.detail);
    error = httplib::Error::Connection;
    return INVALID_SOCKET;
  }
};

// Plain HTTP through the Connector (cpp-httplib would resolve and connect
// by itself).
class PolicyClient : public httplib::ClientImpl {
 public:
  PolicyClient(const std::string& host, int port, Connector& connector)
      : httplib::ClientImpl(host, port), connector_(connector) {}

 protected:
  bool create_and_connect_socket(Socket& socket, httplib::Error& error) override {
    socket.sock = connector_.Connect(host_, port_,
                                     std::chrono::seconds(connection_timeout_sec_) +
                                         std::chrono::microseconds(connection_timeout_usec_),
                                     error);
    return socket.sock != INVALID_SOCKET;
  }

 private:
  Connector& connector_;
};

// Stops `client` (its socket is shut down, so every wait ends) once `after`
// has passed, unless destroyed first.
class Watchdog {
 public:
  Watchdog(httplib::ClientImpl& client, std::chrono::milliseconds after) {
    if (after.count() <= 0) return;
    thread_ = std::thread([this, &client, after] {
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, after, [this] { return done_; })) return;
      fired_ = true;
      lock.unlock();
      client.stop();
    });
  }
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  bool fired() {
    std::lock_guard<std::mutex> lock(mu_);
    return fired_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  bool fired_ = false;
  std::thread thread_;
};

// A reason phrase fit to show: printable ASCII, at most 64 characters.
std::string CleanReason(const std::string& reason) {
  std::string out;
  for (char c : reason) {
    if (out.size() >= 64) break;
    if (c >= 0x20 && c < 0x7f) out += c;
  }
  return out;
}

}  // namespace

std::string SendResult::StatusLine() const {
  if (status_code <= 0) return "";
  return std::to_string(status_code) + (reason.empty() ? "" : " " + reason);
}

std::optional<int64_t> RetryDelaySeconds(int64_t failed_attempts) {
  if (failed_attempts < 1 || static_cast<size_t>(failed_attempts) > kRetrySteps) {
    return std::nullopt;
  }
  return kRetrySchedule[failed_attempts - 1];
}

int64_t MaxNotificationAttempts() { return static_cast<int64_t>(kRetrySteps) + 1; }

std::optional<int64_t> ParseRetryAfter(std::string_view value, int64_t now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  int64_t seconds = 0;
  if (Digits(value, &seconds)) return seconds;
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
  if (value.size() != 29 || value.substr(3, 2) != ", " || value.substr(25) != " GMT") {
    return std::nullopt;
  }
  int64_t day = 0, year = 0, hh = 0, mm = 0, ss = 0;
  int month = MonthIndex(value.substr(8, 3));
  if (!Digits(value.substr(5, 2), &day) || value[7] != ' ' || month == 0 || value[11] != ' ' ||
      !Digits(value.substr(12, 4), &year) || value[16] != ' ' ||
      !Digits(value.substr(17, 2), &hh) || value[19] != ':' || !Digits(value.substr(20, 2), &mm) ||
      value[22] != ':' || !Digits(value.substr(23, 2), &ss)) {
    return std::nullopt;
  }
  if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  int64_t at =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      hh * 3600 + mm * 60 + ss;
  return std::max<int64_t>(0, at - now);
}

SendResult SendNotification(const RenderedRequest& request, const NotificationSettings& settings,
                            const std::string& webhook_id, int64_t timestamp,
                            const SendOptions& options) {
  SendResult out;
  auto started = std::chrono::steady_clock::now();
  auto finish = [&]() {
    out.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
    return out;
  };
  auto target = ParseTarget(request.url);
  if (!target.ok()) {
    out.error = target.status().details();
    return finish();
  }
  Connector connector{options.outbound};
  std::unique_ptr<httplib::ClientImpl> client;
  tls::TlsClient* tls = nullptr;
  if (target->https) {
    tls::TlsClientOptions o;
    o.ca_pem = settings.ca_pem.value_or("");
    o.verify = settings.verify_tls;
    auto c = std::make_unique<tls::TlsClient>(target->host, target->port, o);
    if (!c->is_valid()) {
      out.error = "TLS setup failed: " + c->load_error();
      return finish();
    }
    c->set_connect([&connector](const std::string& host, int port,
                                std::chrono::microseconds timeout, httplib::Error& error) {
      return connector.Connect(host, port, timeout, error);
    });
    tls = c.get();
    client = std::move(c);
  } else {
    client = std::make_unique<PolicyClient>(target->host, target->port, connector);
  }
  std::chrono::microseconds phase = std::chrono::seconds(settings.timeout_seconds);
  if (options.total_timeout.count() > 0) {
    phase = std::min<std::chrono::microseconds>(phase, options.total_timeout / 2);
  }
  const auto sec = std::chrono::duration_cast<std::chrono::seconds>(phase);
  const auto usec = phase - sec;
  client->set_connection_timeout(sec.count(), usec.count());
  client->set_read_timeout(sec.count(), usec.count());
  client->set_write_timeout(sec.count(), usec.count());
  client->set_keep_alive(false);
  client->set_url_encode(false);  // the URL was encoded when it was rendered
  client->set_follow_location(false);

  httplib::Request req;
  req.method = request.method;
  req.path = target->path;
  for (const auto& [name, value] : request.headers) req.set_header(name, value);
  if (settings.username && !settings.username->empty()) {
    // Not ClientImpl::set_basic_auth: httplib's base64 (0.18.7) shifts a signed
    // int out of range (undefined behaviour the sanitizer build aborts on).
    req.set_header("Authorization", "Basic " + Base64Encode(*settings.username + ":" +
                                                            settings.password.value_or("")));
  }
  req.set_header("webhook-id", webhook_id);
  req.set_header("webhook-timestamp", std::to_string(timestamp));
  std::string key;
  if (settings.signing_secret && DecodeSigningSecret(*settings.signing_secret, &key)) {
    req.set_header("webhook-signature", WebhookSignature(key, webhook_id, timestamp, request.body));
  }
  req.body = request.body;
  size_t read = 0;
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    read += n;
    if (out.body.size() < kBodyKeep) {
      out.body.append(data, std::min(n, kBodyKeep - out.body.size()));
    }
    return read <= kBodyReadMax;
  };

  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  bool sent = false;
  bool cut_short = false;
  {
    Watchdog watchdog(*client, options.total_timeout);
    sent = client->send(req, res, error);
    cut_short = watchdog.fired();
  }
  if (res.status > 0) {
    out.status_code = res.status;
    out.reason = CleanReason(res.reason);
    if (res.has_header("Retry-After")) {
      out.retry_after = ParseRetryAfter(res.get_header_value("Retry-After"), timestamp);
    }
  }
  if (!sent) {
    if (out.status_code > 0 && error == httplib::Error::Canceled) {
      // The answer's status and headers came; its body was too large to read.
      out.error = "the answer's body is larger than " + std::to_string(kBodyReadMax) + " bytes";
    } else if (connector.not_allowed) {
      out.status_code = 0;
      out.not_allowed = true;
      out.error = "destination not allowed: " + target->host +
                  " is not a public address (the operator can allow address ranges with the "
                  "outbound_allow setting)";
    } else if (cut_short) {
      out.status_code = 0;
      out.error = "no complete answer from " + target->host + ":" + std::to_string(target->port) +
                  " within " + std::to_string(options.total_timeout.count()) + " ms";
    } else {
      out.status_code = 0;
      out.error = DescribeError(error, target->host, target->port);
      if (tls != nullptr && (error == httplib::Error::SSLConnection ||
                             error == httplib::Error::SSLServerVerification)) {
        out.error += ": " + tls->last_tls_error();
      }
    }
  }
  return finish();
}

Sender::Sender(Store& store, Clock& clock, SenderOptions options)
    : store_(store), clock_(clock), options_(options) {
  options_.threads = std::clamp(options_.threads, 1, kMaxThreads);
  options_.poll_interval_ms = std::max(options_.poll_interval_ms, 10);
  options_.jitter = std::clamp(options_.jitter, 0.0, 1.0);
}

Sender::~Sender() { Stop(); }

void Sender::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (started_) return;
    started_ = true;
    idle_ = options_.threads;
  }
  for (int i = 0; i < options_.threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  dispatcher_ = std::thread([this] { DispatchLoop(); });
}

void Sender::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!started_ || stopping_) return;
    stopping_ = true;
  }
  dispatch_cv_.notify_all();
  work_cv_.notify_all();
  if (dispatcher_.joinable()) dispatcher_.join();
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
}

void Sender::Kick() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    kicked_ = true;
  }
  dispatch_cv_.notify_all();
}

uint64_t Sender::attempts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return attempts_;
}

std::optional<int64_t> Sender::Dispatch() {
  int64_t now = clock_.Now();
  int free_workers = 0;
  std::set<int64_t> busy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_workers = idle_ - static_cast<int>(queue_.size());
    busy = busy_accounts_;
    auto steady_now = std::chrono::steady_clock::now();
    for (auto it = hold_until_.begin(); it != hold_until_.end();) {
      if (it->second <= steady_now) {
        it = hold_until_.erase(it);
      } else {
        busy.insert(it->first);
        ++it;
      }
    }
  }
  std::vector<Job> jobs;
  std::optional<int64_t> next_due;
  Status s = store_.Read([&](Db& db) {
    if (free_workers > 0) {
      std::vector<int64_t> accounts;
      Status st = DueAccounts(db, now, &accounts);
      if (!st.ok()) return st;
      for (int64_t account : accounts) {
        if (static_cast<int>(jobs.size()) >= free_workers) break;
        if (busy.count(account)) continue;
        auto d = NextDueDelivery(db, account, now);
        if (!d.ok()) return d.status();
        if (d->has_value()) jobs.push_back(Job{std::move(**d)});
      }
    }
    auto due = NextDueTime(db);
    if (!due.ok()) return due.status();
    next_due = *due;
    return Status::OK();
  });
  if (!s.ok()) {
    LogError("notification sender: scanning the outbox failed: " + s.ToString());
    return std::nullopt;
  }
  if (!jobs.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& job : jobs) {
      if (stopping_ || busy_accounts_.count(job.delivery.account_id)) continue;
      busy_accounts_.insert(job.delivery.account_id);
      queue_.push_back(std::move(job));
    }
    work_cv_.notify_all();
  }
  return next_due;
}

void Sender::DispatchLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    kicked_ = false;
    lock.unlock();
    int64_t now = clock_.Now();
    std::optional<int64_t> next_due = Dispatch();
    lock.lock();
    auto wait = std::chrono::milliseconds(options_.poll_interval_ms);
    if (next_due && *next_due > now) {
      wait = std::min<std::chrono::milliseconds>(wait, std::chrono::seconds(*next_due - now));
    }
    dispatch_cv_.wait_for(lock, wait, [&] { return stopping_ || kicked_; });
  }
}

void Sender::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;  // queued deliveries stay pending in the outbox
    Job job = std::move(queue_.front());
    queue_.pop_front();
    --idle_;
    lock.unlock();
    bool stored = Process(job.delivery);
    lock.lock();
    if (!stored) {
      hold_until_[job.delivery.account_id] =
          std::chrono::steady_clock::now() + std::chrono::seconds(kStoreFailureHoldSeconds);
    }
    ++attempts_;
    ++idle_;
    busy_accounts_.erase(job.delivery.account_id);
    kicked_ = true;
    dispatch_cv_.notify_all();
  }
}

int64_t Sender::Jittered(int64_t seconds) const {
  if (options_.jitter <= 0) return seconds;
  uint32_t r = 0;
  RandomFill(&r, sizeof r);
  double u = static_cast<double>(r) / 4294967296.0;  // [0, 1)
  return seconds + static_cast<int64_t>(static_cast<double>(seconds) * options_.jitter * u);
}

bool Sender::Process(const NotificationDelivery& d) {
  NotificationSettings settings;
  Status s = store_.Read([&](Db& db) {
    auto got = GetNotificationSettings(db, d.account_id);
    if (!got.ok()) return got.status();
    settings = std::move(got.value());
    return Status::OK();
  });
  if (!s.ok()) {
    LogError("notification " + std::to_string(d.id) + ": reading settings failed: " + s.ToString());
    return false;  // stays pending; retried after the hold
  }
  AttemptRecord rec;
  std::string what = "notification " + std::to_string(d.id) + " (" + d.webhook_id + ", account " +
                     std::to_string(d.account_id) + ") " + d.request.method + " " + d.request.url;
  if (!settings.configured()) {
    rec.at = clock_.Now();
    rec.error = "notifications are no longer configured for this account (no host)";
  } else {
    SendOptions send_options;
    send_options.outbound = options_.outbound;
    SendResult r = SendNotification(d.request, settings, d.webhook_id, clock_.Now(), send_options);
    rec.at = clock_.Now();
    rec.status_code = r.status_code;
    rec.response = r.StatusLine();  // never the body: see SendResult
    rec.delivered = r.ok();         // a 2xx is acceptance, even if its body was too large to read
    if (!rec.delivered) {
      rec.error = !r.error.empty() ? r.error : "the ATS answered " + std::to_string(r.status_code);
      if (auto delay = RetryDelaySeconds(d.round_attempts + 1)) {
        int64_t wait = Jittered(*delay);
        if (r.retry_after) wait = std::max(wait, std::min(*r.retry_after, kMaxRetryAfterSeconds));
        rec.next_attempt_at = rec.at + wait;
      }
    }
  }
  s = store_.Write([&](Db& db) { return RecordAttempt(db, d, rec); });
  if (!s.ok()) {
    LogError(what + ": recording the attempt failed (it will be repeated): " + s.ToString());
    return false;
  }
  if (rec.delivered) {
    LogInfo(what + " delivered (" + std::to_string(rec.status_code) + ")");
  } else if (rec.next_attempt_at) {
    LogWarn(what + " failed: " + rec.error + "; next attempt at " +
            FormatUtc(*rec.next_attempt_at));
  } else {
    LogWarn(what + " failed for good after " + std::to_string(d.attempts + 1) +
            " attempts: " + rec.error);
  }
  return true;
}

}  // namespace cammio
