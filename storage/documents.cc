// DocumentStore over SQLite: the `documents` table (migration 4).
#include "storage/documents_sqlite.h"

#include "storage/connection_pool.h"

namespace skiff::storage {
namespace {

Status NotFound(std::string_view kind, std::string_view account, std::string_view name) {
  return {Code::kNotFound, "document " + std::string(kind) + "/" + std::string(account) + "/" +
                               std::string(name) + " does not exist"};
}

}  // namespace

Status SqliteDocumentStore::Put(const Document& document) {
  Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(core_->pool);
  if (!txn.ok()) return txn.status();
  sqlite::Stmt stmt((*txn)->conn(), R"sql(
    INSERT INTO documents (kind, account, name, body) VALUES (?1, ?2, ?3, ?4)
    ON CONFLICT (kind, account, name) DO UPDATE SET body = excluded.body)sql");
  Status status = stmt.Bind(1, document.kind)
                      .Bind(2, document.account)
                      .Bind(3, document.name)
                      .Bind(4, document.body)
                      .Run();
  if (!status.ok()) return status;
  return (*txn)->Commit();
}

Result<Document> SqliteDocumentStore::Get(std::string_view kind, std::string_view account,
                                          std::string_view name) {
  Result<Lease> lease = core_->pool.Read();
  if (!lease.ok()) return lease.status();
  sqlite::Stmt stmt(lease->conn(),
                    "SELECT body FROM documents WHERE kind = ?1 AND account = ?2 AND name = ?3");
  stmt.Bind(1, kind).Bind(2, account).Bind(3, name);
  if (!stmt.Step()) {
    if (!stmt.status().ok()) return stmt.status();
    return NotFound(kind, account, name);
  }
  return Document{std::string(kind), std::string(account), std::string(name), stmt.Text(0)};
}

Status SqliteDocumentStore::Delete(std::string_view kind, std::string_view account,
                                   std::string_view name) {
  Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(core_->pool);
  if (!txn.ok()) return txn.status();
  sqlite::Connection& conn = (*txn)->conn();
  sqlite::Stmt stmt(conn, "DELETE FROM documents WHERE kind = ?1 AND account = ?2 AND name = ?3");
  Status status = stmt.Bind(1, kind).Bind(2, account).Bind(3, name).Run();
  if (!status.ok()) return status;
  if (sqlite3_changes(conn.raw()) == 0) return NotFound(kind, account, name);
  return (*txn)->Commit();
}

Result<std::vector<Document>> SqliteDocumentStore::List(std::string_view kind) {
  Result<Lease> lease = core_->pool.Read();
  if (!lease.ok()) return lease.status();
  sqlite::Stmt stmt(lease->conn(),
                    "SELECT account, name, body FROM documents WHERE kind = ?1 "
                    "ORDER BY account, name");
  stmt.Bind(1, kind);
  std::vector<Document> out;
  while (stmt.Step()) {
    out.push_back(Document{std::string(kind), stmt.Text(0), stmt.Text(1), stmt.Text(2)});
  }
  if (!stmt.status().ok()) return stmt.status();
  return out;
}

Status SqliteDocumentStore::Clear(std::string_view kind) {
  Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(core_->pool);
  if (!txn.ok()) return txn.status();
  sqlite::Stmt stmt((*txn)->conn(), "DELETE FROM documents WHERE kind = ?1");
  Status status = stmt.Bind(1, kind).Run();
  if (!status.ok()) return status;
  return (*txn)->Commit();
}

}  // namespace skiff::storage
