// State shared by the object store and everything that may outlive a call into it (blob
// writers, read snapshots): they hold a shared_ptr so the connections stay valid.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "storage/connection_pool.h"

namespace skiff::storage {

// Blobs in use by open read snapshots. Deleting a pinned blob is deferred to its last unpin, so
// a reader never sees its chunks vanish (in-memory mode reads chunks outside a transaction).
class BlobPins {
 public:
  void Pin(int64_t blob_id);
  // True if the blob was released while pinned and this was the last pin: delete it now.
  bool Unpin(int64_t blob_id);
  // True if the blob may be deleted now; otherwise remembers to delete it at the last unpin.
  bool TryRelease(int64_t blob_id);

 private:
  std::mutex mutex_;
  std::unordered_map<int64_t, int> pins_;
  std::unordered_set<int64_t> deferred_;
};

struct StoreCore {
  StoreCore(std::unique_ptr<sqlite::Connection> writer, std::string reader_uri, int busy_timeout_ms)
      : pool(std::move(writer), std::move(reader_uri), busy_timeout_ms) {}
  ConnectionPool pool;
  BlobPins pins;
};

}  // namespace skiff::storage
