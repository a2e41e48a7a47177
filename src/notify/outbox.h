// The notification outbox: one durable row per completed interview whose
// invitation carried callback_params, holding the rendered request and the
// delivery state (pending -> delivered | failed). Rows are added inside the
// completion's own write transaction (EnqueueCompletionNotification), so a
// completion and its notification are committed together or not at all; the
// Sender (notify/sender.h) works them off, also after a restart.
//
// Every query is scoped by account except the sender's scan for due work
// (DueAccounts / NextDueTime), which returns account ids that the following
// per-account calls are then scoped by.
//
// Thread-safety: plain functions over a Db the caller holds; writers run
// inside Store::Write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "config/public_links.h"
#include "notify/render.h"
#include "store/db.h"

namespace cammio {

struct NotificationDelivery {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t interview_id = 0;
  std::string webhook_id;          // "msg_..." sent as webhook-id on every attempt
  std::string status = "pending";  // pending | delivered | failed
  RenderedRequest request;
  int64_t attempts = 0;        // attempts ever made
  int64_t round_attempts = 0;  // attempts since the schedule last (re)started
  std::optional<int64_t> next_attempt_at, last_attempt_at;
  std::optional<int64_t> last_status_code;
  std::optional<std::string> last_response, last_error;
  int64_t created_at = 0;
  std::optional<int64_t> delivered_at;
  int64_t updated_at = 0;
};

// Called by the completion path inside its Store::Write, right after
// CompleteInvitation: when the interview's invitation carried callback_params
// and the account has a host configured, renders the request and adds a
// pending delivery due `now`. Does nothing otherwise (OK). A request that
// cannot be rendered is stored as a failed delivery with the reason, rather
// than failing the candidate's completion. Calling it twice for one
// interview adds one delivery.
Status EnqueueCompletionNotification(Db& db, int64_t interview_id, const PublicLinks& links,
                                     int64_t now);

// A new delivery id: "msg_" + 26 random base32 characters.
std::string NewWebhookId();

// Inserts `d` (id set on return).
Status InsertDelivery(Db& db, NotificationDelivery* d);
// NotFound when not in the account.
Result<NotificationDelivery> GetDelivery(Db& db, int64_t account_id, int64_t id);

struct DeliveryFilter {
  std::optional<int64_t> from, to;  // on created_at
  int64_t limit = -1, offset = 0;
};
// Ordered by id; *total is the count before limit/offset.
Status ListDeliveries(Db& db, int64_t account_id, const DeliveryFilter& f,
                      std::vector<NotificationDelivery>* out, int64_t* total);

// Accounts with a pending delivery due at `now` (any order).
Status DueAccounts(Db& db, int64_t now, std::vector<int64_t>* accounts);
// The account's pending delivery due soonest, if due at `now`.
Result<std::optional<NotificationDelivery>> NextDueDelivery(Db& db, int64_t account_id,
                                                            int64_t now);
// When the earliest pending delivery is due (nullopt: none pending).
Result<std::optional<int64_t>> NextDueTime(Db& db);

// The outcome of one attempt, as the sender records it.
struct AttemptRecord {
  int64_t at = 0;
  int status_code = 0;   // 0: no HTTP answer
  std::string response;  // cut to 500 bytes by RecordAttempt
  std::string error;     // empty on success
  bool delivered = false;
  std::optional<int64_t> next_attempt_at;  // when not delivered: nullopt means give up
};
// Applies the outcome to a pending delivery: attempts + 1 and last_*; then
// delivered (and the interview's datetime_synchronized set, in this same
// transaction), pending again at next_attempt_at, or failed. A delivery that
// is no longer pending (redelivered meanwhile, ...) is left alone.
Status RecordAttempt(Db& db, const NotificationDelivery& d, const AttemptRecord& a);

// A delivered or failed delivery back to pending, due now, with a fresh
// schedule and the same webhook id; a pending one is made due now.
// NotFound when not in the account.
Status RedeliverDelivery(Db& db, int64_t account_id, int64_t id, int64_t now);

}  // namespace cammio
