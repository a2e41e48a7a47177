// Retention settings (retention_settings, schema 008): an account's period
// after which its completed interviews are deleted, and the lookup of the
// interviews that are due. The policy (limits, batching, the erasure itself)
// lives in ops/retention; these are its statements. Deleting a setting is
// store/erase.h's DeleteRetentionSetting.
//
// Every function takes the Db of a Store::Read or Store::Write callback;
// writers must be called from Store::Write. Errors are the SQLite error as a
// Status.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

// The longest period an account may set, in days (100 years).
inline constexpr int64_t kMaxRetentionDays = 36500;

// The rules of setting a period, shared by the CLI (ops::SetRetentionDays)
// and the console: sets (days in 1..kMaxRetentionDays) or clears (nullopt)
// the account's period. InvalidArgument for days out of range (nothing is
// written), NotFound for an unknown account. From Store::Write.
Status SetRetentionPeriod(Db& db, int64_t account_id, std::optional<int64_t> days, int64_t now);

// Sets (inserts or replaces) the account's period in days.
Status UpsertRetentionSetting(Db& db, int64_t account_id, int64_t days, int64_t now);
// The account's period, nullopt when none is set.
Result<std::optional<int64_t>> GetRetentionSetting(Db& db, int64_t account_id);
// Every (account_id, days) with a period, by account id.
Result<std::vector<std::pair<int64_t, int64_t>>> ListRetentionSettings(Db& db);
// Up to `limit` ids of the account's interviews that ended before `cutoff`,
// oldest first (index interviews_account_end).
Result<std::vector<int64_t>> DueInterviews(Db& db, int64_t account_id, int64_t cutoff,
                                           int64_t limit);

}  // namespace cammio
