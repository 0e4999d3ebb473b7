// The one SQLite database that holds all of Skiff's state (WAL mode, versioned migrations).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "storage/documents.h"
#include "storage/object_store.h"
#include "storage/status.h"
#include "storage/table_store.h"

namespace skiff::storage {

struct DatabaseOptions {
  std::string directory;    // created if missing; the file is <directory>/skiff.db
  bool in_memory = false;   // ignore `directory`, keep everything in RAM
  // How long a write waits for another process's lock before failing with kBusy.
  int busy_timeout_ms = 5000;
  // Size cap in bytes (SQLite max_page_count on the writer; 0 = none). A write beyond it fails
  // with kFull, like a full disk, and changes nothing.
  int64_t max_bytes = 0;
};

class Database {
 public:
  // Opens (creating and migrating as needed). Fails with kIo / kCorrupt / kFull.
  static Result<std::unique_ptr<Database>> Open(const DatabaseOptions& options);
  virtual ~Database() = default;

  virtual ObjectStore& objects() = 0;
  virtual TableStore& tables() = 0;
  // Keyed JSON documents (IAM state). Reset() leaves them alone: their owners clear their kinds.
  virtual DocumentStore& documents() = 0;
  // Human-readable location for the startup line: the file path, or ":memory:".
  virtual std::string location() const = 0;
  virtual int schema_version() const = 0;
  // Checkpoints the WAL and closes every connection. Idempotent.
  virtual void Close() = 0;
  // Removes all state (admin reset). `scope`: "" everything, "s3", "dynamodb".
  virtual Status Reset(const std::string& scope) = 0;
};

}  // namespace skiff::storage
