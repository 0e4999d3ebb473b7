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

// Reads chunk `seq` of a blob into `out`. kNotFound if the chunk is missing.
Status ReadChunk(sqlite::Connection& conn, int64_t blob_id, int64_t seq, std::string& out);

}  // namespace skiff::storage
