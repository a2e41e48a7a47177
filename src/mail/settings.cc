#include "mail/settings.h"

#include "store/accounts.h"
#include "store/erase.h"
#include "store/mail_settings.h"
#include "tls/ca_pem.h"

namespace cammio::mail {
namespace {

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
    case Security::kStartTls:
      return "starttls";
    case Security::kTls:
      return "tls";
    case Security::kNone:
      return "none";
  }
  return "starttls";
}

int DefaultPort(Security s) {
  switch (s) {
    case Security::kStartTls:
      return 587;
    case Security::kTls:
      return 465;
    case Security::kNone:
      return 25;
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
  auto row = SelectMailRelay(db, account_id);
  if (!row.ok()) return row.status();
  RelaySettings r;
  r.account_id = row->account_id;
  r.host = row->host;
  r.port = row->port;
  if (!ParseSecurity(row->security, &r.security)) r.security = Security::kStartTls;
  r.username = row->username;
  r.password = row->password;
  r.from_address = row->from_address;
  r.from_name = row->from_name;
  r.ca_pem = row->ca_pem;
  r.verify_tls = row->verify_tls;
  r.helo_name = row->helo_name;
  r.updated_at = row->updated_at;
  return r;
}

Status PutRelaySettings(Db& db, const RelaySettings& r, int64_t now) {
  Status s = ValidateRelaySettings(r);
  if (!s.ok()) return s;
  MailRelayRow row;
  row.account_id = r.account_id;
  row.host = r.host;
  row.port = r.port;
  row.security = SecurityName(r.security);
  row.username = r.username;
  row.password = r.password;
  row.from_address = r.from_address;
  row.from_name = r.from_name;
  row.ca_pem = r.ca_pem;
  row.verify_tls = r.verify_tls;
  row.helo_name = r.helo_name;
  return UpsertMailRelay(db, row, now);
}

Status DeleteRelaySettings(Db& db, int64_t account_id) { return DeleteMailRelay(db, account_id); }

Result<bool> EmailDisabled(Db& db, int64_t account_id) {
  return SelectEmailDisabled(db, account_id);
}

}  // namespace cammio::mail
