// Database lifecycle: files, persistence (including across kill -9), migrations, crash sweeps,
// in-memory mode, reset, and the translation of SQLite failures.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "storage/schema.h"
#include "storage/sqlite.h"
#include "tests/unit/storage/store_fixture.h"

namespace skiff::storage {
namespace {

using testing::OpenOrDie;
using testing::Put;
using testing::ReadAll;
using testing::TempDir;

// Runs statements on the database file through a separate plain connection.
void ExecOnFile(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

DatabaseOptions OnDisk(const TempDir& dir) {
  DatabaseOptions options;
  options.directory = dir.path();
  return options;
}

TEST(DatabaseTest, CreatesDirectoryAndWalDatabase) {
  TempDir dir;
  DatabaseOptions options;
  options.directory = dir.path() + "/nested/data";
  std::unique_ptr<Database> db = OpenOrDie(options);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->location(), dir.path() + "/nested/data/skiff.db");
  EXPECT_EQ(db->schema_version(), LatestSchemaVersion());
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/nested/data/skiff.db-wal"));
  db->Close();
  db->Close();  // idempotent
  EXPECT_EQ(testing::CountRows(dir.path() + "/nested/data/skiff.db", "PRAGMA user_version"),
            LatestSchemaVersion());
  // Close checkpointed and truncated the log.
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/nested/data/skiff.db-wal") &&
               std::filesystem::file_size(dir.path() + "/nested/data/skiff.db-wal") > 0);
}

TEST(DatabaseTest, StatePersistsAcrossReopen) {
  TempDir dir;
  std::string version_id;
  {
    std::unique_ptr<Database> db = OpenOrDie(OnDisk(dir));
    ASSERT_TRUE(db->objects().CreateBucket(testing::MakeBucket("b")).ok());
    ASSERT_TRUE(db->objects().SetBucketVersioning("b", "Enabled").ok());
    ASSERT_TRUE(db->objects().PutBucketConfig("b", "cors", "<CORSConfiguration/>").ok());
    Result<ObjectRecord> put = Put(db->objects(), "b", "k", std::string(1500000, 'q'));
    ASSERT_TRUE(put.ok());
    version_id = put->version_id;
  }
  std::unique_ptr<Database> db = OpenOrDie(OnDisk(dir));
  ASSERT_NE(db, nullptr);
  Result<Bucket> bucket = db->objects().GetBucket("b");
  ASSERT_TRUE(bucket.ok());
  EXPECT_EQ(bucket->versioning, "Enabled");
  EXPECT_EQ(*db->objects().GetBucketConfig("b", "cors"), "<CORSConfiguration/>");
  EXPECT_EQ(db->objects().HeadObject("b", "k", "")->version_id, version_id);
  EXPECT_EQ(ReadAll(db->objects(), "b", "k"), std::string(1500000, 'q'));
}

TEST(DatabaseTest, AcknowledgedWritesSurviveKill9) {
  TempDir dir;
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Result<std::unique_ptr<Database>> db = Database::Open(OnDisk(dir));
    bool ok = db.ok() && (*db)->objects().CreateBucket(testing::MakeBucket("b")).ok() &&
              Put((*db)->objects(), "b", "k", "acknowledged").ok();
    // Start an upload that never finishes, then die without closing anything.
    std::unique_ptr<BlobWriter> writer = (*db)->objects().NewBlob();
    ok = ok && writer->Append(std::string(3 << 20, 'x')).ok();
    if (ok) kill(getpid(), SIGKILL);
    _exit(1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child failed its writes";
  std::unique_ptr<Database> db = OpenOrDie(OnDisk(dir));
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(ReadAll(db->objects(), "b", "k"), "acknowledged");
  // The cut-off upload was swept at open.
  db->Close();
  EXPECT_EQ(testing::CountRows(dir.db_path(), "SELECT count(*) FROM blobs"), 1);
  EXPECT_EQ(testing::CountRows(dir.db_path(), "SELECT count(*) FROM blob_chunks"), 1);
}

TEST(DatabaseTest, OpenSweepsStagedAndGarbageBlobs) {
  TempDir dir;
  {
    std::unique_ptr<Database> db = OpenOrDie(OnDisk(dir));
    ASSERT_TRUE(db->objects().CreateBucket(testing::MakeBucket("b")).ok());
    ASSERT_TRUE(Put(db->objects(), "b", "kept", "body").ok());
  }
  // What a crash can leave behind: an upload in progress and a body orphaned by an overwrite.
  ExecOnFile(dir.db_path(), R"sql(
    INSERT INTO blobs (id, size, chunk_size, state) VALUES (100, 2, 1048576, 'staged');
    INSERT INTO blob_chunks (blob_id, seq, data) VALUES (100, 0, x'0102');
    INSERT INTO blobs (id, size, chunk_size, state) VALUES (101, 1, 1048576, 'garbage');
    INSERT INTO blob_chunks (blob_id, seq, data) VALUES (101, 0, x'03');)sql");
  EXPECT_EQ(testing::CountRows(dir.db_path(), "SELECT count(*) FROM blobs"), 3);
  std::unique_ptr<Database> db = OpenOrDie(OnDisk(dir));
  ASSERT_NE(db, nullptr);
  db->Close();
  EXPECT_EQ(testing::CountRows(dir.db_path(), "SELECT count(*) FROM blobs"), 1);
  EXPECT_EQ(testing::CountRows(dir.db_path(), "SELECT count(*) FROM blob_chunks"), 1);
  db = OpenOrDie(OnDisk(dir));
  EXPECT_EQ(ReadAll(db->objects(), "b", "kept"), "body");
}

TEST(DatabaseTest, InMemoryDatabasesAreSeparateAndVolatile) {
  DatabaseOptions options;
  options.in_memory = true;
  std::unique_ptr<Database> a = OpenOrDie(options);
  std::unique_ptr<Database> b = OpenOrDie(options);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->location(), ":memory:");
  EXPECT_EQ(a->schema_version(), LatestSchemaVersion());
  ASSERT_TRUE(a->objects().CreateBucket(testing::MakeBucket("only-in-a")).ok());
  EXPECT_TRUE(a->objects().GetBucket("only-in-a").ok());
  EXPECT_EQ(b->objects().GetBucket("only-in-a").code(), Code::kBucketNotFound);
  a->Close();
  a = OpenOrDie(options);
  EXPECT_TRUE(a->objects().ListBuckets()->empty());
}

TEST(DatabaseTest, CallsAfterCloseFail) {
  TempDir dir;
  std::unique_ptr<Database> db = OpenOrDie(OnDisk(dir));
  db->Close();
  EXPECT_EQ(db->objects().CreateBucket(testing::MakeBucket("b")).code(), Code::kInternal);
  EXPECT_EQ(db->objects().ListBuckets().code(), Code::kInternal);
}

TEST(DatabaseTest, ResetClearsByScope) {
  DatabaseOptions options;
  options.in_memory = true;
  std::unique_ptr<Database> db = OpenOrDie(options);
  ASSERT_TRUE(db->objects().CreateBucket(testing::MakeBucket("b")).ok());
  ASSERT_TRUE(db->objects().PutBucketConfig("b", "policy", "{}").ok());
  ASSERT_TRUE(Put(db->objects(), "b", "k", std::string(2 << 20, 'z')).ok());
  ASSERT_TRUE(db->Reset("dynamodb").ok());
  EXPECT_EQ(db->objects().ListBuckets()->size(), 1u);
  EXPECT_EQ(db->Reset("sqs").code(), Code::kInvalidArgument);
  ASSERT_TRUE(db->Reset("").ok());
  EXPECT_TRUE(db->objects().ListBuckets()->empty());
  ASSERT_TRUE(db->objects().CreateBucket(testing::MakeBucket("b")).ok());
  EXPECT_EQ(db->objects().GetBucketConfig("b", "policy").code(), Code::kNotFound);
  EXPECT_EQ(db->objects().HeadObject("b", "k", "").code(), Code::kNotFound);
  ASSERT_TRUE(db->Reset("s3").ok());
  EXPECT_TRUE(db->objects().ListBuckets()->empty());
}

TEST(DatabaseTest, GarbageFileIsCorrupt) {
  TempDir dir;
  {
    std::ofstream file(dir.db_path(), std::ios::binary);
    file << std::string(8192, 'G');
  }
  Result<std::unique_ptr<Database>> db = Database::Open(OnDisk(dir));
  EXPECT_EQ(db.code(), Code::kCorrupt) << db.status().message();
}

TEST(DatabaseTest, NewerSchemaIsRefused) {
  TempDir dir;
  OpenOrDie(OnDisk(dir));
  ExecOnFile(dir.db_path(), "PRAGMA user_version = 999");
  Result<std::unique_ptr<Database>> db = Database::Open(OnDisk(dir));
  EXPECT_EQ(db.code(), Code::kCorrupt);
  EXPECT_NE(db.status().message().find("999"), std::string::npos) << db.status().message();
}

TEST(DatabaseTest, UnusableDirectoryIsIo) {
  TempDir dir;
  { std::ofstream file(dir.path() + "/not-a-dir"); }
  DatabaseOptions options;
  options.directory = dir.path() + "/not-a-dir/sub";
  EXPECT_EQ(Database::Open(options).code(), Code::kIo);
}

TEST(DatabaseTest, LockHeldByAnotherProcessIsBusy) {
  TempDir dir;
  DatabaseOptions options = OnDisk(dir);
  options.busy_timeout_ms = 50;
  std::unique_ptr<Database> db = OpenOrDie(options);
  ASSERT_NE(db, nullptr);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir.db_path().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  Status status = db->objects().CreateBucket(testing::MakeBucket("b"));
  EXPECT_EQ(status.code(), Code::kBusy) << status.message();
  // Reads are not blocked by a writer in WAL mode.
  EXPECT_TRUE(db->objects().ListBuckets().ok());
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_TRUE(db->objects().CreateBucket(testing::MakeBucket("b")).ok());
}

TEST(DatabaseTest, SqliteCodesTranslate) {
  EXPECT_TRUE(sqlite::ToStatus(SQLITE_OK, "x").ok());
  EXPECT_TRUE(sqlite::ToStatus(SQLITE_DONE, "x").ok());
  EXPECT_EQ(sqlite::ToStatus(SQLITE_BUSY, "x").code(), Code::kBusy);
  EXPECT_EQ(sqlite::ToStatus(SQLITE_BUSY_SNAPSHOT, "x").code(), Code::kBusy);
  EXPECT_EQ(sqlite::ToStatus(SQLITE_LOCKED, "x").code(), Code::kBusy);
  EXPECT_EQ(sqlite::ToStatus(SQLITE_FULL, "x").code(), Code::kFull);
  EXPECT_EQ(sqlite::ToStatus(SQLITE_IOERR, "x").code(), Code::kIo);
  EXPECT_EQ(sqlite::ToStatus(SQLITE_IOERR_FSYNC, "x").code(), Code::kIo);
  EXPECT_EQ(sqlite::ToStatus(SQLITE_CORRUPT, "x").code(), Code::kCorrupt);
  EXPECT_EQ(sqlite::ToStatus(SQLITE_NOTADB, "x").code(), Code::kCorrupt);
  EXPECT_EQ(sqlite::ToStatus(SQLITE_ERROR, "x").code(), Code::kInternal);
  Status status = sqlite::ToStatus(SQLITE_FULL, "commit");
  EXPECT_EQ(status.message(), "commit: database or disk is full");
}

}  // namespace
}  // namespace skiff::storage
