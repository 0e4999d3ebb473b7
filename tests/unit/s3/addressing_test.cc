#include "server/s3/addressing.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace skiff::s3 {
namespace {

const std::vector<std::string> kSuffixes = {"localhost", "s3.localhost"};

TEST(VirtualHost, Suffixes) {
  EXPECT_EQ(VirtualHostBucket("localhost:4566", kSuffixes), "");
  EXPECT_EQ(VirtualHostBucket("s3.localhost:4566", kSuffixes), "");
  EXPECT_EQ(VirtualHostBucket("mybucket.localhost:4566", kSuffixes), "mybucket");
  EXPECT_EQ(VirtualHostBucket("mybucket.s3.localhost", kSuffixes), "mybucket");
  EXPECT_EQ(VirtualHostBucket("my.dotted.bucket.s3.localhost:80", kSuffixes), "my.dotted.bucket");
  EXPECT_EQ(VirtualHostBucket("MyBucket.LOCALHOST", kSuffixes), "MyBucket");
  EXPECT_EQ(VirtualHostBucket("127.0.0.1:4566", kSuffixes), "");
  EXPECT_EQ(VirtualHostBucket("[::1]:4566", kSuffixes), "");
  EXPECT_EQ(VirtualHostBucket("example.com", kSuffixes), "");
  EXPECT_EQ(VirtualHostBucket("notlocalhost", kSuffixes), "");
}

TEST(ParseTarget, PathStyle) {
  auto t = ParseTarget("localhost:4566", "/", kSuffixes);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->scope, Scope::kService);

  t = ParseTarget("localhost:4566", "/bkt", kSuffixes);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->scope, Scope::kBucket);
  EXPECT_EQ(t->bucket, "bkt");

  t = ParseTarget("localhost:4566", "/bkt/", kSuffixes);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->scope, Scope::kBucket);

  t = ParseTarget("127.0.0.1", "/bkt/env%3A/a%20b+c%25d/%E2%82%AC//x", kSuffixes);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->scope, Scope::kObject);
  EXPECT_EQ(t->bucket, "bkt");
  EXPECT_EQ(t->key, "env:/a b+c%d/\xE2\x82\xAC//x");
  EXPECT_FALSE(t->virtual_hosted);
}

TEST(ParseTarget, VirtualHosted) {
  auto t = ParseTarget("bkt.localhost:4566", "/", kSuffixes);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->scope, Scope::kBucket);
  EXPECT_EQ(t->bucket, "bkt");
  EXPECT_TRUE(t->virtual_hosted);

  t = ParseTarget("bkt.s3.localhost", "/dir/file.txt", kSuffixes);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->scope, Scope::kObject);
  EXPECT_EQ(t->bucket, "bkt");
  EXPECT_EQ(t->key, "dir/file.txt");
}

TEST(ParseTarget, BadEscapeIsRejected) {
  EXPECT_FALSE(ParseTarget("localhost", "/bkt/a%2", kSuffixes));
  EXPECT_FALSE(ParseTarget("localhost", "/bkt/a%g1", kSuffixes));
}

TEST(PercentDecode, PlusHandling) {
  EXPECT_EQ(*PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(*PercentDecode("a+b", true), "a b");
  EXPECT_EQ(*PercentDecode("%2B%25", false), "+%");
}

TEST(S3UrlEncode, AsS3Does) {
  EXPECT_EQ(S3UrlEncode("dir/a b+c&\xE2\x82\xAC"), "dir/a+b%2Bc%26%E2%82%AC");
  EXPECT_EQ(S3UrlEncode("Az09-._~"), "Az09-._~");
}

}  // namespace
}  // namespace skiff::s3
