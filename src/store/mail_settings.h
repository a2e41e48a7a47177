// The statements of mail_settings (per-account SMTP relays) and of the
// account's "disable email" flag (notification_settings.disable_email). The
// rules (validation, the security names, defaults) live in mail/settings.h;
// these read and write the rows as stored.
//
// Every function takes the Db of a Store::Read or Store::Write callback;
// writers must be called from Store::Write. Deleting a relay is
// store/erase.h's DeleteMailRelay.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

// A mail_settings row as stored (`security` is "starttls" | "tls" | "none").
struct MailRelayRow {
  int64_t account_id = 0;
  std::string host;
  int port = 0;
  std::string security;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::string from_address;
  std::optional<std::string> from_name;
  std::optional<std::string> ca_pem;
  bool verify_tls = true;
  std::optional<std::string> helo_name;
  int64_t updated_at = 0;
};

// The account's row; NotFound ("no relay configured") when there is none.
Result<MailRelayRow> SelectMailRelay(Db& db, int64_t account_id);
// Inserts or replaces the account's row (updated_at = now), then makes the
// account's pending mail due at once with a fresh retry window (attempts 0,
// no first attempt), so a new relay gets the backlog.
Status UpsertMailRelay(Db& db, const MailRelayRow& r, int64_t now);
// The account's disable_email flag; false when it has no notification
// settings row.
Result<bool> SelectEmailDisabled(Db& db, int64_t account_id);

}  // namespace cammio
