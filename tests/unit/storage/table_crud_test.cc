// TableStore: table records (namespaces, uniqueness, listing order, updates, deletion) and
// unconditional item reads and writes.
#include <gtest/gtest.h>

#include "tests/unit/storage/table_fixture.h"

namespace skiff::storage {
namespace {

using testing::DeleteWrite;
using testing::MakeTableRecord;
using testing::PutWrite;

class TableCrudTest : public testing::TableTest {};

TEST_P(TableCrudTest, CreateAndGetTable) {
  TableRecord table = MakeTableRecord("Music");
  table.status = "CREATING";
  table.status_until_ms = 1700000000500;
  ASSERT_TRUE(tables().CreateTable(&table).ok());
  EXPECT_GT(table.table_id, 0);

  Result<TableRecord> got = tables().GetTable("000000000000", "us-east-1", "Music");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->table_id, table.table_id);
  EXPECT_EQ(got->account_id, "000000000000");
  EXPECT_EQ(got->region, "us-east-1");
  EXPECT_EQ(got->name, "Music");
  EXPECT_EQ(got->document, table.document);
  EXPECT_EQ(got->status, "CREATING");
  EXPECT_EQ(got->created_ms, 1700000000000);
  EXPECT_EQ(got->status_until_ms, 1700000000500);
}

TEST_P(TableCrudTest, NamesAreUniquePerAccountAndRegion) {
  TableRecord first = MakeTableRecord("T");
  ASSERT_TRUE(tables().CreateTable(&first).ok());
  TableRecord again = MakeTableRecord("T");
  EXPECT_EQ(tables().CreateTable(&again).code(), Code::kConflict);

  TableRecord other_region = MakeTableRecord("T", "eu-west-1");
  ASSERT_TRUE(tables().CreateTable(&other_region).ok());
  TableRecord other_account = MakeTableRecord("T", "us-east-1", "111111111111");
  ASSERT_TRUE(tables().CreateTable(&other_account).ok());
  EXPECT_NE(first.table_id, other_region.table_id);
  EXPECT_NE(first.table_id, other_account.table_id);

  EXPECT_EQ(tables().GetTable("000000000000", "eu-west-1", "T")->table_id, other_region.table_id);
  EXPECT_EQ(tables().GetTable("000000000000", "us-west-2", "T").code(), Code::kNotFound);
  EXPECT_EQ(tables().GetTable("000000000000", "us-east-1", "t").code(), Code::kNotFound);
}

TEST_P(TableCrudTest, ListTablesIsByNameInOneNamespace) {
  for (const char* name : {"b", "a", "B", "a.b", "a-b"}) NewTable(name);
  TableRecord elsewhere = MakeTableRecord("c", "eu-west-1");
  ASSERT_TRUE(tables().CreateTable(&elsewhere).ok());

  Result<std::vector<TableRecord>> listed = tables().ListTables("000000000000", "us-east-1");
  ASSERT_TRUE(listed.ok());
  std::vector<std::string> names;
  for (const TableRecord& t : *listed) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"B", "a", "a-b", "a.b", "b"}));
  EXPECT_TRUE(tables().ListTables("111111111111", "us-east-1")->empty());
}

TEST_P(TableCrudTest, UpdateTableChangesDocumentAndStatus) {
  TableRecord table = MakeTableRecord("T");
  ASSERT_TRUE(tables().CreateTable(&table).ok());
  table.document = "{\"new\":true}";
  table.status = "UPDATING";
  table.status_until_ms = 42;
  table.name = "ignored";  // names never change
  ASSERT_TRUE(tables().UpdateTable(table).ok());
  Result<TableRecord> got = tables().GetTable("000000000000", "us-east-1", "T");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->document, "{\"new\":true}");
  EXPECT_EQ(got->status, "UPDATING");
  EXPECT_EQ(got->status_until_ms, 42);

  table.table_id = 9999;
  EXPECT_EQ(tables().UpdateTable(table).code(), Code::kNotFound);
}

TEST_P(TableCrudTest, DeleteTableRemovesItemsIndexRowsAndFreesTheName) {
  int64_t id = NewTable("T");
  int64_t other = NewTable("Other");
  for (int i = 0; i < 50; ++i) {
    std::string pk = "p" + std::to_string(i);
    PutOrDie(PutWrite(id, {pk, ""}, "v", {{"gsi", {"g", pk}}}));
  }
  PutOrDie(PutWrite(other, {"p", ""}, "kept", {{"gsi", {"g", "p"}}}));

  ASSERT_TRUE(tables().DeleteTable(id).ok());
  EXPECT_EQ(tables().GetTable("000000000000", "us-east-1", "T").code(), Code::kNotFound);
  EXPECT_EQ(tables().ListTables("000000000000", "us-east-1")->size(), 1u);
  EXPECT_EQ(tables().TableStats(id)->first, 0u);
  RangeQuery index_query;
  index_query.table_id = id;
  index_query.index_name = "gsi";
  EXPECT_TRUE(testing::Collect(tables(), index_query).empty());
  EXPECT_EQ(tables().DeleteTable(id).code(), Code::kNotFound);
  EXPECT_EQ(testing::Apply(tables(), PutWrite(id, {"p", ""}, "late")).code(), Code::kNotFound);
  EXPECT_EQ(tables()
                .UpdateTable([&] {
                  TableRecord t = MakeTableRecord("T");
                  t.table_id = id;
                  return t;
                }())
                .code(),
            Code::kNotFound);

  int64_t recreated = NewTable("T");
  EXPECT_NE(recreated, id);
  EXPECT_FALSE(Get(recreated, {"p1", ""}).has_value());
  EXPECT_EQ(Get(other, {"p", ""})->data, "kept");
  index_query.table_id = other;
  EXPECT_EQ(testing::Collect(tables(), index_query).size(), 1u);
  if (!GetParam()) {
    EXPECT_EQ(
        testing::CountRows(dir_.db_path(), "SELECT count(*) FROM dynamo_items WHERE table_id = " +
                                               std::to_string(id)),
        0);
    EXPECT_EQ(testing::CountRows(dir_.db_path(), "SELECT count(*) FROM dynamo_index"), 1);
    EXPECT_EQ(testing::CountRows(dir_.db_path(), "SELECT count(*) FROM dynamo_tables"), 2);
  }
}

TEST_P(TableCrudTest, DeleteTableLargerThanOnePurgeBatch) {
  int64_t id = NewTable("Big");
  ASSERT_TRUE(tables()
                  .Mutate({},
                          [&](const std::vector<ItemRead>&, std::vector<ItemWrite>* writes) {
                            for (int i = 0; i < 4500; ++i) {
                              std::string pk = "p" + std::to_string(i);
                              writes->push_back(PutWrite(id, {pk, "s"}, "v", {{"lsi", {pk, "x"}}}));
                            }
                            return Status::Ok();
                          })
                  .ok());
  EXPECT_EQ(tables().TableStats(id)->first, 4500u);
  ASSERT_TRUE(tables().DeleteTable(id).ok());
  EXPECT_EQ(tables().TableStats(id)->first, 0u);
  if (!GetParam()) {
    EXPECT_EQ(testing::CountRows(dir_.db_path(), "SELECT count(*) FROM dynamo_index"), 0);
    EXPECT_EQ(testing::CountRows(dir_.db_path(), "SELECT count(*) FROM dynamo_tables"), 0);
  }
}

TEST_P(TableCrudTest, PutGetOverwriteDeleteItem) {
  int64_t id = NewTable("T");
  ItemKey key{std::string("\x01k\0ey", 5), std::string("\xff\x00", 2)};
  EXPECT_FALSE(Get(id, key).has_value());

  PutOrDie(PutWrite(id, key, std::string("data\0with nul", 13), {}, 1800000000));
  std::optional<StoredItem> item = Get(id, key);
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->key, key);
  EXPECT_EQ(item->data, std::string("data\0with nul", 13));
  EXPECT_EQ(item->size, 13u);
  EXPECT_EQ(item->expires_at_s, 1800000000);
  // Keys are exact bytes: a prefix or a different sort key is another item.
  EXPECT_FALSE(Get(id, {std::string("\x01k\0ey", 5), std::string("\xff", 1)}).has_value());
  EXPECT_FALSE(Get(id, {std::string("\x01k", 2), std::string("\xff\x00", 2)}).has_value());

  PutOrDie(PutWrite(id, key, "second"));
  item = Get(id, key);
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->data, "second");
  EXPECT_EQ(item->expires_at_s, 0);

  PutOrDie(DeleteWrite(id, key));
  EXPECT_FALSE(Get(id, key).has_value());
  // Deleting an absent item is not an error.
  PutOrDie(DeleteWrite(id, key));
}

TEST_P(TableCrudTest, EmptySortKeyIsItsOwnKey) {
  int64_t id = NewTable("T");
  PutOrDie(PutWrite(id, {"p", ""}, "hash-only"));
  PutOrDie(PutWrite(id, {"p", "s"}, "with-sort"));
  EXPECT_EQ(Get(id, {"p", ""})->data, "hash-only");
  EXPECT_EQ(Get(id, {"p", "s"})->data, "with-sort");
}

TEST_P(TableCrudTest, ItemsBelongToTheirTable) {
  int64_t a = NewTable("A");
  int64_t b = NewTable("B");
  PutOrDie(PutWrite(a, {"p", ""}, "in-a"));
  EXPECT_FALSE(Get(b, {"p", ""}).has_value());
  EXPECT_EQ(tables().TableStats(b)->first, 0u);
}

TEST_P(TableCrudTest, TableStatsCountsItemsAndBytes) {
  int64_t id = NewTable("T");
  Result<std::pair<uint64_t, uint64_t>> stats = tables().TableStats(id);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(*stats, (std::pair<uint64_t, uint64_t>(0, 0)));
  PutOrDie(PutWrite(id, {"a", ""}, std::string(100, 'x')));
  PutOrDie(PutWrite(id, {"b", ""}, std::string(23, 'x')));
  PutOrDie(PutWrite(id, {"b", ""}, std::string(20, 'x')));  // overwrite: counted once
  EXPECT_EQ(*tables().TableStats(id), (std::pair<uint64_t, uint64_t>(2, 120)));
  PutOrDie(DeleteWrite(id, {"a", ""}));
  EXPECT_EQ(*tables().TableStats(id), (std::pair<uint64_t, uint64_t>(1, 20)));
}

INSTANTIATE_TEST_SUITE_P(Modes, TableCrudTest, ::testing::Bool(), testing::ModeName);

}  // namespace
}  // namespace skiff::storage
