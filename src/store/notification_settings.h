// The notification settings of an account (table notification_settings,
// one row per account) as stored, with the defaults an account without a row
// has, and their two statements. The rules (validation, the signing secret)
// live in notify/settings.h.
//
// Every function takes the Db of a Store::Read or Store::Write callback;
// writers must be called from Store::Write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

struct NotificationSettings {
  int64_t account_id = 0;
  // "api.ats.example", "https://api.ats.example:8443", optionally with a base
  // path. Without a scheme, `ssl` decides between https and http.
  std::optional<std::string> host;
  std::optional<std::string> endpoint;  // "/hooks/cammio?id={{employee_id}}"
  std::string method = "POST";          // GET | POST | PUT
  bool query_params = false;            // all callback params on the query string
  std::optional<std::string> body_msg;  // template with {{name}} placeholders
  std::string content_type = "application/json";
  std::optional<std::string> username, password;  // HTTP Basic towards the ATS
  bool ssl = true;
  bool disable_email = false;                 // the ATS sends all candidate email itself
  std::optional<std::string> signing_secret;  // "whsec_" + base64 (Standard Webhooks)
  std::optional<std::string> ca_pem;          // trust anchors for the ATS's certificate
  bool verify_tls = true;
  int64_t timeout_seconds = 10;
  std::optional<std::string> soap_action;
  int64_t updated_at = 0;

  // Notifications are sent only when a host is configured.
  bool configured() const { return host && !host->empty(); }
};

// Fills *s (all but account_id) from the account's row; leaves *s as it is
// when the account has none. The SQLite error otherwise.
Status SelectNotificationSettings(Db& db, int64_t account_id, NotificationSettings* s);
// Inserts or replaces s.account_id's row, as given (no validation).
Status UpsertNotificationSettings(Db& db, const NotificationSettings& s);

}  // namespace cammio
