#include "ops/pre_migration.h"

#include <algorithm>
#include <string>
#include <vector>

#include "ops/backup.h"
#include "store/maintenance.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/time.h"

namespace cammio::ops {
namespace {

std::string Version3(int v) {
  std::string s = std::to_string(v);
  return std::string(s.size() < 3 ? 3 - s.size() : 0, '0') + s;
}

void PruneOld(const std::string& dir) {
  auto files = ListFiles(dir);
  if (!files.ok()) return;
  std::vector<std::string> ours;
  for (const auto& f : *files) {
    if (f.rfind("pre-migration-", 0) == 0 && f.size() > 4 && f.substr(f.size() - 4) == ".tar") {
      ours.push_back(f);
    }
  }
  std::sort(ours.begin(), ours.end());  // the UTC stamp sorts by time
  for (size_t i = 0; i + kKeepPreMigrationBackups < ours.size(); ++i) {
    RemoveFile(dir + "/" + ours[i]);
  }
}

}  // namespace

Status BackupBeforeMigrations(Db& db, int from, int to) {
  const std::string file = DatabaseFileName(db);
  if (file.empty()) return Status::OK();  // in memory / temporary
  const std::string data_dir = DirName(file);
  const std::string dir = data_dir + "/backups";
  Status s = MakeDirs(dir);
  if (!s.ok()) return s;
  int64_t now = SystemClock().Now();
  std::string path = dir + "/pre-migration-" + FileStamp(now) + "-v" + Version3(from) + "-v" +
                     Version3(to) + ".tar";
  for (int n = 2; PathExists(path); ++n) {
    path = dir + "/pre-migration-" + FileStamp(now) + "-v" + Version3(from) + "-v" + Version3(to) +
           "-" + std::to_string(n) + ".tar";
  }
  BackupOptions options;
  options.include_media = false;
  options.kind = "pre-migration";
  options.now = now;
  s = CreateBackup(db, data_dir, path, options, nullptr);
  if (!s.ok()) return s;
  LogInfo("backed up the database before migrating it from schema v" + std::to_string(from) +
          " to v" + std::to_string(to) + ": " + path);
  PruneOld(dir);
  return Status::OK();
}

}  // namespace cammio::ops
