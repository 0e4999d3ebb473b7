// PutObject, DeleteObject and UpdateObjectAttributes: S3's versioning rules, each as one write
// transaction. Blobs an operation orphans are marked 'garbage' inside the transaction and their
// chunks deleted right after it, so the commit itself stays short.
#include <vector>

#include "storage/blobs.h"
#include "storage/codec.h"
#include "storage/connection_pool.h"
#include "storage/sqlite_object_store.h"

namespace skiff::storage {
namespace {

constexpr std::string_view kNullVersion = "null";

Result<int64_t> InsertObject(sqlite::Connection& conn, const ObjectRecord& record) {
  sqlite::Stmt stmt(conn, R"sql(
    INSERT INTO objects (bucket, key, version_id, is_latest, is_delete_marker, size, etag,
                         last_modified_ms, owner, attributes, checksum_algorithm, checksum_value,
                         checksum_type, storage_class, parts_count, part_sizes, blob_id)
    VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16))sql");
  stmt.Bind(1, record.bucket)
      .Bind(2, record.key)
      .Bind(3, record.version_id)
      .Bind(4, int64_t{record.is_delete_marker ? 1 : 0})
      .Bind(5, static_cast<int64_t>(record.size))
      .Bind(6, record.etag)
      .Bind(7, record.last_modified_ms)
      .Bind(8, record.owner_account)
      .BindBlob(9, EncodeAttributes(record.attributes))
      .Bind(10, record.checksum_algorithm)
      .Bind(11, record.checksum_value)
      .Bind(12, record.checksum_type)
      .Bind(13, record.storage_class)
      .Bind(14, static_cast<int64_t>(record.parts_count))
      .BindBlob(15, EncodePartSizes(record.part_sizes));
  if (record.blob_id != 0) {
    stmt.Bind(16, record.blob_id);
  } else {
    stmt.BindNull(16);
  }
  Status status = stmt.Run();
  if (!status.ok()) return status;
  return sqlite3_last_insert_rowid(conn.raw());
}

// Marks a blob no object references any more as garbage and remembers it for deletion after
// the commit.
Status DropBlob(sqlite::Connection& conn, int64_t blob_id, std::vector<int64_t>& garbage) {
  if (blob_id == 0) return Status::Ok();
  sqlite::Stmt stmt(conn, R"sql(
    UPDATE blobs SET state = 'garbage'
    WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM objects WHERE blob_id = ?1))sql");
  Status status = stmt.Bind(1, blob_id).Run();
  if (status.ok() && sqlite3_changes(conn.raw()) == 1) garbage.push_back(blob_id);
  return status;
}

// Removes one version row (by seq) and drops its blob.
Status RemoveVersion(sqlite::Connection& conn, int64_t seq, int64_t blob_id,
                     std::vector<int64_t>& garbage) {
  sqlite::Stmt stmt(conn, "DELETE FROM objects WHERE seq = ?1");
  Status status = stmt.Bind(1, seq).Run();
  if (!status.ok()) return status;
  return DropBlob(conn, blob_id, garbage);
}

// Removes the "null" version of a key, if there is one.
Status RemoveNullVersion(sqlite::Connection& conn, std::string_view bucket, std::string_view key,
                         std::vector<int64_t>& garbage) {
  ObjectRecord existing;
  int64_t seq = 0;
  Status status = FindObject(conn, bucket, key, kNullVersion, existing, &seq);
  if (status.code() == Code::kNotFound) return Status::Ok();
  if (!status.ok()) return status;
  return RemoveVersion(conn, seq, existing.blob_id, garbage);
}

Status ClearLatest(sqlite::Connection& conn, std::string_view bucket, std::string_view key) {
  sqlite::Stmt stmt(conn, R"sql(
    UPDATE objects SET is_latest = 0 WHERE bucket = ?1 AND key = ?2 AND is_latest = 1)sql");
  return stmt.Bind(1, bucket).Bind(2, key).Run();
}

// After the latest version was removed: the newest remaining one (if any) becomes latest.
Status PromoteNewest(sqlite::Connection& conn, std::string_view bucket, std::string_view key) {
  sqlite::Stmt stmt(conn, R"sql(
    UPDATE objects SET is_latest = 1 WHERE seq = (
      SELECT seq FROM objects WHERE bucket = ?1 AND key = ?2 ORDER BY seq DESC LIMIT 1))sql");
  return stmt.Bind(1, bucket).Bind(2, key).Run();
}

Result<std::string> BucketOwner(sqlite::Connection& conn, std::string_view bucket) {
  sqlite::Stmt stmt(conn, "SELECT owner FROM buckets WHERE name = ?1");
  stmt.Bind(1, bucket);
  if (stmt.Step()) return stmt.Text(0);
  if (!stmt.status().ok()) return stmt.status();
  return Result<std::string>(Code::kBucketNotFound,
                             "bucket " + std::string(bucket) + " does not exist");
}

Status CheckCondition(sqlite::Connection& conn, const PutObjectInput& input) {
  const PutCondition& condition = input.condition;
  if (!condition.if_none_match_any && !condition.if_match_etag) return Status::Ok();
  ObjectRecord current;
  Status status = FindObject(conn, input.bucket, input.key, "", current);
  if (!status.ok() && status.code() != Code::kNotFound) return status;
  bool exists = status.ok() && !current.is_delete_marker;
  if (condition.if_none_match_any && exists) {
    return {Code::kPreconditionFailed, "an object already exists at this key"};
  }
  if (condition.if_match_etag) {
    // S3 answers If-Match on a missing key (or one whose current version is a delete marker)
    // with 404 NoSuchKey, not 412.
    if (!exists) return {Code::kNotFound, "no current object at this key"};
    if (current.etag != *condition.if_match_etag) {
      return {Code::kPreconditionFailed, "the current object's ETag does not match"};
    }
  }
  return Status::Ok();
}

Result<ObjectRecord> PutInTransaction(ConnectionPool& pool, const PutObjectInput& input,
                                      std::vector<int64_t>& garbage) {
  Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(pool);
  if (!txn.ok()) return txn.status();
  Result<ObjectRecord> record = CommitObjectVersion((*txn)->conn(), input, garbage);
  if (!record.ok()) return record;
  Status status = (*txn)->Commit();
  if (!status.ok()) return status;
  return record;
}

}  // namespace

Result<ObjectRecord> CommitObjectVersion(sqlite::Connection& conn, const PutObjectInput& input,
                                         std::vector<int64_t>& garbage) {
  Result<std::string> versioning = BucketVersioning(conn, input.bucket);
  if (!versioning.ok()) return versioning.status();
  Status status = CheckCondition(conn, input);
  if (!status.ok()) return status;

  if (input.blob.id != 0) {
    sqlite::Stmt claim(conn, R"sql(
      UPDATE blobs SET state = 'committed' WHERE id = ?1 AND size = ?2 AND state = 'staged')sql");
    status = claim.Bind(1, input.blob.id).Bind(2, static_cast<int64_t>(input.blob.size)).Run();
    if (!status.ok()) return status;
    if (sqlite3_changes(conn.raw()) != 1) {
      return Result<ObjectRecord>(
          Code::kInvalidArgument,
          "blob " + std::to_string(input.blob.id) + " is not a staged blob of the stated size");
    }
  }

  bool enabled = *versioning == "Enabled";
  if (!enabled) {
    status = RemoveNullVersion(conn, input.bucket, input.key, garbage);
    if (!status.ok()) return status;
  }
  status = ClearLatest(conn, input.bucket, input.key);
  if (!status.ok()) return status;

  ObjectRecord record;
  record.bucket = input.bucket;
  record.key = input.key;
  record.version_id = enabled ? NewVersionId() : std::string(kNullVersion);
  record.is_latest = true;
  record.size = input.blob.size;
  record.etag = input.etag;
  record.last_modified_ms = input.now_ms;
  record.owner_account = input.owner_account;
  record.attributes = input.attributes;
  record.checksum_algorithm = input.checksum_algorithm;
  record.checksum_value = input.checksum_value;
  record.checksum_type = input.checksum_type;
  record.storage_class = input.storage_class;
  record.parts_count = input.parts_count;
  record.part_sizes = input.part_sizes;
  record.blob_id = input.blob.id;
  Result<int64_t> seq = InsertObject(conn, record);
  if (!seq.ok()) return seq.status();
  return record;
}

Result<ObjectRecord> SqliteObjectStore::PutObject(const PutObjectInput& input) {
  if (input.blob.id == 0 && input.blob.size != 0) {
    ReleaseBlob(*core_, input.blob.id);
    return Result<ObjectRecord>(Code::kInvalidArgument, "a non-empty body needs a blob");
  }
  std::vector<int64_t> garbage;
  Result<ObjectRecord> result = PutInTransaction(core_->pool, input, garbage);
  if (!result.ok()) {
    // The transaction rolled back; the caller's blob is still staged and ours to drop.
    ReleaseBlob(*core_, input.blob.id);
    return result;
  }
  for (int64_t id : garbage) ReleaseBlob(*core_, id);
  return result;
}

Result<DeleteObjectResult> SqliteObjectStore::DeleteObject(std::string_view bucket,
                                                           std::string_view key,
                                                           std::string_view version_id,
                                                           int64_t now_ms) {
  std::vector<int64_t> garbage;
  Result<DeleteObjectResult> result = [&]() -> Result<DeleteObjectResult> {
    Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(core_->pool);
    if (!txn.ok()) return txn.status();
    sqlite::Connection& conn = (*txn)->conn();
    Result<std::string> versioning = BucketVersioning(conn, bucket);
    if (!versioning.ok()) return versioning.status();

    DeleteObjectResult out;
    Status status;
    if (!version_id.empty()) {
      ObjectRecord target;
      int64_t seq = 0;
      status = FindObject(conn, bucket, key, version_id, target, &seq);
      out.version_id = std::string(version_id);
      if (status.code() == Code::kNotFound) return out;  // S3: 204 even when absent
      if (!status.ok()) return status;
      out.delete_marker = target.is_delete_marker;
      status = RemoveVersion(conn, seq, target.blob_id, garbage);
      if (status.ok() && target.is_latest) status = PromoteNewest(conn, bucket, key);
    } else if (versioning->empty()) {
      status = RemoveNullVersion(conn, bucket, key, garbage);
    } else {
      bool enabled = *versioning == "Enabled";
      if (!enabled) status = RemoveNullVersion(conn, bucket, key, garbage);
      if (status.ok()) status = ClearLatest(conn, bucket, key);
      Result<std::string> owner = BucketOwner(conn, bucket);
      if (status.ok()) status = owner.status();
      if (status.ok()) {
        ObjectRecord marker;
        marker.bucket = std::string(bucket);
        marker.key = std::string(key);
        marker.version_id = enabled ? NewVersionId() : std::string(kNullVersion);
        marker.is_delete_marker = true;
        marker.last_modified_ms = now_ms;
        marker.owner_account = *owner;
        status = InsertObject(conn, marker).status();
        out.delete_marker = true;
        out.version_id = marker.version_id;
      }
    }
    if (!status.ok()) return status;
    status = (*txn)->Commit();
    if (!status.ok()) return status;
    return out;
  }();
  for (int64_t id : garbage) ReleaseBlob(*core_, id);
  return result;
}

Status SqliteObjectStore::UpdateObjectAttributes(std::string_view bucket, std::string_view key,
                                                 std::string_view version_id,
                                                 const Attributes& attributes) {
  Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(core_->pool);
  if (!txn.ok()) return txn.status();
  sqlite::Connection& conn = (*txn)->conn();
  Result<std::string> versioning = BucketVersioning(conn, bucket);
  if (!versioning.ok()) return versioning.status();
  ObjectRecord target;
  int64_t seq = 0;
  Status status = FindObject(conn, bucket, key, version_id, target, &seq);
  if (!status.ok()) return status;
  if (target.is_delete_marker) {
    return {Code::kNotFound, "the version is a delete marker"};
  }
  sqlite::Stmt stmt(conn, "UPDATE objects SET attributes = ?2 WHERE seq = ?1");
  status = stmt.Bind(1, seq).BindBlob(2, EncodeAttributes(attributes)).Run();
  if (!status.ok()) return status;
  return (*txn)->Commit();
}

}  // namespace skiff::storage
