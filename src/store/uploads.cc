#include "store/uploads.h"

namespace cammio {
namespace {
constexpr const char kInsert[] =
    "INSERT INTO uploads (account_id, invitation_id, kind, question_index, length, received, "
    "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?6)";
constexpr const char kSelect[] =
    "SELECT id, account_id, invitation_id, kind, question_index, length, received, video_id, "
    "created_at, updated_at FROM uploads WHERE invitation_id = ?1 AND id = ?2";
constexpr const char kSelectAccountUpload[] =
    "SELECT id, account_id, 0, kind, question_index, length, received, video_id, "
    "created_at, updated_at FROM uploads WHERE account_id = ?1 AND id = ?2 AND invitation_id IS "
    "NULL";
constexpr const char kSetReceived[] =
    "UPDATE uploads SET received = ?2, updated_at = ?3 WHERE id = ?1 AND received <= ?2";
constexpr const char kSetVideo[] =
    "UPDATE uploads SET video_id = ?2, updated_at = ?3 WHERE id = ?1";
constexpr const char kClearVideo[] =
    "UPDATE uploads SET video_id = NULL, updated_at = ?2 WHERE id = ?1";
// `question_index IS ?3` matches NULL to NULL (the CV has no question).
constexpr const char kCountFinished[] =
    "SELECT COUNT(*) FROM uploads WHERE invitation_id = ?1 AND kind = ?2 AND question_index IS ?3 "
    "AND video_id IS NOT NULL";
constexpr const char kCountUnfinished[] =
    "SELECT COUNT(*) FROM uploads WHERE invitation_id = ?1 AND kind = ?2 AND question_index IS ?3 "
    "AND video_id IS NULL AND updated_at >= ?4";
constexpr const char kLatestFinishedId[] =
    "SELECT MAX(id) FROM uploads WHERE invitation_id = ?1 AND kind = ?2 AND question_index IS ?3 "
    "AND video_id IS NOT NULL";
constexpr const char kDelete[] = "DELETE FROM uploads WHERE id = ?1";
constexpr const char kList[] =
    "SELECT id, account_id, invitation_id, kind, question_index, length, received, video_id, "
    "created_at, updated_at FROM uploads WHERE invitation_id = ?1 ORDER BY id";
constexpr const char kLatestFinished[] =
    "SELECT video_id FROM uploads WHERE invitation_id = ?1 AND kind = ?2 AND video_id IS NOT NULL "
    "ORDER BY id DESC LIMIT 1";

// The account's own uploads (no invitation) not finished: by the
// uploads_invitation index (its NULL entries).
constexpr const char kCountAccountUnfinished[] =
    "SELECT COUNT(*) FROM uploads WHERE invitation_id IS NULL AND account_id = ?1 "
    "AND video_id IS NULL AND updated_at >= ?2";
constexpr const char kStaleAccountUploads[] =
    "SELECT id FROM uploads WHERE invitation_id IS NULL AND account_id = ?1 "
    "AND video_id IS NULL AND updated_at < ?2";

Upload RowToUpload(Stmt& st) {
  return Upload{st.Int(0), st.Int(1), st.Int(2),    st.Text(3), st.OptInt(4),
                st.Int(5), st.Int(6), st.OptInt(7), st.Int(8),  st.Int(9)};
}
}  // namespace

Status InsertUpload(Db& db, Upload* u) {
  Status s =
      db.Prepare(kInsert)
          .Bind(1, u->account_id)
          .Bind(2, u->invitation_id != 0 ? std::optional<int64_t>(u->invitation_id) : std::nullopt)
          .Bind(3, u->kind)
          .Bind(4, u->question_index)
          .Bind(5, u->length)
          .Bind(6, u->created_at)
          .Run();
  u->id = db.LastInsertId();
  return s;
}

namespace {
// The one upload `sql` selects with (?1 = owner, ?2 = id); NotFound if none.
Result<Upload> SelectUpload(Db& db, const char* sql, int64_t owner, int64_t id) {
  Stmt st = db.Prepare(sql);
  st.Bind(1, owner).Bind(2, id);
  Status s;
  if (st.Step(&s)) return RowToUpload(st);
  if (!s.ok()) return s;
  return Status::NotFound("no upload with id " + std::to_string(id));
}
}  // namespace

Result<Upload> GetUpload(Db& db, int64_t invitation_id, int64_t id) {
  return SelectUpload(db, kSelect, invitation_id, id);
}

Result<Upload> GetAccountUpload(Db& db, int64_t account_id, int64_t id) {
  return SelectUpload(db, kSelectAccountUpload, account_id, id);
}

Status SetUploadReceived(Db& db, int64_t id, int64_t received, int64_t now) {
  return db.Prepare(kSetReceived).Bind(1, id).Bind(2, received).Bind(3, now).Run();
}

Status SetUploadVideo(Db& db, int64_t id, int64_t video_id, int64_t now) {
  return db.Prepare(kSetVideo).Bind(1, id).Bind(2, video_id).Bind(3, now).Run();
}

Status ClearUploadVideo(Db& db, int64_t id, int64_t now) {
  return db.Prepare(kClearVideo).Bind(1, id).Bind(2, now).Run();
}

namespace {
Result<int64_t> Count(Stmt& st) {
  Status s;
  int64_t n = st.Step(&s) ? st.Int(0) : 0;
  if (!s.ok()) return s;
  return n;
}
}  // namespace

Result<int64_t> CountFinishedUploads(Db& db, int64_t invitation_id, const std::string& kind,
                                     std::optional<int64_t> question_index) {
  Stmt st = db.Prepare(kCountFinished);
  st.Bind(1, invitation_id).Bind(2, kind).Bind(3, question_index);
  return Count(st);
}

Result<int64_t> CountUnfinishedUploads(Db& db, int64_t invitation_id, const std::string& kind,
                                       std::optional<int64_t> question_index,
                                       int64_t updated_since) {
  Stmt st = db.Prepare(kCountUnfinished);
  st.Bind(1, invitation_id).Bind(2, kind).Bind(3, question_index).Bind(4, updated_since);
  return Count(st);
}

Status DeleteUpload(Db& db, int64_t id) { return db.Prepare(kDelete).Bind(1, id).Run(); }

Result<std::optional<int64_t>> LatestFinishedUploadId(Db& db, int64_t invitation_id,
                                                      const std::string& kind,
                                                      std::optional<int64_t> question_index) {
  Stmt st = db.Prepare(kLatestFinishedId);
  st.Bind(1, invitation_id).Bind(2, kind).Bind(3, question_index);
  Status s;
  std::optional<int64_t> id;
  if (st.Step(&s)) id = st.OptInt(0);
  if (!s.ok()) return s;
  return id;
}

Status ListUploads(Db& db, int64_t invitation_id, std::vector<Upload>* out) {
  Stmt st = db.Prepare(kList);
  st.Bind(1, invitation_id);
  Status s;
  while (st.Step(&s)) out->push_back(RowToUpload(st));
  return s;
}

Result<int64_t> CountAccountUnfinishedUploads(Db& db, int64_t account_id, int64_t updated_since) {
  Stmt st = db.Prepare(kCountAccountUnfinished);
  st.Bind(1, account_id).Bind(2, updated_since);
  return Count(st);
}

Status DeleteStaleAccountUploads(Db& db, int64_t account_id, int64_t updated_before,
                                 std::vector<int64_t>* ids) {
  const size_t first = ids->size();
  {
    Stmt st = db.Prepare(kStaleAccountUploads);
    st.Bind(1, account_id).Bind(2, updated_before);
    Status s;
    while (st.Step(&s)) ids->push_back(st.Int(0));
    if (!s.ok()) return s;
  }
  for (size_t i = first; i < ids->size(); ++i) {
    Status s = DeleteUpload(db, (*ids)[i]);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

Result<std::optional<int64_t>> LatestFinishedMedia(Db& db, int64_t invitation_id,
                                                   const std::string& kind) {
  Stmt st = db.Prepare(kLatestFinished);
  st.Bind(1, invitation_id).Bind(2, kind);
  Status s;
  std::optional<int64_t> id;
  if (st.Step(&s)) id = st.Int(0);
  if (!s.ok()) return s;
  return id;
}

}  // namespace cammio
