#include "store/stats.h"

namespace cammio {
namespace {

constexpr const char kTableExists[] =
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1";
constexpr const char kPageBytes[] =
    "SELECT (SELECT page_count FROM pragma_page_count()) * (SELECT page_size FROM "
    "pragma_page_size())";
constexpr const char kMedia[] = "SELECT COALESCE(SUM(size), 0), COUNT(*) FROM videos";
constexpr const char kNotificationDepth[] =
    "SELECT status, COUNT(*) FROM notifications GROUP BY status";
constexpr const char kMailDepth[] = "SELECT status, COUNT(*) FROM mail_outbox GROUP BY status";

Status Depth(Db& db, const char* table, const char* sql, OutboxDepth* out) {
  if (!TableExists(db, table)) return Status::OK();
  out->present = true;
  Stmt st = db.Prepare(sql);
  Status s;
  while (st.Step(&s)) out->by_status.emplace_back(st.Text(0), st.Int(1));
  return s;
}

}  // namespace

bool TableExists(Db& db, const std::string& name) {
  Stmt st = db.Prepare(kTableExists);
  st.Bind(1, name);
  Status s;
  return st.Step(&s);
}

Status ReadStoreStats(Db& db, StoreStats* out) {
  Stmt pages = db.Prepare(kPageBytes);
  Status r;
  if (pages.Step(&r)) out->database_bytes = pages.Int(0);
  if (!r.ok()) return r;
  if (TableExists(db, "videos")) {
    Stmt media = db.Prepare(kMedia);
    if (media.Step(&r)) {
      out->media_bytes = media.Int(0);
      out->media_files = media.Int(1);
    }
    if (!r.ok()) return r;
  }
  r = Depth(db, "notifications", kNotificationDepth, &out->notifications);
  if (r.ok()) r = Depth(db, "mail_outbox", kMailDepth, &out->mail);
  return r;
}

}  // namespace cammio
