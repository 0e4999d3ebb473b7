// Object bodies: chunked blobs, their writer, reading a chunk, and their lifecycle
// (staged -> committed -> garbage -> deleted).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "storage/object_store.h"
#include "storage/sqlite.h"
#include "storage/store_core.h"

namespace skiff::storage {

// Every chunk of a blob but the last holds exactly this many bytes.
inline constexpr size_t kChunkSize = 1 << 20;

std::unique_ptr<BlobWriter> NewBlobWriter(std::shared_ptr<StoreCore> core);

// Deletes a blob that no object references (its row must not be 'committed'), in short
// transactions of a few chunks each. Deferred while a reader has it pinned. Failures leave the
// row for the sweep at the next open.
void ReleaseBlob(StoreCore& core, int64_t blob_id);

// At open: removes blobs left 'staged' (uploads cut off by a crash) or 'garbage'.
Status SweepBlobs(StoreCore& core);

// Reads byte ranges of a blob's chunks with SQLite's incremental blob I/O, straight into the
// caller's buffer: no chunk-sized copies, so a reader costs little more than its page cache.
// The handle stays open across reads of one chunk; Close() it before the connection's
// transaction ends or the connection goes to someone else.
class ChunkCursor {
 public:
  explicit ChunkCursor(int64_t blob_id) : blob_id_(blob_id) {}
  ~ChunkCursor() { Close(); }
  ChunkCursor(const ChunkCursor&) = delete;
  ChunkCursor& operator=(const ChunkCursor&) = delete;

  // Copies bytes [offset, offset + n) of chunk `seq` into `out`. kNotFound if the chunk is
  // missing, kCorrupt if it is shorter than that.
  Status Read(sqlite::Connection& conn, int64_t seq, uint64_t offset, char* out, size_t n);
  void Close();

 private:
  int64_t blob_id_;
  sqlite3_blob* handle_ = nullptr;
  int64_t seq_ = -1;
};

}  // namespace skiff::storage
