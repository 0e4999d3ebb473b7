// Range: the walk behind Query and Scan, over a table or one of its secondary indexes.
//
// The SQL depends on which bounds a query has, so each shape is built once and interned: the
// connection's statement cache is keyed by the SQL's address, which must therefore stay valid
// and unique for the life of the process. There are at most a few hundred shapes.
#include <mutex>
#include <set>
#include <string>

#include "storage/connection_pool.h"
#include "storage/sqlite_table_store.h"

namespace skiff::storage {
namespace {

// Parameter numbers, fixed whatever the shape, so binding never depends on it.
enum Param {
  kTableId = 1,
  kPartition = 2,
  kHashFirst = 3,
  kHashLast = 4,
  kLow = 5,
  kHigh = 6,
  kAfterPk = 7,  // table reads: table key; index reads: index key
  kAfterSk = 8,
  kIndexName = 9,
  kAfterTablePk = 10,  // index reads: the table key that breaks ties within one index key
  kAfterTableSk = 11,
};

const char* Intern(std::string sql) {
  static std::mutex mutex;
  static std::set<std::string> shapes;  // node-based: c_str() of an element never moves
  std::lock_guard<std::mutex> lock(mutex);
  return shapes.insert(std::move(sql)).first->c_str();
}

// Columns: 0-1 the key the walk is ordered by (index key for index reads), 2-4 the item's
// data, size and expiry, 5-6 the item's table key.
const char* BuildSql(const RangeQuery& query, bool segmented) {
  const bool index = !query.index_name.empty();
  const char* p = index ? "x.ipk" : "i.pk";
  const char* s = index ? "x.isk" : "i.sk";
  const char* ascending = query.forward ? " ASC" : " DESC";
  std::string sql;
  if (index) {
    sql =
        "SELECT x.ipk, x.isk, i.data, i.size, i.expires_at_s, x.pk, x.sk FROM dynamo_index x "
        "JOIN dynamo_items i ON i.table_id = x.table_id AND i.pk = x.pk AND i.sk = x.sk "
        "WHERE x.table_id = ?1 AND x.index_name = ?9";
  } else {
    sql =
        "SELECT i.pk, i.sk, i.data, i.size, i.expires_at_s, i.pk, i.sk FROM dynamo_items i "
        "WHERE i.table_id = ?1";
  }
  std::string prefix = index ? "x." : "i.";
  if (query.partition) sql += " AND " + std::string(p) + " = ?2";
  if (segmented) sql += " AND " + prefix + "segment_hash >= ?3 AND " + prefix + "segment_hash < ?4";
  if (query.sort_low) sql += " AND " + std::string(s) + (query.low_inclusive ? " >= ?5" : " > ?5");
  if (query.sort_high) {
    sql += " AND " + std::string(s) + (query.high_inclusive ? " <= ?6" : " < ?6");
  }
  if (query.start_after) {
    const char* op = query.forward ? " > " : " < ";
    if (index && query.start_after_table_key) {
      sql += " AND (x.ipk, x.isk, x.pk, x.sk)" + std::string(op) + "(?7, ?8, ?10, ?11)";
    } else {
      sql += " AND (" + std::string(p) + ", " + s + ")" + op + "(?7, ?8)";
    }
  }
  sql += " ORDER BY " + std::string(p) + ascending + ", " + s + ascending;
  if (index) sql += std::string(", x.pk") + ascending + ", x.sk" + ascending;
  return Intern(std::move(sql));
}

}  // namespace

Status SqliteTableStore::Range(
    const RangeQuery& query,
    const std::function<bool(const ItemKey& index_key, const StoredItem& item)>& visit) {
  const bool segmented = query.total_segments != 1 || query.segment != 0;
  std::pair<int64_t, int64_t> hashes{0, 0};
  if (segmented) {
    Result<std::pair<int64_t, int64_t>> bounds = SegmentBounds(query.segment, query.total_segments);
    if (!bounds.ok()) return bounds.status();
    hashes = *bounds;
  }
  Result<Lease> lease = core_->pool.Read();
  if (!lease.ok()) return lease.status();
  sqlite::Connection& conn = lease->conn();
  ReadSnapshot snapshot(conn);
  if (!snapshot.status().ok()) return snapshot.status();

  sqlite::Stmt stmt(conn, BuildSql(query, segmented));
  stmt.Bind(kTableId, query.table_id);
  if (!query.index_name.empty()) stmt.Bind(kIndexName, query.index_name);
  if (query.partition) stmt.BindBlobNoCopy(kPartition, *query.partition);
  if (segmented) stmt.Bind(kHashFirst, hashes.first).Bind(kHashLast, hashes.second);
  if (query.sort_low) stmt.BindBlobNoCopy(kLow, *query.sort_low);
  if (query.sort_high) stmt.BindBlobNoCopy(kHigh, *query.sort_high);
  if (query.start_after) {
    stmt.BindBlobNoCopy(kAfterPk, query.start_after->partition)
        .BindBlobNoCopy(kAfterSk, query.start_after->sort);
    if (!query.index_name.empty() && query.start_after_table_key) {
      stmt.BindBlobNoCopy(kAfterTablePk, query.start_after_table_key->partition)
          .BindBlobNoCopy(kAfterTableSk, query.start_after_table_key->sort);
    }
  }
  ItemKey index_key;
  StoredItem item;
  while (stmt.Step()) {
    index_key.partition.assign(stmt.View(0));
    index_key.sort.assign(stmt.View(1));
    item.data.assign(stmt.View(2));
    item.size = static_cast<uint64_t>(stmt.Int(3));
    item.expires_at_s = stmt.Int(4);
    item.key.partition.assign(stmt.View(5));
    item.key.sort.assign(stmt.View(6));
    if (!visit(index_key, item)) return Status::Ok();
  }
  return stmt.status();
}

}  // namespace skiff::storage
