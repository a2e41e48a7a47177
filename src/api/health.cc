#include "api/health.h"

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
  Value o = Value::Object();
  o.Set("status", Value::String("ok"));
  o.Set("version", Value::String(CAMMIO_VERSION));
  call.Reply(200, Value::Wrap("health", std::move(o)));
  return Status::OK();
}

}  // namespace cammio
