// Restore: replaces a data directory's database (and media, for a full
// backup) with a backup archive's, refusing while a server runs on it.
//
// Order, so that no step can leave the directory half-restored:
//  1. take the data directory lock (ops/data_lock.h): Unavailable if a
//     server holds it;
//  2. verify the whole archive against its manifest (ops/backup.h);
//  3. refuse a backup whose schema is newer than this binary;
//  4. extract into DATA/.restore-staging, checking each member's SHA-256
//     again, and run PRAGMA integrity_check on the extracted database;
//  5. move the current cammio.db (+ -wal, -shm), media/ (full backups) and,
//     with restore_tls, tls/ into DATA/pre-restore-<UTC time>/ (kept:
//     delete it when satisfied);
//  6. rename the staged files into place and fsync the directory.
// A failure before step 5 changes nothing but the staging directory (which
// is removed); a failure in step 6 moves the previous files back.
//
// Thread-safety: reentrant; the lock serialises restores of one directory.
#pragma once

#include <string>

#include "cammio/status.h"
#include "ops/backup.h"

namespace cammio::ops {

struct RestoreResult {
  Manifest manifest;
  std::string previous_dir;  // where the replaced files went ("" if none)
  bool tls_restored = false;
};

struct RestoreOptions {
  // Put the archive's tls/ (certificate and key) in place of DATA/tls: for
  // a restore on new hardware whose clients pinned the certificate.
  // InvalidArgument, changing nothing, when the archive holds no tls/.
  // Without it DATA/tls stays as it is (its tls/ members are not extracted).
  bool restore_tls = false;
};

// Restores `archive_path` into `data_dir` (created if missing). `now` names
// the pre-restore directory. Errors: Unavailable (server running, or a
// backup newer than this binary), IoError (archive corrupt, integrity check
// failed), InsufficientStorage (disk full while extracting).
Status RestoreBackup(const std::string& archive_path, const std::string& data_dir, int64_t now,
                     RestoreResult* result, const RestoreOptions& options = RestoreOptions());

}  // namespace cammio::ops
