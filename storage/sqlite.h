// Thin RAII layer over the SQLite C API: connections with a statement cache, statements that
// reset themselves, and the one translation of SQLite result codes into storage::Code.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/status.h"

namespace skiff::storage::sqlite {

// Maps an SQLite (extended) result code to storage's vocabulary. `what` prefixes the message.
Status ToStatus(int rc, std::string_view what, sqlite3* db = nullptr);

// A connection used by one thread at a time (the pool guarantees that). Owns its statements.
class Connection {
 public:
  // Opens `uri` (SQLite URI syntax allowed). On failure returns a non-OK status and the
  // connection is unusable.
  static Result<std::unique_ptr<Connection>> Open(const std::string& uri, bool create);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* raw() const { return db_; }
  // Runs one or more statements that return no rows we care about.
  Status Exec(const char* sql);
  // A cached prepared statement for `sql` (a string literal: cached by its address).
  Result<sqlite3_stmt*> Prepare(const char* sql);

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

// A cached statement in use: bind, step, read columns; resets and clears bindings when it goes
// out of scope so the cache entry is reusable. Never use the same SQL twice at once on one
// connection.
class Stmt {
 public:
  Stmt(Connection& conn, const char* sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Status of preparation; binds and steps are no-ops on a failed statement.
  const Status& status() const { return status_; }

  Stmt& Bind(int index, std::string_view text);
  Stmt& BindBlob(int index, std::string_view bytes);
  // Binds without copying: `bytes` must stay valid and unchanged until the statement is done.
  Stmt& BindBlobNoCopy(int index, std::string_view bytes);
  Stmt& Bind(int index, int64_t value);
  Stmt& BindNull(int index);

  // Steps once: true with a row, false when done. On error returns false and sets status().
  bool Step();
  // Steps to completion (statements returning no rows) and returns status().
  Status Run();
  // Restarts the statement keeping bindings (to re-run with some bindings changed).
  void Reset();

  int64_t Int(int col) const;
  std::string Text(int col) const;
  std::string_view View(int col) const;  // valid until the next Step/Reset
  bool IsNull(int col) const;

 private:
  Connection& conn_;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

}  // namespace skiff::storage::sqlite
