// DynamoDB table records, table statistics and table deletion.
#include "storage/connection_pool.h"
#include "storage/sqlite_table_store.h"

namespace skiff::storage {
namespace {

// Rows deleted per transaction while purging a deleted table: keeps each write transaction
// (and so the writer lock other requests wait for) short whatever the table's size.
constexpr int64_t kPurgeBatch = 2000;

#define SKIFF_TABLE_COLUMNS \
  "account, region, name, document, status, created_ms, status_until_ms, id"

TableRecord ReadTableRow(const sqlite::Stmt& stmt) {
  TableRecord table;
  table.account_id = stmt.Text(0);
  table.region = stmt.Text(1);
  table.name = stmt.Text(2);
  table.document = stmt.Text(3);
  table.status = stmt.Text(4);
  table.created_ms = stmt.Int(5);
  table.status_until_ms = stmt.Int(6);
  table.table_id = stmt.Int(7);
  return table;
}

template <typename Body>
Status InWriteTransaction(ConnectionPool& pool, Body body) {
  Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(pool);
  if (!txn.ok()) return txn.status();
  Status status = body((*txn)->conn());
  if (!status.ok()) return status;
  return (*txn)->Commit();
}

Status TableIdNotFound(int64_t table_id) {
  return {Code::kNotFound, "table id " + std::to_string(table_id) + " does not exist"};
}

// Deletes up to kPurgeBatch items (with their index rows) of one tombstoned table; once none
// are left, removes the tombstone itself in the same transaction.
Status PurgeBatch(sqlite::Connection& conn, int64_t table_id) {
  std::vector<ItemKey> keys;
  {
    sqlite::Stmt stmt(conn, "SELECT pk, sk FROM dynamo_items WHERE table_id = ?1 LIMIT ?2");
    stmt.Bind(1, table_id).Bind(2, kPurgeBatch);
    while (stmt.Step()) keys.push_back(ItemKey{stmt.Text(0), stmt.Text(1)});
    if (!stmt.status().ok()) return stmt.status();
  }
  for (const ItemKey& key : keys) {
    Status status = DeleteItemRows(conn, table_id, key);
    if (!status.ok()) return status;
  }
  if (!keys.empty()) return Status::Ok();
  // Index rows always belong to an item; this only sweeps what a bug could have left.
  sqlite::Stmt index(conn, "DELETE FROM dynamo_index WHERE table_id = ?1");
  Status status = index.Bind(1, table_id).Run();
  if (!status.ok()) return status;
  sqlite::Stmt tombstone(conn, "DELETE FROM dynamo_tables WHERE id = ?1 AND deleted = 1");
  return tombstone.Bind(1, table_id).Run();
}

}  // namespace

Status SqliteTableStore::CreateTable(TableRecord* table) {
  return InWriteTransaction(core_->pool, [&](sqlite::Connection& conn) -> Status {
    sqlite::Stmt stmt(conn, R"sql(
      INSERT INTO dynamo_tables (account, region, name, document, status, created_ms,
                                 status_until_ms)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
      ON CONFLICT (account, region, name) WHERE deleted = 0 DO NOTHING)sql");
    stmt.Bind(1, table->account_id)
        .Bind(2, table->region)
        .Bind(3, table->name)
        .Bind(4, table->document)
        .Bind(5, table->status)
        .Bind(6, table->created_ms)
        .Bind(7, table->status_until_ms);
    Status status = stmt.Run();
    if (!status.ok()) return status;
    if (sqlite3_changes(conn.raw()) == 0) {
      return {Code::kConflict, "table " + table->name + " already exists"};
    }
    table->table_id = sqlite3_last_insert_rowid(conn.raw());
    return Status::Ok();
  });
}

Result<TableRecord> SqliteTableStore::GetTable(std::string_view account, std::string_view region,
                                               std::string_view name) {
  Result<Lease> lease = core_->pool.Read();
  if (!lease.ok()) return lease.status();
  sqlite::Stmt stmt(lease->conn(), "SELECT " SKIFF_TABLE_COLUMNS R"sql( FROM dynamo_tables
    WHERE account = ?1 AND region = ?2 AND name = ?3 AND deleted = 0)sql");
  stmt.Bind(1, account).Bind(2, region).Bind(3, name);
  if (stmt.Step()) return ReadTableRow(stmt);
  if (!stmt.status().ok()) return stmt.status();
  return Result<TableRecord>(Code::kNotFound, "table " + std::string(name) + " does not exist");
}

Result<std::vector<TableRecord>> SqliteTableStore::ListTables(std::string_view account,
                                                              std::string_view region) {
  Result<Lease> lease = core_->pool.Read();
  if (!lease.ok()) return lease.status();
  sqlite::Stmt stmt(lease->conn(), "SELECT " SKIFF_TABLE_COLUMNS R"sql( FROM dynamo_tables
    WHERE account = ?1 AND region = ?2 AND deleted = 0 ORDER BY name)sql");
  stmt.Bind(1, account).Bind(2, region);
  std::vector<TableRecord> tables;
  while (stmt.Step()) tables.push_back(ReadTableRow(stmt));
  if (!stmt.status().ok()) return stmt.status();
  return tables;
}

Result<std::vector<TableRecord>> SqliteTableStore::ListAllTables() {
  Result<Lease> lease = core_->pool.Read();
  if (!lease.ok()) return lease.status();
  sqlite::Stmt stmt(lease->conn(), "SELECT " SKIFF_TABLE_COLUMNS R"sql( FROM dynamo_tables
    WHERE deleted = 0 ORDER BY account, region, name)sql");
  std::vector<TableRecord> tables;
  while (stmt.Step()) tables.push_back(ReadTableRow(stmt));
  if (!stmt.status().ok()) return stmt.status();
  return tables;
}

Status SqliteTableStore::UpdateTable(const TableRecord& table) {
  return InWriteTransaction(core_->pool, [&](sqlite::Connection& conn) -> Status {
    sqlite::Stmt stmt(conn, R"sql(
      UPDATE dynamo_tables SET document = ?2, status = ?3, status_until_ms = ?4
      WHERE id = ?1 AND deleted = 0)sql");
    Status status = stmt.Bind(1, table.table_id)
                        .Bind(2, table.document)
                        .Bind(3, table.status)
                        .Bind(4, table.status_until_ms)
                        .Run();
    if (!status.ok()) return status;
    if (sqlite3_changes(conn.raw()) == 0) return TableIdNotFound(table.table_id);
    return Status::Ok();
  });
}

Status SqliteTableStore::DeleteTable(int64_t table_id) {
  // The tombstone hides the table (and frees its name) atomically; the rows go afterwards.
  Status status = InWriteTransaction(core_->pool, [&](sqlite::Connection& conn) -> Status {
    sqlite::Stmt stmt(conn, "UPDATE dynamo_tables SET deleted = 1 WHERE id = ?1 AND deleted = 0");
    Status result = stmt.Bind(1, table_id).Run();
    if (!result.ok()) return result;
    if (sqlite3_changes(conn.raw()) == 0) return TableIdNotFound(table_id);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  // A failed purge leaves a hidden tombstone that the next DeleteTable or open finishes.
  return PurgeDeletedTables(core_->pool);
}

Status PurgeDeletedTables(ConnectionPool& pool) {
  while (true) {
    bool done = false;
    Status status = InWriteTransaction(pool, [&](sqlite::Connection& conn) -> Status {
      int64_t table_id = 0;
      {
        sqlite::Stmt next(conn, "SELECT id FROM dynamo_tables WHERE deleted = 1 LIMIT 1");
        if (!next.Step()) {
          done = true;
          return next.status();
        }
        table_id = next.Int(0);
      }
      return PurgeBatch(conn, table_id);
    });
    if (!status.ok()) return status;
    if (done) return Status::Ok();
  }
}

Result<std::pair<uint64_t, uint64_t>> SqliteTableStore::TableStats(int64_t table_id) {
  Result<Lease> lease = core_->pool.Read();
  if (!lease.ok()) return lease.status();
  sqlite::Stmt stmt(
      lease->conn(),
      "SELECT count(*), coalesce(sum(size), 0) FROM dynamo_items WHERE table_id = ?1");
  stmt.Bind(1, table_id);
  if (!stmt.Step()) {
    if (!stmt.status().ok()) return stmt.status();
    return Result<std::pair<uint64_t, uint64_t>>(Code::kInternal, "count returned no row");
  }
  return std::pair<uint64_t, uint64_t>(static_cast<uint64_t>(stmt.Int(0)),
                                       static_cast<uint64_t>(stmt.Int(1)));
}

}  // namespace skiff::storage
