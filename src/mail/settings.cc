#include "mail/settings.h"

#include "store/accounts.h"
#include "store/erase.h"
#include "tls/certificate.h"

namespace cammio::mail {
namespace {

constexpr const char kSelectRelay[] =
    "SELECT account_id, host, port, security, username, password, from_address, from_name, "
    "ca_pem, verify_tls, helo_name, updated_at FROM mail_settings WHERE account_id = ?1";
constexpr const char kUpsertRelay[] =
    "INSERT INTO mail_settings (account_id, host, port, security, username, password, "
    "from_address, from_name, ca_pem, verify_tls, helo_name, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
    "ON CONFLICT (account_id) DO UPDATE SET host = excluded.host, port = excluded.port, "
    "security = excluded.security, username = excluded.username, password = excluded.password, "
    "from_address = excluded.from_address, from_name = excluded.from_name, "
    "ca_pem = excluded.ca_pem, verify_tls = excluded.verify_tls, helo_name = excluded.helo_name, "
    "updated_at = excluded.updated_at";
// A new relay gets the account's backlog at once (mail already due stays
// due), with a fresh retry window.
constexpr const char kRestartPending[] =
    "UPDATE mail_outbox SET next_attempt_at = MIN(next_attempt_at, ?2), attempts = 0, "
    "first_attempt_at = NULL, "
    "updated_at = ?2 WHERE account_id = ?1 AND status = 'pending'";
constexpr const char kSelectDisableEmail[] =
    "SELECT disable_email FROM notification_settings WHERE account_id = ?1";

bool HasLineBreakOrNul(const std::string& s) {
  return s.find_first_of(std::string("\r\n\0", 3)) != std::string::npos;
}

bool ValidHost(const std::string& h) {
  if (h.empty() || h.size() > 253) return false;
  bool colon = h.find(':') != std::string::npos;
  for (char c : h) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || (colon && c == ':');
    if (!ok) return false;
  }
  return h.front() != '.' && h.front() != '-';
}

}  // namespace

bool ParseSecurity(const std::string& text, Security* out) {
  if (text == "starttls") {
    *out = Security::kStartTls;
  } else if (text == "tls") {
    *out = Security::kTls;
  } else if (text == "none") {
    *out = Security::kNone;
  } else {
    return false;
  }
  return true;
}

const char* SecurityName(Security s) {
  switch (s) {
    case Security::kStartTls: return "starttls";
    case Security::kTls: return "tls";
    case Security::kNone: return "none";
  }
  return "starttls";
}

int DefaultPort(Security s) {
  switch (s) {
    case Security::kStartTls: return 587;
    case Security::kTls: return 465;
    case Security::kNone: return 25;
  }
  return 587;
}

Status ValidateRelaySettings(const RelaySettings& s) {
  if (!ValidHost(s.host)) {
    return Status::PreconditionFailed("host must be a host name or IP address");
  }
  if (s.port < 1 || s.port > 65535) return Status::PreconditionFailed("port must be 1..65535");
  if (!IsValidEmail(s.from_address) || HasLineBreakOrNul(s.from_address)) {
    return Status::PreconditionFailed("from must be an email address");
  }
  if (s.password && !s.username) {
    return Status::PreconditionFailed("password needs a user");
  }
  if (s.username && (s.username->empty() || HasLineBreakOrNul(*s.username))) {
    return Status::PreconditionFailed("user must be one line of text");
  }
  if (s.password && HasLineBreakOrNul(*s.password)) {
    return Status::PreconditionFailed("password must be one line of text");
  }
  if (s.from_name && HasLineBreakOrNul(*s.from_name)) {
    return Status::PreconditionFailed("from_name must be one line of text");
  }
  if (s.helo_name && !ValidHost(*s.helo_name)) {
    return Status::PreconditionFailed("helo_name must be a host name");
  }
  if (s.ca_pem && !tls::CheckCaPem(*s.ca_pem).usable) {
    return Status::PreconditionFailed("ca_pem holds no usable PEM certificate");
  }
  return Status::OK();
}

Result<RelaySettings> GetRelaySettings(Db& db, int64_t account_id) {
  Stmt st = db.Prepare(kSelectRelay);
  st.Bind(1, account_id);
  Status s;
  if (!st.Step(&s)) {
    if (!s.ok()) return s;
    return Status::NotFound("no relay configured");
  }
  RelaySettings r;
  r.account_id = st.Int(0);
  r.host = st.Text(1);
  r.port = static_cast<int>(st.Int(2));
  if (!ParseSecurity(st.Text(3), &r.security)) r.security = Security::kStartTls;
  r.username = st.OptText(4);
  r.password = st.OptText(5);
  r.from_address = st.Text(6);
  r.from_name = st.OptText(7);
  r.ca_pem = st.OptText(8);
  r.verify_tls = st.Int(9) != 0;
  r.helo_name = st.OptText(10);
  r.updated_at = st.Int(11);
  return r;
}

Status PutRelaySettings(Db& db, const RelaySettings& r, int64_t now) {
  Status s = ValidateRelaySettings(r);
  if (!s.ok()) return s;
  s = db.Prepare(kUpsertRelay)
          .Bind(1, r.account_id)
          .Bind(2, r.host)
          .Bind(3, r.port)
          .Bind(4, SecurityName(r.security))
          .Bind(5, r.username)
          .Bind(6, r.password)
          .Bind(7, r.from_address)
          .Bind(8, r.from_name)
          .Bind(9, r.ca_pem)
          .Bind(10, r.verify_tls ? 1 : 0)
          .Bind(11, r.helo_name)
          .Bind(12, now)
          .Run();
  if (!s.ok()) return s;
  return db.Prepare(kRestartPending).Bind(1, r.account_id).Bind(2, now).Run();
}

Status DeleteRelaySettings(Db& db, int64_t account_id) {
  return DeleteMailRelay(db, account_id);
}

Result<bool> EmailDisabled(Db& db, int64_t account_id) {
  Stmt st = db.Prepare(kSelectDisableEmail);
  st.Bind(1, account_id);
  Status s;
  if (st.Step(&s)) return st.Int(0) != 0;
  if (!s.ok()) return s;
  return false;
}

}  // namespace cammio::mail
