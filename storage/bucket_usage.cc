// Bucket usage counts for the admin API's /_skiff/state.
#include "storage/connection_pool.h"
#include "storage/sqlite_object_store.h"

namespace skiff::storage {

Result<BucketUsage> SqliteObjectStore::Usage(std::string_view bucket) {
  Result<Lease> lease = core_->pool.Read();
  if (!lease.ok()) return lease.status();
  // One read snapshot: the bucket check and the counts agree.
  sqlite::Stmt exists(lease->conn(), "SELECT 1 FROM buckets WHERE name = ?1");
  exists.Bind(1, bucket);
  if (!exists.Step()) {
    if (!exists.status().ok()) return exists.status();
    return Result<BucketUsage>(Code::kBucketNotFound, "bucket " + std::string(bucket));
  }
  sqlite::Stmt stmt(lease->conn(), R"sql(
    SELECT count(*),
           coalesce(sum(is_latest = 1 AND is_delete_marker = 0), 0),
           coalesce(sum(CASE WHEN is_latest = 1 AND is_delete_marker = 0 THEN size END), 0)
    FROM objects WHERE bucket = ?1)sql");
  stmt.Bind(1, bucket);
  if (!stmt.Step()) {
    if (!stmt.status().ok()) return stmt.status();
    return Result<BucketUsage>(Code::kInternal, "count returned no row");
  }
  BucketUsage usage;
  usage.versions = static_cast<uint64_t>(stmt.Int(0));
  usage.objects = static_cast<uint64_t>(stmt.Int(1));
  usage.bytes = static_cast<uint64_t>(stmt.Int(2));
  return usage;
}

}  // namespace skiff::storage
