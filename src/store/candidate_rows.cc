#include "store/candidate_rows.h"

#include <sqlite3.h>

namespace cammio {
namespace {

constexpr const char kCandidateId[] =
    "SELECT id FROM candidates WHERE account_id = ?1 AND email = ?2 COLLATE NOCASE";
constexpr const char kInvitationsOfCandidate[] =
    "SELECT id FROM invitations WHERE account_id = ?1 AND candidate_id = ?2";
constexpr const char kInterviewsOfCandidate[] =
    "SELECT id FROM interviews WHERE account_id = ?1 AND candidate_id = ?2";

Status IdsOf(Db& db, const char* sql, int64_t account_id, int64_t candidate_id,
             std::vector<int64_t>* out) {
  Stmt st = db.Prepare(sql);
  st.Bind(1, account_id).Bind(2, candidate_id);
  Status s;
  while (st.Step(&s)) out->push_back(st.Int(0));
  return s;
}

// Every row of `sql` (binds: ?1 account, ?2 candidate, ?3 email).
Status Rows(Db& db, const std::string& sql, int64_t account_id, int64_t candidate_id,
            const std::string& email, std::vector<ExportedRow>* out) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db.raw(), sql.c_str(), -1, &st, nullptr);
  if (rc != SQLITE_OK) return db.Error(rc, sql);
  sqlite3_bind_int64(st, 1, account_id);
  sqlite3_bind_int64(st, 2, candidate_id);
  if (sqlite3_bind_parameter_count(st) >= 3) {
    sqlite3_bind_text(st, 3, email.data(), static_cast<int>(email.size()), SQLITE_TRANSIENT);
  }
  out->clear();
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    ExportedRow row;
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      RowCell cell;
      cell.column = sqlite3_column_name(st, c);
      switch (sqlite3_column_type(st, c)) {
        case SQLITE_INTEGER:
          cell.type = RowCell::Type::kInt;
          cell.int_value = sqlite3_column_int64(st, c);
          break;
        case SQLITE_FLOAT:
          cell.type = RowCell::Type::kFloat;
          cell.float_value = sqlite3_column_double(st, c);
          break;
        case SQLITE_NULL:
          cell.type = RowCell::Type::kNull;
          break;
        default: {
          const char* p = static_cast<const char*>(sqlite3_column_blob(st, c));
          cell.type = RowCell::Type::kBytes;
          cell.bytes.assign(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(st, c)));
        }
      }
      row.push_back(std::move(cell));
    }
    out->push_back(std::move(row));
  }
  Status s = rc == SQLITE_DONE ? Status::OK() : db.Error(rc, sql);
  sqlite3_finalize(st);
  return s;
}

#define INVS "(SELECT id FROM invitations WHERE account_id = ?1 AND candidate_id = ?2)"
#define IVS "(SELECT id FROM interviews WHERE account_id = ?1 AND candidate_id = ?2)"

const std::pair<const char*, const char*> kSections[] = {
    {"candidate", "SELECT * FROM candidates WHERE account_id = ?1 AND id = ?2"},
    {"invitations", "SELECT * FROM invitations WHERE id IN " INVS},
    {"vacancies",
     "SELECT id, title, kind, language FROM vacancies WHERE id IN"
     " (SELECT vacancy_id FROM invitations WHERE id IN " INVS
     " UNION SELECT vacancy_id FROM interviews WHERE id IN " IVS ")"},
    {"guests", "SELECT * FROM guests WHERE invitation_id IN " INVS},
    {"uploads", "SELECT * FROM uploads WHERE invitation_id IN " INVS},
    {"interviews", "SELECT * FROM interviews WHERE id IN " IVS},
    {"recordings", "SELECT * FROM recordings WHERE interview_id IN " IVS},
    {"reviewers", "SELECT * FROM reviewers WHERE interview_id IN " IVS},
    {"reviews", "SELECT * FROM reviews WHERE interview_id IN " IVS},
    {"forward_links", "SELECT * FROM forward_links WHERE interview_id IN " IVS},
    {"notifications", "SELECT * FROM notifications WHERE interview_id IN " IVS},
    {"mail",
     "SELECT * FROM mail_outbox WHERE account_id = ?1 AND (to_address = ?3 COLLATE NOCASE"
     " OR (kind = 'candidate_invitation' AND ref_id IN " INVS ")"
     " OR (kind = 'interview_completed' AND ref_id IN " IVS "))"},
    {"media",
     "SELECT * FROM videos WHERE account_id = ?1 AND id IN"
     " (SELECT video_id FROM uploads WHERE invitation_id IN " INVS
     " UNION SELECT video_id FROM recordings WHERE interview_id IN " IVS
     " UNION SELECT thumbnail_id FROM recordings WHERE interview_id IN " IVS
     " UNION SELECT thumbnail_video_id FROM interviews WHERE id IN " IVS ")"},
};

#undef INVS
#undef IVS

}  // namespace

Result<int64_t> FindCandidateId(Db& db, int64_t account_id, const std::string& email) {
  Stmt st = db.Prepare(kCandidateId);
  st.Bind(1, account_id).Bind(2, email);
  Status s;
  if (st.Step(&s)) return st.Int(0);
  if (!s.ok()) return s;
  return Status::NotFound("account " + std::to_string(account_id) + " has no candidate " + email);
}

Status CandidateInvitationIds(Db& db, int64_t account_id, int64_t candidate_id,
                              std::vector<int64_t>* out) {
  return IdsOf(db, kInvitationsOfCandidate, account_id, candidate_id, out);
}

Status CandidateInterviewIds(Db& db, int64_t account_id, int64_t candidate_id,
                             std::vector<int64_t>* out) {
  return IdsOf(db, kInterviewsOfCandidate, account_id, candidate_id, out);
}

Status ReadCandidateSections(
    Db& db, int64_t account_id, int64_t candidate_id, const std::string& email,
    const std::function<Status(const char* name, std::vector<ExportedRow> rows)>& section) {
  for (const auto& [name, sql] : kSections) {
    std::vector<ExportedRow> rows;
    Status r = Rows(db, sql, account_id, candidate_id, email, &rows);
    if (r.ok()) r = section(name, std::move(rows));
    if (!r.ok()) return r;
  }
  return Status::OK();
}

}  // namespace cammio
