// Sender: the background thread that delivers the mail outbox through each
// account's SMTP relay, so request handling never waits for a relay.
//
// A pass takes the pending mail that is due (mail of accounts without a relay
// waits, untouched, until one is configured), groups it by account, opens one
// SMTP session per account and sends the group through it, then records every
// outcome in one write:
//   sent                -> status 'sent';
//   permanent (5xx)     -> status 'failed' with the relay's answer;
//   transient (4xx, connection, TLS, timeouts)
//                       -> retried after a backoff (1 minute, doubling, at
//                          most 2 hours) until the retry window (3 days from
//                          the first attempt) has passed; then 'failed'.
// Mail of an account whose email was disabled meanwhile is marked failed
// ("email is disabled for the account") rather than sent.
//
// Delivery is at least once: a crash between the relay's "250" and the write
// that records it sends that message again after the restart (with the same
// Message-ID, so receivers can tell).
//
// The thread wakes on Kick() (call it after committing new mail), when the
// next retry is due, and every poll_interval (to notice relays configured by
// `cammio mail settings` in another process). Time decisions use the Clock;
// waiting uses real time, bounded by poll_interval.
//
// Thread-safety: all methods are thread-safe. Stop() before destroying the
// Store.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "mail/outbox.h"
#include "mail/smtp_client.h"
#include "store/store.h"
#include "util/time.h"

namespace cammio::mail {

struct SenderOptions {
  SmtpOptions smtp;
  std::chrono::milliseconds poll_interval{30000};
  int batch = 50;                             // mail read per query
  int64_t first_backoff_s = 60;
  int64_t max_backoff_s = 2 * 3600;
  int64_t retry_window_s = 3 * 24 * 3600;     // transient failures for longer: failed
  int64_t keep_sent_s = 30 * 24 * 3600;       // sent mail is deleted after this
};

class Sender {
 public:
  Sender(Store& store, Clock& clock, SenderOptions options = SenderOptions());
  ~Sender();  // Stop()s.
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Starts the thread (once).
  void Start();
  // Ends an SMTP session in progress at once (its mail stays pending and is
  // retried), then joins the thread. Idempotent.
  void Stop();
  // Wakes the thread to look for due mail now.
  void Kick();

  // One pass on the calling thread, until nothing is due. Returns the number
  // of messages attempted. Serialised with the thread's passes; for tests and
  // one-shot tools.
  int RunOnce();

  // The wait before the attempt after `attempts` attempts failed.
  static int64_t Backoff(const SenderOptions& options, int64_t attempts);

 private:
  void Loop();
  // Sends one account's due mail; returns how many were attempted.
  int SendGroup(int64_t account_id, const std::vector<OutboxMail>& group);
  std::chrono::milliseconds NextWait();

  Store& store_;
  Clock& clock_;
  const SenderOptions options_;

  std::mutex pass_mu_;  // one pass at a time
  int64_t last_prune_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  bool started_ = false;
  bool stopping_ = false;
  bool kicked_ = false;
  SmtpClient* active_ = nullptr;  // the session in progress, for Stop()
  std::thread thread_;
};

}  // namespace cammio::mail
