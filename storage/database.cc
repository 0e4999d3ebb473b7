// Database::Open and the SQLite Database: file layout, pragmas, migrations, reset.
#include "storage/database.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <string>
#include <system_error>

#include "storage/blobs.h"
#include "storage/documents_sqlite.h"
#include "storage/schema.h"
#include "storage/sqlite_object_store.h"
#include "storage/sqlite_table_store.h"
#include "storage/store_core.h"

namespace skiff::storage {
namespace {

// WAL + synchronous=NORMAL: a commit is durable against a crash of the process (the promise a
// 2xx makes), though not against power loss. foreign_keys guard blob and bucket references.
// journal_size_limit trims the log back after a big upload has been checkpointed.
constexpr const char* kFilePragmas =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
    "PRAGMA journal_size_limit = 67108864;";
// The one in-memory connection: no journal file anywhere.
constexpr const char* kMemoryPragmas = "PRAGMA journal_mode = MEMORY; PRAGMA foreign_keys = ON;";

class SqliteDatabase : public Database {
 public:
  SqliteDatabase(std::shared_ptr<StoreCore> core, std::string location, int schema_version)
      : core_(std::move(core)),
        objects_(core_),
        tables_(core_),
        documents_(core_),
        location_(std::move(location)),
        schema_version_(schema_version) {}
  ~SqliteDatabase() override { Close(); }

  ObjectStore& objects() override { return objects_; }
  TableStore& tables() override { return tables_; }
  DocumentStore& documents() override { return documents_; }
  std::string location() const override { return location_; }
  int schema_version() const override { return schema_version_; }
  void Close() override { core_->pool.Close(); }

  Status Reset(const std::string& scope) override {
    if (!scope.empty() && scope != "s3" && scope != "dynamodb") {
      return {Code::kInvalidArgument, "unknown reset scope " + scope};
    }
    Result<std::unique_ptr<WriteTransaction>> txn = WriteTransaction::Begin(core_->pool);
    if (!txn.ok()) return txn.status();
    sqlite::Connection& conn = (*txn)->conn();
    if (scope != "dynamodb") {
      // Blobs go with the objects: open readers on disk keep their snapshot; in-memory readers
      // of a reset store fail their next chunk read.
      Status status = conn.Exec(
          "DELETE FROM objects; DELETE FROM bucket_configs; DELETE FROM buckets;"
          "DELETE FROM blob_chunks WHERE blob_id IN (SELECT id FROM blobs WHERE state <> "
          "'staged');"
          "DELETE FROM blobs WHERE state <> 'staged';");
      if (!status.ok()) return status;
    }
    if (scope != "s3") {
      Status status = conn.Exec(
          "DELETE FROM dynamo_index; DELETE FROM dynamo_items; DELETE FROM dynamo_tables;");
      if (!status.ok()) return status;
    }
    return (*txn)->Commit();
  }

 private:
  std::shared_ptr<StoreCore> core_;
  SqliteObjectStore objects_;
  SqliteTableStore tables_;
  SqliteDocumentStore documents_;
  std::string location_;
  int schema_version_;
};

std::string UniqueMemoryName() {
  static std::atomic<uint64_t> counter{0};
  return "skiff-" + std::to_string(reinterpret_cast<uintptr_t>(&counter)) + "-" +
         std::to_string(counter.fetch_add(1));
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& options) {
  std::string writer_uri, reader_uri, location;
  if (options.in_memory) {
    // A private in-memory database per Open; the name only tells SQLite's errors apart.
    writer_uri = "file:" + UniqueMemoryName() + "?mode=memory";
    location = ":memory:";
  } else {
    std::error_code error;
    std::filesystem::create_directories(options.directory, error);
    if (error) {
      return Result<std::unique_ptr<Database>>(
          Code::kIo, "cannot create data directory " + options.directory + ": " + error.message());
    }
    std::filesystem::path path = std::filesystem::path(options.directory) / "skiff.db";
    location = path.string();
    // The plain path, not a URI: characters like '?' or '%' in it must not be interpreted.
    writer_uri = location;
    reader_uri = location;
  }

  Result<std::unique_ptr<sqlite::Connection>> writer =
      sqlite::Connection::Open(writer_uri, /*create=*/true);
  if (!writer.ok()) return writer.status();
  sqlite::Connection& conn = **writer;
  sqlite3_busy_timeout(conn.raw(), options.busy_timeout_ms);
  Status status = conn.Exec(options.in_memory ? kMemoryPragmas : kFilePragmas);
  if (!status.ok()) return Status(status.code(), location + ": " + status.message());
  if (!options.in_memory) {
    sqlite::Stmt mode(conn, "PRAGMA journal_mode");
    if (!mode.Step() || mode.Text(0) != "wal") {
      return Result<std::unique_ptr<Database>>(
          mode.status().ok() ? Code::kIo : mode.status().code(),
          location + ": cannot switch to WAL mode");
    }
  }
  Result<int> version = Migrate(conn);
  if (!version.ok()) return Status(version.code(), location + ": " + version.status().message());
  if (options.max_bytes > 0) {
    // Only the writer connection ever grows the file. SQLite keeps the cap at the current size
    // when the database is already larger (a lower cap on restart then just stops growth).
    int64_t pages = 1;
    {
      sqlite::Stmt page_size(conn, "PRAGMA page_size");
      if (page_size.Step() && page_size.Int(0) > 0) {
        pages = std::max<int64_t>(1, options.max_bytes / page_size.Int(0));
      }
    }
    status = conn.Exec(("PRAGMA max_page_count = " + std::to_string(pages)).c_str());
    if (!status.ok()) return Status(status.code(), location + ": " + status.message());
  }

  auto core = std::make_shared<StoreCore>(std::move(*writer), reader_uri, options.busy_timeout_ms);
  status = SweepBlobs(*core);
  if (!status.ok()) return Status(status.code(), location + ": " + status.message());
  status = PurgeDeletedTables(core->pool);
  if (!status.ok()) return Status(status.code(), location + ": " + status.message());
  return std::unique_ptr<Database>(
      std::make_unique<SqliteDatabase>(std::move(core), location, *version));
}

}  // namespace skiff::storage
