#include "store/idempotency.h"

namespace cammio {
namespace {
constexpr const char kSelect[] =
    "SELECT request_hash, status, content_type, body FROM idempotency_keys "
    "WHERE account_id = ?1 AND key = ?2 AND created_at >= ?3";
constexpr const char kUpsert[] =
    "INSERT OR REPLACE INTO idempotency_keys (account_id, key, request_hash, status, "
    "content_type, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char kPurge[] = "DELETE FROM idempotency_keys WHERE created_at < ?1";
}  // namespace

Result<StoredResponse> GetStoredResponse(Db& db, int64_t account_id, const std::string& key,
                                         int64_t not_before) {
  Stmt st = db.Prepare(kSelect);
  st.Bind(1, account_id).Bind(2, key).Bind(3, not_before);
  Status s;
  if (st.Step(&s)) {
    return StoredResponse{st.Text(0), static_cast<int>(st.Int(1)), st.Text(2), st.Text(3)};
  }
  if (!s.ok()) return s;
  return Status::NotFound("unknown idempotency key");
}

Status PutStoredResponse(Db& db, int64_t account_id, const std::string& key,
                         const StoredResponse& r, int64_t now, int64_t not_before) {
  Status s = db.Prepare(kPurge).Bind(1, not_before).Run();
  if (!s.ok()) return s;
  return db.Prepare(kUpsert)
      .Bind(1, account_id)
      .Bind(2, key)
      .BindBlob(3, r.request_hash)
      .Bind(4, r.status)
      .Bind(5, r.content_type)
      .BindBlob(6, r.body)
      .Bind(7, now)
      .Run();
}

}  // namespace cammio
