// Schema migrations: schema/NNN_name.sql files embedded in the binary, applied
// in order. Each migration and the `PRAGMA user_version = NNN` that records it
// run in one transaction, so a failed migration leaves the database exactly
// as it was.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// The embedded migrations, ascending by version. Versions must be 1, 2, 3...
std::vector<Migration> EmbeddedMigrations();

// Called before migrations upgrade a database that already has a schema
// (user_version `from` > 0) to `to`, on the thread that migrates and before
// any other thread uses `db`. A non-OK answer stops the migration and is
// returned by Migrate. The composition root sets it to the pre-migration
// backup (ops::BackupBeforeMigrations); the store does not know about it.
using BeforeMigration = std::function<Status(Db& db, int from, int to)>;
// The database's schema version (PRAGMA user_version) into *version; left
// unchanged on error.
Status ReadSchemaVersion(Db& db, int* version);

// Applies every migration newer than the database's user_version. On success
// *version is the resulting user_version. A database newer than this binary
// (user_version above the last migration) is refused with Unavailable.
// `before` (empty: none) runs once before an upgrade of an existing schema.
Status Migrate(Db& db, const std::vector<Migration>& migrations, int* version,
               const BeforeMigration& before = BeforeMigration());

}  // namespace cammio
