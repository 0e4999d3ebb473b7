// DynamoDB tables and items, protocol-neutral: storage keeps opaque documents and byte keys;
// the DynamoDB layer owns their meaning (key schema, AttributeValue encoding, index keys).
//
// Contracts:
// - Tables live in a (account, region) namespace; names are unique inside it.
// - Items are addressed by (table, partition key bytes, sort key bytes). Key bytes come from the
//   DynamoDB layer's order-preserving encoding, so memcmp order is DynamoDB's order; a table
//   without a sort key uses empty sort key bytes.
// - Secondary indexes are rows the caller computes per item (IndexEntry) and hands over with each
//   write; storage replaces an item's index rows atomically with the item.
// - Every write is one short transaction. Conditional writes and transactions run a caller-given
//   pure decision function INSIDE the write transaction, after reading the current items, so a
//   condition and the write it guards are atomic. The function may be called only once per call,
//   but must not have side effects outside its return value.
// - Reads see a consistent snapshot (WAL), so every read is "strongly consistent".
// - Callbacks (decide, visit) must not call back into the store: in in-memory mode there is one
//   connection behind one mutex, and a nested call would deadlock.
// - A table id that does not exist (or is being deleted) is kNotFound for UpdateTable,
//   DeleteTable and Mutate; GetItem, Range and TableStats just find nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace skiff::storage {

struct TableRecord {
  std::string account_id;
  std::string region;
  std::string name;
  std::string document;     // the DynamoDB layer's table description (JSON), opaque here
  std::string status;       // "CREATING", "ACTIVE", "UPDATING", "DELETING"
  int64_t created_ms = 0;
  int64_t status_until_ms = 0;  // when a transitional status ends (0 = stable)
  int64_t table_id = 0;         // storage's id; stable for the table's life
};

struct ItemKey {
  std::string partition;  // encoded partition key bytes
  std::string sort;       // encoded sort key bytes ("" for hash-only tables)
  bool operator==(const ItemKey&) const = default;
};

struct IndexEntry {
  std::string index_name;
  ItemKey key;  // the item's key in that index (encoded)
};

struct StoredItem {
  ItemKey key;
  std::string data;       // the DynamoDB layer's item encoding, opaque here
  uint64_t size = 0;      // DynamoDB item size in bytes (for table sizes and limits)
  int64_t expires_at_s = 0;  // TTL attribute as epoch seconds, 0 = none
};

// One item write: put (data set) or delete (data empty and `del`).
struct ItemWrite {
  int64_t table_id = 0;
  ItemKey key;
  bool del = false;
  StoredItem item;                  // for puts
  std::vector<IndexEntry> indexes;  // for puts: every index row of the new item
};

// What a decision function sees: the current item (nullopt if absent) for each requested key.
struct ItemRead {
  int64_t table_id = 0;
  ItemKey key;
  std::optional<StoredItem> current;
};

// Returns the writes to apply (possibly none), or a non-OK Status to abort without writing
// (e.g. kPreconditionFailed for a failed condition; the caller carries its own detail).
using DecideFn = std::function<Status(const std::vector<ItemRead>& reads,
                                      std::vector<ItemWrite>* writes)>;

struct RangeQuery {
  int64_t table_id = 0;
  std::string index_name;         // "" = the table itself
  std::optional<std::string> partition;  // nullopt = whole table (Scan)
  // Sort key bounds on encoded bytes (inclusive flags); nullopt = unbounded.
  std::optional<std::string> sort_low, sort_high;
  bool low_inclusive = true, high_inclusive = true;
  bool forward = true;
  // Continue strictly after this position (table key for table reads; for index reads the index
  // key plus the table key, to break ties between items sharing an index key).
  std::optional<ItemKey> start_after;
  std::optional<ItemKey> start_after_table_key;
  // Scan segments: only partitions whose hash falls in segment/total_segments. The hash is a
  // stable 32-bit hash h of the (index) partition key bytes; segment i of n holds h*n/2^32 == i,
  // so the segments of one n partition the items. kInvalidArgument unless 0 <= i < n.
  int segment = 0, total_segments = 1;
};

class TableStore {
 public:
  virtual ~TableStore() = default;

  // --- tables ---
  virtual Status CreateTable(TableRecord* table) = 0;  // kConflict if the name exists; sets table_id
  virtual Result<TableRecord> GetTable(std::string_view account, std::string_view region,
                                       std::string_view name) = 0;  // kNotFound
  virtual Result<std::vector<TableRecord>> ListTables(std::string_view account,
                                                      std::string_view region) = 0;  // by name
  virtual Status UpdateTable(const TableRecord& table) = 0;  // document/status by table_id
  // Removes the table, its items and index rows. The table leaves GetTable/ListTables (and its
  // name is free again) atomically; rows are purged in short batches before this returns.
  virtual Status DeleteTable(int64_t table_id) = 0;
  // Item count and total size of a table (for DescribeTable).
  virtual Result<std::pair<uint64_t, uint64_t>> TableStats(int64_t table_id) = 0;
  // Every table of every account and region, ordered by account, region, name (admin
  // /_skiff/state). A store without it answers kInternal.
  virtual Result<std::vector<TableRecord>> ListAllTables() {
    return Result<std::vector<TableRecord>>(Code::kInternal,
                                            "listing all tables is not supported by this store");
  }

  // --- items ---
  virtual Result<std::optional<StoredItem>> GetItem(int64_t table_id, const ItemKey& key) = 0;
  // Reads `keys` and calls `decide` inside one write transaction, then applies its writes in
  // order (a put replaces the item and all its index rows; a delete removes both) and commits.
  // decide's non-OK status (or exception) rolls back and is returned (thrown) as is.
  virtual Status Mutate(const std::vector<std::pair<int64_t, ItemKey>>& keys,
                        const DecideFn& decide) = 0;
  // Visits items of a table or index in key order (or reverse) inside one snapshot until
  // `visit` returns false. For index reads, `visit` receives the base table item.
  // Table reads are ordered by (partition, sort) — also a Scan; index reads by (index partition,
  // index sort, table partition, table sort). `index_key` is the item's key for table reads.
  virtual Status Range(const RangeQuery& query,
                       const std::function<bool(const ItemKey& index_key,
                                                const StoredItem& item)>& visit) = 0;
  // Deletes items whose expires_at_s is in (0, now_s]; at most `limit`; returns how many.
  virtual Result<uint64_t> DeleteExpired(int64_t now_s, uint64_t limit) = 0;
};

}  // namespace skiff::storage
