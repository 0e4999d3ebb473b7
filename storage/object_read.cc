// HeadObject and OpenObject: records and bodies read from one snapshot.
#include <algorithm>
#include <mutex>
#include <stdexcept>

#include "storage/blobs.h"
#include "storage/codec.h"
#include "storage/connection_pool.h"
#include "storage/sqlite_object_store.h"

namespace skiff::storage {
namespace {

// What a handle and its readers share. On disk it is a reader connection inside an open read
// transaction (WAL keeps that view stable whatever writers do). In memory there is only one
// connection, so each read takes it briefly and the blob is pinned instead: its deletion waits
// for the snapshot to go away. The blob is pinned in both modes.
class Snapshot {
 public:
  Snapshot(std::shared_ptr<StoreCore> core, Lease lease, int64_t blob_id)
      : core_(std::move(core)), lease_(std::move(lease)), blob_id_(blob_id), cursor_(blob_id) {}
  ~Snapshot() {
    cursor_.Close();
    lease_ = Lease();  // ends the read transaction and returns the connection
    if (blob_id_ != 0 && core_->pins.Unpin(blob_id_)) ReleaseBlob(*core_, blob_id_);
  }

  Status Read(int64_t seq, uint64_t offset, char* out, size_t n) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (lease_) return cursor_.Read(lease_.conn(), seq, offset, out, n);
    Result<Lease> lease = core_->pool.Read();
    if (!lease.ok()) return lease.status();
    Status status = cursor_.Read(lease->conn(), seq, offset, out, n);
    cursor_.Close();
    return status;
  }

 private:
  std::shared_ptr<StoreCore> core_;
  std::mutex mutex_;
  Lease lease_;
  int64_t blob_id_;
  ChunkCursor cursor_;
};

class ChunkedBodyReader : public BodyReader {
 public:
  ChunkedBodyReader(std::shared_ptr<Snapshot> snapshot, uint64_t chunk_size, uint64_t begin,
                    uint64_t end)
      : snapshot_(std::move(snapshot)), chunk_size_(chunk_size), pos_(begin), end_(end) {}

  size_t Read(char* buffer, size_t capacity) override {
    if (pos_ >= end_ || capacity == 0) return 0;
    uint64_t seq = pos_ / chunk_size_;
    uint64_t offset = pos_ - seq * chunk_size_;
    size_t n = std::min<uint64_t>({capacity, chunk_size_ - offset, end_ - pos_});
    Status status = snapshot_->Read(static_cast<int64_t>(seq), offset, buffer, n);
    if (!status.ok()) throw std::runtime_error("reading object body: " + status.message());
    pos_ += n;
    return n;
  }

 private:
  std::shared_ptr<Snapshot> snapshot_;
  uint64_t chunk_size_;
  uint64_t pos_;
  uint64_t end_;
};

class SqliteObjectHandle : public ObjectHandle {
 public:
  SqliteObjectHandle(ObjectRecord record, uint64_t chunk_size, std::shared_ptr<Snapshot> snapshot)
      : record_(std::move(record)), chunk_size_(chunk_size), snapshot_(std::move(snapshot)) {}

  const ObjectRecord& record() const override { return record_; }

  std::unique_ptr<BodyReader> Body(uint64_t offset, uint64_t length) override {
    uint64_t begin = std::min(offset, record_.size);
    uint64_t end = begin + std::min(length, record_.size - begin);
    return std::make_unique<ChunkedBodyReader>(snapshot_, chunk_size_, begin, end);
  }

 private:
  ObjectRecord record_;
  uint64_t chunk_size_;
  std::shared_ptr<Snapshot> snapshot_;
};

Status NotFound(std::string_view key, std::string_view version_id) {
  std::string message = "object " + std::string(key);
  if (!version_id.empty()) message += " version " + std::string(version_id);
  return {Code::kNotFound, message + " does not exist"};
}

// Bucket check plus FindObject, on a connection inside a read transaction.
Status Lookup(sqlite::Connection& conn, std::string_view bucket, std::string_view key,
              std::string_view version_id, ObjectRecord& record) {
  Result<std::string> versioning = BucketVersioning(conn, bucket);
  if (!versioning.ok()) return versioning.status();
  return FindObject(conn, bucket, key, version_id, record);
}

}  // namespace

Status ReadObjectRow(const sqlite::Stmt& stmt, ObjectRecord& record, int64_t* seq) {
  record.bucket = stmt.Text(0);
  record.key = stmt.Text(1);
  record.version_id = stmt.Text(2);
  record.is_latest = stmt.Int(3) != 0;
  record.is_delete_marker = stmt.Int(4) != 0;
  record.size = static_cast<uint64_t>(stmt.Int(5));
  record.etag = stmt.Text(6);
  record.last_modified_ms = stmt.Int(7);
  record.owner_account = stmt.Text(8);
  std::optional<Attributes> attributes = DecodeAttributes(stmt.View(9));
  std::optional<std::vector<uint64_t>> part_sizes = DecodePartSizes(stmt.View(15));
  if (!attributes || !part_sizes) {
    return {Code::kCorrupt, "undecodable object row for key " + record.key};
  }
  record.attributes = std::move(*attributes);
  record.checksum_algorithm = stmt.Text(10);
  record.checksum_value = stmt.Text(11);
  record.checksum_type = stmt.Text(12);
  record.storage_class = stmt.Text(13);
  record.parts_count = static_cast<uint32_t>(stmt.Int(14));
  record.part_sizes = std::move(*part_sizes);
  record.blob_id = stmt.IsNull(16) ? 0 : stmt.Int(16);
  if (seq != nullptr) *seq = stmt.Int(17);
  return Status::Ok();
}

Status FindObject(sqlite::Connection& conn, std::string_view bucket, std::string_view key,
                  std::string_view version_id, ObjectRecord& record, int64_t* seq) {
  static constexpr const char* kLatest =
      "SELECT " SKIFF_OBJECT_COLUMNS
      " FROM objects WHERE bucket = ?1 AND key = ?2 AND is_latest = 1";
  static constexpr const char* kVersion =
      "SELECT " SKIFF_OBJECT_COLUMNS
      " FROM objects WHERE bucket = ?1 AND key = ?2 AND version_id = ?3";
  sqlite::Stmt stmt(conn, version_id.empty() ? kLatest : kVersion);
  stmt.Bind(1, bucket).Bind(2, key);
  if (!version_id.empty()) stmt.Bind(3, version_id);
  if (stmt.Step()) return ReadObjectRow(stmt, record, seq);
  if (!stmt.status().ok()) return stmt.status();
  return NotFound(key, version_id);
}

Result<ObjectRecord> SqliteObjectStore::HeadObject(std::string_view bucket, std::string_view key,
                                                   std::string_view version_id) {
  Result<Lease> lease = core_->pool.Read();
  if (!lease.ok()) return lease.status();
  sqlite::Connection& conn = lease->conn();
  Status status = conn.Exec("BEGIN");
  if (!status.ok()) return status;
  ObjectRecord record;
  status = Lookup(conn, bucket, key, version_id, record);
  conn.Exec("COMMIT");
  if (!status.ok()) return status;
  return record;
}

Result<std::unique_ptr<ObjectHandle>> SqliteObjectStore::OpenObject(std::string_view bucket,
                                                                    std::string_view key,
                                                                    std::string_view version_id) {
  Result<Lease> lease = core_->pool.Read();
  if (!lease.ok()) return lease.status();
  sqlite::Connection& conn = lease->conn();
  Status status = conn.Exec("BEGIN");
  if (!status.ok()) return status;
  ObjectRecord record;
  status = Lookup(conn, bucket, key, version_id, record);
  uint64_t chunk_size = kChunkSize;
  if (status.ok() && record.blob_id != 0) {
    sqlite::Stmt stmt(conn, "SELECT chunk_size FROM blobs WHERE id = ?1");
    stmt.Bind(1, record.blob_id);
    if (stmt.Step()) {
      chunk_size = static_cast<uint64_t>(stmt.Int(0));
    } else {
      status = stmt.status().ok()
                   ? Status(Code::kCorrupt, "object " + record.key + " references a missing blob")
                   : stmt.status();
    }
    if (chunk_size == 0) status = Status(Code::kCorrupt, "blob with chunk size 0");
  }
  if (!status.ok()) {
    conn.Exec("ROLLBACK");
    return status;
  }
  // Pinned while the connection is still ours: in memory mode that is the writer mutex, so no
  // commit can release this blob between the lookup and the pin.
  if (record.blob_id != 0) core_->pins.Pin(record.blob_id);
  std::shared_ptr<Snapshot> snapshot;
  if (core_->pool.in_memory()) {
    conn.Exec("COMMIT");
    snapshot = std::make_shared<Snapshot>(core_, Lease(), record.blob_id);
  } else {
    snapshot = std::make_shared<Snapshot>(core_, std::move(*lease), record.blob_id);
  }
  return std::unique_ptr<ObjectHandle>(
      std::make_unique<SqliteObjectHandle>(std::move(record), chunk_size, std::move(snapshot)));
}

}  // namespace skiff::storage
