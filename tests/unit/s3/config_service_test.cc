// Bucket configuration, versioning, CORS and object sub-resources through the in-process S3
// service (real storage, real SigV4), for what the integration tests cannot see cheaply: exact
// bodies and headers, and anonymous preflights.
#include "service_harness.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

#include "server/common/config.h"
#include "server/common/credentials.h"
#include "sigv4/checksum.h"
#include "sigv4/sigv4.h"
#include "storage/database.h"

namespace skiff::s3 {
namespace {

using testing::Options;
using testing::Reply;

class ConfigServiceTest : public testing::ServiceHarness {};


constexpr std::string_view kNs = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

std::string Md5(std::string_view body) {
  sigv4::Checksum sum(sigv4::ChecksumAlgorithm::kMd5);
  sum.Update(body);
  return sigv4::Base64Encode(sum.Digest());
}

TEST_F(ConfigServiceTest, VersioningDocument) {
  ASSERT_EQ(Send("PUT", "/cfg-v").status, 200);
  Reply r = Send("GET", "/cfg-v?versioning");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VersioningConfiguration " +
                        std::string(kNs) + "/>");
  r = Send("PUT", "/cfg-v?versioning",
           "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Send("GET", "/cfg-v?versioning").Has("<Status>Enabled</Status>"));
  r = Send("PUT", "/cfg-v?versioning", "<Versioning/>");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>MalformedXML</Code>"));
}

TEST_F(ConfigServiceTest, DocumentsStoredInS3Namespace) {
  ASSERT_EQ(Send("PUT", "/cfg-d").status, 200);
  std::string body =
      "<Tagging xmlns=\"urn:other\"><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet>"
      "</Tagging>";
  Reply r = Send("PUT", "/cfg-d?tagging", body, With({{"Content-MD5", Md5(body)}}));
  EXPECT_EQ(r.status, 204) << r.body;
  r = Send("GET", "/cfg-d?tagging");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Tagging " + std::string(kNs) +
                        "><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>");
  r = Send("GET", "/cfg-d?cors");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.Has("<Code>NoSuchCORSConfiguration</Code>"));
  EXPECT_TRUE(r.Has("<BucketName>cfg-d</BucketName>"));
  r = Send("PUT", "/cfg-d?policy", "{\"Statement\": [");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>MalformedPolicy</Code>"));
  r = Send("PUT", "/cfg-d?policy", "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
  EXPECT_EQ(r.status, 204);
  r = Send("GET", "/cfg-d?policy");
  EXPECT_EQ(r.body, "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
}

TEST_F(ConfigServiceTest, AnonymousPreflight) {
  ASSERT_EQ(Send("PUT", "/cfg-c").status, 200);
  std::string cors =
      "<CORSConfiguration><CORSRule><AllowedOrigin>https://*.example.com</AllowedOrigin>"
      "<AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule>"
      "</CORSConfiguration>";
  ASSERT_EQ(Send("PUT", "/cfg-c?cors", cors, With({{"Content-MD5", Md5(cors)}})).status, 200);
  Options anon;
  anon.sign = false;
  anon.headers = {{"Origin", "https://app.example.com"},
                  {"Access-Control-Request-Method", "PUT"},
                  {"Access-Control-Request-Headers", "Content-Type"}};
  Reply r = Send("OPTIONS", "/cfg-c/some/key", "", anon);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(r.Header("Access-Control-Allow-Methods"), "PUT");
  EXPECT_EQ(r.Header("Access-Control-Allow-Headers"), "content-type");
  EXPECT_EQ(r.Header("Access-Control-Allow-Credentials"), "true");
  anon.headers["Origin"] = "https://evil.test";
  r = Send("OPTIONS", "/cfg-c/some/key", "", anon);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.Has("<Code>AccessForbidden</Code>"));
  EXPECT_TRUE(r.Has("<Method>PUT</Method><ResourceType>OBJECT</ResourceType>"));
  anon.headers["Access-Control-Request-Method"] = "PATCH";
  r = Send("OPTIONS", "/cfg-c", "", anon);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Message>Invalid Access-Control-Request-Method: PATCH</Message>"));
}

TEST_F(ConfigServiceTest, TaggingHeaderValidated) {
  ASSERT_EQ(Send("PUT", "/cfg-t").status, 200);
  Reply r = Send("PUT", "/cfg-t/k", "x", With({{"x-amz-tagging", "a=1&a=2"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>InvalidArgument</Code>"));
  r = Send("PUT", "/cfg-t/k", "x", With({{"x-amz-tagging", "aws%3Ax=1"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>InvalidTag</Code>"));
  ASSERT_EQ(Send("PUT", "/cfg-t/k", "x", With({{"x-amz-tagging", "a=1"}})).status, 200);
  r = Send("GET", "/cfg-t/k?tagging");
  EXPECT_TRUE(r.Has("<TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet>")) << r.body;
  EXPECT_EQ(Send("HEAD", "/cfg-t/k").Header("x-amz-tagging-count"), "1");
}

}  // namespace
}  // namespace skiff::s3
