#include "api/health.h"

#include "ops/integrity.h"
#include "ops/version.h"

namespace cammio {
namespace {
constexpr const char kPing[] = "SELECT COUNT(*) FROM accounts";
}  // namespace

Status HealthHandler(Call& call) {
  Status s = call.store().Read([](Db& db) {
    Stmt st = db.Prepare(kPing);
    Status r;
    st.Step(&r);
    return r;
  });
  if (!s.ok()) return Status::Unavailable("database unavailable: " + s.details());
  const ops::DatabaseIntegrity::Snapshot integrity = ops::DatabaseIntegrity::Global().Get();
  const bool failed = integrity.state == ops::DatabaseIntegrity::State::kFailed;
  Value o = Value::Object();
  o.Set("status", Value::String(failed ? "degraded" : "ok"));
  o.Set("version", Value::String(ops::CammioVersion()));
  o.Set("database_integrity", Value::String(ops::IntegrityStateName(integrity.state)));
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
