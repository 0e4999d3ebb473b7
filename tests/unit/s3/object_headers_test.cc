#include "server/s3/object_headers.h"

#include <gtest/gtest.h>

#include <string>

namespace skiff::s3 {
namespace {

std::string Attr(const ObjectSettings& s, std::string_view name) {
  for (const auto& [n, v] : s.attributes) {
    if (n == name) return v;
  }
  return "<absent>";
}

TEST(ObjectSettings, DefaultsAndRepresentationHeaders) {
  http::Headers h;
  h.Add("Content-Encoding", "aws-chunked,gzip");
  h.Add("Content-Disposition", "attachment");
  h.Add("X-Amz-Meta-Color", "blue");
  h.Add("x-amz-meta-color", "green");
  ObjectSettings s;
  ASSERT_FALSE(CollectObjectSettings(h, &s));
  EXPECT_EQ(Attr(s, "Content-Type"), "binary/octet-stream");
  EXPECT_EQ(Attr(s, "Content-Encoding"), "gzip");
  EXPECT_EQ(Attr(s, "Content-Disposition"), "attachment");
  EXPECT_EQ(Attr(s, "x-amz-meta-color"), "blue,green");
  EXPECT_EQ(Attr(s, "x-amz-server-side-encryption"), "AES256");
  EXPECT_EQ(s.storage_class, "");
}

TEST(ObjectSettings, Validation) {
  ObjectSettings s;
  http::Headers h;
  h.Add("x-amz-storage-class", "PLATINUM");
  auto err = CollectObjectSettings(h, &s);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code(), "InvalidStorageClass");

  h = {};
  h.Add("x-amz-server-side-encryption", "rot13");
  err = CollectObjectSettings(h, &s);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code(), "InvalidArgument");

  h = {};
  h.Add("x-amz-server-side-encryption-aws-kms-key-id", "k");
  err = CollectObjectSettings(h, &s);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code(), "InvalidArgument");

  h = {};
  h.Add("x-amz-meta-a", std::string(kMaxUserMetadataBytes, 'x'));
  err = CollectObjectSettings(h, &s);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code(), "MetadataTooLarge");

  h = {};
  h.Add("x-amz-meta-a", std::string(kMaxUserMetadataBytes - 1, 'x'));
  EXPECT_FALSE(CollectObjectSettings(h, &s));
}

TEST(ObjectSettings, KmsSettingsRoundTrip) {
  http::Headers h;
  h.Add("x-amz-server-side-encryption", "aws:kms");
  h.Add("x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:us-east-1:0:key/k");
  h.Add("x-amz-server-side-encryption-bucket-key-enabled", "TRUE");
  h.Add("x-amz-storage-class", "GLACIER");
  h.Add("x-amz-acl", "public-read");
  h.Add("x-amz-tagging", "a=1&b=2");
  ObjectSettings s;
  ASSERT_FALSE(CollectObjectSettings(h, &s));
  storage::ObjectRecord rec;
  rec.attributes = s.attributes;
  rec.storage_class = s.storage_class;
  http::Headers out;
  AddObjectHeaders(rec, &out);
  EXPECT_EQ(out.Get("x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(out.Get("x-amz-server-side-encryption-aws-kms-key-id"),
            "arn:aws:kms:us-east-1:0:key/k");
  EXPECT_EQ(out.Get("x-amz-server-side-encryption-bucket-key-enabled"), "true");
  EXPECT_EQ(out.Get("x-amz-storage-class"), "GLACIER");
  EXPECT_EQ(out.Get("x-amz-tagging-count"), "2");
  EXPECT_FALSE(out.Has("x-amz-acl"));
}

TEST(StripAwsChunked, Forms) {
  EXPECT_EQ(StripAwsChunked("aws-chunked"), "");
  EXPECT_EQ(StripAwsChunked("gzip, aws-chunked"), "gzip");
  EXPECT_EQ(StripAwsChunked("gzip"), "gzip");
}

}  // namespace
}  // namespace skiff::s3
