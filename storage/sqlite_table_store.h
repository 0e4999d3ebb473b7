// TableStore over SQLite. Split by concern: tables.cc (table records, stats, deletion),
// table_items.cc (GetItem, Mutate, DeleteExpired), table_range.cc (Range: Query and Scan).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "storage/sqlite.h"
#include "storage/store_core.h"
#include "storage/table_store.h"

namespace skiff::storage {

class SqliteTableStore : public TableStore {
 public:
  explicit SqliteTableStore(std::shared_ptr<StoreCore> core) : core_(std::move(core)) {}

  Status CreateTable(TableRecord* table) override;
  Result<TableRecord> GetTable(std::string_view account, std::string_view region,
                               std::string_view name) override;
  Result<std::vector<TableRecord>> ListTables(std::string_view account,
                                              std::string_view region) override;
  Status UpdateTable(const TableRecord& table) override;
  Status DeleteTable(int64_t table_id) override;
  Result<std::pair<uint64_t, uint64_t>> TableStats(int64_t table_id) override;
  Result<std::vector<TableRecord>> ListAllTables() override;

  Result<std::optional<StoredItem>> GetItem(int64_t table_id, const ItemKey& key) override;
  Status Mutate(const std::vector<std::pair<int64_t, ItemKey>>& keys,
                const DecideFn& decide) override;
  Status Range(
      const RangeQuery& query,
      const std::function<bool(const ItemKey& index_key, const StoredItem& item)>& visit) override;
  Result<uint64_t> DeleteExpired(int64_t now_s, uint64_t limit) override;

 private:
  std::shared_ptr<StoreCore> core_;
};

// --- helpers shared by tables.cc, table_items.cc, table_range.cc and database.cc ---

// The hash that assigns a partition to a Scan segment: FNV-1a over the key bytes followed by
// MurmurHash3's finalizer (so short, similar keys spread over the high bits, which pick the
// segment). Stored in the database: never change it.
uint32_t SegmentHash(std::string_view partition_key);

// Segment `segment` of `total` holds the hashes h with h * total / 2^32 == segment, i.e. the
// half-open range [first, last). kInvalidArgument unless 0 <= segment < total.
Result<std::pair<int64_t, int64_t>> SegmentBounds(int segment, int total);

// Deletes one item and its index rows (inside the caller's write transaction).
Status DeleteItemRows(sqlite::Connection& conn, int64_t table_id, const ItemKey& key);

// Purges the rows of tables DeleteTable tombstoned (all of them, in batches). Called by
// DeleteTable and at open, to finish a purge a crash interrupted.
Status PurgeDeletedTables(ConnectionPool& pool);

// A deferred read transaction (one snapshot) on a leased connection; ends it when destroyed,
// also when a visitor throws, so the connection goes back without an open transaction.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(sqlite::Connection& conn) : conn_(conn), status_(conn.Exec("BEGIN")) {}
  ~ReadSnapshot() {
    if (!sqlite3_get_autocommit(conn_.raw())) conn_.Exec("COMMIT");
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  const Status& status() const { return status_; }

 private:
  sqlite::Connection& conn_;
  Status status_;
};

}  // namespace skiff::storage
