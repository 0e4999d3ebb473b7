// The connections of one database: a single writer behind a mutex (writes serialize in-process
// instead of busy-spinning inside SQLite) and a pool of readers (WAL gives each its snapshot).
//
// In-memory mode has exactly one connection: readers and the writer share it behind the same
// mutex, so a lease must never be requested while the same thread holds another one.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/sqlite.h"
#include "storage/status.h"

namespace skiff::storage {

class ConnectionPool;

// Exclusive use of one connection until destroyed.
class Lease {
 public:
  Lease() = default;
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&& other) noexcept;
  ~Lease();

  sqlite::Connection& conn() const { return *conn_; }
  explicit operator bool() const { return conn_ != nullptr; }

 private:
  friend class ConnectionPool;
  void Release();

  ConnectionPool* pool_ = nullptr;
  sqlite::Connection* conn_ = nullptr;
  bool writer_ = false;
  std::unique_lock<std::mutex> lock_;  // writer / in-memory leases hold the writer mutex
};

class ConnectionPool {
 public:
  // `reader_uri` empty means in-memory mode: every lease is the writer connection.
  ConnectionPool(std::unique_ptr<sqlite::Connection> writer, std::string reader_uri,
                 int busy_timeout_ms);
  ~ConnectionPool();

  bool in_memory() const { return reader_uri_.empty(); }
  // kInternal once closed.
  Result<Lease> Write();
  Result<Lease> Read();
  // Checkpoints (TRUNCATE) and closes every idle connection; leased readers close on return.
  void Close();

 private:
  friend class Lease;
  void Return(sqlite::Connection* reader);

  std::mutex writer_mutex_;
  std::unique_ptr<sqlite::Connection> writer_;
  const std::string reader_uri_;
  const int busy_timeout_ms_;

  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<sqlite::Connection>> idle_;
  std::vector<std::unique_ptr<sqlite::Connection>> leased_;
  bool closed_ = false;
};

// BEGIN IMMEDIATE on the writer; rolls back unless Commit() succeeded.
class WriteTransaction {
 public:
  static Result<std::unique_ptr<WriteTransaction>> Begin(ConnectionPool& pool);
  ~WriteTransaction();

  sqlite::Connection& conn() const { return lease_.conn(); }
  Status Commit();

 private:
  explicit WriteTransaction(Lease lease) : lease_(std::move(lease)) {}
  Lease lease_;
  bool done_ = false;
};

}  // namespace skiff::storage
