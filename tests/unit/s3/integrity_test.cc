#include "server/s3/integrity.h"

#include <gtest/gtest.h>

#include <string>

namespace skiff::s3 {
namespace {

constexpr char kHelloMd5[] = "XUFAKrxLKna5cZ2REBfFkg==";   // base64 MD5 of "hello"
constexpr char kOtherMd5[] = "eV8yArF8trw9S3cdjGyerw==";   // base64 MD5 of "other"
constexpr char kHelloCrc32[] = "NhCmhg==";                 // base64 CRC32 of "hello"

http::Headers With(std::string name, std::string value) {
  http::Headers h;
  h.Add(std::move(name), std::move(value));
  return h;
}

std::string FieldValue(const ErrorReply& r, std::string_view name) {
  for (const auto& [n, v] : r.fields) {
    if (n == name) return v;
  }
  return "<absent>";
}

TEST(HasIntegrityHeader, ContentMd5ChecksumHeadersAndTrailerWhenItCounts) {
  EXPECT_FALSE(HasIntegrityHeader(http::Headers(), false));
  EXPECT_FALSE(HasIntegrityHeader(http::Headers(), true));
  EXPECT_TRUE(HasIntegrityHeader(With("Content-MD5", kHelloMd5), false));
  EXPECT_TRUE(HasIntegrityHeader(With("x-amz-checksum-crc32", kHelloCrc32), false));
  EXPECT_TRUE(HasIntegrityHeader(With("x-amz-checksum-sha256", "x"), false));
  EXPECT_FALSE(HasIntegrityHeader(With("x-amz-trailer", "x-amz-checksum-crc32"), false));
  EXPECT_TRUE(HasIntegrityHeader(With("x-amz-trailer", "x-amz-checksum-crc32"), true));
}

TEST(MissingIntegrityHeader, IsS3sInvalidRequest) {
  ErrorReply r = MissingIntegrityHeader();
  EXPECT_EQ(r.code(), "InvalidRequest");
  EXPECT_EQ(r.status(), 400);
  EXPECT_EQ(r.effective_message(), "Missing required header for this request: Content-MD5");
}

TEST(VerifyWholeBody, AcceptsMatchingDigestsAndNoHeaders) {
  EXPECT_FALSE(VerifyWholeBody(http::Headers(), "hello", true));
  EXPECT_FALSE(VerifyWholeBody(With("Content-MD5", kHelloMd5), "hello", true));
  EXPECT_FALSE(VerifyWholeBody(With("x-amz-checksum-crc32", kHelloCrc32), "hello", false));
}

TEST(VerifyWholeBody, MalformedContentMd5IsInvalidDigest) {
  auto err = VerifyWholeBody(With("Content-MD5", "not base64!"), "hello", true);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code(), "InvalidDigest");
  err = VerifyWholeBody(With("Content-MD5", "aGVsbG8="), "hello", false);  // 5 bytes
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code(), "InvalidDigest");
}

TEST(VerifyWholeBody, Md5MismatchNamesDigestsOnlyWhenAsked) {
  auto with_fields = VerifyWholeBody(With("Content-MD5", kOtherMd5), "hello", true);
  ASSERT_TRUE(with_fields);
  EXPECT_EQ(with_fields->code(), "BadDigest");
  EXPECT_EQ(with_fields->effective_message(),
            "The Content-MD5 you specified did not match what we received.");
  ASSERT_EQ(with_fields->fields.size(), 2u);
  EXPECT_EQ(FieldValue(*with_fields, "ExpectedDigest"), kOtherMd5);
  EXPECT_EQ(FieldValue(*with_fields, "CalculatedDigest"), kHelloMd5);

  auto bare = VerifyWholeBody(With("Content-MD5", kOtherMd5), "hello", false);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->code(), "BadDigest");
  EXPECT_TRUE(bare->fields.empty());
}

TEST(VerifyWholeBody, ChecksumMismatchNamesTheAlgorithm) {
  auto err = VerifyWholeBody(With("x-amz-checksum-crc32", kHelloCrc32), "hellO", true);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code(), "BadDigest");
  EXPECT_EQ(err->effective_message(),
            "The CRC32 you specified did not match the calculated checksum.");
}

}  // namespace
}  // namespace skiff::s3
