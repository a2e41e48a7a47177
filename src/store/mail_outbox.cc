#include "store/mail_outbox.h"

#include <algorithm>

#include "store/erase.h"

namespace cammio::mail {
namespace {

// last_error as shown: pending mail of an account without a relay says so,
// whatever an earlier relay answered.
#define MAIL_COLUMNS                                                                       \
  "o.id, o.account_id, o.kind, o.ref_id, o.to_address, o.to_name, o.reply_to, o.subject, " \
  "o.message_id, o.status, o.attempts, o.first_attempt_at, o.next_attempt_at, "            \
  "CASE WHEN o.status = 'pending' AND NOT EXISTS "                                         \
  "(SELECT 1 FROM mail_settings s WHERE s.account_id = o.account_id) "                     \
  "THEN 'no relay configured' ELSE o.last_error END, "                                     \
  "o.created_at, o.updated_at, o.sent_at"

constexpr const char kInsertMail[] =
    "INSERT INTO mail_outbox (account_id, kind, ref_id, to_address, to_name, reply_to, subject, "
    "body_text, body_html, message_id, status, attempts, next_attempt_at, last_error, "
    "created_at, updated_at, calendar) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
    "'pending', 0, ?11, CASE WHEN EXISTS (SELECT 1 FROM mail_settings WHERE account_id = ?1) "
    "THEN NULL ELSE 'no relay configured' END, ?11, ?11, ?12)";
constexpr const char kSelectMail[] =
    "SELECT " MAIL_COLUMNS
    ", o.body_text, o.body_html, o.calendar FROM mail_outbox o WHERE o.id = ?1";
// Due mail is looked up per account with a relay, on the partial index
// mail_outbox_pending (schema/012): the pending mail of accounts without a
// relay, however much there is, is never walked.
constexpr const char kRelayAccounts[] = "SELECT account_id FROM mail_settings ORDER BY account_id";
constexpr const char kListDueOfAccount[] =
    "SELECT " MAIL_COLUMNS
    ", o.body_text, o.body_html, o.calendar FROM mail_outbox o "
    "WHERE o.account_id = ?1 AND o.status = 'pending' AND o.next_attempt_at <= ?2 "
    "ORDER BY o.next_attempt_at, o.id LIMIT ?3";
constexpr const char kNextDue[] =
    "SELECT MIN((SELECT MIN(o.next_attempt_at) FROM mail_outbox o "
    "WHERE o.account_id = s.account_id AND o.status = 'pending')) FROM mail_settings s";
constexpr const char kMarkSent[] =
    "UPDATE mail_outbox SET status = 'sent', attempts = attempts + 1, "
    "first_attempt_at = COALESCE(first_attempt_at, ?2), last_error = NULL, sent_at = ?2, "
    "updated_at = ?2 WHERE id = ?1 AND status = 'pending'";
constexpr const char kMarkRetry[] =
    "UPDATE mail_outbox SET attempts = attempts + 1, "
    "first_attempt_at = COALESCE(first_attempt_at, ?2), next_attempt_at = ?3, last_error = ?4, "
    "updated_at = ?2 WHERE id = ?1 AND status = 'pending'";
constexpr const char kMarkFailed[] =
    "UPDATE mail_outbox SET status = 'failed', attempts = attempts + 1, "
    "first_attempt_at = COALESCE(first_attempt_at, ?2), last_error = ?3, updated_at = ?2 "
    "WHERE id = ?1 AND status = 'pending'";
constexpr const char kListMail[] =
    "SELECT " MAIL_COLUMNS
    ", '', '', NULL FROM mail_outbox o "
    "WHERE (?1 IS NULL OR o.status = ?1) AND (?2 IS NULL OR o.account_id = ?2) "
    "ORDER BY o.id LIMIT ?3";

#undef MAIL_COLUMNS

OutboxMail ReadMail(const Stmt& st) {
  OutboxMail m;
  m.id = st.Int(0);
  m.account_id = st.Int(1);
  m.kind = st.Text(2);
  m.ref_id = st.Int(3);
  m.to_address = st.Text(4);
  m.to_name = st.OptText(5);
  m.reply_to = st.OptText(6);
  m.subject = st.Text(7);
  m.message_id = st.Text(8);
  m.status = st.Text(9);
  m.attempts = st.Int(10);
  m.first_attempt_at = st.OptInt(11);
  m.next_attempt_at = st.Int(12);
  m.last_error = st.OptText(13);
  m.created_at = st.Int(14);
  m.updated_at = st.Int(15);
  m.sent_at = st.OptInt(16);
  m.body_text = st.Text(17);
  m.body_html = st.Text(18);
  m.calendar = st.OptText(19);
  return m;
}

}  // namespace

Status InsertMail(Db& db, OutboxMail* m) {
  Status s = db.Prepare(kInsertMail)
                 .Bind(1, m->account_id)
                 .Bind(2, m->kind)
                 .Bind(3, m->ref_id)
                 .Bind(4, m->to_address)
                 .Bind(5, m->to_name)
                 .Bind(6, m->reply_to)
                 .Bind(7, m->subject)
                 .Bind(8, m->body_text)
                 .Bind(9, m->body_html)
                 .Bind(10, m->message_id)
                 .Bind(11, m->created_at)
                 .Bind(12, m->calendar)
                 .Run();
  if (!s.ok()) return s;
  m->id = db.LastInsertId();
  m->status = "pending";
  m->next_attempt_at = m->updated_at = m->created_at;
  return Status::OK();
}

Result<OutboxMail> GetMail(Db& db, int64_t id) {
  Stmt st = db.Prepare(kSelectMail);
  st.Bind(1, id);
  Status s;
  if (st.Step(&s)) return ReadMail(st);
  if (!s.ok()) return s;
  return Status::NotFound("mail " + std::to_string(id));
}

Status ListDueMail(Db& db, int64_t now, int limit, std::vector<OutboxMail>* out) {
  std::vector<int64_t> accounts;
  Status s;
  {
    Stmt st = db.Prepare(kRelayAccounts);
    while (st.Step(&s)) accounts.push_back(st.Int(0));
  }
  // The first `limit` of each account hold the first `limit` of all of them.
  std::vector<OutboxMail> due;
  for (size_t i = 0; s.ok() && i < accounts.size(); ++i) {
    Stmt st = db.Prepare(kListDueOfAccount);
    st.Bind(1, accounts[i]).Bind(2, now).Bind(3, limit);
    while (st.Step(&s)) due.push_back(ReadMail(st));
  }
  if (!s.ok()) return s;
  std::sort(due.begin(), due.end(), [](const OutboxMail& a, const OutboxMail& b) {
    return a.next_attempt_at != b.next_attempt_at ? a.next_attempt_at < b.next_attempt_at
                                                  : a.id < b.id;
  });
  if (limit >= 0 && due.size() > static_cast<size_t>(limit)) due.resize(limit);
  for (auto& m : due) out->push_back(std::move(m));
  return Status::OK();
}

Result<std::optional<int64_t>> NextDueTime(Db& db) {
  Stmt st = db.Prepare(kNextDue);
  Status s;
  std::optional<int64_t> next;
  if (st.Step(&s)) next = st.OptInt(0);
  if (!s.ok()) return s;
  return next;
}

Status MarkMailSent(Db& db, int64_t id, int64_t now) {
  return db.Prepare(kMarkSent).Bind(1, id).Bind(2, now).Run();
}

Status MarkMailRetry(Db& db, int64_t id, int64_t now, int64_t next_attempt_at,
                     const std::string& error) {
  return db.Prepare(kMarkRetry)
      .Bind(1, id)
      .Bind(2, now)
      .Bind(3, next_attempt_at)
      .Bind(4, error)
      .Run();
}

Status MarkMailFailed(Db& db, int64_t id, int64_t now, const std::string& error) {
  return db.Prepare(kMarkFailed).Bind(1, id).Bind(2, now).Bind(3, error).Run();
}

Status ListMail(Db& db, const MailFilter& f, std::vector<OutboxMail>* out) {
  Stmt st = db.Prepare(kListMail);
  st.Bind(1, f.status).Bind(2, f.account_id).Bind(3, f.limit);
  Status s;
  while (st.Step(&s)) out->push_back(ReadMail(st));
  return s;
}

Status PruneSentMail(Db& db, int64_t before) { return DeleteSentMailBefore(db, before); }

}  // namespace cammio::mail
