#include "ops/candidate_data.h"

#include <fcntl.h>
#include <unistd.h>

#include <set>

#include "cammio/document.h"
#include "ops/backup.h"
#include "ops/purge.h"
#include "ops/tar.h"
#include "util/version.h"
#include "util/crypto.h"
#include "util/fs.h"
#include "util/time.h"

namespace cammio::ops {
namespace {

constexpr const char kCandidateId[] =
    "SELECT id FROM candidates WHERE account_id = ?1 AND email = ?2 COLLATE NOCASE";
constexpr const char kInvitationsOfCandidate[] =
    "SELECT id FROM invitations WHERE account_id = ?1 AND candidate_id = ?2";
constexpr const char kInterviewsOfCandidate[] =
    "SELECT id FROM interviews WHERE account_id = ?1 AND candidate_id = ?2";

Result<int64_t> FindCandidate(Db& db, int64_t account_id, const std::string& email) {
  Stmt st = db.Prepare(kCandidateId);
  st.Bind(1, account_id).Bind(2, email);
  Status s;
  if (st.Step(&s)) return st.Int(0);
  if (!s.ok()) return s;
  return Status::NotFound("account " + std::to_string(account_id) + " has no candidate " + email);
}

Status IdsOf(Db& db, const char* sql, int64_t account_id, int64_t candidate_id,
             std::vector<int64_t>* out) {
  Stmt st = db.Prepare(sql);
  st.Bind(1, account_id).Bind(2, candidate_id);
  Status s;
  while (st.Step(&s)) out->push_back(st.Int(0));
  return s;
}

// Columns never exported: link tokens and secrets (of others, or credentials).
bool Hidden(const std::string& column) {
  static const std::set<std::string> kHidden = {"token", "access_hash", "reviewer_token",
                                                "headers", "password", "signing_secret",
                                                "request_hash"};
  return kHidden.count(column) > 0;
}

// Every row of `sql` (binds: ?1 account, ?2 candidate, ?3 email) as objects.
Status Rows(Db& db, const std::string& sql, int64_t account_id, int64_t candidate_id,
            const std::string& email, Value* out) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db.raw(), sql.c_str(), -1, &st, nullptr);
  if (rc != SQLITE_OK) return db.Error(rc, sql);
  sqlite3_bind_int64(st, 1, account_id);
  sqlite3_bind_int64(st, 2, candidate_id);
  if (sqlite3_bind_parameter_count(st) >= 3) {
    sqlite3_bind_text(st, 3, email.data(), static_cast<int>(email.size()), SQLITE_TRANSIENT);
  }
  *out = Value::Array();
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    Value row = Value::Object();
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      std::string name = sqlite3_column_name(st, c);
      if (Hidden(name)) continue;
      switch (sqlite3_column_type(st, c)) {
        case SQLITE_INTEGER: row.Set(name, Value::Int(sqlite3_column_int64(st, c))); break;
        case SQLITE_FLOAT: row.Set(name, Value::Double(sqlite3_column_double(st, c))); break;
        case SQLITE_NULL: row.Set(name, Value::Null()); break;
        default: {
          const char* p = static_cast<const char*>(sqlite3_column_blob(st, c));
          std::string v(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(st, c)));
          row.Set(name, IsValidUtf8(v) ? Value::String(v)
                                       : Value::String("base64:" + Base64Encode(v)));
        }
      }
    }
    out->Push(std::move(row));
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
    {"vacancies", "SELECT id, title, kind, language FROM vacancies WHERE id IN"
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
    {"mail", "SELECT * FROM mail_outbox WHERE account_id = ?1 AND (to_address = ?3 COLLATE NOCASE"
             " OR (kind = 'candidate_invitation' AND ref_id IN " INVS ")"
             " OR (kind = 'interview_completed' AND ref_id IN " IVS "))"},
    {"media", "SELECT * FROM videos WHERE account_id = ?1 AND id IN"
              " (SELECT video_id FROM uploads WHERE invitation_id IN " INVS
              " UNION SELECT video_id FROM recordings WHERE interview_id IN " IVS
              " UNION SELECT thumbnail_id FROM recordings WHERE interview_id IN " IVS
              " UNION SELECT thumbnail_video_id FROM interviews WHERE id IN " IVS ")"},
};

#undef INVS
#undef IVS

}  // namespace

Status EraseCandidate(Store& store, const std::string& data_dir, int64_t account_id,
                      const std::string& email, int64_t now, EraseResult* result) {
  std::vector<std::string> files;
  Status s = store.Write([&](Db& db) {
    auto id = FindCandidate(db, account_id, email);
    if (!id.ok()) return id.status();
    std::vector<int64_t> invitations, interviews;
    Status r = IdsOf(db, kInvitationsOfCandidate, account_id, *id, &invitations);
    if (r.ok()) r = IdsOf(db, kInterviewsOfCandidate, account_id, *id, &interviews);
    Eraser p(db, account_id, data_dir + "/media");
    for (size_t i = 0; r.ok() && i < invitations.size(); ++i) r = p.Invitation(invitations[i]);
    // Interviews without an invitation (or already gone with one: NotFound).
    for (size_t i = 0; r.ok() && i < interviews.size(); ++i) {
      r = p.Interview(interviews[i]);
      if (r.IsNotFound()) r = Status::OK();
    }
    if (r.ok()) r = p.FinishMedia();
    if (r.ok()) r = p.MailTo(email);
    // Remembered POST answers (Idempotency-Key) that quote the email.
    if (r.ok()) r = p.IdempotencyQuoting(email);
    if (r.ok()) r = p.DropOrphanCandidates({*id});
    if (r.ok()) r = p.Audit("candidate_erase", now, &result->reference);
    if (!r.ok()) return r;
    result->counts = p.counts();
    files = p.files();
    return Status::OK();
  });
  if (!s.ok()) return s;
  result->files_not_removed = UnlinkFiles(files);
  return Status::OK();
}

Status ExportCandidate(Store& store, const std::string& data_dir, int64_t account_id,
                       const std::string& email, int64_t now, const std::string& archive_path,
                       ExportResult* result) {
  if (PathExists(archive_path)) {
    return Status::InvalidArgument(archive_path + " already exists; choose a new file");
  }
  Value doc = Value::Object();
  std::vector<std::string> media;
  Manifest m;
  m.kind = "candidate-export";
  m.cammio_version = CammioVersion();
  m.created_at = now;
  Status s = store.Read([&](Db& db) {
    auto id = FindCandidate(db, account_id, email);
    if (!id.ok()) return id.status();
    doc.Set("exported_at", Value::Datetime(FormatUtc(now)));
    doc.Set("account_id", Value::Int(account_id));
    doc.Set("email", Value::String(email));
    for (const auto& [name, sql] : kSections) {
      Value rows;
      Status r = Rows(db, sql, account_id, *id, email, &rows);
      if (!r.ok()) return r;
      if (std::string(name) == "media") {
        for (const Value& row : rows.items()) media.push_back(row.Find("path")->as_string());
      }
      if (std::string(name) == "uploads") {
        for (const Value& row : rows.items()) {
          if (row.Find("video_id")->is_null()) {
            media.push_back("uploads/" + std::to_string(row.Find("id")->as_int()) + ".part");
          }
        }
      }
      doc.Set(name, std::move(rows));
    }
    Stmt v = db.Prepare("PRAGMA user_version");
    Status r;
    if (v.Step(&r)) m.schema_version = static_cast<int>(v.Int(0));
    return r;
  });
  if (!s.ok()) return s;
  result->invitations = static_cast<int64_t>(doc.Find("invitations")->size());
  result->interviews = static_cast<int64_t>(doc.Find("interviews")->size());

  const std::string partial = archive_path + ".partial";
  int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus(errno, "creating " + partial);
  TarWriter tar(fd, partial);
  ManifestMember json{"candidate.json", 0, ""};
  std::string text = RenderJson(Value::Wrap("candidate_export", std::move(doc)));
  json.size = static_cast<int64_t>(text.size());
  s = tar.AddBytes(json.name, text, now, &json.sha256);
  if (s.ok()) m.members.push_back(json);
  for (size_t i = 0; s.ok() && i < media.size(); ++i) {
    if (!IsSafeMemberName(media[i])) continue;
    s = AddFileToArchive(tar, "media/" + media[i], data_dir + "/media/" + media[i], true, &m);
  }
  result->media_files = static_cast<int64_t>(m.members.size()) - 1;
  if (s.ok()) s = tar.AddBytes(kManifestName, ManifestToJson(m), now, nullptr);
  if (s.ok()) s = tar.Finish();
  if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus(errno, "syncing " + partial);
  if (::close(fd) != 0 && s.ok()) s = ErrnoStatus(errno, "closing " + partial);
  if (s.ok() && ::rename(partial.c_str(), archive_path.c_str()) != 0) {
    s = ErrnoStatus(errno, "renaming " + partial);
  }
  if (!s.ok()) RemoveFile(partial);
  return s;
}

}  // namespace cammio::ops
