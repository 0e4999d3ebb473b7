// MultipartStore over SQLite (schema migration 3): uploads, parts, listing and completion.
#include "storage/multipart.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "storage/blobs.h"
#include "storage/codec.h"
#include "storage/connection_pool.h"
#include "storage/sqlite_object_store.h"

namespace skiff::storage {
namespace {

#define SKIFF_UPLOAD_COLUMNS                                                                   \
  "upload_id, bucket, key, initiated_ms, owner, attributes, storage_class, checksum_algorithm, " \
  "checksum_type"

Status UploadNotFound(std::string_view upload_id) {
  return {Code::kUploadNotFound, "upload " + std::string(upload_id) + " does not exist"};
}

Status ReadUploadRow(const sqlite::Stmt& stmt, MultipartUpload& upload) {
  upload.upload_id = stmt.Text(0);
  upload.bucket = stmt.Text(1);
  upload.key = stmt.Text(2);
  upload.initiated_ms = stmt.Int(3);
  upload.owner_account = stmt.Text(4);
  std::optional<Attributes> attributes = DecodeAttributes(stmt.View(5));
  if (!attributes) return {Code::kCorrupt, "undecodable upload row " + upload.upload_id};
  upload.attributes = std::move(*attributes);
  upload.storage_class = stmt.Text(6);
  upload.checksum_algorithm = stmt.Text(7);
  upload.checksum_type = stmt.Text(8);
  return Status::Ok();
}

// The upload, if it exists for this bucket and key. kBucketNotFound / kUploadNotFound.
Status FindUpload(sqlite::Connection& conn, std::string_view bucket, std::string_view key,
                  std::string_view upload_id, MultipartUpload& upload) {
  Result<std::string> versioning = BucketVersioning(conn, bucket);
  if (!versioning.ok()) return versioning.status();
  sqlite::Stmt stmt(conn, "SELECT " SKIFF_UPLOAD_COLUMNS
                          " FROM multipart_uploads WHERE upload_id = ?1 AND bucket = ?2 AND key = ?3");
  stmt.Bind(1, upload_id).Bind(2, bucket).Bind(3, key);
  if (stmt.Step()) return ReadUploadRow(stmt, upload);
  if (!stmt.status().ok()) return stmt.status();
  return UploadNotFound(upload_id);
}

Status ReadParts(sqlite::Connection& conn, std::string_view upload_id, uint32_t after,
                 size_t limit, std::vector<PartRecord>& parts) {
  sqlite::Stmt stmt(conn, R"sql(
    SELECT part_number, size, etag, last_modified_ms, checksum_value, blob_id
    FROM multipart_parts WHERE upload_id = ?1 AND part_number > ?2
    ORDER BY part_number LIMIT ?3)sql");
  stmt.Bind(1, upload_id).Bind(2, int64_t{after}).Bind(3, static_cast<int64_t>(limit));
  while (stmt.Step()) {
    PartRecord part;
    part.part_number = static_cast<uint32_t>(stmt.Int(0));
    part.size = static_cast<uint64_t>(stmt.Int(1));
    part.etag = stmt.Text(2);
    part.last_modified_ms = stmt.Int(3);
    part.checksum_value = stmt.Text(4);
    part.blob_id = stmt.IsNull(5) ? 0 : stmt.Int(5);
    parts.push_back(std::move(part));
  }
  return stmt.status();
}

// Runs `body` on a reader connection inside one read transaction.
template <typename T, typename Body>
Result<T> InReadTransaction(ConnectionPool& pool, Body body) {
  Result<Lease> lease = pool.Read();
  if (!lease.ok()) return lease.status();
  sqlite::Connection& conn = lease->conn();
  Status status = conn.Exec("BEGIN");
  if (!status.ok()) return status;
  Result<T> result = body(conn);
  conn.Exec("COMMIT");
  return result;
}

Status MarkGarbage(sqlite::Connection& conn, int64_t blob_id, std::vector<int64_t>& garbage) {
  if (blob_id == 0) return Status::Ok();
  sqlite::Stmt stmt(conn, "UPDATE blobs SET state = 'garbage' WHERE id = ?1");
  Status status = stmt.Bind(1, blob_id).Run();
  if (status.ok()) garbage.push_back(blob_id);
  return status;
}

// The upload's parts chosen for completion, in order, or kInvalidArgument if one is missing.
Result<std::vector<PartRecord>> ChosenParts(const std::vector<PartRecord>& all,
                                            const std::vector<uint32_t>& numbers) {
  std::map<uint32_t, const PartRecord*> by_number;
  for (const PartRecord& p : all) by_number[p.part_number] = &p;
  std::vector<PartRecord> chosen;
  for (uint32_t n : numbers) {
    auto it = by_number.find(n);
    if (it == by_number.end()) {
      return Result<std::vector<PartRecord>>(Code::kInvalidArgument,
                                             "part " + std::to_string(n) + " does not exist");
    }
    chosen.push_back(*it->second);
  }
  return chosen;
}

// Every chosen part but the last fills whole chunks, so their chunk rows can move as they are.
bool ChunkAligned(const std::vector<PartRecord>& parts) {
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i].size % kChunkSize != 0) return false;
  }
  return true;
}

class SqliteMultipartStore : public MultipartStore {
 public:
  explicit SqliteMultipartStore(std::shared_ptr<StoreCore> core) : core_(std::move(core)) {}

  Result<MultipartUpload> CreateUpload(const MultipartUpload& input) override {
    Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(core_->pool);
    if (!txn.ok()) return txn.status();
    sqlite::Connection& conn = (*txn)->conn();
    Result<std::string> versioning = BucketVersioning(conn, input.bucket);
    if (!versioning.ok()) return versioning.status();
    MultipartUpload upload = input;
    upload.upload_id = NewVersionId() + NewVersionId() + NewVersionId();
    sqlite::Stmt stmt(conn, R"sql(
      INSERT INTO multipart_uploads (upload_id, bucket, key, initiated_ms, owner, attributes,
                                     storage_class, checksum_algorithm, checksum_type, seq)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,
              (SELECT COALESCE(MAX(seq), 0) + 1 FROM multipart_uploads)))sql");
    stmt.Bind(1, upload.upload_id)
        .Bind(2, upload.bucket)
        .Bind(3, upload.key)
        .Bind(4, upload.initiated_ms)
        .Bind(5, upload.owner_account)
        .BindBlob(6, EncodeAttributes(upload.attributes))
        .Bind(7, upload.storage_class)
        .Bind(8, upload.checksum_algorithm)
        .Bind(9, upload.checksum_type);
    Status status = stmt.Run();
    if (!status.ok()) return status;
    status = (*txn)->Commit();
    if (!status.ok()) return status;
    return upload;
  }

  Result<MultipartUpload> GetUpload(std::string_view bucket, std::string_view key,
                                    std::string_view upload_id) override {
    return InReadTransaction<MultipartUpload>(
        core_->pool, [&](sqlite::Connection& conn) -> Result<MultipartUpload> {
          MultipartUpload upload;
          Status status = FindUpload(conn, bucket, key, upload_id, upload);
          if (!status.ok()) return status;
          return upload;
        });
  }

  Result<PartRecord> PutPart(const PutPartInput& input) override {
    std::vector<int64_t> garbage;
    Result<PartRecord> result = PutPartInTransaction(input, garbage);
    if (!result.ok()) ReleaseBlob(*core_, input.blob.id);
    for (int64_t id : garbage) ReleaseBlob(*core_, id);
    return result;
  }

  Result<ListPartsOutput> ListParts(const ListPartsInput& input) override {
    return InReadTransaction<ListPartsOutput>(
        core_->pool, [&](sqlite::Connection& conn) -> Result<ListPartsOutput> {
          ListPartsOutput out;
          Status status = FindUpload(conn, input.bucket, input.key, input.upload_id, out.upload);
          if (!status.ok()) return status;
          status = ReadParts(conn, input.upload_id, input.after_part, input.max_parts + 1,
                             out.parts);
          if (!status.ok()) return status;
          if (out.parts.size() > input.max_parts) {
            out.parts.resize(input.max_parts);
            out.truncated = true;
          }
          if (!out.parts.empty()) out.next_part_marker = out.parts.back().part_number;
          return out;
        });
  }

  Result<ListUploadsOutput> ListUploads(const ListUploadsInput& input) override {
    return InReadTransaction<ListUploadsOutput>(
        core_->pool, [&](sqlite::Connection& conn) -> Result<ListUploadsOutput> {
          Result<std::string> versioning = BucketVersioning(conn, input.bucket);
          if (!versioning.ok()) return versioning.status();
          return WalkUploads(conn, input);
        });
  }

  Status AbortUpload(std::string_view bucket, std::string_view key,
                     std::string_view upload_id) override {
    std::vector<int64_t> garbage;
    Status status = [&]() -> Status {
      Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(core_->pool);
      if (!txn.ok()) return txn.status();
      sqlite::Connection& conn = (*txn)->conn();
      MultipartUpload upload;
      Status found = FindUpload(conn, bucket, key, upload_id, upload);
      if (!found.ok()) return found;
      Status removed = RemoveUpload(conn, upload_id, {}, garbage);
      if (!removed.ok()) return removed;
      return (*txn)->Commit();
    }();
    if (!status.ok()) garbage.clear();
    for (int64_t id : garbage) ReleaseBlob(*core_, id);
    return status;
  }

  Result<ObjectRecord> CompleteUpload(const CompleteUploadInput& input) override {
    struct Plan {
      std::vector<PartRecord> chosen;
      bool aligned = true;
    };
    Result<Plan> plan = InReadTransaction<Plan>(
        core_->pool, [&](sqlite::Connection& conn) -> Result<Plan> {
          MultipartUpload upload;
          Status status = FindUpload(conn, input.bucket, input.key, input.upload_id, upload);
          if (!status.ok()) return status;
          std::vector<PartRecord> all;
          status = ReadParts(conn, input.upload_id, 0, 100000, all);
          if (!status.ok()) return status;
          Result<std::vector<PartRecord>> chosen = ChosenParts(all, input.part_numbers);
          if (!chosen.ok()) return chosen.status();
          Plan p;
          p.chosen = std::move(*chosen);
          p.aligned = ChunkAligned(p.chosen);
          return p;
        });
    if (!plan.ok()) return plan.status();

    BlobRef copied;
    if (!plan->aligned) {
      Result<BlobRef> blob = CopyParts(plan->chosen);
      if (!blob.ok()) return blob.status();
      copied = *blob;
    }
    std::vector<int64_t> garbage;
    Result<ObjectRecord> result = CompleteInTransaction(input, plan->chosen, copied, garbage);
    if (!result.ok()) {
      ReleaseBlob(*core_, copied.id);
      return result;
    }
    for (int64_t id : garbage) ReleaseBlob(*core_, id);
    return result;
  }

 private:
  Result<PartRecord> PutPartInTransaction(const PutPartInput& input,
                                          std::vector<int64_t>& garbage) {
    if (input.blob.id == 0 && input.blob.size != 0) {
      return Result<PartRecord>(Code::kInvalidArgument, "a non-empty part needs a blob");
    }
    Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(core_->pool);
    if (!txn.ok()) return txn.status();
    sqlite::Connection& conn = (*txn)->conn();
    MultipartUpload upload;
    Status status = FindUpload(conn, input.bucket, input.key, input.upload_id, upload);
    if (!status.ok()) return status;
    if (input.blob.id != 0) {
      sqlite::Stmt claim(conn, R"sql(
        UPDATE blobs SET state = 'committed' WHERE id = ?1 AND size = ?2 AND state = 'staged')sql");
      status = claim.Bind(1, input.blob.id).Bind(2, static_cast<int64_t>(input.blob.size)).Run();
      if (!status.ok()) return status;
      if (sqlite3_changes(conn.raw()) != 1) {
        return Result<PartRecord>(Code::kInvalidArgument, "part blob is not staged");
      }
    }
    {
      sqlite::Stmt old(conn, R"sql(
        SELECT blob_id FROM multipart_parts WHERE upload_id = ?1 AND part_number = ?2)sql");
      old.Bind(1, input.upload_id).Bind(2, int64_t{input.part_number});
      std::optional<int64_t> previous;
      if (old.Step()) previous = old.IsNull(0) ? 0 : old.Int(0);
      if (!old.status().ok()) return old.status();
      if (previous) {
        sqlite::Stmt drop(conn,
                          "DELETE FROM multipart_parts WHERE upload_id = ?1 AND part_number = ?2");
        status = drop.Bind(1, input.upload_id).Bind(2, int64_t{input.part_number}).Run();
        if (status.ok()) status = MarkGarbage(conn, *previous, garbage);
        if (!status.ok()) return status;
      }
    }
    PartRecord part;
    part.part_number = input.part_number;
    part.size = input.blob.size;
    part.etag = input.etag;
    part.last_modified_ms = input.now_ms;
    part.checksum_value = input.checksum_value;
    part.blob_id = input.blob.id;
    sqlite::Stmt insert(conn, R"sql(
      INSERT INTO multipart_parts (upload_id, part_number, size, etag, last_modified_ms,
                                   checksum_value, blob_id)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7))sql");
    insert.Bind(1, input.upload_id)
        .Bind(2, int64_t{part.part_number})
        .Bind(3, static_cast<int64_t>(part.size))
        .Bind(4, part.etag)
        .Bind(5, part.last_modified_ms)
        .Bind(6, part.checksum_value);
    if (part.blob_id != 0) {
      insert.Bind(7, part.blob_id);
    } else {
      insert.BindNull(7);
    }
    status = insert.Run();
    if (!status.ok()) return status;
    status = (*txn)->Commit();
    if (!status.ok()) {
      garbage.clear();
      return status;
    }
    return part;
  }

  // Deletes the upload and its parts. Part blobs listed in `keep` (moved into an object) are
  // left alone; the others become garbage.
  static Status RemoveUpload(sqlite::Connection& conn, std::string_view upload_id,
                             const std::vector<int64_t>& keep, std::vector<int64_t>& garbage) {
    std::vector<int64_t> blobs;
    {
      sqlite::Stmt stmt(conn, "SELECT blob_id FROM multipart_parts WHERE upload_id = ?1");
      stmt.Bind(1, upload_id);
      while (stmt.Step()) {
        if (!stmt.IsNull(0)) blobs.push_back(stmt.Int(0));
      }
      if (!stmt.status().ok()) return stmt.status();
    }
    sqlite::Stmt parts(conn, "DELETE FROM multipart_parts WHERE upload_id = ?1");
    Status status = parts.Bind(1, upload_id).Run();
    if (!status.ok()) return status;
    sqlite::Stmt upload(conn, "DELETE FROM multipart_uploads WHERE upload_id = ?1");
    status = upload.Bind(1, upload_id).Run();
    if (!status.ok()) return status;
    for (int64_t id : blobs) {
      if (std::find(keep.begin(), keep.end(), id) != keep.end()) continue;
      status = MarkGarbage(conn, id, garbage);
      if (!status.ok()) return status;
    }
    return Status::Ok();
  }

  // Copies the parts' bytes into a new staged blob, one chunk at a time, without holding a
  // connection while the writer flushes (in memory there is only one).
  Result<BlobRef> CopyParts(const std::vector<PartRecord>& parts) {
    std::unique_ptr<BlobWriter> writer = NewBlobWriter(core_);
    std::string chunk;
    for (const PartRecord& part : parts) {
      if (part.blob_id == 0) continue;
      for (int64_t seq = 0;; ++seq) {
        bool found = false;
        {
          Result<Lease> lease = core_->pool.Read();
          if (!lease.ok()) return lease.status();
          sqlite::Stmt stmt(lease->conn(),
                            "SELECT data FROM blob_chunks WHERE blob_id = ?1 AND seq = ?2");
          stmt.Bind(1, part.blob_id).Bind(2, seq);
          if (stmt.Step()) {
            chunk.assign(stmt.View(0));
            found = true;
          } else if (!stmt.status().ok()) {
            return stmt.status();
          }
        }
        if (!found) break;
        Status status = writer->Append(chunk);
        if (!status.ok()) return status;
      }
    }
    return writer->Close();
  }

  // Re-parents the chosen parts' chunks onto one new staged blob; returns it.
  static Result<BlobRef> MoveChunks(sqlite::Connection& conn, const std::vector<PartRecord>& parts) {
    uint64_t total = 0;
    for (const PartRecord& p : parts) total += p.size;
    if (total == 0) return BlobRef{};
    sqlite::Stmt insert(conn,
                        "INSERT INTO blobs (size, chunk_size, state) VALUES (?1, ?2, 'staged')");
    Status status =
        insert.Bind(1, static_cast<int64_t>(total)).Bind(2, static_cast<int64_t>(kChunkSize)).Run();
    if (!status.ok()) return status;
    int64_t blob_id = sqlite3_last_insert_rowid(conn.raw());
    int64_t base = 0;
    for (const PartRecord& p : parts) {
      if (p.blob_id == 0) continue;
      sqlite::Stmt move(conn,
                        "UPDATE blob_chunks SET blob_id = ?1, seq = seq + ?2 WHERE blob_id = ?3");
      status = move.Bind(1, blob_id).Bind(2, base).Bind(3, p.blob_id).Run();
      if (!status.ok()) return status;
      base += static_cast<int64_t>((p.size + kChunkSize - 1) / kChunkSize);
    }
    return BlobRef{blob_id, total};
  }

  Result<ObjectRecord> CompleteInTransaction(const CompleteUploadInput& input,
                                             const std::vector<PartRecord>& chosen,
                                             BlobRef copied, std::vector<int64_t>& garbage) {
    Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(core_->pool);
    if (!txn.ok()) return txn.status();
    sqlite::Connection& conn = (*txn)->conn();
    MultipartUpload upload;
    Status status = FindUpload(conn, input.bucket, input.key, input.upload_id, upload);
    if (!status.ok()) return status;
    // The parts must still be the ones planned with (no concurrent re-upload of a part).
    std::vector<PartRecord> now;
    status = ReadParts(conn, input.upload_id, 0, 100000, now);
    if (!status.ok()) return status;
    Result<std::vector<PartRecord>> current = ChosenParts(now, input.part_numbers);
    if (!current.ok()) return current.status();
    for (size_t i = 0; i < chosen.size(); ++i) {
      if ((*current)[i].blob_id != chosen[i].blob_id) {
        return Result<ObjectRecord>(Code::kInvalidArgument, "a part changed during completion");
      }
    }

    std::vector<int64_t> keep;
    PutObjectInput object = input.object;
    if (copied.id != 0 || copied.size != 0) {
      object.blob = copied;
    } else {
      // Parts first: their rows reference the blobs whose chunks move.
      for (const PartRecord& p : chosen) {
        if (p.blob_id != 0) keep.push_back(p.blob_id);
      }
      status = RemoveUpload(conn, input.upload_id, keep, garbage);
      if (!status.ok()) return status;
      Result<BlobRef> moved = MoveChunks(conn, chosen);
      if (!moved.ok()) return moved.status();
      for (int64_t id : keep) {
        sqlite::Stmt drop(conn, "DELETE FROM blobs WHERE id = ?1");
        status = drop.Bind(1, id).Run();
        if (!status.ok()) return status;
      }
      object.blob = *moved;
    }
    object.parts_count = static_cast<uint32_t>(chosen.size());
    object.part_sizes.clear();
    for (const PartRecord& p : chosen) object.part_sizes.push_back(p.size);
    Result<ObjectRecord> record = CommitObjectVersion(conn, object, garbage);
    if (!record.ok()) {
      garbage.clear();
      return record;
    }
    if (keep.empty()) {
      status = RemoveUpload(conn, input.upload_id, {}, garbage);
      if (!status.ok()) return status;
    }
    status = (*txn)->Commit();
    if (!status.ok()) {
      garbage.clear();
      return status;
    }
    return record;
  }

  static Result<ListUploadsOutput> WalkUploads(sqlite::Connection& conn,
                                               const ListUploadsInput& input) {
    ListUploadsOutput out;
    if (input.max_uploads == 0) return out;
    std::string lo = std::max(input.prefix, input.key_marker);
    sqlite::Stmt stmt(conn, "SELECT " SKIFF_UPLOAD_COLUMNS
                            " FROM multipart_uploads WHERE bucket = ?1 AND key >= ?2"
                            " ORDER BY key, seq");
    stmt.Bind(1, input.bucket).Bind(2, lo);
    // With only a key-marker, that key's uploads are all skipped; with an upload-id-marker too,
    // its uploads continue after that one.
    bool past_marker_upload = input.upload_id_marker.empty();
    while (stmt.Step()) {
      std::string key = stmt.Text(2);
      if (!key.starts_with(input.prefix)) {
        if (key > input.prefix) break;
        continue;
      }
      if (!input.key_marker.empty() && key == input.key_marker) {
        if (past_marker_upload) {
          if (input.upload_id_marker.empty()) continue;
        } else {
          if (stmt.Text(0) == input.upload_id_marker) past_marker_upload = true;
          continue;
        }
      }
      if (!input.delimiter.empty()) {
        size_t pos = key.find(input.delimiter, input.prefix.size());
        if (pos != std::string::npos) {
          std::string prefix = key.substr(0, pos + input.delimiter.size());
          if (prefix <= input.key_marker ||
              (!out.common_prefixes.empty() && out.common_prefixes.back() == prefix)) {
            continue;
          }
          if (Full(out, input.max_uploads)) break;
          out.common_prefixes.push_back(prefix);
          out.next_key_marker = prefix;
          out.next_upload_id_marker.clear();
          continue;
        }
      }
      if (Full(out, input.max_uploads)) break;
      MultipartUpload upload;
      Status status = ReadUploadRow(stmt, upload);
      if (!status.ok()) return status;
      out.next_key_marker = upload.key;
      out.next_upload_id_marker = upload.upload_id;
      out.uploads.push_back(std::move(upload));
    }
    if (!stmt.status().ok()) return stmt.status();
    return out;
  }

  static bool Full(ListUploadsOutput& out, size_t max) {
    if (out.uploads.size() + out.common_prefixes.size() < max) return false;
    out.truncated = true;
    return true;
  }

  std::shared_ptr<StoreCore> core_;
};

}  // namespace

SqliteObjectStore::SqliteObjectStore(std::shared_ptr<StoreCore> core)
    : core_(std::move(core)), multipart_(std::make_unique<SqliteMultipartStore>(core_)) {}

SqliteObjectStore::~SqliteObjectStore() = default;

MultipartStore* SqliteObjectStore::multipart() { return multipart_.get(); }

}  // namespace skiff::storage
