// TableStore::Range: key order (memcmp on encoded bytes), both directions, sort key bounds,
// start_after continuation, index reads with ties, scan segments, early stop, snapshots.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>
#include <tuple>

#include "storage/sqlite_table_store.h"
#include "tests/unit/storage/table_fixture.h"

namespace skiff::storage {
namespace {

using testing::Collect;
using testing::PutWrite;
using testing::Visited;

std::vector<ItemKey> KeysOf(const std::vector<Visited>& rows) {
  std::vector<ItemKey> keys;
  for (const Visited& v : rows) keys.push_back(v.key);
  return keys;
}

class TableRangeTest : public testing::TableTest {
 protected:
  void SetUp() override {
    TableTest::SetUp();
    id_ = NewTable("T");
  }
  RangeQuery Query(std::optional<std::string> partition = std::nullopt) {
    RangeQuery query;
    query.table_id = id_;
    query.partition = std::move(partition);
    return query;
  }
  int64_t id_ = 0;
};

TEST_P(TableRangeTest, QueryOrdersSortKeysByBytesBothWays) {
  // Byte order, not text order: 0x00 < 'a' < 0x7f < 0x80 < 0xff, and a prefix sorts first.
  std::vector<std::string> sorts = {
      std::string("\x00", 1), "a", "ab", "b", "\x7f", "\x80", "\xff", "\xff\x01"};
  std::vector<std::string> shuffled = sorts;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
  for (const std::string& s : shuffled) PutOrDie(PutWrite(id_, {"p", s}, "v"));
  PutOrDie(PutWrite(id_, {"o", "a"}, "other partition"));
  PutOrDie(PutWrite(id_, {"pp", "a"}, "other partition"));

  std::vector<ItemKey> expected;
  for (const std::string& s : sorts) expected.push_back({"p", s});
  EXPECT_EQ(KeysOf(Collect(tables(), Query("p"))), expected);
  RangeQuery reverse = Query("p");
  reverse.forward = false;
  std::reverse(expected.begin(), expected.end());
  EXPECT_EQ(KeysOf(Collect(tables(), reverse)), expected);
}

TEST_P(TableRangeTest, SortKeyBoundsWithInclusiveFlags) {
  for (const char* s : {"a", "b", "c", "d", "e"}) PutOrDie(PutWrite(id_, {"p", s}, s));
  auto sorts = [&](RangeQuery query) {
    std::string out;
    for (const Visited& v : Collect(tables(), query)) out += v.key.sort;
    return out;
  };
  RangeQuery q = Query("p");
  q.sort_low = "b";
  q.sort_high = "d";
  EXPECT_EQ(sorts(q), "bcd");
  q.low_inclusive = false;
  EXPECT_EQ(sorts(q), "cd");
  q.high_inclusive = false;
  EXPECT_EQ(sorts(q), "c");
  q.forward = false;
  q.low_inclusive = q.high_inclusive = true;
  EXPECT_EQ(sorts(q), "dcb");
  // begins_with("c") as the DynamoDB layer expresses it: [c, c\xff...] style bounds.
  RangeQuery only_low = Query("p");
  only_low.sort_low = "c";
  EXPECT_EQ(sorts(only_low), "cde");
  RangeQuery only_high = Query("p");
  only_high.sort_high = "b";
  only_high.high_inclusive = false;
  EXPECT_EQ(sorts(only_high), "a");
  RangeQuery empty = Query("p");
  empty.sort_low = "d";
  empty.sort_high = "b";
  EXPECT_EQ(sorts(empty), "");
}

TEST_P(TableRangeTest, StartAfterContinuesStrictlyAfterInBothDirections) {
  for (const char* s : {"a", "b", "c", "d"}) PutOrDie(PutWrite(id_, {"p", s}, s));
  RangeQuery q = Query("p");
  q.start_after = ItemKey{"p", "b"};
  EXPECT_EQ(KeysOf(Collect(tables(), q)), (std::vector<ItemKey>{{"p", "c"}, {"p", "d"}}));
  q.forward = false;
  EXPECT_EQ(KeysOf(Collect(tables(), q)), (std::vector<ItemKey>{{"p", "a"}}));
  // A position that is not an item still works (the item may have been deleted meanwhile).
  q.forward = true;
  q.start_after = ItemKey{"p", "bb"};
  EXPECT_EQ(KeysOf(Collect(tables(), q)), (std::vector<ItemKey>{{"p", "c"}, {"p", "d"}}));
}

// Random items over a few partitions; every combination of direction, bounds and start_after
// checked against a sorted reference, and paging one item at a time reproduces the whole walk.
TEST_P(TableRangeTest, MatchesReferenceForRandomQueries) {
  std::mt19937 rng(1234);
  auto random_bytes = [&](size_t max_len) {
    std::string s(rng() % (max_len + 1), '\0');
    for (char& c : s)
      c = static_cast<char>(
          "\x00\x01\x7f\x80\xfe\xff"
          "ab"[rng() % 8]);
    return s;
  };
  std::vector<std::string> partitions = {"", std::string("\x00", 1), "p", "\xff"};
  std::set<std::pair<std::string, std::string>> reference;
  ASSERT_TRUE(tables()
                  .Mutate({},
                          [&](const std::vector<ItemRead>&, std::vector<ItemWrite>* writes) {
                            for (int i = 0; i < 300; ++i) {
                              ItemKey key{partitions[rng() % partitions.size()], random_bytes(4)};
                              reference.insert({key.partition, key.sort});
                              writes->push_back(PutWrite(id_, key, "v"));
                            }
                            return Status::Ok();
                          })
                  .ok());

  for (int round = 0; round < 200; ++round) {
    RangeQuery q = Query();
    if (rng() % 4 != 0) q.partition = partitions[rng() % partitions.size()];
    if (rng() % 2) q.sort_low = random_bytes(3);
    if (rng() % 2) q.sort_high = random_bytes(3);
    q.low_inclusive = rng() % 2;
    q.high_inclusive = rng() % 2;
    q.forward = rng() % 2;
    if (rng() % 3 == 0) {
      q.start_after = ItemKey{q.partition ? *q.partition : partitions[rng() % partitions.size()],
                              random_bytes(3)};
    }
    std::vector<ItemKey> expected;
    for (const auto& [p, s] : reference) {
      if (q.partition && p != *q.partition) continue;
      if (q.sort_low && (q.low_inclusive ? s < *q.sort_low : s <= *q.sort_low)) continue;
      if (q.sort_high && (q.high_inclusive ? s > *q.sort_high : s >= *q.sort_high)) continue;
      if (q.start_after) {
        auto position = std::tie(q.start_after->partition, q.start_after->sort);
        auto here = std::tie(p, s);
        if (q.forward ? here <= position : here >= position) continue;
      }
      expected.push_back({p, s});
    }
    if (!q.forward) std::reverse(expected.begin(), expected.end());
    ASSERT_EQ(KeysOf(Collect(tables(), q)), expected) << "round " << round;

    // Page through one item at a time, continuing after the last key each time.
    std::vector<ItemKey> paged;
    RangeQuery page = q;
    while (true) {
      std::vector<Visited> rows = Collect(tables(), page, 1);
      if (rows.empty()) break;
      paged.push_back(rows[0].key);
      page.start_after = rows[0].key;
      ASSERT_LE(paged.size(), expected.size()) << "round " << round;
    }
    ASSERT_EQ(paged, expected) << "round " << round;
  }
}

TEST_P(TableRangeTest, IndexReadsOrderTiesByTableKeyAndPage) {
  // Four items share index key ("g", "1"); two more sort before and after it.
  std::vector<std::pair<ItemKey, ItemKey>> rows = {{{"g", "0"}, {"z", ""}}, {{"g", "1"}, {"d", ""}},
                                                   {{"g", "1"}, {"a", ""}}, {{"g", "1"}, {"c", ""}},
                                                   {{"g", "1"}, {"b", ""}}, {{"g", "2"}, {"e", ""}},
                                                   {{"h", "0"}, {"f", ""}}};
  for (const auto& [index_key, key] : rows) {
    PutOrDie(PutWrite(id_, key, "data-" + key.partition, {{"gsi", index_key}}));
  }
  RangeQuery q = Query("g");
  q.index_name = "gsi";
  std::vector<Visited> all = Collect(tables(), q);
  std::vector<Visited> expected = {
      {{"g", "0"}, {"z", ""}, "data-z"}, {{"g", "1"}, {"a", ""}, "data-a"},
      {{"g", "1"}, {"b", ""}, "data-b"}, {{"g", "1"}, {"c", ""}, "data-c"},
      {{"g", "1"}, {"d", ""}, "data-d"}, {{"g", "2"}, {"e", ""}, "data-e"}};
  EXPECT_EQ(all, expected);

  for (bool forward : {true, false}) {
    RangeQuery page = q;
    page.forward = forward;
    std::vector<Visited> paged;
    while (true) {
      std::vector<Visited> got = Collect(tables(), page, 1);
      if (got.empty()) break;
      paged.push_back(got[0]);
      page.start_after = got[0].index_key;
      page.start_after_table_key = got[0].key;
      ASSERT_LE(paged.size(), expected.size());
    }
    std::vector<Visited> want = expected;
    if (!forward) std::reverse(want.begin(), want.end());
    EXPECT_EQ(paged, want) << (forward ? "forward" : "reverse");
  }

  // Without a table key, start_after skips every item sharing that index key.
  RangeQuery after_key = q;
  after_key.start_after = ItemKey{"g", "1"};
  EXPECT_EQ(KeysOf(Collect(tables(), after_key)), (std::vector<ItemKey>{{"e", ""}}));

  // Bounds apply to the index sort key.
  RangeQuery bounded = q;
  bounded.sort_low = "1";
  bounded.sort_high = "1";
  bounded.forward = false;
  EXPECT_EQ(KeysOf(Collect(tables(), bounded)),
            (std::vector<ItemKey>{{"d", ""}, {"c", ""}, {"b", ""}, {"a", ""}}));

  // A whole-index scan walks (index partition, index sort, table key).
  RangeQuery scan = Query();
  scan.index_name = "gsi";
  std::vector<Visited> scanned = Collect(tables(), scan);
  ASSERT_EQ(scanned.size(), rows.size());
  EXPECT_EQ(scanned.back().key, (ItemKey{"f", ""}));

  RangeQuery other_index = Query("g");
  other_index.index_name = "lsi";
  EXPECT_TRUE(Collect(tables(), other_index).empty());
}

TEST_P(TableRangeTest, ScanSegmentsCoverEveryItemExactlyOnce) {
  std::set<std::pair<std::string, std::string>> all;
  ASSERT_TRUE(tables()
                  .Mutate({},
                          [&](const std::vector<ItemRead>&, std::vector<ItemWrite>* writes) {
                            for (int i = 0; i < 400; ++i) {
                              ItemKey key{"p" + std::to_string(i % 150), std::to_string(i)};
                              all.insert({key.partition, key.sort});
                              writes->push_back(
                                  PutWrite(id_, key, "v", {{"gsi", {std::to_string(i % 37), ""}}}));
                            }
                            return Status::Ok();
                          })
                  .ok());
  for (const std::string index : {"", "gsi"}) {
    for (int total : {1, 2, 3, 7, 64}) {
      std::multiset<std::pair<std::string, std::string>> seen;
      int non_empty = 0;
      for (int segment = 0; segment < total; ++segment) {
        RangeQuery q = Query();
        q.index_name = index;
        q.segment = segment;
        q.total_segments = total;
        std::vector<Visited> rows = Collect(tables(), q);
        if (!rows.empty()) ++non_empty;
        for (const Visited& v : rows) {
          seen.insert({v.key.partition, v.key.sort});
          // A partition (of the table or the index) never spans segments.
          const std::string& partition = index.empty() ? v.key.partition : v.index_key.partition;
          uint64_t hash = SegmentHash(partition);
          EXPECT_EQ(static_cast<int>(hash * static_cast<uint64_t>(total) >> 32), segment);
        }
      }
      EXPECT_EQ(seen.size(), all.size()) << index << " " << total;
      EXPECT_EQ((std::set<std::pair<std::string, std::string>>(seen.begin(), seen.end())), all);
      if (total <= 7) {
        EXPECT_EQ(non_empty, total) << "segments should all get some items";
      }
    }
  }
  RangeQuery bad = Query();
  bad.segment = 3;
  bad.total_segments = 3;
  EXPECT_EQ(tables().Range(bad, [](const ItemKey&, const StoredItem&) { return true; }).code(),
            Code::kInvalidArgument);
  bad.segment = 0;
  bad.total_segments = 0;
  EXPECT_EQ(tables().Range(bad, [](const ItemKey&, const StoredItem&) { return true; }).code(),
            Code::kInvalidArgument);
}

TEST(SegmentHashTest, IsStableAndSegmentBoundsTile) {
  // Stored in every item row: these values must never change (FNV-1a 32 + fmix32, checked
  // against an independent Python implementation).
  EXPECT_EQ(SegmentHash(""), 0xab3e7c0bu);
  EXPECT_EQ(SegmentHash("a"), 0x1a80b1b3u);
  for (int total : {1, 2, 3, 10, 1000000}) {
    int64_t next = 0;
    for (int segment = 0; segment < std::min(total, 20); ++segment) {
      Result<std::pair<int64_t, int64_t>> bounds = SegmentBounds(segment, total);
      ASSERT_TRUE(bounds.ok());
      EXPECT_EQ(bounds->first, next);
      for (int64_t h : {bounds->first, bounds->second - 1}) {
        EXPECT_EQ(h * total >> 32, segment) << h << " " << total;
      }
      next = bounds->second;
    }
    if (total <= 20) {
      EXPECT_EQ(next, int64_t{1} << 32);
    }
  }
}

TEST_P(TableRangeTest, VisitStopsWhenItReturnsFalseAndExceptionsPropagate) {
  for (const char* s : {"a", "b", "c"}) PutOrDie(PutWrite(id_, {"p", s}, s));
  EXPECT_EQ(Collect(tables(), Query("p"), 2).size(), 2u);
  EXPECT_THROW(tables().Range(Query("p"),
                              [](const ItemKey&, const StoredItem&) -> bool {
                                throw std::runtime_error("visitor failed");
                              }),
               std::runtime_error);
  // The connection came back without a transaction: writes and reads still work.
  PutOrDie(PutWrite(id_, {"p", "d"}, "d"));
  EXPECT_EQ(Collect(tables(), Query("p")).size(), 4u);
}

TEST_P(TableRangeTest, WalkSeesOneSnapshot) {
  if (GetParam()) GTEST_SKIP() << "in-memory mode serializes readers and writers";
  for (const char* s : {"a", "b", "c"}) PutOrDie(PutWrite(id_, {"p", s}, s));
  std::vector<std::string> seen;
  Status status = tables().Range(Query("p"), [&](const ItemKey&, const StoredItem& item) {
    seen.push_back(item.key.sort);
    if (seen.size() == 1) {
      // Another request writes while this walk is in progress.
      std::thread writer([&] {
        EXPECT_TRUE(testing::Apply(tables(), PutWrite(id_, {"p", "z"}, "late")).ok());
        EXPECT_TRUE(testing::Apply(tables(), testing::DeleteWrite(id_, {"p", "c"})).ok());
      });
      writer.join();
    }
    return true;
  });
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Collect(tables(), Query("p")).size(), 3u);  // a, b, z
}

INSTANTIATE_TEST_SUITE_P(Modes, TableRangeTest, ::testing::Bool(), testing::ModeName);

}  // namespace
}  // namespace skiff::storage
