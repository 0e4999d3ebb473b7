// Versioned schema migrations. The schema version is SQLite's PRAGMA user_version; each
// migration is applied in its own transaction together with the version bump.
#pragma once

#include "storage/sqlite.h"
#include "storage/status.h"

namespace skiff::storage {

// The version a fully migrated database has.
int LatestSchemaVersion();

// Brings `conn` (the writer) up to LatestSchemaVersion(). kCorrupt if the file comes from a newer
// Skiff (a version we do not know).
Result<int> Migrate(sqlite::Connection& conn);

}  // namespace skiff::storage
