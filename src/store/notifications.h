// The statements of the notifications table (the webhook outbox: one row per
// completed interview, schema 005). notify/outbox.h builds deliveries from
// these rows (headers as JSON, the rendered request) and decides the retry
// schedule; these read and write the rows as stored.
//
// Every function takes the Db of a Store::Read or Store::Write callback;
// writers must be called from Store::Write. Errors are the SQLite error as a
// Status unless stated.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

// A notifications row as stored (`headers_json`: the request's headers as
// notify/outbox.cc writes them; `body` is stored as a blob).
struct NotificationRow {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t interview_id = 0;
  std::string webhook_id;
  std::string status = "pending";
  std::string method, url, headers_json, body;
  int64_t attempts = 0;
  int64_t round_attempts = 0;
  std::optional<int64_t> next_attempt_at, last_attempt_at;
  std::optional<int64_t> last_status_code;
  std::optional<std::string> last_response, last_error;
  int64_t created_at = 0;
  std::optional<int64_t> delivered_at;
  int64_t updated_at = 0;
};

// What a completion notification is made of: the interview's account and its
// invitation's callback_params (nullopt when the invitation has none).
struct CompletionSource {
  int64_t account_id = 0;
  std::optional<std::string> callback_params;
};
// nullopt when there is no such interview or it has no invitation.
Result<std::optional<CompletionSource>> SelectCompletionSource(Db& db, int64_t interview_id);

// Inserts the row (attempts 0, updated_at = created_at) unless the interview
// has one already. The new id, or 0 when it had one.
Result<int64_t> InsertNotificationRow(Db& db, const NotificationRow& r);
// The account's row; NotFound ("no notification with id N") otherwise.
Result<NotificationRow> SelectNotificationRow(Db& db, int64_t account_id, int64_t id);
// The account's rows created in [from, to] (either open) by id, limit/offset
// (limit -1: all), appended to *out; *total: how many match without
// limit/offset.
Status ListNotificationRows(Db& db, int64_t account_id, std::optional<int64_t> from,
                            std::optional<int64_t> to, int64_t limit, int64_t offset,
                            std::vector<NotificationRow>* out, int64_t* total);
// Accounts with pending rows due at `now`, appended to *accounts.
Status SelectDueNotificationAccounts(Db& db, int64_t now, std::vector<int64_t>* accounts);
// The account's first pending row due at `now` (by due time, id).
Result<std::optional<NotificationRow>> SelectNextDueNotification(Db& db, int64_t account_id,
                                                                 int64_t now);
// The earliest next_attempt_at of any pending row.
Result<std::optional<int64_t>> SelectNextNotificationTime(Db& db);

// Counts a successful attempt on a pending row still in round
// `round_attempts`: delivered at `at`. true when a row changed.
Result<bool> MarkNotificationDelivered(Db& db, int64_t account_id, int64_t id, int64_t at,
                                       std::optional<int64_t> status_code,
                                       const std::string& response, int64_t round_attempts);
// Counts a failed attempt on a pending row still in round `round_attempts`:
// `status` ("pending" or "failed") and the next due time (nullopt: none).
Status MarkNotificationAttempt(Db& db, int64_t account_id, int64_t id, const char* status,
                               std::optional<int64_t> next_attempt_at, int64_t at,
                               std::optional<int64_t> status_code, const std::string& response,
                               const std::string& error, int64_t round_attempts);
// Makes the row pending again, due at `now`, with a new round. true when the
// account has that row.
Result<bool> ResetNotificationRound(Db& db, int64_t account_id, int64_t id, int64_t now);

}  // namespace cammio
