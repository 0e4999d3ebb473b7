// Buckets, objects (with versions), bodies and bucket configuration documents.
//
// Contracts:
// - Every mutating call is one short SQLite transaction; a returned OK means the change is in the
//   WAL and survives a crash of the process (kill -9).
// - Bodies are written through a BlobWriter before the object is committed: the writer appends
//   the body in bounded chunks outside the object transaction; PutObject then commits the object
//   row that references the blob. A blob never referenced by an object (an aborted or crashed
//   upload) is removed by the store (at open and on Abort).
// - Conditional writes (PutCondition) are checked inside the commit transaction, so of N
//   concurrent conditional creators of one key exactly one wins.
// - Keys and bucket names are compared as bytes (UTF-8 byte order), as S3 lists them.
// - Thread-safe: one ObjectStore is shared by every I/O thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/status.h"

namespace skiff::storage {

class MultipartStore;  // storage/multipart.h

// Ordered name/value pairs that the protocol layer stores with an object or upload
// (Content-Type, x-amz-meta-*, SSE settings, ACL, tags, ...). Storage does not interpret them.
using Attributes = std::vector<std::pair<std::string, std::string>>;

struct Bucket {
  std::string name;
  std::string owner_account;  // 12-digit account id
  std::string region;         // e.g. "us-east-1"
  int64_t created_ms = 0;     // Unix epoch milliseconds
  std::string versioning;     // "" (never enabled), "Enabled" or "Suspended"
  bool object_lock_enabled = false;
};

struct ObjectRecord {
  std::string bucket;
  std::string key;
  std::string version_id;     // "null" for objects written while versioning was off/suspended
  bool is_latest = true;
  bool is_delete_marker = false;
  uint64_t size = 0;
  std::string etag;           // without quotes: hex md5, or "<hex>-<parts>" for multipart
  int64_t last_modified_ms = 0;
  std::string owner_account;
  Attributes attributes;
  std::string checksum_algorithm;  // "" or "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"
  std::string checksum_value;      // base64 (composite values end in "-N")
  std::string checksum_type;       // "" or "FULL_OBJECT" / "COMPOSITE"
  std::string storage_class;       // "" means STANDARD
  uint32_t parts_count = 0;        // > 0 for multipart objects
  // Part boundaries for multipart objects (size of each part, in order), for partNumber reads.
  std::vector<uint64_t> part_sizes;
  int64_t blob_id = 0;             // 0 for delete markers and empty bodies
};

struct BlobRef {
  int64_t id = 0;
  uint64_t size = 0;
};

// Streams a body into storage in bounded chunks. Not thread-safe; one per upload.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  virtual Status Append(std::string_view data) = 0;
  // Flushes what is buffered; the blob is complete but unreferenced until an object uses it.
  // An empty body returns {0, 0} and stores nothing. A closed blob that no PutObject claims stays
  // staged until the next Database::Open sweeps it. Each blob belongs to at most one object.
  virtual Result<BlobRef> Close() = 0;
  // Drops the staged data. Called implicitly by the destructor if Close() was not called.
  virtual void Abort() = 0;
};

// Reads a byte range of a body in pieces. Holds a read snapshot: the bytes stay readable even if
// the object is overwritten or deleted meanwhile.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Fills up to `capacity` bytes; 0 at the end of the range. Throws std::runtime_error on I/O
  // failure (the response is already under way then).
  virtual size_t Read(char* buffer, size_t capacity) = 0;
};

// An object opened for reading: its record plus bodies from the same snapshot.
class ObjectHandle {
 public:
  virtual ~ObjectHandle() = default;
  virtual const ObjectRecord& record() const = 0;
  // Reader over [offset, offset + length) of the body; the handle may be destroyed before the
  // reader (the reader keeps the snapshot alive).
  virtual std::unique_ptr<BodyReader> Body(uint64_t offset, uint64_t length) = 0;
};

// Checked against the current version inside the commit transaction. A delete marker as the
// current version counts as "no object".
struct PutCondition {
  bool if_none_match_any = false;           // If-None-Match: *  -> fail if a current object exists
  // If-Match: "<etag>" (unquoted here) -> must match: kPreconditionFailed if it differs, kNotFound
  // if there is no current object (S3 answers 404 NoSuchKey then, not 412).
  std::optional<std::string> if_match_etag;
};

struct PutObjectInput {
  std::string bucket;
  std::string key;
  BlobRef blob;                  // from BlobWriter::Close(); {0,0} for an empty body
  std::string etag;              // unquoted
  std::string owner_account;
  Attributes attributes;
  std::string checksum_algorithm, checksum_value, checksum_type;
  std::string storage_class;
  uint32_t parts_count = 0;
  std::vector<uint64_t> part_sizes;
  PutCondition condition;
  int64_t now_ms = 0;
};

struct DeleteObjectResult {
  bool delete_marker = false;  // the deleted (or created) version is a delete marker
  std::string version_id;      // version removed or marker created ("" when unversioned)
};

struct ListInput {
  std::string bucket;
  std::string prefix;
  std::string delimiter;        // "" = none
  // Exclusive bound (marker / start-after / continuation): every key and common prefix returned
  // sorts after it, so a continuation that ended on a common prefix skips that whole group.
  std::string start_after;
  // Objects + common prefixes returned at most (0: an empty, untruncated answer).
  size_t max_keys = 1000;
  // Versions listing (ListObjectVersions): every version and delete marker, newest first per key.
  bool versions = false;
  // With versions: continue after this version of start_after (if that version no longer exists,
  // continue with the next key).
  std::string version_id_marker;
};

struct ListOutput {
  std::vector<ObjectRecord> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  // The last key or common prefix returned (what S3 calls NextMarker / the continuation point).
  std::string next_marker;
  std::string next_version_id_marker;
};

// What a bucket holds (admin /_skiff/state).
struct BucketUsage {
  uint64_t objects = 0;   // current versions that are not delete markers (what a listing shows)
  uint64_t versions = 0;  // every version and delete marker
  uint64_t bytes = 0;     // total size of the current objects
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // --- buckets ---
  virtual Status CreateBucket(const Bucket& bucket) = 0;  // kBucketExists
  virtual Result<Bucket> GetBucket(std::string_view name) = 0;  // kBucketNotFound
  // Every bucket, sorted by name.
  virtual Result<std::vector<Bucket>> ListBuckets() = 0;
  // kBucketNotFound; kBucketNotEmpty if any object, version, marker or upload remains.
  virtual Status DeleteBucket(std::string_view name) = 0;
  virtual Status SetBucketVersioning(std::string_view name, std::string_view status) = 0;

  // Bucket configuration documents (policy, CORS, tagging, encryption, ...), keyed by kind.
  virtual Status PutBucketConfig(std::string_view bucket, std::string_view kind,
                                 std::string_view document) = 0;
  virtual Result<std::string> GetBucketConfig(std::string_view bucket,
                                              std::string_view kind) = 0;  // kNotFound
  virtual Status DeleteBucketConfig(std::string_view bucket, std::string_view kind) = 0;

  // --- bodies ---
  virtual std::unique_ptr<BlobWriter> NewBlob() = 0;

  // --- objects ---
  // Commits a new current version (or replaces the "null" version) per the bucket's versioning.
  // kBucketNotFound, kPreconditionFailed, kNotFound (If-Match without a current object),
  // kInvalidArgument (blob not staged or of another size); never kConflict, since writers
  // serialize and a racing conditional writer simply loses with kPreconditionFailed. The blob is
  // owned by the object on success and released on failure. The body of a replaced version is
  // deleted after the commit (or when the last reader of it goes away).
  virtual Result<ObjectRecord> PutObject(const PutObjectInput& input) = 0;
  // Current version (version_id empty) or a specific one. kNotFound / kBucketNotFound.
  // Delete markers are returned as records with is_delete_marker set.
  virtual Result<ObjectRecord> HeadObject(std::string_view bucket, std::string_view key,
                                          std::string_view version_id) = 0;
  virtual Result<std::unique_ptr<ObjectHandle>> OpenObject(std::string_view bucket,
                                                           std::string_view key,
                                                           std::string_view version_id) = 0;
  // Without version_id: unversioned bucket -> removes the object (OK even if absent);
  // versioned -> adds a delete marker; suspended -> replaces the "null" version with a marker.
  // With version_id: removes that version or marker for good (OK if absent).
  virtual Result<DeleteObjectResult> DeleteObject(std::string_view bucket, std::string_view key,
                                                  std::string_view version_id,
                                                  int64_t now_ms) = 0;
  // Replaces an object's attributes in place (tagging, ACL) without a new version. kNotFound for
  // a missing version or a delete marker.
  virtual Status UpdateObjectAttributes(std::string_view bucket, std::string_view key,
                                        std::string_view version_id,
                                        const Attributes& attributes) = 0;
  virtual Result<ListOutput> List(const ListInput& input) = 0;

  // Multipart uploads kept in the same database (nullptr for stores without them).
  virtual MultipartStore* multipart() { return nullptr; }

  // Counts for one bucket (kBucketNotFound). A store without it answers kInternal.
  virtual Result<BucketUsage> Usage(std::string_view /*bucket*/) {
    return Result<BucketUsage>(Code::kInternal, "bucket usage is not supported by this store");
  }
};

}  // namespace skiff::storage
