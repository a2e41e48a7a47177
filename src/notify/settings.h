// Per-account notification settings (the seed's "Settings" list plus the
// delivery options this server adds): where and how the ATS is called when a
// candidate completes an interview. Stored in notification_settings, one row
// per account; an account without a row has the defaults below (no host:
// notifications off).
//
// The password and the signing secret are stored as given (they must be sent),
// in the data directory's database (mode 0700); the API never answers them.
//
// Thread-safety: plain functions over a Db the caller holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cammio/status.h"
#include "store/db.h"
#include "store/notification_settings.h"

namespace cammio {

// NotificationSettings (the row, with its defaults): store/notification_settings.h.

inline constexpr int64_t kMinNotifyTimeoutSeconds = 1;
inline constexpr int64_t kMaxNotifyTimeoutSeconds = 60;

// The account's settings, or the defaults (account_id set, host empty) when
// none are stored.
Result<NotificationSettings> GetNotificationSettings(Db& db, int64_t account_id);
// Inserts or replaces the account's row. Validates first (see below).
Status PutNotificationSettings(Db& db, const NotificationSettings& s);

// The rules every stored settings row satisfies; PreconditionFailed naming
// the field otherwise: host syntax, endpoint (no control characters or
// fragment), method, content_type (a JSON, XML, form or text type), timeout
// range, username without ':', signing_secret shape, ca_pem parses as PEM
// certificates, soap_action (POST with an XML type), no CR/LF in anything
// that becomes a header.
Status ValidateNotificationSettings(const NotificationSettings& s);

// A fresh "whsec_" + base64 of 32 random bytes.
std::string GenerateSigningSecret();
// The HMAC key of a "whsec_..." secret (base64-decoded); false when malformed
// or shorter than 16 bytes.
bool DecodeSigningSecret(const std::string& secret, std::string* key);

}  // namespace cammio
