// Buckets and bucket configuration documents.
#include "storage/blobs.h"
#include "storage/connection_pool.h"
#include "storage/sqlite_object_store.h"

namespace skiff::storage {
namespace {

Status BucketNotFound(std::string_view name) {
  return {Code::kBucketNotFound, "bucket " + std::string(name) + " does not exist"};
}

Bucket ReadBucketRow(const sqlite::Stmt& stmt) {
  Bucket bucket;
  bucket.name = stmt.Text(0);
  bucket.owner_account = stmt.Text(1);
  bucket.region = stmt.Text(2);
  bucket.created_ms = stmt.Int(3);
  bucket.versioning = stmt.Text(4);
  bucket.object_lock_enabled = stmt.Int(5) != 0;
  return bucket;
}

// Runs `body` inside one write transaction and commits if it returned OK.
template <typename Body>
Status InWriteTransaction(ConnectionPool& pool, Body body) {
  Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(pool);
  if (!txn.ok()) return txn.status();
  Status status = body((*txn)->conn());
  if (!status.ok()) return status;
  return (*txn)->Commit();
}

Status RequireBucket(sqlite::Connection& conn, std::string_view name) {
  Result<std::string> versioning = BucketVersioning(conn, name);
  return versioning.status();
}

}  // namespace

Result<std::string> BucketVersioning(sqlite::Connection& conn, std::string_view bucket) {
  sqlite::Stmt stmt(conn, "SELECT versioning FROM buckets WHERE name = ?1");
  stmt.Bind(1, bucket);
  if (stmt.Step()) return stmt.Text(0);
  if (!stmt.status().ok()) return stmt.status();
  return BucketNotFound(bucket);
}

Status SqliteObjectStore::CreateBucket(const Bucket& bucket) {
  return InWriteTransaction(core_->pool, [&](sqlite::Connection& conn) -> Status {
    sqlite::Stmt stmt(conn, R"sql(
      INSERT INTO buckets (name, owner, region, created_ms, versioning, object_lock)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (name) DO NOTHING)sql");
    stmt.Bind(1, bucket.name)
        .Bind(2, bucket.owner_account)
        .Bind(3, bucket.region)
        .Bind(4, bucket.created_ms)
        .Bind(5, bucket.versioning)
        .Bind(6, int64_t{bucket.object_lock_enabled ? 1 : 0});
    Status status = stmt.Run();
    if (!status.ok()) return status;
    if (sqlite3_changes(conn.raw()) == 0) {
      return {Code::kBucketExists, "bucket " + bucket.name + " already exists"};
    }
    return Status::Ok();
  });
}

Result<Bucket> SqliteObjectStore::GetBucket(std::string_view name) {
  Result<Lease> lease = core_->pool.Read();
  if (!lease.ok()) return lease.status();
  sqlite::Stmt stmt(lease->conn(), R"sql(
    SELECT name, owner, region, created_ms, versioning, object_lock FROM buckets
    WHERE name = ?1)sql");
  stmt.Bind(1, name);
  if (stmt.Step()) return ReadBucketRow(stmt);
  if (!stmt.status().ok()) return stmt.status();
  return BucketNotFound(name);
}

Result<std::vector<Bucket>> SqliteObjectStore::ListBuckets() {
  Result<Lease> lease = core_->pool.Read();
  if (!lease.ok()) return lease.status();
  sqlite::Stmt stmt(lease->conn(), R"sql(
    SELECT name, owner, region, created_ms, versioning, object_lock FROM buckets
    ORDER BY name)sql");
  std::vector<Bucket> buckets;
  while (stmt.Step()) buckets.push_back(ReadBucketRow(stmt));
  if (!stmt.status().ok()) return stmt.status();
  return buckets;
}

Status SqliteObjectStore::DeleteBucket(std::string_view name) {
  return InWriteTransaction(core_->pool, [&](sqlite::Connection& conn) -> Status {
    Status status = RequireBucket(conn, name);
    if (!status.ok()) return status;
    {
      sqlite::Stmt any(conn, "SELECT 1 FROM objects WHERE bucket = ?1 LIMIT 1");
      any.Bind(1, name);
      if (any.Step()) {
        return {Code::kBucketNotEmpty, "bucket " + std::string(name) + " is not empty"};
      }
      if (!any.status().ok()) return any.status();
    }
    sqlite::Stmt configs(conn, "DELETE FROM bucket_configs WHERE bucket = ?1");
    status = configs.Bind(1, name).Run();
    if (!status.ok()) return status;
    sqlite::Stmt bucket(conn, "DELETE FROM buckets WHERE name = ?1");
    return bucket.Bind(1, name).Run();
  });
}

Status SqliteObjectStore::SetBucketVersioning(std::string_view name, std::string_view status) {
  if (status != "Enabled" && status != "Suspended") {
    return {Code::kInvalidArgument, "versioning status must be Enabled or Suspended"};
  }
  return InWriteTransaction(core_->pool, [&](sqlite::Connection& conn) -> Status {
    sqlite::Stmt stmt(conn, "UPDATE buckets SET versioning = ?2 WHERE name = ?1");
    Status result = stmt.Bind(1, name).Bind(2, status).Run();
    if (!result.ok()) return result;
    if (sqlite3_changes(conn.raw()) == 0) return BucketNotFound(name);
    return Status::Ok();
  });
}

Status SqliteObjectStore::PutBucketConfig(std::string_view bucket, std::string_view kind,
                                          std::string_view document) {
  return InWriteTransaction(core_->pool, [&](sqlite::Connection& conn) -> Status {
    Status status = RequireBucket(conn, bucket);
    if (!status.ok()) return status;
    sqlite::Stmt stmt(conn, R"sql(
      INSERT INTO bucket_configs (bucket, kind, document) VALUES (?1, ?2, ?3)
      ON CONFLICT (bucket, kind) DO UPDATE SET document = excluded.document)sql");
    return stmt.Bind(1, bucket).Bind(2, kind).Bind(3, document).Run();
  });
}

Result<std::string> SqliteObjectStore::GetBucketConfig(std::string_view bucket,
                                                       std::string_view kind) {
  Result<Lease> lease = core_->pool.Read();
  if (!lease.ok()) return lease.status();
  sqlite::Connection& conn = lease->conn();
  // One read transaction so the bucket check and the document come from the same snapshot.
  Status status = conn.Exec("BEGIN");
  if (!status.ok()) return status;
  Result<std::string> result = [&]() -> Result<std::string> {
    Status exists = RequireBucket(conn, bucket);
    if (!exists.ok()) return exists;
    sqlite::Stmt stmt(conn, "SELECT document FROM bucket_configs WHERE bucket = ?1 AND kind = ?2");
    stmt.Bind(1, bucket).Bind(2, kind);
    if (stmt.Step()) return stmt.Text(0);
    if (!stmt.status().ok()) return stmt.status();
    return Result<std::string>(Code::kNotFound, "bucket " + std::string(bucket) + " has no " +
                                                    std::string(kind) + " configuration");
  }();
  conn.Exec("COMMIT");
  return result;
}

Status SqliteObjectStore::DeleteBucketConfig(std::string_view bucket, std::string_view kind) {
  return InWriteTransaction(core_->pool, [&](sqlite::Connection& conn) -> Status {
    Status status = RequireBucket(conn, bucket);
    if (!status.ok()) return status;
    sqlite::Stmt stmt(conn, "DELETE FROM bucket_configs WHERE bucket = ?1 AND kind = ?2");
    return stmt.Bind(1, bucket).Bind(2, kind).Run();
  });
}

std::unique_ptr<BlobWriter> SqliteObjectStore::NewBlob() { return NewBlobWriter(core_); }

}  // namespace skiff::storage
