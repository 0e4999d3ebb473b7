#include "storage/connection_pool.h"

#include <algorithm>
#include <utility>

namespace skiff::storage {
namespace {

// Readers kept open when idle; more are opened under load and closed on return.
constexpr size_t kMaxIdleReaders = 8;

}  // namespace

Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      conn_(std::exchange(other.conn_, nullptr)),
      writer_(other.writer_),
      lock_(std::move(other.lock_)) {}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = std::exchange(other.pool_, nullptr);
    conn_ = std::exchange(other.conn_, nullptr);
    writer_ = other.writer_;
    lock_ = std::move(other.lock_);
  }
  return *this;
}

Lease::~Lease() { Release(); }

void Lease::Release() {
  if (conn_ != nullptr && !writer_) pool_->Return(conn_);
  conn_ = nullptr;
  pool_ = nullptr;
  if (lock_.owns_lock()) lock_.unlock();
}

ConnectionPool::ConnectionPool(std::unique_ptr<sqlite::Connection> writer, std::string reader_uri,
                               int busy_timeout_ms)
    : writer_(std::move(writer)),
      reader_uri_(std::move(reader_uri)),
      busy_timeout_ms_(busy_timeout_ms) {}

ConnectionPool::~ConnectionPool() { Close(); }

Result<Lease> ConnectionPool::Write() {
  Lease lease;
  lease.lock_ = std::unique_lock<std::mutex>(writer_mutex_);
  if (writer_ == nullptr) return Result<Lease>(Code::kInternal, "database is closed");
  lease.pool_ = this;
  lease.conn_ = writer_.get();
  lease.writer_ = true;
  return lease;
}

Result<Lease> ConnectionPool::Read() {
  if (in_memory()) return Write();
  std::unique_ptr<sqlite::Connection> conn;
  {
    std::lock_guard<std::mutex> lock(readers_mutex_);
    if (closed_) return Result<Lease>(Code::kInternal, "database is closed");
    if (!idle_.empty()) {
      conn = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (conn == nullptr) {
    Result<std::unique_ptr<sqlite::Connection>> opened =
        sqlite::Connection::Open(reader_uri_, false);
    if (!opened.ok()) return opened.status();
    conn = std::move(*opened);
    sqlite3_busy_timeout(conn->raw(), busy_timeout_ms_);
    // A reader never writes; query_only turns a bug into an error instead of a lock fight.
    // Readers stream bodies for as long as a download lasts, many at once: a small page cache
    // each keeps memory flat (bodies are read straight into the caller's buffer anyway).
    Status status = conn->Exec("PRAGMA query_only = ON; PRAGMA cache_size = -256");
    if (!status.ok()) return status;
  }
  Lease lease;
  lease.pool_ = this;
  lease.conn_ = conn.get();
  std::lock_guard<std::mutex> lock(readers_mutex_);
  leased_.push_back(std::move(conn));
  return lease;
}

void ConnectionPool::Return(sqlite::Connection* reader) {
  std::unique_ptr<sqlite::Connection> conn;
  std::lock_guard<std::mutex> lock(readers_mutex_);
  auto it = std::find_if(leased_.begin(), leased_.end(),
                         [reader](const auto& c) { return c.get() == reader; });
  if (it == leased_.end()) return;
  conn = std::move(*it);
  leased_.erase(it);
  // A reader must come back without an open transaction (a snapshot that outlived its use
  // would pin old WAL frames and stop checkpoints).
  if (!sqlite3_get_autocommit(conn->raw())) conn->Exec("ROLLBACK");
  if (!closed_ && idle_.size() < kMaxIdleReaders) idle_.push_back(std::move(conn));
}

void ConnectionPool::Close() {
  {
    std::lock_guard<std::mutex> lock(readers_mutex_);
    closed_ = true;
    idle_.clear();
  }
  std::lock_guard<std::mutex> lock(writer_mutex_);
  if (writer_ != nullptr) {
    if (!in_memory()) {
      sqlite3_wal_checkpoint_v2(writer_->raw(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr,
                                nullptr);
    }
    writer_.reset();
  }
}

Result<std::unique_ptr<WriteTransaction>> WriteTransaction::Begin(ConnectionPool& pool) {
  Result<Lease> lease = pool.Write();
  if (!lease.ok()) return lease.status();
  Status status = lease->conn().Exec("BEGIN IMMEDIATE");
  if (!status.ok()) return status;
  return std::unique_ptr<WriteTransaction>(new WriteTransaction(std::move(*lease)));
}

WriteTransaction::~WriteTransaction() {
  if (!done_ && !sqlite3_get_autocommit(conn().raw())) conn().Exec("ROLLBACK");
}

Status WriteTransaction::Commit() {
  Status status = conn().Exec("COMMIT");
  if (status.ok()) done_ = true;
  return status;
}

}  // namespace skiff::storage
