#include "api/health.h"

#include "store/integrity.h"
#include "util/version.h"

namespace cammio {
Status HealthHandler(Call& call) {
  Status s = call.store().Read([](Db& db) { return PingDatabase(db); });
  if (!s.ok()) return Status::Unavailable("database unavailable: " + s.details());
  const DatabaseIntegrity::Snapshot integrity =
      call.ctx().integrity ? call.ctx().integrity->Get() : DatabaseIntegrity::Snapshot();
  const bool failed = integrity.state == DatabaseIntegrity::State::kFailed;
  Value o = Value::Object();
  o.Set("status", Value::String(failed ? "degraded" : "ok"));
  o.Set("version", Value::String(CammioVersion()));
  o.Set("database_integrity", Value::String(IntegrityStateName(integrity.state)));
  if (failed) {
    // /healthz answers anyone: SQLite's report (page numbers, index names)
    // goes to the log only.
    o.Set("reason", Value::String("the database failed its integrity check (quick_check) at "
                                  "start; the server log has SQLite's report"));
  }
  call.Reply(200, Value::Wrap("health", std::move(o)));
  return Status::OK();
}

}  // namespace cammio
