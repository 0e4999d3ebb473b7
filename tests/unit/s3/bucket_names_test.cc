#include "server/s3/bucket_names.h"

#include <gtest/gtest.h>

#include <string>

namespace skiff::s3 {
namespace {

TEST(BucketNames, Valid) {
  for (const char* n : {"abc", "my-bucket", "my.bucket.1", "0bucket9", "a-b.c-d", "xn-bucket",
                        "sthree", "bucket-s3alia"}) {
    EXPECT_TRUE(IsValidBucketName(n)) << n;
  }
  EXPECT_TRUE(IsValidBucketName(std::string(63, 'a')));
}

TEST(BucketNames, Invalid) {
  for (const char* n :
       {"ab", "MyBucket", "my_bucket", "-bucket", "bucket-", ".bucket", "bucket.", "my..bucket",
        "192.168.5.4", "xn--bucket", "bucket-s3alias", "sthree-bucket", "bucket--ol-s3",
        "bucket.mrap", "bucket--x-s3", "amzn-s3-demo-bucket", "buck et", ""}) {
    EXPECT_FALSE(IsValidBucketName(n)) << n;
  }
  EXPECT_FALSE(IsValidBucketName(std::string(64, 'a')));
}

TEST(BucketNames, IpLookalikesThatAreNotAddressesAreValid) {
  EXPECT_TRUE(IsValidBucketName("1.2.3"));
  EXPECT_TRUE(IsValidBucketName("1.2.3.4.5"));
  EXPECT_TRUE(IsValidBucketName("300.1.1.1"));
}

}  // namespace
}  // namespace skiff::s3
