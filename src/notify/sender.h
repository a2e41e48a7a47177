// The notification sender: background threads that work off the outbox
// (notify/outbox.h), at least once, without ever blocking request handling.
//
//   - A dispatcher thread finds due deliveries and hands them to a bounded
//     pool of worker threads, at most one delivery in flight per account, so
//     a slow or dead ATS occupies one worker (for at most its timeout) and
//     never delays other accounts while workers are free.
//   - An attempt succeeds on a 2xx answer within the account's timeout.
//     Anything else (other status, timeout, refused connection, TLS failure)
//     is retried on the schedule below (Standard Webhooks' example schedule,
//     its last 10 h step repeated so the last attempt is ~3 days after the
//     first), each delay stretched by up to `jitter`; a `Retry-After` answer
//     (seconds or HTTP date) can lengthen a delay, never shorten it, capped
//     at 24 h. After the last attempt the delivery is "failed".
//   - Each attempt sends the stored request plus, from the current settings,
//     HTTP Basic credentials and the Standard Webhooks headers webhook-id
//     (stable per delivery), webhook-timestamp (per attempt) and, with a
//     signing secret, webhook-signature; TLS is verified against the
//     account's ca_pem or the system store unless verify_tls is false.
//   - Connections go only to addresses the outbound policy allows (public
//     ones, plus the operator's `outbound_allow` ranges), checked on the
//     address actually connected to (net/outbound.h).
//   - The outcome is written in one transaction; success also sets the
//     interview's datetime_synchronized. Of the answer only its status line
//     is stored (last_response): its body is never kept or shown.
//   - Pending rows survive restarts: a new Sender picks them up. A crash
//     between the ATS accepting and the outcome being written means one more
//     attempt with the same webhook-id (receivers deduplicate on it).
//
// Thread-safety: Start/Stop from one controlling thread; Kick from any.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "net/address.h"
#include "notify/outbox.h"
#include "notify/settings.h"
#include "store/store.h"
#include "util/time.h"

namespace cammio {

struct SenderOptions {
  int threads = 8;               // worker threads, clamped to 1..16
  int poll_interval_ms = 1000;   // the outbox is rescanned at least this often
  double jitter = 0.2;           // each retry delay is stretched by up to this fraction
  net::OutboundPolicy outbound;  // destinations the ATS may be at (net/address.h)
};

// Delay before the next attempt after `failed_attempts` (>= 1) failed attempts
// of a round, without jitter; nullopt when it is time to give up.
std::optional<int64_t> RetryDelaySeconds(int64_t failed_attempts);
// Attempts of a full round (the first one plus the retries).
int64_t MaxNotificationAttempts();
inline constexpr int64_t kMaxRetryAfterSeconds = 24 * 3600;
// A Retry-After value (delta-seconds or an IMF-fixdate HTTP date) as seconds
// from `now` (>= 0); nullopt when malformed.
std::optional<int64_t> ParseRetryAfter(std::string_view value, int64_t now);

// The outcome of one HTTP attempt.
struct SendResult {
  int status_code = 0;  // 0: no HTTP answer
  std::string reason;   // the answer's reason phrase, printable ASCII, at most 64 chars
  // The first 64 KiB of the answer. Never shown to the tenant (it may come
  // from any service the ATS address reaches): only StatusLine() is.
  std::string body;
  std::string error;         // transport/TLS error text; empty when an answer came
  bool not_allowed = false;  // the outbound policy refused every address of the host
  int64_t duration_ms = 0;
  std::optional<int64_t> retry_after;  // seconds, from a Retry-After header
  bool ok() const { return status_code >= 200 && status_code < 300; }
  // "503 Service Unavailable"; "" without an answer.
  std::string StatusLine() const;
};

struct SendOptions {
  net::OutboundPolicy outbound;  // where the connection may go (net/outbound.h)
  // > 0: the attempt ends after this long whatever happens (the test call);
  // connect, handshake and each read/write then wait at most half of it.
  // 0: each of those waits up to the account's timeout.
  std::chrono::milliseconds total_timeout{0};
};

// Sends `request` once, synchronously, with the per-attempt headers and the
// TLS / timeout / credential settings of `settings`, connecting only to an
// address `options.outbound` allows. Used by the Sender and by
// POST /api/settings/notifications/test.
SendResult SendNotification(const RenderedRequest& request, const NotificationSettings& settings,
                            const std::string& webhook_id, int64_t timestamp,
                            const SendOptions& options);

class Sender {
 public:
  // `store` and `clock` must outlive the Sender.
  Sender(Store& store, Clock& clock, SenderOptions options = SenderOptions());
  ~Sender();  // Stop()s.
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Starts the dispatcher and the workers. Once.
  void Start();
  // Stops dispatching; waits for attempts in flight (each bounded by its
  // account's timeout) and records their outcome. Idempotent.
  void Stop();
  // Wakes the dispatcher: something was enqueued, redelivered, or (tests)
  // the clock moved.
  void Kick();

  // Attempts made by this Sender (for tests and logs).
  uint64_t attempts() const;

 private:
  struct Job {
    NotificationDelivery delivery;
  };

  void DispatchLoop();
  void WorkerLoop();
  // Finds due deliveries for idle workers; returns when the earliest
  // pending delivery is due (nullopt: none).
  std::optional<int64_t> Dispatch();
  // One attempt and its recording; false when the store failed.
  bool Process(const NotificationDelivery& d);
  int64_t Jittered(int64_t seconds) const;

  Store& store_;
  Clock& clock_;
  SenderOptions options_;

  mutable std::mutex mu_;
  std::condition_variable dispatch_cv_;
  std::condition_variable work_cv_;
  bool started_ = false;
  bool stopping_ = false;
  bool kicked_ = false;
  int idle_ = 0;
  std::set<int64_t> busy_accounts_;  // a delivery of the account is queued or in flight
  // Accounts whose outcome could not be stored: not dispatched again before
  // this (so a failing database does not make a tight resend loop).
  std::map<int64_t, std::chrono::steady_clock::time_point> hold_until_;
  std::deque<Job> queue_;
  uint64_t attempts_ = 0;

  std::thread dispatcher_;
  std::vector<std::thread> workers_;
};

}  // namespace cammio
