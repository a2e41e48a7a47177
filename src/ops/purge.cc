#include "ops/purge.h"

#include "util/fs.h"
#include "util/log.h"

namespace cammio::ops {
namespace {

constexpr const char kTableExists[] =
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1";

}  // namespace

bool TableExists(Db& db, const std::string& name) {
  Stmt st = db.Prepare(kTableExists);
  st.Bind(1, name);
  Status s;
  return st.Step(&s);
}

int64_t UnlinkFiles(const std::vector<std::string>& files) {
  int64_t failed = 0;
  for (const auto& f : files) {
    Status s = RemoveFile(f);
    if (!s.ok()) {
      ++failed;
      LogWarn("could not remove " + f + ": " + s.ToString());
    }
  }
  return failed;
}

}  // namespace cammio::ops
