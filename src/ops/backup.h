// Backups: one tar archive (ops/tar.h) holding
//   cammio.db       a consistent copy made with SQLite's online backup API
//                   (one backup step under one read lock: a snapshot, taken
//                   while the server keeps serving and writing);
//   media/...       every file under DATA/media (full backups only);
//   tls/...         DATA/tls (the server's certificate and PRIVATE KEY), only
//                   when asked for (include_tls; `cammio backup --include-tls
//                   yes`), so that a restore on new hardware keeps the
//                   certificate clients pinned;
//   manifest.json   last: kind, versions, time, includes_media/includes_tls,
//                   and each member's size and SHA-256.
// The copied database must pass PRAGMA integrity_check, else no archive is
// written: a backup of a damaged database would only be refused at restore.
// The database is copied first and the media afterwards, so every media file
// the copied database refers to exists in the archive unless it was deleted
// in between (such a file was being deleted anyway); files added after the
// snapshot are harmless extras. See docs/operations.md.
//
// Nothing is left behind on failure: the archive is written as FILE.partial
// and renamed into place after an fsync.
//
// Thread-safety: functions are reentrant. CreateBackup uses `src` for the
// duration of the call; the caller must not use that connection meanwhile.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio::ops {

constexpr const char kManifestName[] = "manifest.json";
constexpr const char kDatabaseMember[] = "cammio.db";
constexpr const char kDatabaseFile[] = "cammio.db";  // inside the data directory
constexpr const char kTlsDir[] = "tls";              // inside the data directory and the archive

struct ManifestMember {
  std::string name;
  int64_t size = 0;
  std::string sha256;  // lowercase hex
};

struct Manifest {
  int format = 1;
  std::string kind = "full";  // "full" or "pre-migration" (database only)
  bool includes_media = true;
  bool includes_tls = false;  // absent in manifests before it existed: false
  std::string cammio_version;
  int schema_version = 0;
  int64_t created_at = 0;               // epoch seconds
  std::vector<ManifestMember> members;  // every member but the manifest
};

struct BackupOptions {
  bool include_media = true;
  bool include_tls = false;  // DATA/tls/*: InvalidArgument if there is none
  std::string kind = "full";
  int64_t now = 0;  // created_at
};

// Writes a backup of `src` (a connection to DATA/cammio.db, only read) and,
// with include_media, of DATA/media to `archive_path`, which must not exist
// (InvalidArgument). *manifest (optional) receives what was written.
// Errors: IoError "... fails its integrity check ..." for a damaged database,
// InsufficientStorage when the destination is full, Unavailable when it is
// not writable, IoError otherwise; no partial file remains.
Status CreateBackup(Db& src, const std::string& data_dir, const std::string& archive_path,
                    const BackupOptions& options, Manifest* manifest);

// `cammio backup`: opens DATA/cammio.db read-only (safe beside a running
// server) and calls CreateBackup (a full backup; DATA/tls too with
// `include_tls`). NotFound when there is no database.
Status BackupDataDir(const std::string& data_dir, const std::string& archive_path, int64_t now,
                     Manifest* manifest, bool include_tls = false);

// Reads the whole archive and checks it: a manifest last, every other member
// listed in it exactly once with the same size and SHA-256, and a database
// member. OK fills *manifest (optional). IoError (corrupt, truncated,
// mismatch) or NotFound (no such file).
Status VerifyBackup(const std::string& archive_path, Manifest* manifest);

// The manifest as JSON text, and back (IoError for malformed text).
std::string ManifestToJson(const Manifest& m);
Result<Manifest> ManifestFromJson(const std::string& text);

class TarWriter;
// Adds the file at `path` as member `name` and lists it in m->members.
// With `missing_ok`, a file that no longer exists is skipped (OK).
Status AddFileToArchive(TarWriter& tar, const std::string& name, const std::string& path,
                        bool missing_ok, Manifest* m);

// "20260102T030405Z" for an epoch: a sortable UTC stamp for file names.
std::string FileStamp(int64_t epoch);

}  // namespace cammio::ops
