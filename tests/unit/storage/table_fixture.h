// Shared helpers for the TableStore tests: a fixture run on disk and in memory, table creation,
// unconditional item writes and range collection.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "storage/table_store.h"
#include "tests/unit/storage/store_fixture.h"

namespace skiff::storage::testing {

inline TableRecord MakeTableRecord(const std::string& name, const std::string& region = "us-east-1",
                                   const std::string& account = "000000000000") {
  TableRecord table;
  table.account_id = account;
  table.region = region;
  table.name = name;
  table.document = "{\"TableName\":\"" + name + "\"}";
  table.status = "ACTIVE";
  table.created_ms = 1700000000000;
  return table;
}

inline ItemWrite PutWrite(int64_t table_id, const ItemKey& key, const std::string& data,
                          std::vector<IndexEntry> indexes = {}, int64_t expires_at_s = 0) {
  ItemWrite write;
  write.table_id = table_id;
  write.key = key;
  write.item.key = key;
  write.item.data = data;
  write.item.size = data.size();
  write.item.expires_at_s = expires_at_s;
  write.indexes = std::move(indexes);
  return write;
}

inline ItemWrite DeleteWrite(int64_t table_id, const ItemKey& key) {
  ItemWrite write;
  write.table_id = table_id;
  write.key = key;
  write.del = true;
  return write;
}

// Applies `write` unconditionally through Mutate.
inline Status Apply(TableStore& store, const ItemWrite& write) {
  return store.Mutate({{write.table_id, write.key}},
                      [&](const std::vector<ItemRead>&, std::vector<ItemWrite>* writes) {
                        writes->push_back(write);
                        return Status::Ok();
                      });
}

// One visited row: the key the walk is ordered by and the item's own key and data.
struct Visited {
  ItemKey index_key;
  ItemKey key;
  std::string data;
  bool operator==(const Visited&) const = default;
};

inline std::vector<Visited> Collect(TableStore& store, const RangeQuery& query,
                                    size_t limit = SIZE_MAX) {
  std::vector<Visited> out;
  Status status = store.Range(query, [&](const ItemKey& index_key, const StoredItem& item) {
    out.push_back(Visited{index_key, item.key, item.data});
    return out.size() < limit;
  });
  EXPECT_TRUE(status.ok()) << status.message();
  return out;
}

inline void PrintTo(const Visited& v, std::ostream* os) {
  auto hex = [](const std::string& s) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
      out += digits[c >> 4];
      out += digits[c & 15];
    }
    return out;
  };
  *os << "{" << hex(v.index_key.partition) << "/" << hex(v.index_key.sort) << " -> "
      << hex(v.key.partition) << "/" << hex(v.key.sort) << " " << v.data << "}";
}

class TableTest : public StoreTest {
 protected:
  TableStore& tables() { return db_->tables(); }

  int64_t NewTable(const std::string& name) {
    TableRecord table = MakeTableRecord(name);
    Status status = tables().CreateTable(&table);
    EXPECT_TRUE(status.ok()) << status.message();
    return table.table_id;
  }

  void PutOrDie(const ItemWrite& write) {
    Status status = Apply(tables(), write);
    ASSERT_TRUE(status.ok()) << status.message();
  }

  std::optional<StoredItem> Get(int64_t table_id, const ItemKey& key) {
    Result<std::optional<StoredItem>> item = tables().GetItem(table_id, key);
    EXPECT_TRUE(item.ok()) << item.status().message();
    return item.ok() ? *item : std::nullopt;
  }
};

}  // namespace skiff::storage::testing
