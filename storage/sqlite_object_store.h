// ObjectStore over SQLite. Split by concern: buckets.cc (buckets, configs), object_write.cc
// (put, delete, attributes), object_read.cc (head, open, bodies), listing.cc (List).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "storage/object_store.h"
#include "storage/sqlite.h"
#include "storage/store_core.h"

namespace skiff::storage {

class SqliteObjectStore : public ObjectStore {
 public:
  explicit SqliteObjectStore(std::shared_ptr<StoreCore> core);
  ~SqliteObjectStore() override;

  Status CreateBucket(const Bucket& bucket) override;
  Result<Bucket> GetBucket(std::string_view name) override;
  Result<std::vector<Bucket>> ListBuckets() override;
  Status DeleteBucket(std::string_view name) override;
  Status SetBucketVersioning(std::string_view name, std::string_view status) override;

  Status PutBucketConfig(std::string_view bucket, std::string_view kind,
                         std::string_view document) override;
  Result<std::string> GetBucketConfig(std::string_view bucket, std::string_view kind) override;
  Status DeleteBucketConfig(std::string_view bucket, std::string_view kind) override;

  std::unique_ptr<BlobWriter> NewBlob() override;

  Result<ObjectRecord> PutObject(const PutObjectInput& input) override;
  Result<ObjectRecord> HeadObject(std::string_view bucket, std::string_view key,
                                  std::string_view version_id) override;
  Result<std::unique_ptr<ObjectHandle>> OpenObject(std::string_view bucket, std::string_view key,
                                                   std::string_view version_id) override;
  Result<DeleteObjectResult> DeleteObject(std::string_view bucket, std::string_view key,
                                          std::string_view version_id, int64_t now_ms) override;
  Status UpdateObjectAttributes(std::string_view bucket, std::string_view key,
                                std::string_view version_id, const Attributes& attributes) override;
  Result<ListOutput> List(const ListInput& input) override;
  MultipartStore* multipart() override;
  Result<BucketUsage> Usage(std::string_view bucket) override;  // bucket_usage.cc

 private:
  std::shared_ptr<StoreCore> core_;
  std::unique_ptr<MultipartStore> multipart_;  // storage/multipart.cc
};

// --- helpers shared by the object_*.cc and listing.cc files ---

// The columns ReadObjectRow expects, in order (the last one is seq).
#define SKIFF_OBJECT_COLUMNS                                                              \
  "bucket, key, version_id, is_latest, is_delete_marker, size, etag, last_modified_ms, "  \
  "owner, attributes, checksum_algorithm, checksum_value, checksum_type, storage_class, " \
  "parts_count, part_sizes, blob_id, seq"

// Decodes a row selected with SKIFF_OBJECT_COLUMNS. kCorrupt on undecodable BLOB columns.
Status ReadObjectRow(const sqlite::Stmt& stmt, ObjectRecord& record, int64_t* seq = nullptr);

// The bucket's versioning state; kBucketNotFound when absent.
Result<std::string> BucketVersioning(sqlite::Connection& conn, std::string_view bucket);

// Reads the current version (version_id empty) or that version. kNotFound when absent.
Status FindObject(sqlite::Connection& conn, std::string_view bucket, std::string_view key,
                  std::string_view version_id, ObjectRecord& record, int64_t* seq = nullptr);

// The body of PutObject inside the caller's write transaction: checks the condition, claims the
// staged blob, applies the bucket's versioning rules and inserts the new current version. Blobs
// of replaced versions are appended to `garbage` (release them after the commit). Also used by
// CompleteMultipartUpload, whose stitched blob is committed the same way.
Result<ObjectRecord> CommitObjectVersion(sqlite::Connection& conn, const PutObjectInput& input,
                                         std::vector<int64_t>& garbage);

}  // namespace skiff::storage
