// The automatic backup taken before migrations change an existing database
// (cli::OpenDataStore hands it to the store as StoreOptions::before_migration;
// store/migrate.cc calls it). Migrations touch only the database, so this
// backup holds the database alone (manifest kind "pre-migration"); restoring
// it (`cammio restore --from FILE`) brings back the old schema and rows and
// leaves the media in place.
//
// Archives go to DATA/backups/pre-migration-<UTC>-v<FROM>-v<TO>.tar (DATA
// being the database's directory); the newest kKeepPreMigrationBackups are
// kept, older ones are removed after a successful backup.
//
// Thread-safety: called on the thread opening the store, before any other
// thread uses `db`.
#pragma once

#include "cammio/status.h"
#include "store/db.h"

namespace cammio::ops {

constexpr int kKeepPreMigrationBackups = 3;

// Backs up `db` (the connection about to be migrated from version `from` to
// `to`). OK without doing anything for an in-memory or temporary database.
// Errors as CreateBackup (InsufficientStorage when the disk is full): the
// caller must then not migrate.
Status BackupBeforeMigrations(Db& db, int from, int to);

}  // namespace cammio::ops
