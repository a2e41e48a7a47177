#include "store/videos.h"

namespace cammio {
namespace {
constexpr const char kInsert[] =
    "INSERT INTO videos (account_id, kind, path, content_type, size, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char kSelect[] =
    "SELECT id, account_id, kind, path, content_type, size, created_at FROM videos "
    "WHERE account_id = ?1 AND id = ?2";
constexpr const char kDelete[] = "DELETE FROM videos WHERE account_id = ?1 AND id = ?2";
constexpr const char kSetPath[] = "UPDATE videos SET path = ?2 WHERE id = ?1";
}  // namespace

Status DeleteMediaFile(Db& db, int64_t account_id, int64_t id) {
  return db.Prepare(kDelete).Bind(1, account_id).Bind(2, id).Run();
}

Status SetMediaFilePath(Db& db, int64_t id, const std::string& path) {
  return db.Prepare(kSetPath).Bind(1, id).Bind(2, path).Run();
}

Status InsertMediaFile(Db& db, MediaFile* f) {
  Status s = db.Prepare(kInsert)
                 .Bind(1, f->account_id)
                 .Bind(2, f->kind)
                 .Bind(3, f->path)
                 .Bind(4, f->content_type)
                 .Bind(5, f->size)
                 .Bind(6, f->created_at)
                 .Run();
  f->id = db.LastInsertId();
  return s;
}

Result<MediaFile> GetMediaFile(Db& db, int64_t account_id, int64_t id) {
  Stmt st = db.Prepare(kSelect);
  st.Bind(1, account_id).Bind(2, id);
  Status s;
  if (st.Step(&s)) {
    return MediaFile{st.Int(0), st.Int(1), st.Text(2), st.Text(3), st.Text(4), st.Int(5), st.Int(6)};
  }
  if (!s.ok()) return s;
  return Status::NotFound("no video with id " + std::to_string(id));
}

}  // namespace cammio
