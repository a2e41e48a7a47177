// Small POSIX file helpers (used by uploads, the operations commands:
// backup, restore, export, erase, retention, checks, and the CLI), with errno
// mapped onto Status the way the API reports storage faults:
//   ENOSPC, EDQUOT, EFBIG        -> InsufficientStorage (HTTP 507)
//   EROFS, EACCES, EPERM         -> Unavailable         (HTTP 503)
//   ENOENT                       -> NotFound
//   anything else                -> IoError             (HTTP 500)
// and a streaming SHA-256 for large files.
//
// Thread-safety: all functions are reentrant; a Sha256Stream or FileSink is
// used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cammio/status.h"
#include "util/crypto.h"

namespace cammio {

// The Status for errno `err` while doing `what` (a sentence fragment naming
// the file).
Status ErrnoStatus(int err, const std::string& what);

// Sha256Stream (incremental SHA-256 for large files) is in util/crypto.h.

// Writes all of `data` to `fd`, retrying short writes and EINTR.
Status WriteAll(int fd, const char* data, size_t n, const std::string& what);
// Reads exactly n bytes; IoError("truncated") on early end of file.
Status ReadExactly(int fd, char* data, size_t n, const std::string& what);

// Regular files under `root`, recursively, as paths relative to `root`
// ("12/345.webm"), sorted. A missing root is an empty list (OK).
Result<std::vector<std::string>> ListFiles(const std::string& root);
// Size in bytes of a regular file; NotFound if absent.
Result<int64_t> FileSize(const std::string& path);
bool PathExists(const std::string& path);
bool IsDirectory(const std::string& path);

// mkdir -p with mode 0700 for each created component.
Status MakeDirs(const std::string& path);
// rm -rf; OK if absent.
Status RemoveTree(const std::string& path);
// Removes one file; OK if it is already gone.
Status RemoveFile(const std::string& path);
// fsync of a directory, so renames and unlinks in it are durable.
Status SyncDir(const std::string& dir);
// Test hook: when set, SyncDir calls it with each directory before syncing
// it (tests check that a file's name is made durable before an answer).
// nullptr: none. Thread-safe.
using SyncDirObserver = void (*)(const std::string& dir);
void SetSyncDirObserverForTesting(SyncDirObserver observer);
// The directory part of a path ("a/b/c" -> "a/b", "c" -> ".").
std::string DirName(const std::string& path);

// Whole small files (manifests, PEM); NotFound / IoError.
Result<std::string> ReadWholeFile(const std::string& path);
// Writes `data` to path via path.tmp + fsync + rename (no partial file left).
Status WriteFileAtomic(const std::string& path, std::string_view data);

// Free and total bytes of the filesystem holding `path` (statvfs).
struct DiskSpace {
  int64_t free_bytes = 0;  // available to unprivileged users
  int64_t total_bytes = 0;
};
Result<DiskSpace> GetDiskSpace(const std::string& path);

}  // namespace cammio
