// Routing decides the service from the request line and headers alone, before any body byte.
#include "server/app/router.h"

#include <gtest/gtest.h>

namespace skiff::app {
namespace {

http::Request Make(std::string method, std::string target) {
  http::Request r;
  r.method = std::move(method);
  r.target = target;
  size_t q = target.find('?');
  r.path = target.substr(0, q);
  r.query = q == std::string::npos ? "" : target.substr(q + 1);
  return r;
}

std::string Authorization(std::string_view region, std::string_view service) {
  return "AWS4-HMAC-SHA256 Credential=test/20261122/" + std::string(region) + "/" +
         std::string(service) + "/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
}

TEST(RouterClassify, AdminPathWinsOverEverything) {
  auto r = Make("GET", "/_skiff/health");
  r.headers.Add("X-Amz-Target", "DynamoDB_20120810.ListTables");
  EXPECT_EQ(Classify(r), Destination::kAdmin);
}

TEST(RouterClassify, DynamoDbByTarget) {
  auto r = Make("POST", "/");
  r.headers.Add("x-amz-target", "DynamoDB_20120810.PutItem");
  EXPECT_EQ(Classify(r), Destination::kDynamoDb);
  auto other = Make("POST", "/");
  other.headers.Add("X-Amz-Target", "DynamoDBStreams_20120810.ListStreams");
  EXPECT_EQ(Classify(other), Destination::kS3);
}

TEST(RouterClassify, StsAndIamByCredentialScope) {
  auto sts = Make("POST", "/");
  sts.headers.Add("Authorization", Authorization("us-east-1", "sts"));
  EXPECT_EQ(Classify(sts), Destination::kSts);
  auto iam = Make("POST", "/");
  iam.headers.Add("Authorization", Authorization("us-east-1", "iam"));
  EXPECT_EQ(Classify(iam), Destination::kIam);
}

TEST(RouterClassify, UnsignedFormPostToTheRootIsSts) {
  // AssumeRoleWithWebIdentity carries no signature; S3 has no form POST to "/".
  auto web = Make("POST", "/");
  web.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(Classify(web), Destination::kSts);
  auto upload = Make("POST", "/");
  upload.headers.Add("Content-Type", "multipart/form-data; boundary=x");
  EXPECT_EQ(Classify(upload), Destination::kS3);
  auto bucket = Make("POST", "/bucket");
  bucket.headers.Add("Content-Type", "application/x-www-form-urlencoded");
  EXPECT_EQ(Classify(bucket), Destination::kS3);
}

TEST(RouterClassify, EverythingElseIsS3) {
  EXPECT_EQ(Classify(Make("GET", "/")), Destination::kS3);
  auto signed_s3 = Make("PUT", "/bucket/key");
  signed_s3.headers.Add("Authorization", Authorization("eu-west-1", "s3"));
  EXPECT_EQ(Classify(signed_s3), Destination::kS3);
  // A path that merely contains the admin prefix further in is an S3 key.
  EXPECT_EQ(Classify(Make("GET", "/bucket/_skiff/health")), Destination::kS3);
}

TEST(RouterScope, FromHeaderAndPresignedQuery) {
  auto h = Make("GET", "/b/k");
  h.headers.Add("Authorization", Authorization("eu-west-1", "s3"));
  EXPECT_EQ(CredentialScope(h).region, "eu-west-1");
  EXPECT_EQ(CredentialScope(h).service, "s3");

  auto q = Make("GET",
                "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20261122%2Fap-south-1"
                "%2Fs3%2Faws4_request&X-Amz-Date=20261122T000000Z");
  EXPECT_EQ(CredentialScope(q).region, "ap-south-1");
  EXPECT_EQ(CredentialScope(q).service, "s3");

  EXPECT_EQ(CredentialScope(Make("GET", "/")).service, "");
  auto broken = Make("GET", "/");
  broken.headers.Add("Authorization", "AWS4-HMAC-SHA256 Credential=nothing");
  EXPECT_EQ(CredentialScope(broken).service, "");
}

}  // namespace
}  // namespace skiff::app
