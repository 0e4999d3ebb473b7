// TableStore state over time: TTL expiry, persistence across reopen, finishing an interrupted
// table purge at open, and Database::Reset scopes.
#include <gtest/gtest.h>

#include "tests/unit/storage/table_fixture.h"

namespace skiff::storage {
namespace {

using testing::Collect;
using testing::MakeTableRecord;
using testing::OpenOrDie;
using testing::PutWrite;
using testing::TempDir;

class TableExpiryTest : public testing::TableTest {};

TEST_P(TableExpiryTest, DeletesOnlyExpiredItemsWithTheirIndexRows) {
  int64_t a = NewTable("A");
  int64_t b = NewTable("B");
  PutOrDie(PutWrite(a, {"never", ""}, "v", {{"gsi", {"g", "0"}}}, 0));
  PutOrDie(PutWrite(a, {"t100", ""}, "v", {{"gsi", {"g", "1"}}}, 100));
  PutOrDie(PutWrite(b, {"t200", ""}, "v", {{"gsi", {"g", "2"}}}, 200));
  PutOrDie(PutWrite(a, {"t300", ""}, "v", {{"gsi", {"g", "3"}}}, 300));

  Result<uint64_t> deleted = tables().DeleteExpired(99, 100);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 0u);
  deleted = tables().DeleteExpired(200, 100);  // the bound is inclusive
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2u);
  EXPECT_TRUE(Get(a, {"never", ""}).has_value());
  EXPECT_FALSE(Get(a, {"t100", ""}).has_value());
  EXPECT_FALSE(Get(b, {"t200", ""}).has_value());
  EXPECT_TRUE(Get(a, {"t300", ""}).has_value());

  RangeQuery index;
  index.table_id = a;
  index.index_name = "gsi";
  std::vector<testing::Visited> rows = Collect(tables(), index);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].key.partition, "never");
  EXPECT_EQ(rows[1].key.partition, "t300");
  index.table_id = b;
  EXPECT_TRUE(Collect(tables(), index).empty());

  // Overwriting with no TTL takes the item out of expiry.
  PutOrDie(PutWrite(a, {"t300", ""}, "v2"));
  EXPECT_EQ(*tables().DeleteExpired(1000, 100), 0u);
  EXPECT_TRUE(Get(a, {"t300", ""}).has_value());
}

TEST_P(TableExpiryTest, RespectsTheLimit) {
  int64_t id = NewTable("T");
  for (int i = 1; i <= 5; ++i) {
    PutOrDie(PutWrite(id, {"k" + std::to_string(i), ""}, "v", {}, i));
  }
  EXPECT_EQ(*tables().DeleteExpired(10, 2), 2u);
  EXPECT_EQ(tables().TableStats(id)->first, 3u);
  EXPECT_EQ(*tables().DeleteExpired(10, 0), 0u);
  EXPECT_EQ(*tables().DeleteExpired(10, 100), 3u);
  EXPECT_EQ(tables().TableStats(id)->first, 0u);
}

INSTANTIATE_TEST_SUITE_P(Modes, TableExpiryTest, ::testing::Bool(), testing::ModeName);

TEST(TablePersistenceTest, TablesItemsAndIndexesSurviveReopen) {
  TempDir dir;
  DatabaseOptions options;
  options.directory = dir.path();
  int64_t id = 0;
  {
    std::unique_ptr<Database> db = OpenOrDie(options);
    ASSERT_NE(db, nullptr);
    TableRecord table = MakeTableRecord("T");
    ASSERT_TRUE(db->tables().CreateTable(&table).ok());
    id = table.table_id;
    ASSERT_TRUE(
        testing::Apply(db->tables(), PutWrite(id, {"p", "s"}, "data", {{"gsi", {"g", "x"}}}, 500))
            .ok());
    db->Close();
  }
  std::unique_ptr<Database> db = OpenOrDie(options);
  ASSERT_NE(db, nullptr);
  Result<TableRecord> table = db->tables().GetTable("000000000000", "us-east-1", "T");
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->table_id, id);
  EXPECT_EQ(table->document, MakeTableRecord("T").document);
  Result<std::optional<StoredItem>> item = db->tables().GetItem(id, {"p", "s"});
  ASSERT_TRUE(item.ok() && item->has_value());
  EXPECT_EQ((*item)->data, "data");
  EXPECT_EQ((*item)->expires_at_s, 500);
  RangeQuery index;
  index.table_id = id;
  index.index_name = "gsi";
  index.partition = "g";
  EXPECT_EQ(Collect(db->tables(), index).size(), 1u);
  // Ids are never reused, even after the newest table is deleted and the file reopened.
  ASSERT_TRUE(db->tables().DeleteTable(id).ok());
  db->Close();
  db = OpenOrDie(options);
  TableRecord again = MakeTableRecord("T");
  ASSERT_TRUE(db->tables().CreateTable(&again).ok());
  EXPECT_GT(again.table_id, id);
}

TEST(TablePersistenceTest, OpenFinishesAnInterruptedPurge) {
  TempDir dir;
  DatabaseOptions options;
  options.directory = dir.path();
  {
    std::unique_ptr<Database> db = OpenOrDie(options);
    TableRecord table = MakeTableRecord("T");
    ASSERT_TRUE(db->tables().CreateTable(&table).ok());
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(testing::Apply(db->tables(), PutWrite(table.table_id, {std::to_string(i), ""},
                                                        "v", {{"gsi", {"g", ""}}}))
                      .ok());
    }
    db->Close();
  }
  // What a crash between the tombstone and the end of the purge leaves behind.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(dir.db_path().c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "UPDATE dynamo_tables SET deleted = 1", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);

  std::unique_ptr<Database> db = OpenOrDie(options);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->tables().GetTable("000000000000", "us-east-1", "T").code(), Code::kNotFound);
  db->Close();
  EXPECT_EQ(testing::CountRows(dir.db_path(), "SELECT count(*) FROM dynamo_items"), 0);
  EXPECT_EQ(testing::CountRows(dir.db_path(), "SELECT count(*) FROM dynamo_index"), 0);
  EXPECT_EQ(testing::CountRows(dir.db_path(), "SELECT count(*) FROM dynamo_tables"), 0);
}

class TableResetTest : public testing::TableTest {
 protected:
  // One bucket and one table with an indexed item.
  void Populate() {
    ASSERT_TRUE(store().CreateBucket(testing::MakeBucket("bucket")).ok());
    int64_t id = NewTable("T");
    PutOrDie(PutWrite(id, {"p", ""}, "v", {{"gsi", {"g", ""}}}));
  }
  bool HasTable() { return tables().GetTable("000000000000", "us-east-1", "T").ok(); }
  bool HasBucket() { return store().GetBucket("bucket").ok(); }
};

TEST_P(TableResetTest, ScopesClearTheirOwnState) {
  Populate();
  ASSERT_TRUE(db_->Reset("s3").ok());
  EXPECT_FALSE(HasBucket());
  EXPECT_TRUE(HasTable());

  ASSERT_TRUE(store().CreateBucket(testing::MakeBucket("bucket")).ok());
  ASSERT_TRUE(db_->Reset("dynamodb").ok());
  EXPECT_TRUE(HasBucket());
  EXPECT_FALSE(HasTable());
  EXPECT_TRUE(tables().ListTables("000000000000", "us-east-1")->empty());
  if (!GetParam()) {
    EXPECT_EQ(testing::CountRows(dir_.db_path(), "SELECT count(*) FROM dynamo_items"), 0);
    EXPECT_EQ(testing::CountRows(dir_.db_path(), "SELECT count(*) FROM dynamo_index"), 0);
  }

  ASSERT_TRUE(db_->Reset("s3").ok());
  Populate();
  ASSERT_TRUE(db_->Reset("").ok());
  EXPECT_FALSE(HasBucket());
  EXPECT_FALSE(HasTable());
  EXPECT_EQ(db_->Reset("sqs").code(), Code::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Modes, TableResetTest, ::testing::Bool(), testing::ModeName);

}  // namespace
}  // namespace skiff::storage
