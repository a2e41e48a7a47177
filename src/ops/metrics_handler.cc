#include "ops/metrics_handler.h"

#include <mutex>

#include "api/metrics.h"
#include "api/response_cache.h"

#include "ops/purge.h"
#include "store/integrity.h"
#include "store/stats.h"
#include "util/crypto.h"
#include "util/fs.h"
#include "util/version.h"

namespace cammio::ops {
namespace {

std::mutex g_token_mu;
std::string g_token;

std::string Token() {
  std::lock_guard<std::mutex> lock(g_token_mu);
  return g_token;
}

void Sample(std::string* out, const char* type, const char* name, const char* help,
            const std::string& value) {
  *out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
          name + " " + value + "\n";
}

void Gauge(std::string* out, const char* name, const char* help, const std::string& value) {
  Sample(out, "gauge", name, help, value);
}

void Counter(std::string* out, const char* name, const char* help, uint64_t value) {
  Sample(out, "counter", name, help, std::to_string(value));
}

// status -> count, with "pending" always present; nothing without the table.
void Depth(const OutboxDepth& depth, const char* outbox, std::string* out) {
  if (!depth.present) return;
  std::string lines;
  bool pending = false;
  for (const auto& [status, count] : depth.by_status) {
    pending = pending || status == "pending";
    lines += "cammio_outbox_messages{outbox=\"" + std::string(outbox) + "\",status=\"" +
             EscapeLabel(status) + "\"} " + std::to_string(count) + "\n";
  }
  if (!pending) {
    lines +=
        "cammio_outbox_messages{outbox=\"" + std::string(outbox) + "\",status=\"pending\"} 0\n";
  }
  *out += lines;
}

}  // namespace

void SetMetricsToken(const std::string& token) {
  std::lock_guard<std::mutex> lock(g_token_mu);
  g_token = token;
}

bool IsLoopbackAddress(const std::string& addr) {
  return addr.rfind("127.", 0) == 0 || addr == "::1" || addr.rfind("::ffff:127.", 0) == 0;
}

Status MetricsHandler(Call& call) {
  const std::string token = Token();
  if (!token.empty()) {
    std::string h = call.req().get_header_value("Authorization");
    const std::string want = "Bearer " + token;
    if (!ConstantTimeEquals(h, want)) {
      return Status::Unauthenticated("/metrics needs Authorization: Bearer <metrics_token>");
    }
  } else if (!IsLoopbackAddress(call.req().remote_addr)) {
    return Status::Unauthenticated(
        "/metrics answers only local clients unless a metrics_token is configured");
  }
  std::string out = call.ctx().metrics != nullptr ? call.ctx().metrics->Render() : std::string();
  StoreStats stats;
  Status s = call.store().Read([&](Db& db) { return ReadStoreStats(db, &stats); });
  if (!s.ok()) return Status::Unavailable("the database is unavailable: " + s.details());
  const int64_t db_bytes = stats.database_bytes, media_bytes = stats.media_bytes,
                media_files = stats.media_files;
  std::string depths;
  Depth(stats.notifications, "notifications", &depths);
  Depth(stats.mail, "mail", &depths);
  out +=
      "# HELP cammio_outbox_messages Messages in the outgoing queues, by status.\n"
      "# TYPE cammio_outbox_messages gauge\n" +
      depths;
  const std::string& dir = call.ctx().data_dir;
  auto wal = FileSize(dir + "/cammio.db-wal");
  Gauge(&out, "cammio_database_bytes", "Size of the database file.", std::to_string(db_bytes));
  Gauge(&out, "cammio_database_wal_bytes", "Size of the write-ahead log.",
        std::to_string(wal.ok() ? *wal : 0));
  Gauge(&out, "cammio_media_bytes", "Bytes of stored media files (recordings, thumbnails, CVs).",
        std::to_string(media_bytes));
  Gauge(&out, "cammio_media_files", "Number of stored media files.", std::to_string(media_files));
  auto disk = GetDiskSpace(dir);
  if (disk.ok()) {
    Gauge(&out, "cammio_data_disk_free_bytes", "Free bytes on the data directory's filesystem.",
          std::to_string(disk->free_bytes));
    Gauge(&out, "cammio_data_disk_total_bytes", "Size of the data directory's filesystem.",
          std::to_string(disk->total_bytes));
  }
  if (const ResponseCache* cache = call.ctx().response_cache) {
    const ResponseCache::Stats st = cache->stats();
    Gauge(&out, "cammio_response_cache_entries", "Answers held by the response cache.",
          std::to_string(st.entries));
    Gauge(&out, "cammio_response_cache_bytes",
          "Memory the response cache accounts for (at most response_cache_kib).",
          std::to_string(st.bytes));
  }
  // The change log (store/change_log.h): which commits a cached answer outlives.
  const ChangeLog::Stats log = call.store().change_log().stats();
  Gauge(&out, "cammio_change_log_generation",
        "The newest database change generation the response cache accounts for.",
        std::to_string(log.known));
  Gauge(&out, "cammio_change_log_global_generation",
        "The newest generation that invalidated every cached answer (a change without a "
        "narrower scope, or one made by another process such as the admin CLI).",
        std::to_string(log.global));
  Gauge(&out, "cammio_change_log_scopes", "Vacancies and accounts the change log remembers.",
        std::to_string(log.scopes));
  // The group commit (store/store.h).
  const WriteStats writes = call.store().write_stats();
  Counter(&out, "cammio_store_writes_total", "Writes committed or refused (callers waited).",
          writes.writes);
  Counter(&out, "cammio_store_async_writes_total", "Bookkeeping writes nobody waited for.",
          writes.async_writes);
  Counter(&out, "cammio_store_write_groups_total",
          "Transactions the group commit opened (writes per group = writes / groups).",
          writes.groups);
  Counter(&out, "cammio_store_checkpoints_total",
          "WAL checkpoints run on the checkpointer's own thread.", writes.checkpoints);
  Counter(&out, "cammio_store_writer_checkpoints_total",
          "WAL checkpoints a commit ran itself because the WAL had outgrown its bound.",
          writes.writer_checkpoints);
  Counter(&out, "cammio_store_checkpoint_failures_total",
          "WAL checkpoints (any kind) that ended with an error; the next commits retry.",
          writes.checkpoint_failures);
  Counter(&out, "cammio_store_checkpoint_catch_ups_total",
          "Short checkpoints run between two commits to let the WAL start over.",
          writes.checkpoint_catch_ups);
  Counter(&out, "cammio_store_wal_restarts_total",
          "Catch-ups that made the WAL start over from its beginning.", writes.wal_restarts);
  const DatabaseIntegrity::Snapshot integrity =
      call.ctx().integrity ? call.ctx().integrity->Get() : DatabaseIntegrity::Snapshot();
  if (integrity.state == DatabaseIntegrity::State::kOk ||
      integrity.state == DatabaseIntegrity::State::kFailed) {
    Gauge(&out, "cammio_database_integrity_ok",
          "1 if the database passed the quick_check run at start, 0 if it failed (absent "
          "until the check has finished).",
          integrity.state == DatabaseIntegrity::State::kOk ? "1" : "0");
  }
  out +=
      "# HELP cammio_build_info The running version.\n# TYPE cammio_build_info gauge\n"
      "cammio_build_info{version=\"" +
      EscapeLabel(CammioVersion()) + "\"} 1\n";
  call.res().status = 200;
  call.res().set_content(out, "text/plain; version=0.0.4; charset=utf-8");
  return Status::OK();
}

}  // namespace cammio::ops
