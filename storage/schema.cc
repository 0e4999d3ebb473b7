#include "storage/schema.h"

#include <string>
#include <vector>

namespace skiff::storage {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Append only: never edit a shipped step; add a new one. Keys and names are TEXT with the
// default BINARY collation, so comparisons and ORDER BY are UTF-8 byte order, as S3 lists.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, R"sql(
CREATE TABLE buckets (
  name        TEXT PRIMARY KEY,
  owner       TEXT NOT NULL,
  region      TEXT NOT NULL,
  created_ms  INTEGER NOT NULL,
  versioning  TEXT NOT NULL DEFAULT '',     -- '', 'Enabled', 'Suspended'
  object_lock INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE bucket_configs (
  bucket   TEXT NOT NULL REFERENCES buckets(name),
  kind     TEXT NOT NULL,                   -- 'policy', 'cors', 'tagging', ...
  document TEXT NOT NULL,
  PRIMARY KEY (bucket, kind)
);

-- A body, stored as chunks of chunk_size bytes (the last may be shorter). 'staged' while an
-- upload writes it, 'committed' once an object owns it, 'garbage' once no object does (chunks
-- are deleted right after; anything left is swept at open).
CREATE TABLE blobs (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  size       INTEGER NOT NULL DEFAULT 0,
  chunk_size INTEGER NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('staged', 'committed', 'garbage'))
);
CREATE INDEX blobs_by_state ON blobs(state) WHERE state <> 'committed';

CREATE TABLE blob_chunks (
  blob_id INTEGER NOT NULL REFERENCES blobs(id),
  seq     INTEGER NOT NULL,
  data    BLOB NOT NULL,
  PRIMARY KEY (blob_id, seq)
);

-- One row per object version or delete marker. seq orders versions (newest = largest); it is
-- never reused, so a "null" version rewritten in a suspended bucket moves to the front.
CREATE TABLE objects (
  seq                INTEGER PRIMARY KEY AUTOINCREMENT,
  bucket             TEXT NOT NULL REFERENCES buckets(name),
  key                TEXT NOT NULL,
  version_id         TEXT NOT NULL,
  is_latest          INTEGER NOT NULL,
  is_delete_marker   INTEGER NOT NULL,
  size               INTEGER NOT NULL,
  etag               TEXT NOT NULL,
  last_modified_ms   INTEGER NOT NULL,
  owner              TEXT NOT NULL,
  attributes         BLOB,
  checksum_algorithm TEXT NOT NULL DEFAULT '',
  checksum_value     TEXT NOT NULL DEFAULT '',
  checksum_type      TEXT NOT NULL DEFAULT '',
  storage_class      TEXT NOT NULL DEFAULT '',
  parts_count        INTEGER NOT NULL DEFAULT 0,
  part_sizes         BLOB,
  blob_id            INTEGER REFERENCES blobs(id),
  UNIQUE (bucket, key, version_id)
);
CREATE INDEX objects_by_key ON objects(bucket, key, seq DESC);
-- What ListObjects walks: current versions that are not delete markers.
CREATE INDEX objects_current ON objects(bucket, key) WHERE is_latest = 1 AND is_delete_marker = 0;
CREATE INDEX objects_by_blob ON objects(blob_id);
)sql"},
      // DynamoDB. Keys are BLOBs in the DynamoDB layer's order-preserving encoding; SQLite
      // compares BLOBs with memcmp, so every index below walks items in DynamoDB's key order.
      // A deleted table is tombstoned (deleted = 1) in the same transaction that hides it, and
      // its rows are purged in batches afterwards (and at open, after a crash mid-purge).
      {2, R"sql(
CREATE TABLE dynamo_tables (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  account         TEXT NOT NULL,
  region          TEXT NOT NULL,
  name            TEXT NOT NULL,
  document        TEXT NOT NULL,
  status          TEXT NOT NULL,
  created_ms      INTEGER NOT NULL,
  status_until_ms INTEGER NOT NULL DEFAULT 0,
  deleted         INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX dynamo_tables_by_name ON dynamo_tables(account, region, name)
  WHERE deleted = 0;

-- segment_hash: SegmentHash(pk), a stable 32-bit hash that splits a parallel Scan.
CREATE TABLE dynamo_items (
  table_id     INTEGER NOT NULL,
  pk           BLOB NOT NULL,
  sk           BLOB NOT NULL,
  data         BLOB NOT NULL,
  size         INTEGER NOT NULL,
  expires_at_s INTEGER NOT NULL DEFAULT 0,
  segment_hash INTEGER NOT NULL,
  PRIMARY KEY (table_id, pk, sk)
) WITHOUT ROWID;
CREATE INDEX dynamo_items_expiring ON dynamo_items(expires_at_s) WHERE expires_at_s > 0;

-- One row per (item, secondary index) the item appears in; segment_hash = SegmentHash(ipk).
CREATE TABLE dynamo_index (
  table_id     INTEGER NOT NULL,
  index_name   TEXT NOT NULL,
  ipk          BLOB NOT NULL,
  isk          BLOB NOT NULL,
  pk           BLOB NOT NULL,
  sk           BLOB NOT NULL,
  segment_hash INTEGER NOT NULL,
  PRIMARY KEY (table_id, index_name, ipk, isk, pk, sk)
) WITHOUT ROWID;
CREATE INDEX dynamo_index_by_item ON dynamo_index(table_id, pk, sk);
)sql"},
      // Multipart uploads. A part owns a 'committed' blob. Uploads have no foreign key to their
      // bucket: deleting a bucket (which S3 allows while uploads are in progress) or resetting
      // the store discards its uploads through the trigger, which marks their part blobs
      // garbage for the sweep at the next open.
      {3, R"sql(
CREATE TABLE multipart_uploads (
  upload_id          TEXT PRIMARY KEY,
  bucket             TEXT NOT NULL,
  key                TEXT NOT NULL,
  initiated_ms       INTEGER NOT NULL,
  owner              TEXT NOT NULL,
  attributes         BLOB,
  storage_class      TEXT NOT NULL DEFAULT '',
  checksum_algorithm TEXT NOT NULL DEFAULT '',
  checksum_type      TEXT NOT NULL DEFAULT '',
  seq                INTEGER NOT NULL               -- initiation order among equal keys
);
CREATE INDEX multipart_uploads_by_key ON multipart_uploads(bucket, key, seq);

CREATE TABLE multipart_parts (
  upload_id        TEXT NOT NULL REFERENCES multipart_uploads(upload_id),
  part_number      INTEGER NOT NULL,
  size             INTEGER NOT NULL,
  etag             TEXT NOT NULL,
  last_modified_ms INTEGER NOT NULL,
  checksum_value   TEXT NOT NULL DEFAULT '',
  blob_id          INTEGER REFERENCES blobs(id),
  PRIMARY KEY (upload_id, part_number)
);
CREATE INDEX multipart_parts_by_blob ON multipart_parts(blob_id);

CREATE TRIGGER multipart_uploads_of_deleted_bucket AFTER DELETE ON buckets BEGIN
  UPDATE blobs SET state = 'garbage' WHERE id IN (
    SELECT p.blob_id FROM multipart_parts p JOIN multipart_uploads u USING (upload_id)
    WHERE u.bucket = OLD.name);
  DELETE FROM multipart_parts WHERE upload_id IN (
    SELECT upload_id FROM multipart_uploads WHERE bucket = OLD.name);
  DELETE FROM multipart_uploads WHERE bucket = OLD.name;
END;
)sql"},
      // Small keyed JSON documents (storage/documents.h): IAM users, roles, policies.
      {4, R"sql(
CREATE TABLE documents (
  kind    TEXT NOT NULL,
  account TEXT NOT NULL,
  name    TEXT NOT NULL,
  body    TEXT NOT NULL,
  PRIMARY KEY (kind, account, name)
) WITHOUT ROWID;
)sql"},
  };
  return kMigrations;
}

Result<int> UserVersion(sqlite::Connection& conn) {
  sqlite::Stmt stmt(conn, "PRAGMA user_version");
  if (!stmt.Step()) {
    if (!stmt.status().ok()) return stmt.status();
    return Result<int>(Code::kInternal, "PRAGMA user_version returned no row");
  }
  return static_cast<int>(stmt.Int(0));
}

}  // namespace

int LatestSchemaVersion() { return Migrations().back().version; }

Result<int> Migrate(sqlite::Connection& conn) {
  Result<int> current = UserVersion(conn);
  if (!current.ok()) return current;
  if (*current > LatestSchemaVersion()) {
    return Result<int>(Code::kCorrupt, "database schema version " + std::to_string(*current) +
                                           " is newer than this Skiff supports (" +
                                           std::to_string(LatestSchemaVersion()) + ")");
  }
  for (const Migration& migration : Migrations()) {
    if (migration.version <= *current) continue;
    Status status = conn.Exec("BEGIN IMMEDIATE");
    if (!status.ok()) return status;
    status = conn.Exec(migration.sql);
    if (status.ok()) {
      std::string bump = "PRAGMA user_version = " + std::to_string(migration.version);
      status = conn.Exec(bump.c_str());
    }
    if (status.ok()) status = conn.Exec("COMMIT");
    if (!status.ok()) {
      conn.Exec("ROLLBACK");
      return Status(status.code(),
                    "migration " + std::to_string(migration.version) + ": " + status.message());
    }
    *current = migration.version;
  }
  return *current;
}

}  // namespace skiff::storage
