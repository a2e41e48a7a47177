// Maintenance: what backup, restore, the pre-migration backup and `cammio
// check` need from the database engine itself -- an online copy to a file,
// the database's file name, the engine's version, and the media the
// database indexes. The SQLite calls stay here, behind this interface.
//
// Thread-safety: each function uses the given Db (one thread at a time) or
// no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

// Copies `src` into a new database file at `dest` in one backup step (so the
// copy is one snapshot), switches the copy to a rollback journal (one
// self-contained file) and reads its user_version into *schema_version.
// The SQLite error as a Status (SqliteStatus) on failure; `dest` may then be
// left partly written (the caller removes it).
Status BackupDatabaseTo(Db& src, const std::string& dest, int* schema_version);

// The path of the main database file of `db`; empty for an in-memory or
// temporary database.
std::string DatabaseFileName(Db& db);

// The version string of the linked SQLite library ("3.40.1").
std::string DatabaseLibraryVersion();

// The relative paths (under DATA/media) of every indexed media file
// (`videos`), appended to *out.
Status ListMediaPaths(Db& db, std::vector<std::string>* out);
// The ids of the uploads not yet finished (no media file yet; their data is
// in DATA/media/uploads/<id>.part), appended to *out.
Status ListUnfinishedUploadIds(Db& db, std::vector<int64_t>* out);
// The references to videos of vacancies and questions (schema/018: intro
// videos; 001: question videos) that name no `videos` row of the vacancy's
// account, as "vacancy V intro video N" / "vacancy V question Q video N",
// appended to *out (at most `limit`). Only for schema version >= 18.
Status ListDanglingVideoReferences(Db& db, int64_t limit, std::vector<std::string>* out);

}  // namespace cammio
