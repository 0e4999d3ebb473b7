// A full database (DatabaseOptions::max_bytes, SQLite's page limit): writes that do not fit fail
// with kFull, change nothing, leave no staged blob behind, and fit again once space is freed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/storage/store_fixture.h"
#include "tests/unit/storage/table_fixture.h"

namespace skiff::storage {
namespace {

using testing::CountRows;
using testing::IntegrityCheck;
using testing::MakeBucket;
using testing::MakeTableRecord;
using testing::OpenOrDie;
using testing::Put;
using testing::PutWrite;
using testing::ReadAll;
using testing::TempDir;

constexpr int64_t kCap = 2 * 1024 * 1024;

std::string Body(int i, size_t size) { return std::string(size, static_cast<char>('a' + i % 26)); }

TEST(FullDatabaseTest, ObjectWritesFailWithFullAndRecoverAfterDeletes) {
  TempDir dir;
  DatabaseOptions options;
  options.directory = dir.path();
  options.max_bytes = kCap;
  std::unique_ptr<Database> db = OpenOrDie(options);
  ASSERT_NE(db, nullptr);
  ObjectStore& store = db->objects();
  ASSERT_TRUE(store.CreateBucket(MakeBucket("b")).ok());

  std::vector<std::string> stored;
  Status failure;
  for (int i = 0; i < 100; ++i) {
    std::string key = "k" + std::to_string(i);
    Result<ObjectRecord> put = Put(store, "b", key, Body(i, 300 * 1024), {}, 65536);
    if (!put.ok()) {
      failure = put.status();
      break;
    }
    stored.push_back(key);
  }
  ASSERT_EQ(failure.code(), Code::kFull) << failure.message();
  ASSERT_FALSE(stored.empty());
  const std::string failed_key = "k" + std::to_string(stored.size());
  EXPECT_EQ(store.HeadObject("b", failed_key, "").code(), Code::kNotFound);
  for (size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(ReadAll(store, "b", stored[i]), Body(static_cast<int>(i), 300 * 1024));
  }
  EXPECT_EQ(IntegrityCheck(dir.db_path()), "ok");

  // Table writes fail the same way.
  TableRecord table = MakeTableRecord("t");
  Status created = db->tables().CreateTable(&table);
  if (created.ok()) {
    Status item = testing::Apply(db->tables(),
                                 PutWrite(table.table_id, {"p", ""}, std::string(600 * 1024, 'x')));
    EXPECT_EQ(item.code(), Code::kFull) << item.message();
  } else {
    EXPECT_EQ(created.code(), Code::kFull) << created.message();
  }

  // Deleting frees pages for the next write.
  for (size_t i = 0; i < stored.size() / 2 + 1; ++i) {
    ASSERT_TRUE(store.DeleteObject("b", stored[i], "", 1700000000000).ok());
  }
  Result<ObjectRecord> again = Put(store, "b", "again", Body(7, 300 * 1024), {}, 65536);
  EXPECT_TRUE(again.ok()) << again.status().message();
  db->Close();
  // Nothing staged is left behind by the failed writes once the store reopens.
  db = OpenOrDie(options);
  ASSERT_NE(db, nullptr);
  db->Close();
  EXPECT_EQ(CountRows(dir.db_path(), "SELECT count(*) FROM blobs WHERE state = 'staged'"), 0);
  EXPECT_EQ(IntegrityCheck(dir.db_path()), "ok");
}

TEST(FullDatabaseTest, LargerCapOnReopenLetsWritesGrow) {
  TempDir dir;
  DatabaseOptions options;
  options.directory = dir.path();
  options.max_bytes = kCap;
  {
    std::unique_ptr<Database> db = OpenOrDie(options);
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->objects().CreateBucket(MakeBucket("b")).ok());
    Status last;
    for (int i = 0; i < 100 && last.ok(); ++i) {
      last = Put(db->objects(), "b", "k" + std::to_string(i), Body(i, 256 * 1024)).status();
    }
    ASSERT_EQ(last.code(), Code::kFull);
  }
  options.max_bytes = 4 * kCap;
  std::unique_ptr<Database> db = OpenOrDie(options);
  ASSERT_NE(db, nullptr);
  for (int i = 0; i < 8; ++i) {
    Result<ObjectRecord> put = Put(db->objects(), "b", "more" + std::to_string(i),
                                   Body(i, 256 * 1024));
    ASSERT_TRUE(put.ok()) << put.status().message();
  }
}

}  // namespace
}  // namespace skiff::storage
