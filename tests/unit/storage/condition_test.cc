// Conditional writes (If-None-Match: *, If-Match) and their atomicity under concurrency.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/unit/storage/store_fixture.h"

namespace skiff::storage {
namespace {

using testing::Put;
using testing::ReadAll;

class ConditionTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store().CreateBucket(testing::MakeBucket("b")).ok());
  }
  static PutCondition IfNoneMatch() {
    PutCondition condition;
    condition.if_none_match_any = true;
    return condition;
  }
  static PutCondition IfMatch(const std::string& etag) {
    PutCondition condition;
    condition.if_match_etag = etag;
    return condition;
  }
};

TEST_P(ConditionTest, IfNoneMatchCreatesOnlyWhenAbsent) {
  ASSERT_TRUE(Put(store(), "b", "k", "first", IfNoneMatch()).ok());
  Result<ObjectRecord> second = Put(store(), "b", "k", "second", IfNoneMatch());
  EXPECT_EQ(second.code(), Code::kPreconditionFailed);
  EXPECT_EQ(ReadAll(store(), "b", "k"), "first");
}

TEST_P(ConditionTest, IfNoneMatchSucceedsOverADeleteMarker) {
  ASSERT_TRUE(store().SetBucketVersioning("b", "Enabled").ok());
  ASSERT_TRUE(Put(store(), "b", "k", "first").ok());
  ASSERT_TRUE(store().DeleteObject("b", "k", "", 1).ok());
  EXPECT_TRUE(Put(store(), "b", "k", "again", IfNoneMatch()).ok());
  EXPECT_EQ(Put(store(), "b", "k", "third", IfNoneMatch()).code(), Code::kPreconditionFailed);
}

TEST_P(ConditionTest, IfMatchComparesTheCurrentEtag) {
  Result<ObjectRecord> first = Put(store(), "b", "k", "first");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Put(store(), "b", "k", "x", IfMatch("wrong")).code(), Code::kPreconditionFailed);
  Result<ObjectRecord> second = Put(store(), "b", "k", "second", IfMatch(first->etag));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(ReadAll(store(), "b", "k"), "second");
  // The old ETag no longer matches.
  EXPECT_EQ(Put(store(), "b", "k", "x", IfMatch(first->etag)).code(), Code::kPreconditionFailed);
}

TEST_P(ConditionTest, IfMatchOnAMissingKeyIsNotFound) {
  EXPECT_EQ(Put(store(), "b", "absent", "x", IfMatch("any")).code(), Code::kNotFound);
  ASSERT_TRUE(store().SetBucketVersioning("b", "Enabled").ok());
  ASSERT_TRUE(Put(store(), "b", "k", "v").ok());
  ASSERT_TRUE(store().DeleteObject("b", "k", "", 1).ok());
  EXPECT_EQ(Put(store(), "b", "k", "x", IfMatch("etag-1-v")).code(), Code::kNotFound);
}

TEST_P(ConditionTest, FailedPutReleasesItsBlob) {
  ASSERT_TRUE(Put(store(), "b", "k", "first").ok());
  EXPECT_EQ(Put(store(), "b", "k", std::string(3 << 20, 'x'), IfNoneMatch()).code(),
            Code::kPreconditionFailed);
  db_->Close();
  if (!GetParam()) {
    EXPECT_EQ(testing::CountRows(dir_.db_path(), "SELECT count(*) FROM blobs"), 1);
    EXPECT_EQ(testing::CountRows(dir_.db_path(), "SELECT count(*) FROM blob_chunks"), 1);
  }
}

TEST_P(ConditionTest, ConcurrentCreatorsExactlyOneWins) {
  constexpr int kThreads = 16;
  std::atomic<int> ok{0}, failed{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      Result<ObjectRecord> put =
          Put(store(), "b", "race", "writer-" + std::to_string(i), IfNoneMatch());
      if (put.ok()) {
        ++ok;
      } else if (put.code() == Code::kPreconditionFailed) {
        ++failed;
      } else {
        ++other;
      }
    });
  }
  go = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(failed.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(ReadAll(store(), "b", "race").rfind("writer-", 0), 0u);
}

TEST_P(ConditionTest, ConcurrentIfMatchUpdatersSerialize) {
  Result<ObjectRecord> base = Put(store(), "b", "k", "base");
  ASSERT_TRUE(base.ok());
  constexpr int kThreads = 8;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      if (Put(store(), "b", "k", "update-" + std::to_string(i), IfMatch(base->etag)).ok()) ++ok;
    });
  }
  for (std::thread& t : threads) t.join();
  // Every update has a different ETag, so only the first one can still match.
  EXPECT_EQ(ok.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(Modes, ConditionTest, ::testing::Bool(), testing::ModeName);

}  // namespace
}  // namespace skiff::storage
