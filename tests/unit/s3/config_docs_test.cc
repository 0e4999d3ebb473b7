// Bucket configuration documents, tags, policies and CORS matching (pure functions).
#include "server/s3/config_docs.h"

#include <gtest/gtest.h>

#include "server/s3/config_common.h"
#include "server/s3/config_cors.h"
#include "server/s3/owner.h"

namespace skiff::s3 {
namespace {

std::optional<ErrorReply> Normalize(std::string_view query, std::string_view body,
                                    std::string* out) {
  const ConfigKind* kind = FindConfigKind(query);
  EXPECT_NE(kind, nullptr) << query;
  return NormalizeConfig(*kind, body, out);
}

TEST(ConfigDocs, StoresDocumentInS3Namespace) {
  std::string out;
  auto err = Normalize("encryption",
                       "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>"
                       "<SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>k1</KMSMasterKeyID>"
                       "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled>"
                       "</Rule></ServerSideEncryptionConfiguration>",
                       &out);
  ASSERT_FALSE(err);
  EXPECT_EQ(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>"
            "<KMSMasterKeyID>k1</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>"
            "<BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>");
}

TEST(ConfigDocs, MalformedAndWrongRoot) {
  std::string out;
  EXPECT_EQ(Normalize("cors", "<CORSConfiguration>", &out)->error, S3Error::kMalformedXML);
  EXPECT_EQ(Normalize("cors", "<Tagging/>", &out)->error, S3Error::kMalformedXML);
  EXPECT_EQ(Normalize("cors", "", &out)->error, S3Error::kMissingRequestBodyError);
  // A rule needs AllowedMethod and AllowedOrigin.
  EXPECT_EQ(Normalize("cors", "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>"
                              "</CORSRule></CORSConfiguration>",
                      &out)
                ->error,
            S3Error::kMalformedXML);
  auto bad_method = Normalize("cors",
                              "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>"
                              "<AllowedMethod>PATCH</AllowedMethod></CORSRule></CORSConfiguration>",
                              &out);
  ASSERT_TRUE(bad_method);
  EXPECT_EQ(bad_method->error, S3Error::kInvalidRequest);
  EXPECT_EQ(bad_method->message,
            "Found unsupported HTTP method in CORS config. Unsupported method is PATCH");
  EXPECT_EQ(Normalize("encryption",
                      "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>"
                      "<SSEAlgorithm>DES</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>"
                      "</ServerSideEncryptionConfiguration>",
                      &out)
                ->error,
            S3Error::kMalformedXML);
  EXPECT_EQ(FindConfigKind("versioning"), nullptr);  // has its own operations
}

TEST(ConfigDocs, PublicAccessBlockAnswersAllFour) {
  std::string out;
  ASSERT_FALSE(Normalize("publicAccessBlock",
                         "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls>"
                         "</PublicAccessBlockConfiguration>",
                         &out));
  EXPECT_NE(out.find("<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>false"
                     "</IgnorePublicAcls><BlockPublicPolicy>false</BlockPublicPolicy>"
                     "<RestrictPublicBuckets>false</RestrictPublicBuckets>"),
            std::string::npos);
  EXPECT_EQ(Normalize("publicAccessBlock",
                      "<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls>"
                      "</PublicAccessBlockConfiguration>",
                      &out)
                ->error,
            S3Error::kMalformedXML);
}

TEST(ConfigDocs, Defaults) {
  EXPECT_EQ(DefaultConfigDocument(*FindConfigKind("requestPayment")),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<RequestPaymentConfiguration "
            "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Payer>BucketOwner</Payer>"
            "</RequestPaymentConfiguration>");
  EXPECT_EQ(DefaultConfigDocument(*FindConfigKind("logging")),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BucketLoggingStatus "
            "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>");
  EXPECT_EQ(FindConfigKind("cors")->not_found, S3Error::kNoSuchCORSConfiguration);
  EXPECT_EQ(FindConfigKind("website")->not_found, S3Error::kNoSuchWebsiteConfiguration);
  EXPECT_TRUE(FindConfigKind("lifecycle")->checksum_required);
  EXPECT_FALSE(FindConfigKind("encryption")->checksum_required);
}

TEST(ConfigDocs, WebsiteRules) {
  std::string out;
  auto none = Normalize("website", "<WebsiteConfiguration/>", &out);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->error, S3Error::kInvalidArgument);
  EXPECT_FALSE(Normalize("website",
                         "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix>"
                         "</IndexDocument></WebsiteConfiguration>",
                         &out));
}

TEST(Tags, LimitsAndRoundTrip) {
  TagList tags;
  ASSERT_FALSE(ParseTagging("<Tagging><TagSet><Tag><Key>a b</Key><Value>x&amp;y=z</Value></Tag>"
                            "</TagSet></Tagging>",
                            10, &tags));
  ASSERT_EQ(tags.size(), 1u);
  std::string q = EncodeTagQuery(tags);
  EXPECT_EQ(q, "a+b=x%26y%3Dz");
  auto back = DecodeTagQuery(q);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, tags);
  EXPECT_NE(RenderTagging(tags).find("<Tag><Key>a b</Key><Value>x&amp;y=z</Value></Tag>"),
            std::string::npos);

  TagList dup = {{"k", "1"}, {"k", "2"}};
  auto err = CheckTags(dup, 10);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->error, S3Error::kInvalidTag);
  EXPECT_EQ(err->message, "Cannot provide multiple Tags with the same key");
  TagList many;
  for (int i = 0; i < 11; ++i) many.emplace_back("k" + std::to_string(i), "v");
  EXPECT_EQ(CheckTags(many, 10)->message, "Object tags cannot be greater than 10");
  EXPECT_FALSE(CheckTags(many, 50));
  EXPECT_EQ(CheckTags({{"aws:x", "1"}}, 10)->error, S3Error::kInvalidTag);
  EXPECT_EQ(CheckTags({{std::string(129, 'k'), "1"}}, 10)->error, S3Error::kInvalidTag);
  EXPECT_FALSE(CheckTags({{std::string(128, 'k'), std::string(256, 'v')}}, 10));
}

TEST(Policy, JsonAndStatement) {
  EXPECT_TRUE(IsValidJson(R"({"a":[1,2.5e3,-0,true,false,null,"x\"\u00e9"]})"));
  EXPECT_FALSE(IsValidJson("{"));
  EXPECT_FALSE(IsValidJson("{\"a\":1,}"));
  EXPECT_FALSE(IsValidJson("{} x"));
  EXPECT_FALSE(IsValidJson("[01]"));
  EXPECT_EQ(ValidatePolicy("not json")->error, S3Error::kMalformedPolicy);
  EXPECT_EQ(ValidatePolicy("[]")->error, S3Error::kMalformedPolicy);
  EXPECT_EQ(ValidatePolicy(R"({"Version":"2012-10-17"})")->message,
            "Missing required field Statement");
  EXPECT_FALSE(ValidatePolicy(R"({"Version":"2012-10-17","Statement":[]})"));
}

TEST(Policy, Public) {
  EXPECT_TRUE(IsPublicPolicy(R"({"Statement":[{"Effect":"Allow","Principal":"*"}]})"));
  EXPECT_TRUE(IsPublicPolicy(R"({"Statement":{"Effect":"Allow","Principal":{"AWS":["x","*"]}}})"));
  EXPECT_FALSE(IsPublicPolicy(R"({"Statement":[{"Effect":"Deny","Principal":"*"}]})"));
  EXPECT_FALSE(IsPublicPolicy(
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Condition":{"IpAddress":{}}}]})"));
  EXPECT_FALSE(IsPublicPolicy(
      R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"}}]})"));
}

TEST(Acl, CannedAndOwnerOnly) {
  const std::string owner = "000000000000";
  const std::string id = CanonicalUserId(owner);
  std::string priv = RenderAcl("", owner);
  EXPECT_NE(priv.find("<Owner><ID>" + id + "</ID>"), std::string::npos);
  EXPECT_NE(priv.find("xsi:type=\"CanonicalUser\"><ID>" + id), std::string::npos);
  EXPECT_EQ(priv.find("AllUsers"), std::string::npos);
  std::string pub = RenderAcl("public-read-write", owner);
  EXPECT_NE(pub.find("AllUsers</URI></Grantee><Permission>READ</Permission>"), std::string::npos);
  EXPECT_NE(pub.find("AllUsers</URI></Grantee><Permission>WRITE</Permission>"), std::string::npos);
  EXPECT_TRUE(IsOwnerOnlyAcl(priv, owner));
  EXPECT_FALSE(IsOwnerOnlyAcl(pub, owner));
  EXPECT_FALSE(IsOwnerOnlyAcl(priv, "111111111111"));
  EXPECT_TRUE(IsCannedAclName("log-delivery-write"));
  EXPECT_FALSE(IsCannedAclName("public"));
}

TEST(Cors, WildcardsAndRuleOrder) {
  EXPECT_TRUE(CorsWildcardMatch("*", "http://a", false));
  EXPECT_TRUE(CorsWildcardMatch("http://*.example.com", "http://www.example.com", false));
  EXPECT_FALSE(CorsWildcardMatch("http://*.example.com", "http://example.org", false));
  EXPECT_TRUE(CorsWildcardMatch("X-Amz-*", "x-amz-date", true));
  EXPECT_FALSE(CorsWildcardMatch("abc", "ABC", false));

  auto rules = ParseCorsRules(
      "<CORSConfiguration><CORSRule><AllowedOrigin>http://a.com</AllowedOrigin>"
      "<AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader>"
      "<MaxAgeSeconds>300</MaxAgeSeconds><ExposeHeader>ETag</ExposeHeader></CORSRule>"
      "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>"
      "</CORSConfiguration>");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(MatchCorsRule(rules, "http://a.com", "PUT", {"content-type"}), &rules[0]);
  EXPECT_EQ(MatchCorsRule(rules, "http://b.com", "PUT", {}), nullptr);
  EXPECT_EQ(MatchCorsRule(rules, "http://b.com", "GET", {}), &rules[1]);
  // The second rule allows no request headers.
  EXPECT_EQ(MatchCorsRule(rules, "http://b.com", "GET", {"x-custom"}), nullptr);
  EXPECT_EQ(SplitHeaderList(" Content-Type ,X-Amz-Date,,"),
            (std::vector<std::string>{"content-type", "x-amz-date"}));
}

}  // namespace
}  // namespace skiff::s3
