#include "store/notification_settings.h"

namespace cammio {
namespace {

constexpr const char kSelectSettings[] =
    "SELECT account_id, host, endpoint, method, query_params, body_msg, content_type, username, "
    "password, ssl, disable_email, signing_secret, ca_pem, verify_tls, timeout_seconds, "
    "soap_action, updated_at FROM notification_settings WHERE account_id = ?1";
constexpr const char kUpsertSettings[] =
    "INSERT INTO notification_settings (account_id, host, endpoint, method, query_params, "
    "body_msg, content_type, username, password, ssl, disable_email, signing_secret, ca_pem, "
    "verify_tls, timeout_seconds, soap_action, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) "
    "ON CONFLICT (account_id) DO UPDATE SET host = ?2, endpoint = ?3, method = ?4, "
    "query_params = ?5, body_msg = ?6, content_type = ?7, username = ?8, password = ?9, "
    "ssl = ?10, disable_email = ?11, signing_secret = ?12, ca_pem = ?13, verify_tls = ?14, "
    "timeout_seconds = ?15, soap_action = ?16, updated_at = ?17";

}  // namespace

Status SelectNotificationSettings(Db& db, int64_t account_id, NotificationSettings* s) {
  Stmt st = db.Prepare(kSelectSettings);
  st.Bind(1, account_id);
  Status status;
  if (!st.Step(&status)) return status;
  s->host = st.OptText(1);
  s->endpoint = st.OptText(2);
  s->method = st.Text(3);
  s->query_params = st.Int(4) != 0;
  s->body_msg = st.OptText(5);
  s->content_type = st.Text(6);
  s->username = st.OptText(7);
  s->password = st.OptText(8);
  s->ssl = st.Int(9) != 0;
  s->disable_email = st.Int(10) != 0;
  s->signing_secret = st.OptText(11);
  s->ca_pem = st.OptText(12);
  s->verify_tls = st.Int(13) != 0;
  s->timeout_seconds = st.Int(14);
  s->soap_action = st.OptText(15);
  s->updated_at = st.Int(16);
  return Status::OK();
}

Status UpsertNotificationSettings(Db& db, const NotificationSettings& s) {
  return db.Prepare(kUpsertSettings)
      .Bind(1, s.account_id)
      .Bind(2, s.host)
      .Bind(3, s.endpoint)
      .Bind(4, s.method)
      .Bind(5, s.query_params ? 1 : 0)
      .Bind(6, s.body_msg)
      .Bind(7, s.content_type)
      .Bind(8, s.username)
      .Bind(9, s.password)
      .Bind(10, s.ssl ? 1 : 0)
      .Bind(11, s.disable_email ? 1 : 0)
      .Bind(12, s.signing_secret)
      .Bind(13, s.ca_pem)
      .Bind(14, s.verify_tls ? 1 : 0)
      .Bind(15, s.timeout_seconds)
      .Bind(16, s.soap_action)
      .Bind(17, s.updated_at)
      .Run();
}

}  // namespace cammio
