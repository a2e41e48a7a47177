#include "store/mail_settings.h"

namespace cammio {
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

}  // namespace

Result<MailRelayRow> SelectMailRelay(Db& db, int64_t account_id) {
  Stmt st = db.Prepare(kSelectRelay);
  st.Bind(1, account_id);
  Status s;
  if (!st.Step(&s)) {
    if (!s.ok()) return s;
    return Status::NotFound("no relay configured");
  }
  MailRelayRow r;
  r.account_id = st.Int(0);
  r.host = st.Text(1);
  r.port = static_cast<int>(st.Int(2));
  r.security = st.Text(3);
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

Status UpsertMailRelay(Db& db, const MailRelayRow& r, int64_t now) {
  Status s = db.Prepare(kUpsertRelay)
                 .Bind(1, r.account_id)
                 .Bind(2, r.host)
                 .Bind(3, r.port)
                 .Bind(4, r.security)
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

Result<bool> SelectEmailDisabled(Db& db, int64_t account_id) {
  Stmt st = db.Prepare(kSelectDisableEmail);
  st.Bind(1, account_id);
  Status s;
  if (st.Step(&s)) return st.Int(0) != 0;
  if (!s.ok()) return s;
  return false;
}

}  // namespace cammio
