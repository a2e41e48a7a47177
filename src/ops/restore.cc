#include "ops/restore.h"

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <vector>

#include "ops/data_lock.h"
#include "ops/tar.h"
#include "store/integrity.h"
#include "store/migrate.h"
#include "util/fs.h"
#include "util/log.h"

namespace cammio::ops {
namespace {

const char* const kDbSidecars[] = {"", "-wal", "-shm", "-journal"};

Status ExtractMember(TarReader& tar, const std::string& target, const std::string& want_sha) {
  Status s = MakeDirs(DirName(target));
  if (!s.ok()) return s;
  int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus(errno, "creating " + target);
  std::string sha;
  s = tar.ReadData([&](const char* d, size_t n) { return WriteAll(fd, d, n, target); }, &sha);
  if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus(errno, "syncing " + target);
  if (::close(fd) != 0 && s.ok()) s = ErrnoStatus(errno, "closing " + target);
  if (s.ok() && sha != want_sha) s = Status::IoError(target + " changed since it was verified");
  return s;
}

bool IsTlsMember(const std::string& name) { return name.rfind(std::string(kTlsDir) + "/", 0) == 0; }

Status Extract(const std::string& archive, const Manifest& m, const std::string& staging,
               bool with_tls) {
  std::map<std::string, std::string> sha;
  for (const auto& mm : m.members) sha[mm.name] = mm.sha256;
  int fd = ::open(archive.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "opening " + archive);
  TarReader tar(fd, archive);
  Status s;
  for (;;) {
    TarEntry e;
    bool more = false;
    s = tar.Next(&e, &more);
    if (!s.ok() || !more) break;
    if (e.name == kManifestName || (!with_tls && IsTlsMember(e.name))) continue;
    auto it = sha.find(e.name);
    if (it == sha.end()) {
      s = Status::IoError(archive + " changed since it was verified");
      break;
    }
    s = ExtractMember(tar, staging + "/" + e.name, it->second);
    if (!s.ok()) break;
  }
  ::close(fd);
  return s;
}

struct Move {
  std::string from, to;
};

// Renames each move in order; on failure renames the done ones back.
Status RenameAll(const std::vector<Move>& moves) {
  for (size_t i = 0; i < moves.size(); ++i) {
    if (::rename(moves[i].from.c_str(), moves[i].to.c_str()) == 0) continue;
    Status s = ErrnoStatus(errno, "moving " + moves[i].from);
    for (size_t j = i; j-- > 0;) ::rename(moves[j].to.c_str(), moves[j].from.c_str());
    return s;
  }
  return Status::OK();
}

}  // namespace

Status RestoreBackup(const std::string& archive_path, const std::string& data_dir, int64_t now,
                     RestoreResult* result, const RestoreOptions& options) {
  Status s = MakeDirs(data_dir);
  if (!s.ok()) return s;
  auto lock = DataDirLock::Acquire(data_dir);
  if (!lock.ok()) return lock.status();
  Manifest m;
  s = VerifyBackup(archive_path, &m);
  if (!s.ok()) return s;
  auto migrations = EmbeddedMigrations();
  int latest = migrations.empty() ? 0 : migrations.back().version;
  if (m.schema_version > latest) {
    return Status::Unavailable("the backup has schema version " + std::to_string(m.schema_version) +
                               ", newer than this cammio (" + std::to_string(latest) +
                               "); restore it with a newer cammio");
  }
  if (options.restore_tls && !m.includes_tls) {
    return Status::InvalidArgument(archive_path +
                                   " holds no tls/ (it was made without --include-tls yes); "
                                   "nothing was changed");
  }
  const std::string staging = data_dir + "/.restore-staging";
  s = RemoveTree(staging);
  if (s.ok()) s = MakeDirs(staging);
  if (s.ok()) s = Extract(archive_path, m, staging, options.restore_tls);
  if (s.ok()) s = CheckDatabaseIntegrity(staging + "/" + kDatabaseMember);
  if (!s.ok()) {
    RemoveTree(staging);
    return s;
  }
  if (m.includes_media && !IsDirectory(staging + "/media")) s = MakeDirs(staging + "/media");
  if (s.ok() && options.restore_tls && !IsDirectory(staging + "/" + kTlsDir)) {
    s = MakeDirs(staging + "/" + kTlsDir);
  }

  // Move the current files aside, then the restored ones into place.
  std::string previous = data_dir + "/pre-restore-" + FileStamp(now);
  for (int n = 2; PathExists(previous); ++n) {
    previous = data_dir + "/pre-restore-" + FileStamp(now) + "-" + std::to_string(n);
  }
  std::vector<Move> aside, into;
  for (const char* suffix : kDbSidecars) {
    std::string f = std::string(kDatabaseFile) + suffix;
    if (PathExists(data_dir + "/" + f)) aside.push_back({data_dir + "/" + f, previous + "/" + f});
  }
  if (m.includes_media && PathExists(data_dir + "/media")) {
    aside.push_back({data_dir + "/media", previous + "/media"});
  }
  const std::string tls = data_dir + "/" + kTlsDir;
  if (options.restore_tls && PathExists(tls)) aside.push_back({tls, previous + "/" + kTlsDir});
  into.push_back({staging + "/" + kDatabaseMember, data_dir + "/" + kDatabaseFile});
  if (m.includes_media) into.push_back({staging + "/media", data_dir + "/media"});
  if (options.restore_tls) into.push_back({staging + "/" + kTlsDir, tls});
  if (s.ok() && !aside.empty()) s = MakeDirs(previous);
  if (s.ok()) s = RenameAll(aside);
  if (s.ok()) {
    s = RenameAll(into);
    if (!s.ok()) {
      std::vector<Move> back;
      for (size_t i = aside.size(); i-- > 0;) back.push_back({aside[i].to, aside[i].from});
      RenameAll(back);
    }
  }
  if (s.ok()) s = SyncDir(data_dir);
  RemoveTree(staging);
  if (!s.ok()) return s;
  LogInfo("restored " + archive_path + " (schema v" + std::to_string(m.schema_version) + ", " +
          std::to_string(m.members.size()) + " files) into " + data_dir);
  if (result != nullptr) {
    result->manifest = std::move(m);
    result->previous_dir = aside.empty() ? "" : previous;
    result->tls_restored = options.restore_tls;
  }
  return Status::OK();
}

}  // namespace cammio::ops
