// DynamoDB items: point reads, the conditional write path (Mutate) and TTL expiry.
#include <algorithm>
#include <limits>
#include <unordered_set>

#include "storage/connection_pool.h"
#include "storage/sqlite_table_store.h"

namespace skiff::storage {
namespace {

Result<std::optional<StoredItem>> ReadItem(sqlite::Connection& conn, int64_t table_id,
                                           const ItemKey& key) {
  sqlite::Stmt stmt(conn, R"sql(
    SELECT data, size, expires_at_s FROM dynamo_items
    WHERE table_id = ?1 AND pk = ?2 AND sk = ?3)sql");
  stmt.Bind(1, table_id).BindBlobNoCopy(2, key.partition).BindBlobNoCopy(3, key.sort);
  if (!stmt.Step()) {
    if (!stmt.status().ok()) return stmt.status();
    return std::optional<StoredItem>();
  }
  StoredItem item;
  item.key = key;
  item.data = stmt.Text(0);
  item.size = static_cast<uint64_t>(stmt.Int(1));
  item.expires_at_s = stmt.Int(2);
  return std::optional<StoredItem>(std::move(item));
}

// kNotFound unless the table exists and is not being deleted. `live` caches tables already
// checked in this transaction.
Status RequireLiveTable(sqlite::Connection& conn, int64_t table_id,
                        std::unordered_set<int64_t>& live) {
  if (live.count(table_id) != 0) return Status::Ok();
  sqlite::Stmt stmt(conn, "SELECT 1 FROM dynamo_tables WHERE id = ?1 AND deleted = 0");
  stmt.Bind(1, table_id);
  if (stmt.Step()) {
    live.insert(table_id);
    return Status::Ok();
  }
  if (!stmt.status().ok()) return stmt.status();
  return {Code::kNotFound, "table id " + std::to_string(table_id) + " does not exist"};
}

Status DeleteIndexRows(sqlite::Connection& conn, int64_t table_id, const ItemKey& key) {
  sqlite::Stmt stmt(conn, "DELETE FROM dynamo_index WHERE table_id = ?1 AND pk = ?2 AND sk = ?3");
  return stmt.Bind(1, table_id).BindBlobNoCopy(2, key.partition).BindBlobNoCopy(3, key.sort).Run();
}

// Writes the item and replaces its index rows with write.indexes.
Status PutItemRows(sqlite::Connection& conn, const ItemWrite& write) {
  const ItemKey& key = write.key;
  {
    sqlite::Stmt stmt(conn, R"sql(
      INSERT INTO dynamo_items (table_id, pk, sk, data, size, expires_at_s, segment_hash)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
      ON CONFLICT (table_id, pk, sk) DO UPDATE SET
        data = excluded.data, size = excluded.size, expires_at_s = excluded.expires_at_s)sql");
    Status status = stmt.Bind(1, write.table_id)
                        .BindBlobNoCopy(2, key.partition)
                        .BindBlobNoCopy(3, key.sort)
                        .BindBlobNoCopy(4, write.item.data)
                        .Bind(5, static_cast<int64_t>(write.item.size))
                        .Bind(6, write.item.expires_at_s)
                        .Bind(7, static_cast<int64_t>(SegmentHash(key.partition)))
                        .Run();
    if (!status.ok()) return status;
  }
  Status status = DeleteIndexRows(conn, write.table_id, key);
  if (!status.ok()) return status;
  for (const IndexEntry& entry : write.indexes) {
    if (entry.index_name.empty()) {
      return {Code::kInvalidArgument, "an index entry has no index name"};
    }
    sqlite::Stmt stmt(conn, R"sql(
      INSERT INTO dynamo_index (table_id, index_name, ipk, isk, pk, sk, segment_hash)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING)sql");
    status = stmt.Bind(1, write.table_id)
                 .Bind(2, entry.index_name)
                 .BindBlobNoCopy(3, entry.key.partition)
                 .BindBlobNoCopy(4, entry.key.sort)
                 .BindBlobNoCopy(5, key.partition)
                 .BindBlobNoCopy(6, key.sort)
                 .Bind(7, static_cast<int64_t>(SegmentHash(entry.key.partition)))
                 .Run();
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

}  // namespace

Status DeleteItemRows(sqlite::Connection& conn, int64_t table_id, const ItemKey& key) {
  Status status = DeleteIndexRows(conn, table_id, key);
  if (!status.ok()) return status;
  sqlite::Stmt stmt(conn, "DELETE FROM dynamo_items WHERE table_id = ?1 AND pk = ?2 AND sk = ?3");
  return stmt.Bind(1, table_id).BindBlobNoCopy(2, key.partition).BindBlobNoCopy(3, key.sort).Run();
}

uint32_t SegmentHash(std::string_view partition_key) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : partition_key) {
    hash ^= c;
    hash *= 16777619u;
  }
  hash ^= hash >> 16;
  hash *= 0x85ebca6bu;
  hash ^= hash >> 13;
  hash *= 0xc2b2ae35u;
  hash ^= hash >> 16;
  return hash;
}

Result<std::pair<int64_t, int64_t>> SegmentBounds(int segment, int total) {
  if (total < 1 || segment < 0 || segment >= total) {
    return Result<std::pair<int64_t, int64_t>>(
        Code::kInvalidArgument,
        "segment " + std::to_string(segment) + " of " + std::to_string(total) + " is out of range");
  }
  // h * total >> 32 == segment  <=>  ceil(segment * 2^32 / total) <= h < ceil((segment+1) ...).
  auto first_of = [total](int64_t s) { return ((s << 32) + total - 1) / total; };
  return std::pair<int64_t, int64_t>(first_of(segment), first_of(int64_t{segment} + 1));
}

Result<std::optional<StoredItem>> SqliteTableStore::GetItem(int64_t table_id, const ItemKey& key) {
  Result<Lease> lease = core_->pool.Read();
  if (!lease.ok()) return lease.status();
  return ReadItem(lease->conn(), table_id, key);
}

Status SqliteTableStore::Mutate(const std::vector<std::pair<int64_t, ItemKey>>& keys,
                                const DecideFn& decide) {
  Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(core_->pool);
  if (!txn.ok()) return txn.status();
  sqlite::Connection& conn = (*txn)->conn();
  std::unordered_set<int64_t> live;
  std::vector<ItemRead> reads;
  reads.reserve(keys.size());
  for (const auto& [table_id, key] : keys) {
    Status status = RequireLiveTable(conn, table_id, live);
    if (!status.ok()) return status;
    Result<std::optional<StoredItem>> current = ReadItem(conn, table_id, key);
    if (!current.ok()) return current.status();
    reads.push_back(ItemRead{table_id, key, std::move(*current)});
  }
  std::vector<ItemWrite> writes;
  // A non-OK decision (or an exception) leaves the transaction to roll back untouched.
  Status decision = decide(reads, &writes);
  if (!decision.ok()) return decision;
  for (const ItemWrite& write : writes) {
    Status status = RequireLiveTable(conn, write.table_id, live);
    if (!status.ok()) return status;
    status = write.del ? DeleteItemRows(conn, write.table_id, write.key) : PutItemRows(conn, write);
    if (!status.ok()) return status;
  }
  if (writes.empty()) return Status::Ok();  // the destructor ends the empty transaction
  return (*txn)->Commit();
}

Result<uint64_t> SqliteTableStore::DeleteExpired(int64_t now_s, uint64_t limit) {
  if (limit == 0) return uint64_t{0};
  Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(core_->pool);
  if (!txn.ok()) return txn.status();
  sqlite::Connection& conn = (*txn)->conn();
  std::vector<std::pair<int64_t, ItemKey>> expired;
  {
    sqlite::Stmt stmt(conn, R"sql(
      SELECT table_id, pk, sk FROM dynamo_items
      WHERE expires_at_s > 0 AND expires_at_s <= ?1 ORDER BY expires_at_s LIMIT ?2)sql");
    stmt.Bind(1, now_s).Bind(
        2, static_cast<int64_t>(std::min<uint64_t>(limit, std::numeric_limits<int64_t>::max())));
    while (stmt.Step()) {
      expired.emplace_back(stmt.Int(0), ItemKey{stmt.Text(1), stmt.Text(2)});
    }
    if (!stmt.status().ok()) return stmt.status();
  }
  for (const auto& [table_id, key] : expired) {
    Status status = DeleteItemRows(conn, table_id, key);
    if (!status.ok()) return status;
  }
  Status status = (*txn)->Commit();
  if (!status.ok()) return status;
  return static_cast<uint64_t>(expired.size());
}

}  // namespace skiff::storage
