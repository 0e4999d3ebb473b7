// TableStore::Mutate: what decide sees, rollback on a refusal or an exception, multi-item
// transactions, atomicity under concurrency, and secondary index maintenance.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "tests/unit/storage/table_fixture.h"

namespace skiff::storage {
namespace {

using testing::Collect;
using testing::DeleteWrite;
using testing::PutWrite;

class TableMutateTest : public testing::TableTest {
 protected:
  // The table keys found under `index` / `partition`, in index order.
  std::vector<ItemKey> IndexKeys(int64_t table_id, const std::string& index,
                                 const std::string& partition) {
    RangeQuery query;
    query.table_id = table_id;
    query.index_name = index;
    query.partition = partition;
    std::vector<ItemKey> keys;
    for (const testing::Visited& v : Collect(tables(), query)) keys.push_back(v.key);
    return keys;
  }
};

TEST_P(TableMutateTest, DecideSeesCurrentItemsInKeyOrder) {
  int64_t id = NewTable("T");
  PutOrDie(PutWrite(id, {"b", "1"}, "old-b", {}, 77));
  std::vector<ItemRead> seen;
  Status status = tables().Mutate({{id, {"a", ""}}, {id, {"b", "1"}}},
                                  [&](const std::vector<ItemRead>& reads, std::vector<ItemWrite>*) {
                                    seen = reads;
                                    return Status::Ok();
                                  });
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].table_id, id);
  EXPECT_EQ(seen[0].key, (ItemKey{"a", ""}));
  EXPECT_FALSE(seen[0].current.has_value());
  EXPECT_EQ(seen[1].key, (ItemKey{"b", "1"}));
  ASSERT_TRUE(seen[1].current.has_value());
  EXPECT_EQ(seen[1].current->data, "old-b");
  EXPECT_EQ(seen[1].current->key, (ItemKey{"b", "1"}));
  EXPECT_EQ(seen[1].current->expires_at_s, 77);
}

TEST_P(TableMutateTest, RefusalRollsBackAndIsReturnedAsIs) {
  int64_t id = NewTable("T");
  PutOrDie(PutWrite(id, {"k", ""}, "original"));
  Status status = tables().Mutate(
      {{id, {"k", ""}}}, [&](const std::vector<ItemRead>&, std::vector<ItemWrite>* writes) {
        writes->push_back(PutWrite(id, {"k", ""}, "overwritten"));
        writes->push_back(PutWrite(id, {"new", ""}, "new"));
        return Status(Code::kPreconditionFailed, "The conditional request failed");
      });
  EXPECT_EQ(status.code(), Code::kPreconditionFailed);
  EXPECT_EQ(status.message(), "The conditional request failed");
  EXPECT_EQ(Get(id, {"k", ""})->data, "original");
  EXPECT_FALSE(Get(id, {"new", ""}).has_value());
}

TEST_P(TableMutateTest, ExceptionInDecideRollsBackAndLeavesTheStoreUsable) {
  int64_t id = NewTable("T");
  EXPECT_THROW(
      tables().Mutate({{id, {"k", ""}}},
                      [&](const std::vector<ItemRead>&, std::vector<ItemWrite>* writes) -> Status {
                        writes->push_back(PutWrite(id, {"k", ""}, "never"));
                        throw std::runtime_error("validation failed");
                      }),
      std::runtime_error);
  EXPECT_FALSE(Get(id, {"k", ""}).has_value());
  PutOrDie(PutWrite(id, {"k", ""}, "after"));
  EXPECT_EQ(Get(id, {"k", ""})->data, "after");
}

TEST_P(TableMutateTest, MultiItemTransactionAcrossTables) {
  int64_t a = NewTable("A");
  int64_t b = NewTable("B");
  PutOrDie(PutWrite(a, {"gone", ""}, "x"));
  Status status =
      tables().Mutate({{a, {"gone", ""}}, {b, {"k", ""}}},
                      [&](const std::vector<ItemRead>& reads, std::vector<ItemWrite>* writes) {
                        EXPECT_TRUE(reads[0].current.has_value());
                        EXPECT_FALSE(reads[1].current.has_value());
                        writes->push_back(DeleteWrite(a, {"gone", ""}));
                        writes->push_back(PutWrite(b, {"k", ""}, "1"));
                        writes->push_back(PutWrite(b, {"k", ""}, "2"));  // later writes win
                        return Status::Ok();
                      });
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_FALSE(Get(a, {"gone", ""}).has_value());
  EXPECT_EQ(Get(b, {"k", ""})->data, "2");
}

TEST_P(TableMutateTest, UnknownTableIsNotFoundAndWritesNothing) {
  int64_t id = NewTable("T");
  EXPECT_EQ(tables()
                .Mutate({{id + 100, {"k", ""}}},
                        [](const std::vector<ItemRead>&, std::vector<ItemWrite>*) {
                          ADD_FAILURE() << "decide must not run for an unknown table";
                          return Status::Ok();
                        })
                .code(),
            Code::kNotFound);
  // A write to an unknown table inside an otherwise valid transaction aborts all of it.
  Status status = tables().Mutate(
      {{id, {"k", ""}}}, [&](const std::vector<ItemRead>&, std::vector<ItemWrite>* writes) {
        writes->push_back(PutWrite(id, {"k", ""}, "v"));
        writes->push_back(PutWrite(id + 100, {"k", ""}, "v"));
        return Status::Ok();
      });
  EXPECT_EQ(status.code(), Code::kNotFound);
  EXPECT_FALSE(Get(id, {"k", ""}).has_value());
}

TEST_P(TableMutateTest, RacingPutIfAbsentWritesExactlyOnce) {
  int64_t id = NewTable("T");
  constexpr int kThreads = 16;
  std::atomic<int> wins{0}, refused{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      Status status = tables().Mutate({{id, {"key", ""}}}, [&](const std::vector<ItemRead>& reads,
                                                               std::vector<ItemWrite>* writes) {
        if (reads[0].current) return Status(Code::kPreconditionFailed, "exists");
        writes->push_back(PutWrite(id, {"key", ""}, "writer-" + std::to_string(t)));
        return Status::Ok();
      });
      if (status.ok()) {
        ++wins;
      } else if (status.code() == Code::kPreconditionFailed) {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  go = true;
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  ASSERT_TRUE(Get(id, {"key", ""}).has_value());
  EXPECT_EQ(Get(id, {"key", ""})->data.rfind("writer-", 0), 0u);
}

TEST_P(TableMutateTest, ReadModifyWriteLosesNoUpdate) {
  int64_t id = NewTable("T");
  constexpr int kThreads = 8, kIncrements = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        Status status = tables().Mutate(
            {{id, {"counter", ""}}},
            [&](const std::vector<ItemRead>& reads, std::vector<ItemWrite>* writes) {
              int value = reads[0].current ? std::stoi(reads[0].current->data) : 0;
              writes->push_back(PutWrite(id, {"counter", ""}, std::to_string(value + 1)));
              return Status::Ok();
            });
        if (!status.ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Get(id, {"counter", ""})->data, std::to_string(kThreads * kIncrements));
}

TEST_P(TableMutateTest, IndexRowsFollowPutsOverwritesAndDeletes) {
  int64_t id = NewTable("T");
  ItemKey key{"item", "1"};
  PutOrDie(PutWrite(id, key, "v1", {{"byColor", {"red", "x"}}, {"bySize", {"big", ""}}}));
  EXPECT_EQ(IndexKeys(id, "byColor", "red"), (std::vector<ItemKey>{key}));
  EXPECT_EQ(IndexKeys(id, "bySize", "big"), (std::vector<ItemKey>{key}));

  // A different index key moves the row; an index the new item is absent from loses it.
  PutOrDie(PutWrite(id, key, "v2", {{"byColor", {"blue", "x"}}}));
  EXPECT_TRUE(IndexKeys(id, "byColor", "red").empty());
  EXPECT_EQ(IndexKeys(id, "byColor", "blue"), (std::vector<ItemKey>{key}));
  EXPECT_TRUE(IndexKeys(id, "bySize", "big").empty());

  // Index reads return the base item as it is now.
  RangeQuery query;
  query.table_id = id;
  query.index_name = "byColor";
  query.partition = "blue";
  std::vector<testing::Visited> rows = Collect(tables(), query);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].index_key, (ItemKey{"blue", "x"}));
  EXPECT_EQ(rows[0].data, "v2");

  PutOrDie(DeleteWrite(id, key));
  EXPECT_TRUE(IndexKeys(id, "byColor", "blue").empty());
  if (!GetParam()) {
    EXPECT_EQ(testing::CountRows(dir_.db_path(), "SELECT count(*) FROM dynamo_index"), 0);
  }
}

TEST_P(TableMutateTest, IndexEntryWithoutNameIsRejected) {
  int64_t id = NewTable("T");
  Status status = testing::Apply(tables(), PutWrite(id, {"k", ""}, "v", {{"", {"p", ""}}}));
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_FALSE(Get(id, {"k", ""}).has_value());
}

INSTANTIATE_TEST_SUITE_P(Modes, TableMutateTest, ::testing::Bool(), testing::ModeName);

}  // namespace
}  // namespace skiff::storage
