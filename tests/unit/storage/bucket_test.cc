// Buckets and bucket configuration documents.
#include <gtest/gtest.h>

#include "tests/unit/storage/store_fixture.h"

namespace skiff::storage {
namespace {

using testing::MakeBucket;
using testing::Put;

class BucketTest : public testing::StoreTest {};

TEST_P(BucketTest, CreateGetAndList) {
  Bucket bucket = MakeBucket("beta", "");
  bucket.region = "eu-west-1";
  bucket.owner_account = "111122223333";
  bucket.object_lock_enabled = true;
  ASSERT_TRUE(store().CreateBucket(bucket).ok());
  ASSERT_TRUE(store().CreateBucket(MakeBucket("alpha")).ok());
  ASSERT_TRUE(store().CreateBucket(MakeBucket("Zed")).ok());
  Status again = store().CreateBucket(MakeBucket("beta"));
  EXPECT_EQ(again.code(), Code::kBucketExists);

  Result<Bucket> got = store().GetBucket("beta");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "beta");
  EXPECT_EQ(got->region, "eu-west-1");
  EXPECT_EQ(got->owner_account, "111122223333");
  EXPECT_EQ(got->created_ms, 1700000000000);
  EXPECT_EQ(got->versioning, "");
  EXPECT_TRUE(got->object_lock_enabled);
  EXPECT_EQ(store().GetBucket("gamma").code(), Code::kBucketNotFound);

  Result<std::vector<Bucket>> all = store().ListBuckets();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].name, "Zed");  // byte order: uppercase first
  EXPECT_EQ((*all)[1].name, "alpha");
  EXPECT_EQ((*all)[2].name, "beta");
}

TEST_P(BucketTest, Versioning) {
  ASSERT_TRUE(store().CreateBucket(MakeBucket("b")).ok());
  ASSERT_TRUE(store().SetBucketVersioning("b", "Enabled").ok());
  EXPECT_EQ(store().GetBucket("b")->versioning, "Enabled");
  ASSERT_TRUE(store().SetBucketVersioning("b", "Suspended").ok());
  EXPECT_EQ(store().GetBucket("b")->versioning, "Suspended");
  EXPECT_EQ(store().SetBucketVersioning("b", "").code(), Code::kInvalidArgument);
  EXPECT_EQ(store().SetBucketVersioning("b", "enabled").code(), Code::kInvalidArgument);
  EXPECT_EQ(store().SetBucketVersioning("nope", "Enabled").code(), Code::kBucketNotFound);
}

TEST_P(BucketTest, DeleteRequiresEmptyBucket) {
  ASSERT_TRUE(store().CreateBucket(MakeBucket("b")).ok());
  ASSERT_TRUE(store().SetBucketVersioning("b", "Enabled").ok());
  Result<ObjectRecord> put = Put(store(), "b", "k", "x");
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(store().DeleteBucket("b").code(), Code::kBucketNotEmpty);
  // A delete marker alone still counts, as do non-current versions.
  Result<DeleteObjectResult> marker = store().DeleteObject("b", "k", "", 1);
  ASSERT_TRUE(marker.ok());
  EXPECT_EQ(store().DeleteBucket("b").code(), Code::kBucketNotEmpty);
  ASSERT_TRUE(store().DeleteObject("b", "k", put->version_id, 1).ok());
  EXPECT_EQ(store().DeleteBucket("b").code(), Code::kBucketNotEmpty);
  ASSERT_TRUE(store().DeleteObject("b", "k", marker->version_id, 1).ok());
  EXPECT_TRUE(store().DeleteBucket("b").ok());
  EXPECT_EQ(store().GetBucket("b").code(), Code::kBucketNotFound);
  EXPECT_EQ(store().DeleteBucket("b").code(), Code::kBucketNotFound);
}

TEST_P(BucketTest, ConfigsByKind) {
  ASSERT_TRUE(store().CreateBucket(MakeBucket("b")).ok());
  EXPECT_EQ(store().GetBucketConfig("b", "policy").code(), Code::kNotFound);
  ASSERT_TRUE(store().PutBucketConfig("b", "policy", "{\"v\":1}").ok());
  ASSERT_TRUE(store().PutBucketConfig("b", "tagging", "<Tagging/>").ok());
  ASSERT_TRUE(store().PutBucketConfig("b", "policy", "{\"v\":2}").ok());
  EXPECT_EQ(*store().GetBucketConfig("b", "policy"), "{\"v\":2}");
  EXPECT_EQ(*store().GetBucketConfig("b", "tagging"), "<Tagging/>");
  ASSERT_TRUE(store().DeleteBucketConfig("b", "policy").ok());
  EXPECT_EQ(store().GetBucketConfig("b", "policy").code(), Code::kNotFound);
  EXPECT_TRUE(store().DeleteBucketConfig("b", "policy").ok());
  EXPECT_EQ(*store().GetBucketConfig("b", "tagging"), "<Tagging/>");

  EXPECT_EQ(store().PutBucketConfig("nope", "policy", "{}").code(), Code::kBucketNotFound);
  EXPECT_EQ(store().GetBucketConfig("nope", "policy").code(), Code::kBucketNotFound);
  EXPECT_EQ(store().DeleteBucketConfig("nope", "policy").code(), Code::kBucketNotFound);

  // DeleteBucket removes its configuration: a new bucket of that name starts clean.
  ASSERT_TRUE(store().DeleteBucket("b").ok());
  ASSERT_TRUE(store().CreateBucket(MakeBucket("b")).ok());
  EXPECT_EQ(store().GetBucketConfig("b", "tagging").code(), Code::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Modes, BucketTest, ::testing::Bool(), testing::ModeName);

}  // namespace
}  // namespace skiff::storage
