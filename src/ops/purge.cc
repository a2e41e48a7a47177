#include "ops/purge.h"

#include "util/fs.h"
#include "util/log.h"

namespace cammio::ops {
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
