// DataDirLock: the data directory's owner lock. `cammio serve` holds it for
// its whole life and `cammio restore` takes it for the restore, so a restore
// never replaces the files under a running server (and a server does not
// start in the middle of a restore). It is an exclusive flock(2) on
// DATA/cammio.lock, released by the kernel when the process exits however it
// exits (kill -9 included), so a stale lock cannot exist. The holder's pid
// is written into the file for the error message.
//
// The admin commands that only read or write rows (account, token, backup,
// candidate ...) do not take it: SQLite already coordinates them with the
// server.
//
// Thread-safety: a DataDirLock is owned by one thread; flock locks belong to
// the open file, so a second Acquire in the same process also fails.
#pragma once

#include <memory>
#include <string>

#include "cammio/status.h"

namespace cammio::ops {

class DataDirLock {
 public:
  // Takes the lock without waiting. Unavailable (naming the holder's pid)
  // when another process -- or another DataDirLock -- holds it; errors of
  // creating the lock file as ErrnoStatus maps them.
  static Result<std::unique_ptr<DataDirLock>> Acquire(const std::string& data_dir);
  ~DataDirLock();  // Releases the lock.
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  // True when some process holds the lock on `data_dir` right now.
  static bool IsHeld(const std::string& data_dir);

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace cammio::ops
