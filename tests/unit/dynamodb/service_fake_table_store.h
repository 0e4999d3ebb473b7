// An in-memory storage::TableStore for the DynamoDB service tests, honoring the contract in
// storage/table_store.h: names unique per (account, region), memcmp key order, index rows
// replaced atomically with their item, decision functions run under the write lock once per
// Mutate, Range in key order (or reverse) with bounds and start_after.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <tuple>

#include "storage/table_store.h"

namespace skiff::dynamodb::testing {

class FakeTableStore : public storage::TableStore {
 public:
  // The next call (of any kind) fails with this status; for storage-error translation tests.
  void FailNext(storage::Status status) {
    std::lock_guard lock(mu_);
    fail_next_ = std::move(status);
  }
  int mutate_calls() const { return mutate_calls_; }

  storage::Status CreateTable(storage::TableRecord* table) override;
  storage::Result<storage::TableRecord> GetTable(std::string_view account, std::string_view region,
                                                 std::string_view name) override;
  storage::Result<std::vector<storage::TableRecord>> ListTables(std::string_view account,
                                                                std::string_view region) override;
  storage::Status UpdateTable(const storage::TableRecord& table) override;
  storage::Status DeleteTable(int64_t table_id) override;
  storage::Result<std::pair<uint64_t, uint64_t>> TableStats(int64_t table_id) override;
  storage::Result<std::optional<storage::StoredItem>> GetItem(int64_t table_id,
                                                              const storage::ItemKey& key) override;
  storage::Status Mutate(const std::vector<std::pair<int64_t, storage::ItemKey>>& keys,
                         const storage::DecideFn& decide) override;
  storage::Status Range(const storage::RangeQuery& query,
                        const std::function<bool(const storage::ItemKey& index_key,
                                                 const storage::StoredItem& item)>& visit) override;
  storage::Result<uint64_t> DeleteExpired(int64_t now_s, uint64_t limit) override;

 private:
  using Key = std::pair<std::string, std::string>;  // partition, sort
  // index key (partition, sort) then table key, so items sharing an index key stay ordered.
  using IndexKey = std::tuple<std::string, std::string, std::string, std::string>;
  struct Table {
    storage::TableRecord record;
    std::map<Key, storage::StoredItem> items;
    std::map<std::string, std::map<IndexKey, Key>> indexes;
    std::map<Key, std::vector<storage::IndexEntry>> item_indexes;
  };

  std::optional<storage::Status> TakeFailure();
  void RemoveIndexRows(Table& t, const Key& key);
  void ApplyWrite(Table& t, const storage::ItemWrite& w);

  std::mutex mu_;
  std::optional<storage::Status> fail_next_;
  std::map<int64_t, Table> tables_;
  int64_t next_id_ = 1;
  int mutate_calls_ = 0;
};

}  // namespace skiff::dynamodb::testing
