// Per-account SMTP relay settings (table mail_settings) and the account's
// "disable email" switch. An account without relay settings keeps its email
// in the outbox, pending, until a relay is configured (air-gapped demo
// appliances); nothing is lost.
//
// The password is stored as given (it must be sent to the relay) in the data
// directory's database (mode 0700) and is never printed.
//
// Thread-safety: plain functions over a Db the caller holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio::mail {

enum class Security {
  kStartTls,  // plain connect, then STARTTLS (required: never falls back)
  kTls,       // TLS from the first byte ("SMTPS", port 465)
  kNone,      // no TLS at all (lab relays, localhost)
};

// "starttls" | "tls" | "none"; false for anything else.
bool ParseSecurity(const std::string& text, Security* out);
const char* SecurityName(Security s);
// 587 for STARTTLS, 465 for TLS, 25 for none.
int DefaultPort(Security s);

struct RelaySettings {
  int64_t account_id = 0;
  std::string host;
  int port = 587;
  Security security = Security::kStartTls;
  std::optional<std::string> username;  // AUTH PLAIN / LOGIN when set
  std::optional<std::string> password;
  std::string from_address;
  std::optional<std::string> from_name;
  // PEM of the CA certificate(s) the relay's certificate must chain to; none:
  // the system store (/etc/ssl/certs/ca-certificates.crt).
  std::optional<std::string> ca_pem;
  // false: accept any certificate (lab relays only). The connection is still
  // encrypted, but not authenticated.
  bool verify_tls = true;
  // EHLO argument; none: this machine's host name.
  std::optional<std::string> helo_name;
  int64_t updated_at = 0;
};

// The account's relay, or NotFound when none is configured.
Result<RelaySettings> GetRelaySettings(Db& db, int64_t account_id);
// Validates, then inserts or replaces the account's row. Pending mail of the
// account becomes due at once (so a new relay gets the backlog), and its
// retry window starts afresh.
Status PutRelaySettings(Db& db, const RelaySettings& s, int64_t now);
// Removes the account's relay (its mail then waits again). NotFound if none.
Status DeleteRelaySettings(Db& db, int64_t account_id);

// PreconditionFailed naming the field: host (a DNS name or IP address),
// port 1..65535, from_address (an email address), a password only with a
// username, username/password/from_name/helo_name without CR/LF or NUL,
// ca_pem holding at least one PEM certificate that mbedTLS parses.
Status ValidateRelaySettings(const RelaySettings& s);

// The one place that decides whether an account's email is suppressed: the
// `disable_email` flag of its notification settings (the seed's "Disable
// email: set when an ATS partner handles all outgoing email"). No settings
// row: email is on.
Result<bool> EmailDisabled(Db& db, int64_t account_id);

}  // namespace cammio::mail
