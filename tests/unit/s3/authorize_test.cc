// IAM authorization of S3 requests: each operation's action and resource, and the in-process
// service answering 403 AccessDenied (with S3's messages) for users without a grant, bucket
// policies that allow or deny, cross-account grants and per-key DeleteObjects checks.
#include "server/s3/authorize.h"

#include <gtest/gtest.h>

#include "server/iam/authorizer.h"
#include "server/s3/context.h"
#include "service_harness.h"
#include "sigv4/checksum.h"
#include "sigv4/sigv4.h"

namespace skiff::s3 {
namespace {

using testing::Options;
using testing::Reply;

// The permissions of one request, as "action resource" lines.
std::vector<std::string> Needs(std::string method, std::string path, std::string query = "",
                               std::map<std::string, std::string> headers = {}) {
  RequestContext ctx;
  ctx.request.method = method;
  for (const auto& [k, v] : headers) ctx.request.headers.Add(k, v);
  auto target = ParseTarget("localhost:4566", path, std::vector<std::string>{"localhost"});
  EXPECT_TRUE(target.has_value());
  ctx.target = *target;
  EXPECT_TRUE(ctx.query.Parse(query));
  ctx.route = MatchRoute(method, ctx.target.scope, ctx.query, ctx.request.headers);
  EXPECT_NE(ctx.route, nullptr);
  std::vector<std::string> out;
  for (const Permission& p : RequiredPermissions(ctx)) out.push_back(p.action + " " + ResourceArn(p));
  return out;
}

using Lines = std::vector<std::string>;

TEST(RequiredPermissionsTest, ServiceAndBucketOperations) {
  EXPECT_EQ(Needs("GET", "/"), Lines{"s3:ListAllMyBuckets arn:aws:s3:::*"});
  EXPECT_EQ(Needs("GET", "/b", "list-type=2&prefix=x"), Lines{"s3:ListBucket arn:aws:s3:::b"});
  EXPECT_EQ(Needs("GET", "/b"), Lines{"s3:ListBucket arn:aws:s3:::b"});
  EXPECT_EQ(Needs("HEAD", "/b"), Lines{"s3:ListBucket arn:aws:s3:::b"});
  EXPECT_EQ(Needs("PUT", "/b"), Lines{"s3:CreateBucket arn:aws:s3:::b"});
  EXPECT_EQ(Needs("DELETE", "/b"), Lines{"s3:DeleteBucket arn:aws:s3:::b"});
  EXPECT_EQ(Needs("GET", "/b", "versions"), Lines{"s3:ListBucketVersions arn:aws:s3:::b"});
  EXPECT_EQ(Needs("GET", "/b", "uploads"),
            Lines{"s3:ListBucketMultipartUploads arn:aws:s3:::b"});
  EXPECT_EQ(Needs("PUT", "/b", "policy"), Lines{"s3:PutBucketPolicy arn:aws:s3:::b"});
  EXPECT_EQ(Needs("GET", "/b", "policy"), Lines{"s3:GetBucketPolicy arn:aws:s3:::b"});
  EXPECT_EQ(Needs("DELETE", "/b", "policy"), Lines{"s3:DeleteBucketPolicy arn:aws:s3:::b"});
  EXPECT_EQ(Needs("DELETE", "/b", "cors"), Lines{"s3:PutBucketCORS arn:aws:s3:::b"});
  EXPECT_EQ(Needs("GET", "/b", "encryption"),
            Lines{"s3:GetEncryptionConfiguration arn:aws:s3:::b"});
  EXPECT_EQ(Needs("PUT", "/b", "versioning"), Lines{"s3:PutBucketVersioning arn:aws:s3:::b"});
  EXPECT_EQ(Needs("GET", "/b", "location"), Lines{"s3:GetBucketLocation arn:aws:s3:::b"});
  EXPECT_EQ(Needs("DELETE", "/b", "publicAccessBlock"),
            Lines{"s3:PutBucketPublicAccessBlock arn:aws:s3:::b"});
  // Authorized per key by the operation.
  EXPECT_EQ(Needs("POST", "/b", "delete"), Lines{});
}

TEST(RequiredPermissionsTest, ObjectOperations) {
  EXPECT_EQ(Needs("GET", "/b/k/x"), Lines{"s3:GetObject arn:aws:s3:::b/k/x"});
  EXPECT_EQ(Needs("HEAD", "/b/k"), Lines{"s3:GetObject arn:aws:s3:::b/k"});
  EXPECT_EQ(Needs("GET", "/b/k", "versionId=v1"), Lines{"s3:GetObjectVersion arn:aws:s3:::b/k"});
  EXPECT_EQ(Needs("HEAD", "/b/k", "versionId=v1"), Lines{"s3:GetObjectVersion arn:aws:s3:::b/k"});
  EXPECT_EQ(Needs("PUT", "/b/k"), Lines{"s3:PutObject arn:aws:s3:::b/k"});
  EXPECT_EQ(Needs("DELETE", "/b/k"), Lines{"s3:DeleteObject arn:aws:s3:::b/k"});
  EXPECT_EQ(Needs("DELETE", "/b/k", "versionId=v1"),
            Lines{"s3:DeleteObjectVersion arn:aws:s3:::b/k"});
  EXPECT_EQ(Needs("GET", "/b/k", "tagging&versionId=v"),
            Lines{"s3:GetObjectVersionTagging arn:aws:s3:::b/k"});
  EXPECT_EQ(Needs("PUT", "/b/k", "acl"), Lines{"s3:PutObjectAcl arn:aws:s3:::b/k"});
  EXPECT_EQ(Needs("POST", "/b/k", "uploads"), Lines{"s3:PutObject arn:aws:s3:::b/k"});
  EXPECT_EQ(Needs("PUT", "/b/k", "partNumber=1&uploadId=u"), Lines{"s3:PutObject arn:aws:s3:::b/k"});
  EXPECT_EQ(Needs("POST", "/b/k", "uploadId=u"), Lines{"s3:PutObject arn:aws:s3:::b/k"});
  EXPECT_EQ(Needs("DELETE", "/b/k", "uploadId=u"), Lines{"s3:AbortMultipartUpload arn:aws:s3:::b/k"});
  EXPECT_EQ(Needs("GET", "/b/k", "uploadId=u"),
            Lines{"s3:ListMultipartUploadParts arn:aws:s3:::b/k"});
  EXPECT_EQ(Needs("PUT", "/b/k", "", {{"x-amz-copy-source", "/src/a%20b"}}),
            (Lines{"s3:PutObject arn:aws:s3:::b/k", "s3:GetObject arn:aws:s3:::src/a b"}));
  EXPECT_EQ(Needs("PUT", "/b/k", "partNumber=1&uploadId=u",
                  {{"x-amz-copy-source", "src/a?versionId=v2"}}),
            (Lines{"s3:PutObject arn:aws:s3:::b/k", "s3:GetObjectVersion arn:aws:s3:::src/a"}));
  // Preflights are never signed.
  EXPECT_EQ(Needs("OPTIONS", "/b/k"), Lines{});
}

// The service with an Authorizer (no IAM store: users have no identity policies) and an IAM user
// "alice" in the default account.
class AuthorizeServiceTest : public testing::ServiceHarness {
 protected:
  void SetUp() override {
    ServiceHarness::SetUp();
    common::Credential alice;
    alice.access_key = "alice";
    alice.secret = "alicesecret";
    alice.user_name = "alice";
    credentials_.Put(alice);
    ServiceDeps deps;
    deps.objects = &db_->objects();
    deps.credentials = &credentials_;
    deps.config = &config_;
    deps.authorizer = &authorizer_;
    service_ = std::make_unique<Service>(deps);
  }
  static Options As(std::string key, std::string secret) {
    Options o;
    o.access_key = std::move(key);
    o.secret = std::move(secret);
    return o;
  }
  Reply PutPolicy(const std::string& bucket, const std::string& json) {
    return Send("PUT", "/" + bucket + "?policy", json);
  }

  iam::Authorizer authorizer_{nullptr};
  const Options alice_ = As("alice", "alicesecret");
  const Options other_ = As("other", "othersecret");
};

TEST_F(AuthorizeServiceTest, RootIsAllowedAndUsersWithoutPolicyAreDenied) {
  ASSERT_EQ(Send("PUT", "/state").status, 200);
  ASSERT_EQ(Send("GET", "/state?list-type=2").status, 200);
  Reply r = Send("GET", "/state?list-type=2", "", alice_);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.Has("<Code>AccessDenied</Code>"));
  EXPECT_TRUE(r.Has("<Message>User: arn:aws:iam::000000000000:user/alice is not authorized to "
                    "perform: s3:ListBucket on resource: &quot;arn:aws:s3:::state&quot; because "
                    "no identity-based policy allows the s3:ListBucket action</Message>"))
      << r.body;
  r = Send("GET", "/", "", alice_);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.Has("<Message>User: arn:aws:iam::000000000000:user/alice is not authorized to "
                    "perform: s3:ListAllMyBuckets because no identity-based policy allows the "
                    "s3:ListAllMyBuckets action</Message>"))
      << r.body;
  // A missing bucket is not revealed to a caller who may not list it.
  EXPECT_EQ(Send("GET", "/nope?list-type=2", "", alice_).status, 403);
  EXPECT_EQ(Send("GET", "/nope?list-type=2").status, 404);
}

TEST_F(AuthorizeServiceTest, BucketPolicyGrantsAndDenies) {
  ASSERT_EQ(Send("PUT", "/pol").status, 200);
  ASSERT_EQ(Send("PUT", "/pol/k", "v").status, 200);
  Reply r = PutPolicy("pol", R"({"Version":"2012-10-17","Statement":[
      {"Sid":"AliceReads","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"},
       "Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::pol","arn:aws:s3:::pol/*"]},
      {"Sid":"NoSecrets","Effect":"Deny","Principal":"*","Action":"s3:*",
       "Resource":"arn:aws:s3:::pol/secret/*"},
      {"Sid":"TLSOnlyWrites","Effect":"Deny","Principal":"*","Action":"s3:PutObject",
       "Resource":"arn:aws:s3:::pol/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})");
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Send("GET", "/pol/k", "", alice_).status, 200);
  EXPECT_EQ(Send("GET", "/pol?list-type=2", "", alice_).status, 200);
  EXPECT_EQ(Send("DELETE", "/pol/k", "", alice_).status, 403);
  // The bucket policy's Deny applies to the account root too.
  r = Send("GET", "/pol/secret/x");
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.Has("perform: s3:GetObject on resource: &quot;arn:aws:s3:::pol/secret/x&quot; "
                    "with an explicit deny in a resource-based policy</Message>"))
      << r.body;
  r = Send("PUT", "/pol/k2", "v");
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.Has("with an explicit deny in a resource-based policy")) << r.body;
  EXPECT_EQ(Send("GET", "/pol/k").status, 200);
}

TEST_F(AuthorizeServiceTest, CrossAccountAccessNeedsTheBucketPolicy) {
  ASSERT_EQ(Send("PUT", "/shared").status, 200);
  ASSERT_EQ(Send("PUT", "/shared/k", "v").status, 200);
  Reply r = Send("GET", "/shared/k", "", other_);
  EXPECT_EQ(r.status, 403);
  // S3 explains denials only within the bucket owner's account.
  EXPECT_TRUE(r.Has("<Message>Access Denied</Message>")) << r.body;
  r = Send("HEAD", "/shared", "", other_);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.Header("x-amz-bucket-region"), "us-east-1");
  ASSERT_EQ(PutPolicy("shared", R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":
      "111111111111"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]})").status,
            204);
  r = Send("GET", "/shared/k", "", other_);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "v");
  EXPECT_EQ(Send("PUT", "/shared/k", "overwrite", other_).status, 403);
  EXPECT_EQ(Send("GET", "/shared/k").body, "v");
}

TEST_F(AuthorizeServiceTest, MissingKeysAreHiddenFromCallersWhoCannotList) {
  ASSERT_EQ(Send("PUT", "/hide").status, 200);
  ASSERT_EQ(PutPolicy("hide", R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":
      "arn:aws:iam::000000000000:user/alice"},"Action":"s3:GetObject",
      "Resource":"arn:aws:s3:::hide/*"}]})").status,
            204);
  Reply r = Send("GET", "/hide/missing", "", alice_);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_TRUE(r.Has("perform: s3:ListBucket on resource: &quot;arn:aws:s3:::hide&quot;")) << r.body;
  EXPECT_EQ(Send("HEAD", "/hide/missing", "", alice_).status, 403);
  // The owner (who may list) learns that the key is missing.
  r = Send("GET", "/hide/missing");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.Has("<Code>NoSuchKey</Code>"));
  ASSERT_EQ(PutPolicy("hide", R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":
      "arn:aws:iam::000000000000:user/alice"},"Action":["s3:GetObject","s3:ListBucket"],
      "Resource":["arn:aws:s3:::hide","arn:aws:s3:::hide/*"]}]})").status,
            204);
  EXPECT_EQ(Send("GET", "/hide/missing", "", alice_).status, 404);
  EXPECT_EQ(Send("HEAD", "/hide/missing", "", alice_).status, 404);
}

TEST_F(AuthorizeServiceTest, ConditionKeysFromTheRequest) {
  ASSERT_EQ(Send("PUT", "/cond").status, 200);
  ASSERT_EQ(PutPolicy("cond", R"({"Statement":[
      {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"},
       "Action":"s3:PutObject","Resource":"arn:aws:s3:::cond/*","Condition":{
         "StringEquals":{"s3:x-amz-server-side-encryption":"AES256",
                         "s3:RequestObjectTag/team":"infra"}}},
      {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"},
       "Action":"s3:ListBucket","Resource":"arn:aws:s3:::cond","Condition":{
         "StringLike":{"s3:prefix":"home/alice/*"},
         "NumericLessThanEquals":{"s3:max-keys":"100"}}}]})").status,
            204);
  Options o = alice_;
  o.headers["x-amz-server-side-encryption"] = "AES256";
  o.headers["x-amz-tagging"] = "team=infra&env=ci";
  EXPECT_EQ(Send("PUT", "/cond/k", "v", o).status, 200);
  o.headers["x-amz-tagging"] = "team=web";
  EXPECT_EQ(Send("PUT", "/cond/k", "v", o).status, 403);
  o.headers.erase("x-amz-tagging");
  EXPECT_EQ(Send("PUT", "/cond/k", "v", o).status, 403);
  EXPECT_EQ(Send("GET", "/cond?list-type=2&prefix=home/alice/x&max-keys=10", "", alice_).status,
            200);
  EXPECT_EQ(Send("GET", "/cond?list-type=2&prefix=home/alice/x&max-keys=1000", "", alice_).status,
            403);
  EXPECT_EQ(Send("GET", "/cond?list-type=2&prefix=home/bob/", "", alice_).status, 403);
  // s3:max-keys absent: the numeric condition fails.
  EXPECT_EQ(Send("GET", "/cond?list-type=2&prefix=home/alice/", "", alice_).status, 403);
}

TEST_F(AuthorizeServiceTest, WrongRegionIsRedirectedBeforeAuthorization) {
  ASSERT_EQ(Send("PUT", "/far", "<CreateBucketConfiguration><LocationConstraint>eu-west-1"
                                "</LocationConstraint></CreateBucketConfiguration>",
                 InRegion("eu-west-1")).status,
            200);
  Reply r = Send("GET", "/far?list-type=2", "", alice_);
  EXPECT_EQ(r.status, 301) << r.body;
}

TEST_F(AuthorizeServiceTest, DeleteObjectsAuthorizesEachKey) {
  ASSERT_EQ(Send("PUT", "/multi").status, 200);
  ASSERT_EQ(Send("PUT", "/multi/open/a", "1").status, 200);
  ASSERT_EQ(Send("PUT", "/multi/closed/b", "2").status, 200);
  ASSERT_EQ(PutPolicy("multi", R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":
      "arn:aws:iam::000000000000:user/alice"},"Action":"s3:DeleteObject",
      "Resource":"arn:aws:s3:::multi/open/*"}]})").status,
            204);
  std::string body =
      "<Delete><Object><Key>open/a</Key></Object><Object><Key>closed/b</Key></Object></Delete>";
  Options o = alice_;
  sigv4::Checksum md5(sigv4::ChecksumAlgorithm::kMd5);
  md5.Update(body);
  o.headers["Content-MD5"] = sigv4::Base64Encode(md5.Digest());
  Reply r = Send("POST", "/multi?delete", body, o);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Has("<Deleted><Key>open/a</Key></Deleted>")) << r.body;
  EXPECT_TRUE(r.Has("<Error><Key>closed/b</Key><Code>AccessDenied</Code>")) << r.body;
  EXPECT_EQ(Send("GET", "/multi/closed/b").status, 200);
  EXPECT_EQ(Send("GET", "/multi/open/a").status, 404);
}

TEST_F(AuthorizeServiceTest, MalformedBucketPoliciesAreRefused) {
  ASSERT_EQ(Send("PUT", "/bad").status, 200);
  Reply r = PutPolicy("bad", R"({"Statement":[{"Effect":"Allow","Action":"s3:GetObject",
      "Resource":"arn:aws:s3:::bad/*"}]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>MalformedPolicy</Code>"));
  EXPECT_TRUE(r.Has("<Message>Missing required field Principal</Message>")) << r.body;
  r = PutPolicy("bad", R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"GetObject",
      "Resource":"arn:aws:s3:::bad/*"}]})");
  EXPECT_TRUE(r.Has("<Message>Policy has invalid action</Message>")) << r.body;
  EXPECT_EQ(Send("GET", "/bad?policy").status, 404);
}

}  // namespace
}  // namespace skiff::s3
