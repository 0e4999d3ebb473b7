#include "service_fake_table_store.h"

#include <algorithm>

namespace skiff::dynamodb::testing {

using storage::Code;
using storage::Status;

std::optional<Status> FakeTableStore::TakeFailure() {
  if (!fail_next_) return std::nullopt;
  auto s = std::move(fail_next_);
  fail_next_.reset();
  return s;
}

Status FakeTableStore::CreateTable(storage::TableRecord* table) {
  std::lock_guard lock(mu_);
  if (auto f = TakeFailure()) return *f;
  for (const auto& [id, t] : tables_) {
    if (t.record.account_id == table->account_id && t.record.region == table->region &&
        t.record.name == table->name) {
      return Status(Code::kConflict, "table exists");
    }
  }
  table->table_id = next_id_++;
  tables_[table->table_id].record = *table;
  return Status::Ok();
}

storage::Result<storage::TableRecord> FakeTableStore::GetTable(std::string_view account,
                                                               std::string_view region,
                                                               std::string_view name) {
  std::lock_guard lock(mu_);
  if (auto f = TakeFailure()) return *f;
  for (const auto& [id, t] : tables_) {
    if (t.record.account_id == account && t.record.region == region && t.record.name == name) {
      return t.record;
    }
  }
  return Status(Code::kNotFound, "no such table");
}

storage::Result<std::vector<storage::TableRecord>> FakeTableStore::ListTables(
    std::string_view account, std::string_view region) {
  std::lock_guard lock(mu_);
  if (auto f = TakeFailure()) return *f;
  std::vector<storage::TableRecord> out;
  for (const auto& [id, t] : tables_) {
    if (t.record.account_id == account && t.record.region == region) out.push_back(t.record);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Status FakeTableStore::UpdateTable(const storage::TableRecord& table) {
  std::lock_guard lock(mu_);
  if (auto f = TakeFailure()) return *f;
  auto it = tables_.find(table.table_id);
  if (it == tables_.end()) return Status(Code::kNotFound, "no such table");
  it->second.record.document = table.document;
  it->second.record.status = table.status;
  it->second.record.status_until_ms = table.status_until_ms;
  return Status::Ok();
}

Status FakeTableStore::DeleteTable(int64_t table_id) {
  std::lock_guard lock(mu_);
  if (auto f = TakeFailure()) return *f;
  if (tables_.erase(table_id) == 0) return Status(Code::kNotFound, "no such table");
  return Status::Ok();
}

storage::Result<std::pair<uint64_t, uint64_t>> FakeTableStore::TableStats(int64_t table_id) {
  std::lock_guard lock(mu_);
  if (auto f = TakeFailure()) return *f;
  auto it = tables_.find(table_id);
  if (it == tables_.end()) return Status(Code::kNotFound, "no such table");
  uint64_t bytes = 0;
  for (const auto& [k, item] : it->second.items) bytes += item.size;
  return std::make_pair(uint64_t(it->second.items.size()), bytes);
}

storage::Result<std::optional<storage::StoredItem>> FakeTableStore::GetItem(
    int64_t table_id, const storage::ItemKey& key) {
  std::lock_guard lock(mu_);
  if (auto f = TakeFailure()) return *f;
  auto it = tables_.find(table_id);
  if (it == tables_.end()) return Status(Code::kNotFound, "no such table");
  auto item = it->second.items.find({key.partition, key.sort});
  if (item == it->second.items.end()) return std::optional<storage::StoredItem>();
  return std::optional<storage::StoredItem>(item->second);
}

void FakeTableStore::RemoveIndexRows(Table& t, const Key& key) {
  auto rows = t.item_indexes.find(key);
  if (rows == t.item_indexes.end()) return;
  for (const auto& e : rows->second) {
    t.indexes[e.index_name].erase({e.key.partition, e.key.sort, key.first, key.second});
  }
  t.item_indexes.erase(rows);
}

void FakeTableStore::ApplyWrite(Table& t, const storage::ItemWrite& w) {
  Key key{w.key.partition, w.key.sort};
  RemoveIndexRows(t, key);
  if (w.del) {
    t.items.erase(key);
    return;
  }
  storage::StoredItem item = w.item;
  item.key = w.key;
  t.items[key] = item;
  for (const auto& e : w.indexes) {
    t.indexes[e.index_name][{e.key.partition, e.key.sort, key.first, key.second}] = key;
  }
  t.item_indexes[key] = w.indexes;
}

Status FakeTableStore::Mutate(const std::vector<std::pair<int64_t, storage::ItemKey>>& keys,
                              const storage::DecideFn& decide) {
  std::lock_guard lock(mu_);
  ++mutate_calls_;
  if (auto f = TakeFailure()) return *f;
  std::vector<storage::ItemRead> reads;
  for (const auto& [table_id, key] : keys) {
    auto t = tables_.find(table_id);
    if (t == tables_.end()) return Status(Code::kNotFound, "no such table");
    storage::ItemRead r;
    r.table_id = table_id;
    r.key = key;
    auto it = t->second.items.find({key.partition, key.sort});
    if (it != t->second.items.end()) r.current = it->second;
    reads.push_back(std::move(r));
  }
  std::vector<storage::ItemWrite> writes;
  Status s = decide(reads, &writes);
  if (!s.ok()) return s;
  for (const auto& w : writes) {
    auto t = tables_.find(w.table_id);
    if (t == tables_.end()) return Status(Code::kInvalidArgument, "write to unknown table");
  }
  for (const auto& w : writes) ApplyWrite(tables_.at(w.table_id), w);
  return Status::Ok();
}

Status FakeTableStore::Range(
    const storage::RangeQuery& q,
    const std::function<bool(const storage::ItemKey&, const storage::StoredItem&)>& visit) {
  std::vector<std::pair<storage::ItemKey, storage::StoredItem>> rows;
  {
    std::lock_guard lock(mu_);
    if (auto f = TakeFailure()) return *f;
    auto t = tables_.find(q.table_id);
    if (t == tables_.end()) return Status(Code::kNotFound, "no such table");
    auto in_bounds = [&](const std::string& partition, const std::string& sort) {
      if (q.partition && partition != *q.partition) return false;
      if (q.total_segments > 1 &&
          std::hash<std::string>{}(partition) % q.total_segments != size_t(q.segment)) {
        return false;
      }
      if (q.sort_low && (q.low_inclusive ? sort < *q.sort_low : sort <= *q.sort_low)) return false;
      if (q.sort_high && (q.high_inclusive ? sort > *q.sort_high : sort >= *q.sort_high)) return false;
      return true;
    };
    if (q.index_name.empty()) {
      for (const auto& [k, item] : t->second.items) {
        if (in_bounds(k.first, k.second)) rows.emplace_back(item.key, item);
      }
    } else {
      auto idx = t->second.indexes.find(q.index_name);
      if (idx != t->second.indexes.end()) {
        for (const auto& [ik, table_key] : idx->second) {
          if (!in_bounds(std::get<0>(ik), std::get<1>(ik))) continue;
          rows.emplace_back(storage::ItemKey{std::get<0>(ik), std::get<1>(ik)},
                            t->second.items.at(table_key));
        }
      }
    }
  }
  if (!q.forward) std::reverse(rows.begin(), rows.end());
  // Strictly after the start position, in the direction of travel; the position need not exist.
  auto position = [](const storage::ItemKey& k, const storage::ItemKey& table_key) {
    return std::make_tuple(k.partition, k.sort, table_key.partition, table_key.sort);
  };
  for (const auto& [index_key, item] : rows) {
    if (q.start_after) {
      auto here = position(index_key, q.index_name.empty() ? index_key : item.key);
      auto start = position(*q.start_after, q.index_name.empty() || !q.start_after_table_key
                                                ? (q.index_name.empty() ? *q.start_after : item.key)
                                                : *q.start_after_table_key);
      if (q.forward ? here <= start : here >= start) continue;
    }
    if (!visit(index_key, item)) break;
  }
  return Status::Ok();
}

storage::Result<uint64_t> FakeTableStore::DeleteExpired(int64_t now_s, uint64_t limit) {
  std::lock_guard lock(mu_);
  if (auto f = TakeFailure()) return *f;
  uint64_t n = 0;
  for (auto& [id, t] : tables_) {
    for (auto it = t.items.begin(); it != t.items.end() && n < limit;) {
      if (it->second.expires_at_s > 0 && it->second.expires_at_s <= now_s) {
        RemoveIndexRows(t, it->first);
        it = t.items.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
  }
  return n;
}

}  // namespace skiff::dynamodb::testing
