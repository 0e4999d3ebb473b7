#include "storage/sqlite.h"

#include <cstring>
#include <utility>

namespace skiff::storage::sqlite {

Status ToStatus(int rc, std::string_view what, sqlite3* db) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
  std::string message(what);
  message += ": ";
  message += (db != nullptr && sqlite3_extended_errcode(db) == rc) ? sqlite3_errmsg(db)
                                                                   : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return {Code::kBusy, std::move(message)};
    case SQLITE_FULL:
      return {Code::kFull, std::move(message)};
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return {Code::kIo, std::move(message)};
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return {Code::kCorrupt, std::move(message)};
    case SQLITE_CONSTRAINT:
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
      return {Code::kInvalidArgument, std::move(message)};
    default:
      return {Code::kInternal, std::move(message)};
  }
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& uri, bool create) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
  if (create) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(uri.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status = ToStatus(rc, "open " + uri, db);
    sqlite3_close_v2(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Connection::Exec(const char* sql) {
  // Transaction control runs two or three times per request: prepared once per connection
  // instead of parsed by sqlite3_exec every time. Matched by content, cached under our own
  // literals (Prepare caches by address).
  static constexpr const char* kTransactionControl[] = {"BEGIN", "BEGIN IMMEDIATE", "COMMIT",
                                                        "ROLLBACK"};
  for (const char* known : kTransactionControl) {
    if (std::strcmp(sql, known) != 0) continue;
    Result<sqlite3_stmt*> stmt = Prepare(known);
    if (!stmt.ok()) return stmt.status();
    Status status = ToStatus(sqlite3_step(*stmt), sql, db_);  // before reset clears the message
    sqlite3_reset(*stmt);
    return status;
  }
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string what = error != nullptr ? error : "exec";
  sqlite3_free(error);
  Status status = ToStatus(rc, "exec");
  return {status.code(), what};
}

Result<sqlite3_stmt*> Connection::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    Status status = ToStatus(rc, "prepare", db_);
    sqlite3_finalize(stmt);
    return status;
  }
  cache_.emplace(sql, stmt);
  return stmt;
}

Stmt::Stmt(Connection& conn, const char* sql) : conn_(conn) {
  Result<sqlite3_stmt*> prepared = conn.Prepare(sql);
  if (prepared.ok()) {
    stmt_ = *prepared;
  } else {
    status_ = prepared.status();
  }
}

Stmt::~Stmt() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Stmt& Stmt::Bind(int index, std::string_view text) {
  if (stmt_ != nullptr) {
    // Empty views may carry a null data pointer, which SQLite would bind as NULL.
    const char* data = text.data() != nullptr ? text.data() : "";
    sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  return *this;
}

Stmt& Stmt::BindBlob(int index, std::string_view bytes) {
  if (stmt_ != nullptr) {
    const char* data = bytes.data() != nullptr ? bytes.data() : "";
    sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT);
  }
  return *this;
}

Stmt& Stmt::BindBlobNoCopy(int index, std::string_view bytes) {
  if (stmt_ != nullptr) {
    const char* data = bytes.data() != nullptr ? bytes.data() : "";
    sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_STATIC);
  }
  return *this;
}

Stmt& Stmt::Bind(int index, int64_t value) {
  if (stmt_ != nullptr) sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Stmt& Stmt::BindNull(int index) {
  if (stmt_ != nullptr) sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Stmt::Step() {
  if (stmt_ == nullptr || !status_.ok()) return false;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) status_ = ToStatus(rc, "step", conn_.raw());
  return false;
}

Status Stmt::Run() {
  while (Step()) {
  }
  return status_;
}

void Stmt::Reset() {
  if (stmt_ != nullptr) sqlite3_reset(stmt_);
}

int64_t Stmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Stmt::Text(int col) const { return std::string(View(col)); }

std::string_view Stmt::View(int col) const {
  const void* data = sqlite3_column_blob(stmt_, col);
  int size = sqlite3_column_bytes(stmt_, col);
  if (data == nullptr) return {};
  return {static_cast<const char*>(data), static_cast<size_t>(size)};
}

bool Stmt::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

}  // namespace skiff::storage::sqlite
