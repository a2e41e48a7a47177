#include "store/invitations.h"

namespace cammio {
namespace {

// v.num_questions is kept by the triggers of schema/017. Only a live
// invitation shows when each was first in the room (api/invitations.cc), so
// the other kinds skip the two lookups. `email` is the candidate's email:
// c.email through the join, or the row's own copy (schema/022).
#define INVITATION_COLUMNS(email)                                                             \
  "SELECT i.id, i.account_id, i.vacancy_id, i.candidate_id, i.recruiter_id, i.status, "       \
  "i.datetime_scheduled, i.datetime_scheduled_ts, " email                                     \
  ", i.candidate_name, "                                                                      \
  "i.candidate_phone, i.candidate_gender, i.interviewer_name, i.interviewer_email, "          \
  "i.callback_params, i.redirect_url, i.token, i.created_at, i.updated_at, v.title, v.kind, " \
  "v.scope, v.reference_id, v.num_questions, "                                                \
  "CASE WHEN v.kind = 'live' THEN (SELECT p.first_at FROM live_presence p "                   \
  "WHERE p.invitation_id = i.id AND p.participant = 'candidate') END, "                       \
  "CASE WHEN v.kind = 'live' THEN (SELECT p.first_at FROM live_presence p "                   \
  "WHERE p.invitation_id = i.id AND p.participant = 'interviewer') END "
#define INVITATION_SELECT                                          \
  INVITATION_COLUMNS("c.email")                                    \
  "FROM invitations i JOIN candidates c ON c.id = i.candidate_id " \
  "JOIN vacancies v ON v.id = i.vacancy_id "
// A vacancy's open invitations: every column from the covering index
// invitations_open_rows (schema/022), no table row and no candidates row.
// tests/ops/open_invitation_rows_test.cc checks the plan.
#define OPEN_INVITATION_SELECT            \
  INVITATION_COLUMNS("i.candidate_email") \
  "FROM invitations i JOIN vacancies v ON v.id = i.vacancy_id "

// Two shapes of the same filter so each can use its index (a prepared
// `(?2 IS NULL OR i.vacancy_id = ?2)` would scan the whole account).
#define INVITATION_TAIL                                \
  "AND (?3 IS NULL OR i.datetime_scheduled_ts >= ?3) " \
  "AND (?4 IS NULL OR i.datetime_scheduled_ts <= ?4) AND (?5 IS NULL OR i.updated_at >= ?5) "
#define INVITATION_BY_ACCOUNT \
  "WHERE i.account_id = ?1 AND i.status = 'open' AND ?2 IS NULL " INVITATION_TAIL
#define INVITATION_BY_VACANCY \
  "WHERE i.vacancy_id = ?2 AND i.status = 'open' AND i.account_id = ?1 " INVITATION_TAIL

constexpr const char kSelectInvitation[] =
    INVITATION_SELECT "WHERE i.account_id = ?1 AND i.id = ?2 AND i.status != 'revoked'";
constexpr const char kSelectInviter[] =
    "SELECT u.name, u.email FROM invitations i JOIN users u ON u.id = i.recruiter_id "
    "WHERE i.account_id = ?1 AND i.id = ?2";
constexpr const char kSelectInvitationByToken[] = INVITATION_SELECT "WHERE i.token = ?1";
constexpr const char kListByAccount[] =
    INVITATION_SELECT INVITATION_BY_ACCOUNT "ORDER BY i.id LIMIT ?6 OFFSET ?7";
constexpr const char kListByVacancy[] =
    OPEN_INVITATION_SELECT INVITATION_BY_VACANCY "ORDER BY i.id LIMIT ?6 OFFSET ?7";
constexpr const char kCountByAccount[] =
    "SELECT COUNT(*) FROM invitations i " INVITATION_BY_ACCOUNT;
constexpr const char kCountByVacancy[] =
    "SELECT COUNT(*) FROM invitations i " INVITATION_BY_VACANCY;
constexpr const char kVacancyOpenInvitations[] =
    "SELECT num_open_invitations FROM vacancies WHERE id = ?2 AND account_id = ?1";
constexpr const char kFindCandidate[] =
    "SELECT id FROM candidates WHERE account_id = ?1 AND email = ?2";
constexpr const char kInsertCandidate[] =
    "INSERT INTO candidates (account_id, email, name, phone, gender, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char kUpdateCandidate[] =
    "UPDATE candidates SET name = ?2, phone = ?3, gender = ?4 WHERE id = ?1";
constexpr const char kInsertInvitation[] =
    "INSERT INTO invitations (account_id, vacancy_id, candidate_id, recruiter_id, status, "
    "datetime_scheduled, datetime_scheduled_ts, candidate_name, candidate_phone, "
    "candidate_gender, interviewer_name, interviewer_email, callback_params, redirect_url, "
    "token, created_at, updated_at, candidate_email) VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?6, ?7, "
    "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
constexpr const char kUpdateInvitation[] =
    "UPDATE invitations SET candidate_id = ?3, datetime_scheduled = ?4, "
    "datetime_scheduled_ts = ?5, candidate_name = ?6, candidate_phone = ?7, "
    "candidate_gender = ?8, interviewer_name = ?9, interviewer_email = ?10, "
    "callback_params = ?11, redirect_url = ?12, updated_at = ?13, candidate_email = ?14 "
    "WHERE account_id = ?1 AND id = ?2 AND status = 'open'";
constexpr const char kSetInvitationStatus[] =
    "UPDATE invitations SET status = ?2, updated_at = ?3 WHERE id = ?1";
constexpr const char kInsertGuest[] =
    "INSERT INTO guests (account_id, invitation_id, name, email, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char kSelectGuest[] =
    "SELECT id, invitation_id, name, email FROM guests "
    "WHERE account_id = ?1 AND invitation_id = ?2 AND id = ?3";
constexpr const char kListGuests[] =
    "SELECT id, invitation_id, name, email FROM guests "
    "WHERE account_id = ?1 AND invitation_id = ?2 ORDER BY id";
constexpr const char kUpdateGuest[] =
    "UPDATE guests SET name = ?3, email = ?4 WHERE account_id = ?1 AND id = ?2";
constexpr const char kDeleteGuest[] =
    "DELETE FROM guests WHERE account_id = ?1 AND invitation_id = ?2 AND id = ?3";

// Refills *i from the row; its strings keep their buffers (Stmt::TextTo).
void ReadRow(const Stmt& st, Invitation* i) {
  i->id = st.Int(0);
  i->account_id = st.Int(1);
  i->vacancy_id = st.Int(2);
  i->candidate_id = st.Int(3);
  i->recruiter_id = st.Int(4);
  st.TextTo(5, &i->status);
  st.OptTextTo(6, &i->datetime_scheduled);
  i->datetime_scheduled_ts = st.OptInt(7);
  st.TextTo(8, &i->candidate_email);
  st.TextTo(9, &i->candidate_name);
  st.OptTextTo(10, &i->candidate_phone);
  st.OptTextTo(11, &i->candidate_gender);
  st.OptTextTo(12, &i->interviewer_name);
  st.OptTextTo(13, &i->interviewer_email);
  st.OptTextTo(14, &i->callback_params);
  st.OptTextTo(15, &i->redirect_url);
  st.TextTo(16, &i->token);
  i->created_at = st.Int(17);
  i->updated_at = st.Int(18);
  st.TextTo(19, &i->title);
  st.TextTo(20, &i->kind);
  st.TextTo(21, &i->scope);
  st.OptTextTo(22, &i->reference_id);
  i->num_of_questions = st.Int(23);
  i->candidate_joined_at = st.OptInt(24);
  i->interviewer_joined_at = st.OptInt(25);
}

Invitation FromRow(const Stmt& st) {
  Invitation i;
  ReadRow(st, &i);
  return i;
}

Result<Invitation> One(Stmt& st, const std::string& what) {
  Status s;
  if (st.Step(&s)) return FromRow(st);
  if (!s.ok()) return s;
  return Status::NotFound("no invitation " + what);
}

void BindFilter(Stmt& st, int64_t account_id, const InvitationFilter& f) {
  st.Bind(1, account_id)
      .Bind(2, f.vacancy_id)
      .Bind(3, f.from)
      .Bind(4, f.to)
      .Bind(5, f.updated_since);
}

Guest GuestFromRow(const Stmt& st) { return Guest{st.Int(0), st.Int(1), st.Text(2), st.Text(3)}; }

}  // namespace

Status UpsertCandidate(Db& db, Invitation* inv) {
  Stmt find = db.Prepare(kFindCandidate);
  find.Bind(1, inv->account_id).Bind(2, inv->candidate_email);
  Status s;
  if (find.Step(&s)) {
    inv->candidate_id = find.Int(0);
    return db.Prepare(kUpdateCandidate)
        .Bind(1, inv->candidate_id)
        .Bind(2, inv->candidate_name)
        .Bind(3, inv->candidate_phone)
        .Bind(4, inv->candidate_gender)
        .Run();
  }
  if (!s.ok()) return s;
  s = db.Prepare(kInsertCandidate)
          .Bind(1, inv->account_id)
          .Bind(2, inv->candidate_email)
          .Bind(3, inv->candidate_name)
          .Bind(4, inv->candidate_phone)
          .Bind(5, inv->candidate_gender)
          .Bind(6, inv->created_at)
          .Run();
  inv->candidate_id = db.LastInsertId();
  return s;
}

Status InsertInvitation(Db& db, Invitation* inv) {
  Status s = UpsertCandidate(db, inv);
  if (!s.ok()) return s;
  s = db.Prepare(kInsertInvitation)
          .Bind(1, inv->account_id)
          .Bind(2, inv->vacancy_id)
          .Bind(3, inv->candidate_id)
          .Bind(4, inv->recruiter_id)
          .Bind(5, inv->datetime_scheduled)
          .Bind(6, inv->datetime_scheduled_ts)
          .Bind(7, inv->candidate_name)
          .Bind(8, inv->candidate_phone)
          .Bind(9, inv->candidate_gender)
          .Bind(10, inv->interviewer_name)
          .Bind(11, inv->interviewer_email)
          .Bind(12, inv->callback_params)
          .Bind(13, inv->redirect_url)
          .Bind(14, inv->token)
          .Bind(15, inv->created_at)
          .Bind(16, inv->updated_at)
          .Bind(17, inv->candidate_email)  // the copy (schema/022)
          .Run();
  inv->id = db.LastInsertId();
  return s;
}

Status UpdateInvitation(Db& db, const Invitation& inv) {
  Invitation copy = inv;
  Status s = UpsertCandidate(db, &copy);
  if (!s.ok()) return s;
  s = db.Prepare(kUpdateInvitation)
          .Bind(1, inv.account_id)
          .Bind(2, inv.id)
          .Bind(3, copy.candidate_id)
          .Bind(4, inv.datetime_scheduled)
          .Bind(5, inv.datetime_scheduled_ts)
          .Bind(6, inv.candidate_name)
          .Bind(7, inv.candidate_phone)
          .Bind(8, inv.candidate_gender)
          .Bind(9, inv.interviewer_name)
          .Bind(10, inv.interviewer_email)
          .Bind(11, inv.callback_params)
          .Bind(12, inv.redirect_url)
          .Bind(13, inv.updated_at)
          .Bind(14, inv.candidate_email)  // the copy (schema/022)
          .Run();
  if (s.ok() && db.Changes() == 0) {
    return Status::PreconditionFailed("invitation " + std::to_string(inv.id) +
                                      " is completed and cannot be changed");
  }
  return s;
}

Result<Invitation> GetInvitation(Db& db, int64_t account_id, int64_t id) {
  Stmt st = db.Prepare(kSelectInvitation);
  st.Bind(1, account_id).Bind(2, id);
  return One(st, "with id " + std::to_string(id));
}

Result<Invitation> GetInvitationByToken(Db& db, const std::string& token) {
  Stmt st = db.Prepare(kSelectInvitationByToken);
  st.Bind(1, token);
  return One(st, "with that link");
}

constexpr const char kFindInvitationByEmail[] =
    "SELECT i.id FROM invitations i JOIN candidates c ON c.id = i.candidate_id "
    "WHERE i.vacancy_id = ?1 AND c.email = ?2 AND i.status != 'revoked' ORDER BY i.id LIMIT 1";

Result<int64_t> FindInvitationIdByEmail(Db& db, int64_t vacancy_id, const std::string& email) {
  Stmt st = db.Prepare(kFindInvitationByEmail);
  st.Bind(1, vacancy_id).Bind(2, email);
  Status s;
  if (st.Step(&s)) return st.Int(0);
  if (!s.ok()) return s;
  return int64_t{0};
}

Status ForEachOpenInvitation(Db& db, int64_t account_id, const InvitationFilter& f, int64_t* total,
                             const std::function<void(const Invitation&)>& each) {
  Status s;
  *total = 0;
  if (f.vacancy_id && !f.from && !f.to && !f.updated_since) {
    // The vacancy's counter (schema/017); no row: not a vacancy of the account.
    Stmt count = db.Prepare(kVacancyOpenInvitations);
    count.Bind(1, account_id).Bind(2, *f.vacancy_id);
    if (count.Step(&s)) *total = count.Int(0);
  } else {
    Stmt count = db.Prepare(f.vacancy_id ? kCountByVacancy : kCountByAccount);
    BindFilter(count, account_id, f);
    if (count.Step(&s)) *total = count.Int(0);
  }
  if (!s.ok()) return s;
  Stmt st = db.Prepare(f.vacancy_id ? kListByVacancy : kListByAccount);
  BindFilter(st, account_id, f);
  st.Bind(6, f.limit).Bind(7, f.offset);
  Invitation row;
  while (st.Step(&s)) {
    ReadRow(st, &row);
    each(row);
  }
  return s;
}

Status RevokeInvitation(Db& db, int64_t account_id, int64_t id, int64_t now) {
  auto inv = GetInvitation(db, account_id, id);
  if (!inv.ok()) return inv.status();
  if (inv->status == "completed") {
    return Status::PreconditionFailed("invitation " + std::to_string(id) +
                                      " is completed (its interview exists) and cannot be deleted");
  }
  return db.Prepare(kSetInvitationStatus).Bind(1, id).Bind(2, "revoked").Bind(3, now).Run();
}

Status MarkInvitationCompleted(Db& db, int64_t id, int64_t now) {
  return db.Prepare(kSetInvitationStatus).Bind(1, id).Bind(2, "completed").Bind(3, now).Run();
}

Result<std::optional<UserContact>> GetInvitationInviter(Db& db, int64_t account_id,
                                                        int64_t invitation_id) {
  Stmt st = db.Prepare(kSelectInviter);
  st.Bind(1, account_id).Bind(2, invitation_id);
  Status s;
  if (st.Step(&s)) return std::optional<UserContact>(UserContact{st.Text(0), st.Text(1)});
  if (!s.ok()) return s;
  return std::optional<UserContact>();
}

Status InsertGuest(Db& db, int64_t account_id, Guest* g, int64_t now) {
  Status s = db.Prepare(kInsertGuest)
                 .Bind(1, account_id)
                 .Bind(2, g->invitation_id)
                 .Bind(3, g->name)
                 .Bind(4, g->email)
                 .Bind(5, now)
                 .Run();
  g->id = db.LastInsertId();
  return s;
}

Result<Guest> GetGuest(Db& db, int64_t account_id, int64_t invitation_id, int64_t id) {
  Stmt st = db.Prepare(kSelectGuest);
  st.Bind(1, account_id).Bind(2, invitation_id).Bind(3, id);
  Status s;
  if (st.Step(&s)) return GuestFromRow(st);
  if (!s.ok()) return s;
  return Status::NotFound("no guest with id " + std::to_string(id));
}

Status ListGuests(Db& db, int64_t account_id, int64_t invitation_id, std::vector<Guest>* out) {
  Stmt st = db.Prepare(kListGuests);
  st.Bind(1, account_id).Bind(2, invitation_id);
  Status s;
  while (st.Step(&s)) out->push_back(GuestFromRow(st));
  return s;
}

Status UpdateGuest(Db& db, int64_t account_id, const Guest& g) {
  return db.Prepare(kUpdateGuest)
      .Bind(1, account_id)
      .Bind(2, g.id)
      .Bind(3, g.name)
      .Bind(4, g.email)
      .Run();
}

Status DeleteGuest(Db& db, int64_t account_id, int64_t invitation_id, int64_t id) {
  auto g = GetGuest(db, account_id, invitation_id, id);
  if (!g.ok()) return g.status();
  return db.Prepare(kDeleteGuest).Bind(1, account_id).Bind(2, invitation_id).Bind(3, id).Run();
}

}  // namespace cammio
