#include "storage/blobs.h"

#include <utility>
#include <vector>

namespace skiff::storage {
namespace {

// Chunks deleted per transaction: keeps each write-lock hold short (~64 MiB of pages freed).
constexpr int64_t kDeleteBatch = 64;

class SqliteBlobWriter : public BlobWriter {
 public:
  // The buffer grows with what arrives (up to one chunk) instead of reserving a whole chunk up
  // front: most objects are small, and 32 concurrent 1 KiB uploads should not hold 32 MiB.
  explicit SqliteBlobWriter(std::shared_ptr<StoreCore> core) : core_(std::move(core)) {}
  ~SqliteBlobWriter() override {
    if (!closed_) Abort();
  }

  Status Append(std::string_view data) override {
    if (closed_) return {Code::kInvalidArgument, "append to a closed blob writer"};
    if (!failed_.ok()) return failed_;
    while (!data.empty()) {
      size_t take = std::min(data.size(), kChunkSize - buffer_.size());
      buffer_.append(data.substr(0, take));
      data.remove_prefix(take);
      if (buffer_.size() == kChunkSize) {
        Status status = Flush();
        if (!status.ok()) return status;
      }
    }
    return Status::Ok();
  }

  Result<BlobRef> Close() override {
    if (closed_) return Result<BlobRef>(Code::kInvalidArgument, "blob writer closed twice");
    if (!failed_.ok()) return failed_;
    if (!buffer_.empty()) {
      Status status = Flush();
      if (!status.ok()) return status;
    }
    closed_ = true;
    std::string().swap(buffer_);
    return BlobRef{id_, size_};
  }

  void Abort() override {
    if (closed_) return;
    closed_ = true;
    std::string().swap(buffer_);
    if (id_ != 0) ReleaseBlob(*core_, id_);
  }

 private:
  // Writes the buffer as the next chunk in its own transaction (creating the staged blob row on
  // the first one), so a slow upload never holds the write lock between chunks.
  Status Flush() {
    Status status = FlushOnce();
    if (!status.ok()) failed_ = status;
    return status;
  }

  Status FlushOnce() {
    Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(core_->pool);
    if (!txn.ok()) return txn.status();
    sqlite::Connection& conn = (*txn)->conn();
    int64_t id = id_;
    if (id == 0) {
      sqlite::Stmt insert(conn,
                          "INSERT INTO blobs (size, chunk_size, state) VALUES (0, ?1, 'staged')");
      Status status = insert.Bind(1, static_cast<int64_t>(kChunkSize)).Run();
      if (!status.ok()) return status;
      id = sqlite3_last_insert_rowid(conn.raw());
    }
    {
      sqlite::Stmt chunk(conn, "INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?1, ?2, ?3)");
      Status status = chunk.Bind(1, id).Bind(2, next_seq_).BindBlobNoCopy(3, buffer_).Run();
      if (!status.ok()) return status;
    }
    {
      sqlite::Stmt grow(conn,
                        "UPDATE blobs SET size = size + ?2 WHERE id = ?1 AND state = 'staged'");
      Status status = grow.Bind(1, id).Bind(2, static_cast<int64_t>(buffer_.size())).Run();
      if (!status.ok()) return status;
      if (sqlite3_changes(conn.raw()) != 1) {
        return {Code::kInvalidArgument, "blob is no longer staged"};
      }
    }
    Status status = (*txn)->Commit();
    if (!status.ok()) return status;
    id_ = id;
    ++next_seq_;
    size_ += buffer_.size();
    buffer_.clear();
    return Status::Ok();
  }

  std::shared_ptr<StoreCore> core_;
  std::string buffer_;
  int64_t id_ = 0;
  int64_t next_seq_ = 0;
  uint64_t size_ = 0;
  bool closed_ = false;
  Status failed_;
};

Status DeleteBlobNow(ConnectionPool& pool, int64_t blob_id) {
  for (;;) {
    Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(pool);
    if (!txn.ok()) return txn.status();
    sqlite::Connection& conn = (*txn)->conn();
    sqlite::Stmt chunks(conn, R"sql(
      DELETE FROM blob_chunks WHERE blob_id = ?1 AND seq IN (
        SELECT seq FROM blob_chunks WHERE blob_id = ?1 ORDER BY seq DESC LIMIT ?2)
      AND EXISTS (SELECT 1 FROM blobs WHERE id = ?1 AND state <> 'committed'))sql");
    Status status = chunks.Bind(1, blob_id).Bind(2, kDeleteBatch).Run();
    if (!status.ok()) return status;
    bool more = sqlite3_changes(conn.raw()) > 0;
    if (!more) {
      sqlite::Stmt row(conn, "DELETE FROM blobs WHERE id = ?1 AND state <> 'committed'");
      status = row.Bind(1, blob_id).Run();
      if (!status.ok()) return status;
    }
    status = (*txn)->Commit();
    if (!status.ok() || !more) return status;
  }
}

}  // namespace

void BlobPins::Pin(int64_t blob_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++pins_[blob_id];
}

bool BlobPins::Unpin(int64_t blob_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = pins_.find(blob_id);
  if (it == pins_.end()) return false;
  if (--it->second > 0) return false;
  pins_.erase(it);
  return deferred_.erase(blob_id) > 0;
}

bool BlobPins::TryRelease(int64_t blob_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (pins_.count(blob_id) == 0) return true;
  deferred_.insert(blob_id);
  return false;
}

std::unique_ptr<BlobWriter> NewBlobWriter(std::shared_ptr<StoreCore> core) {
  return std::make_unique<SqliteBlobWriter>(std::move(core));
}

void ReleaseBlob(StoreCore& core, int64_t blob_id) {
  if (blob_id == 0 || !core.pins.TryRelease(blob_id)) return;
  // A failure leaves a non-committed row behind; SweepBlobs removes it at the next open.
  DeleteBlobNow(core.pool, blob_id);
}

Status SweepBlobs(StoreCore& core) {
  std::vector<int64_t> ids;
  {
    Result<Lease> lease = core.pool.Write();
    if (!lease.ok()) return lease.status();
    sqlite::Stmt stmt(lease->conn(), "SELECT id FROM blobs WHERE state <> 'committed'");
    while (stmt.Step()) ids.push_back(stmt.Int(0));
    if (!stmt.status().ok()) return stmt.status();
  }
  for (int64_t id : ids) {
    Status status = DeleteBlobNow(core.pool, id);
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

Status ChunkCursor::Read(sqlite::Connection& conn, int64_t seq, uint64_t offset, char* out,
                         size_t n) {
  if (handle_ == nullptr || seq != seq_) {
    int64_t rowid = 0;
    {
      sqlite::Stmt stmt(conn, "SELECT rowid FROM blob_chunks WHERE blob_id = ?1 AND seq = ?2");
      stmt.Bind(1, blob_id_).Bind(2, seq);
      if (!stmt.Step()) {
        if (!stmt.status().ok()) return stmt.status();
        return {Code::kNotFound, "blob " + std::to_string(blob_id_) + " chunk " +
                                     std::to_string(seq) + " is missing"};
      }
      rowid = stmt.Int(0);
    }
    int rc = SQLITE_OK;
    if (handle_ != nullptr) {
      rc = sqlite3_blob_reopen(handle_, rowid);
    } else {
      rc = sqlite3_blob_open(conn.raw(), "main", "blob_chunks", "data", rowid, /*flags=*/0,
                             &handle_);
    }
    if (rc != SQLITE_OK) {
      Close();
      return sqlite::ToStatus(rc, "open blob chunk", conn.raw());
    }
    seq_ = seq;
  }
  auto size = static_cast<uint64_t>(sqlite3_blob_bytes(handle_));
  if (offset > size || n > size - offset) {
    return {Code::kCorrupt, "blob " + std::to_string(blob_id_) + " chunk " + std::to_string(seq) +
                                " is shorter than its object says"};
  }
  int rc = sqlite3_blob_read(handle_, out, static_cast<int>(n), static_cast<int>(offset));
  if (rc != SQLITE_OK) {
    Status status = sqlite::ToStatus(rc, "read blob chunk", conn.raw());
    Close();
    return status;
  }
  return Status::Ok();
}

void ChunkCursor::Close() {
  if (handle_ != nullptr) sqlite3_blob_close(handle_);
  handle_ = nullptr;
  seq_ = -1;
}

}  // namespace skiff::storage
