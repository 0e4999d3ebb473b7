// Shared helpers for the storage tests: temporary data directories, a store fixture run both on
// disk and in memory, and one-call put/read helpers.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "storage/database.h"

namespace skiff::storage::testing {

// A fresh directory under the system temp dir, removed (with its contents) on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device device;
    path_ = std::filesystem::temp_directory_path() /
            ("skiff-storage-test-" + std::to_string(device()) + std::to_string(device()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string path() const { return path_.string(); }
  std::string db_path() const { return (path_ / "skiff.db").string(); }

 private:
  std::filesystem::path path_;
};

inline std::unique_ptr<Database> OpenOrDie(const DatabaseOptions& options) {
  Result<std::unique_ptr<Database>> db = Database::Open(options);
  EXPECT_TRUE(db.ok()) << db.status().message();
  return db.ok() ? std::move(*db) : nullptr;
}

inline Bucket MakeBucket(const std::string& name, const std::string& versioning = "") {
  Bucket bucket;
  bucket.name = name;
  bucket.owner_account = "000000000000";
  bucket.region = "us-east-1";
  bucket.created_ms = 1700000000000;
  bucket.versioning = versioning;
  return bucket;
}

// Writes `body` through a BlobWriter (in pieces of `piece` bytes) and commits it as an object.
inline Result<ObjectRecord> Put(ObjectStore& store, const std::string& bucket,
                                const std::string& key, const std::string& body,
                                PutCondition condition = {}, size_t piece = 4096) {
  std::unique_ptr<BlobWriter> writer = store.NewBlob();
  for (size_t at = 0; at < body.size(); at += piece) {
    Status status = writer->Append(std::string_view(body).substr(at, piece));
    if (!status.ok()) return status;
  }
  Result<BlobRef> blob = writer->Close();
  if (!blob.ok()) return blob.status();
  PutObjectInput input;
  input.bucket = bucket;
  input.key = key;
  input.blob = *blob;
  input.etag = "etag-" + std::to_string(body.size()) + "-" + body.substr(0, 8);
  input.owner_account = "000000000000";
  input.attributes = {{"Content-Type", "text/plain"}};
  input.condition = std::move(condition);
  input.now_ms = 1700000000000;
  return store.PutObject(input);
}

// The whole body of the current object (or that version); "<error>" if it cannot be opened.
inline std::string ReadAll(ObjectStore& store, const std::string& bucket, const std::string& key,
                           const std::string& version_id = "") {
  Result<std::unique_ptr<ObjectHandle>> handle = store.OpenObject(bucket, key, version_id);
  if (!handle.ok()) return "<error>";
  std::unique_ptr<BodyReader> reader = (*handle)->Body(0, (*handle)->record().size);
  std::string out;
  char buffer[1000];
  while (size_t n = reader->Read(buffer, sizeof buffer)) out.append(buffer, n);
  return out;
}

// Rows of `table` in the database file, read with a separate plain connection.
inline int64_t CountRows(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t count = -1;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      count = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return count;
}

// PRAGMA integrity_check's first row ("ok" when clean), read with a separate plain connection.
inline std::string IntegrityCheck(const std::string& db_path) {
  sqlite3* db = nullptr;
  std::string result = "<cannot open>";
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return result;
}

// Runs each test on disk (false) and in memory (true).
class StoreTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    DatabaseOptions options;
    options.in_memory = GetParam();
    options.directory = dir_.path();
    db_ = OpenOrDie(options);
    ASSERT_NE(db_, nullptr);
  }
  ObjectStore& store() { return db_->objects(); }

  TempDir dir_;
  std::unique_ptr<Database> db_;
};

inline std::string ModeName(const ::testing::TestParamInfo<bool>& info) {
  return info.param ? "InMemory" : "OnDisk";
}

}  // namespace skiff::storage::testing
