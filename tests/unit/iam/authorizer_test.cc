// The access decision across identity and resource policies: roots, users, explicit denies,
// cross-account grants, and the messages and deciding statements reported.
#include <gtest/gtest.h>

#include "server/iam/authorizer.h"
#include "tests/unit/iam/store_fixture.h"

namespace skiff::iam {
namespace {

using testing::kAccount;

common::Principal Root(const std::string& account = kAccount) {
  common::Principal p;
  p.access_key = "test";
  p.account_id = account;
  p.arn = "arn:aws:iam::" + account + ":root";
  return p;
}

common::Principal User(const std::string& name, const std::string& account = kAccount) {
  common::Principal p;
  p.access_key = "AKIA" + name;
  p.account_id = account;
  p.arn = "arn:aws:iam::" + account + ":user/" + name;
  p.user_name = name;
  return p;
}

RequestFacts Facts(std::string action, std::string resource) {
  RequestFacts f;
  f.action = std::move(action);
  f.resource = std::move(resource);
  return f;
}

NamedPolicy Resource(std::string_view json) {
  std::string error;
  auto p = ParsePolicyFor(json, PolicyKind::kResource, &error);
  EXPECT_TRUE(p.has_value()) << error;
  return NamedPolicy{"bucket policy", p ? *p : Policy()};
}

class AuthorizerTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store().CreateUser(kAccount, "alice").ok());
  }
  void Grant(const std::string& name, const std::string& document) {
    IamError e = store().PutUserPolicy(kAccount, "alice", name, document);
    ASSERT_TRUE(e.ok()) << e.message;
  }
  Authorizer authorizer() const { return Authorizer(store_.get()); }
};

constexpr const char* kListBucket = R"({"Version":"2012-10-17","Statement":[{"Sid":"List",
    "Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::state"}]})";

TEST_F(AuthorizerTest, RootIsAllowedEverythingInItsAccount) {
  Decision d = authorizer().Authorize(Root(), Facts("s3:DeleteBucket", "arn:aws:s3:::b"), nullptr,
                                      "");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.decided_by, "account root");
  EXPECT_TRUE(authorizer().Authorize(Root(), Facts("s3:ListBucket", "arn:aws:s3:::b"), nullptr,
                                     kAccount).allowed);
}

TEST_F(AuthorizerTest, UserWithoutPolicyIsImplicitlyDenied) {
  Decision d = authorizer().Authorize(User("alice"), Facts("s3:ListBucket", "arn:aws:s3:::state"),
                                      nullptr, "");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.message,
            "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
            "s3:ListBucket on resource: \"arn:aws:s3:::state\" because no identity-based policy "
            "allows the s3:ListBucket action");
  EXPECT_EQ(d.reason, "because no identity-based policy allows the s3:ListBucket action");
  EXPECT_EQ(d.decided_by, "implicit deny");
}

TEST_F(AuthorizerTest, IdentityPolicyAllows) {
  Grant("list", kListBucket);
  Decision d = authorizer().Authorize(User("alice"), Facts("s3:ListBucket", "arn:aws:s3:::state"),
                                      nullptr, "");
  EXPECT_TRUE(d.allowed) << d.message;
  EXPECT_EQ(d.decided_by, "list/List: Allow");
  EXPECT_FALSE(authorizer()
                   .Authorize(User("alice"), Facts("s3:GetObject", "arn:aws:s3:::state/k"),
                              nullptr, "")
                   .allowed);
}

TEST_F(AuthorizerTest, ExplicitDenyInIdentityPolicyBeatsAllow) {
  Grant("all", testing::kAllowAll);
  Grant("no-delete", R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",
      "Action":"s3:DeleteObject","Resource":"*"}]})");
  Decision d = authorizer().Authorize(User("alice"), Facts("s3:DeleteObject", "arn:aws:s3:::b/k"),
                                      nullptr, "");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.message,
            "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
            "s3:DeleteObject on resource: \"arn:aws:s3:::b/k\" with an explicit deny in an "
            "identity-based policy");
  EXPECT_EQ(d.decided_by, "no-delete/#0: Deny");
}

TEST_F(AuthorizerTest, BucketPolicyDenyAppliesToRootToo) {
  NamedPolicy bucket = Resource(R"({"Version":"2012-10-17","Statement":[{"Sid":"TLS",
      "Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b",
      "arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})");
  RequestFacts f = Facts("s3:GetObject", "arn:aws:s3:::b/k");
  f.context["aws:SecureTransport"] = {"false"};
  Decision d = authorizer().Authorize(Root(), f, &bucket, kAccount);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.message,
            "User: arn:aws:iam::111122223333:root is not authorized to perform: s3:GetObject on "
            "resource: \"arn:aws:s3:::b/k\" with an explicit deny in a resource-based policy");
  EXPECT_EQ(d.decided_by, "bucket policy/TLS: Deny");
  f.context["aws:SecureTransport"] = {"true"};
  EXPECT_TRUE(authorizer().Authorize(Root(), f, &bucket, kAccount).allowed);
}

TEST_F(AuthorizerTest, BucketPolicyAllowGrantsSameAccountUser) {
  NamedPolicy bucket = Resource(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":
      "arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject",
      "Resource":"arn:aws:s3:::b/*"}]})");
  Decision d = authorizer().Authorize(User("alice"), Facts("s3:GetObject", "arn:aws:s3:::b/k"),
                                      &bucket, kAccount);
  EXPECT_TRUE(d.allowed) << d.message;
  EXPECT_EQ(d.decided_by, "bucket policy/#0: Allow");
}

TEST_F(AuthorizerTest, BucketPolicyDenyForOnePrincipal) {
  Grant("all", testing::kAllowAll);
  NamedPolicy bucket = Resource(R"({"Statement":[{"Effect":"Deny","Principal":{"AWS":
      "arn:aws:iam::111122223333:user/alice"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]})");
  EXPECT_FALSE(authorizer()
                   .Authorize(User("alice"), Facts("s3:GetObject", "arn:aws:s3:::b/k"), &bucket,
                              kAccount)
                   .allowed);
  EXPECT_TRUE(authorizer()
                  .Authorize(Root(), Facts("s3:GetObject", "arn:aws:s3:::b/k"), &bucket, kAccount)
                  .allowed);
}

TEST_F(AuthorizerTest, CrossAccountNeedsTheResourcePolicy) {
  const std::string other = "444455556666";
  RequestFacts f = Facts("s3:GetObject", "arn:aws:s3:::b/k");
  Decision d = authorizer().Authorize(Root(other), f, nullptr, kAccount);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "because no resource-based policy allows the s3:GetObject action");

  NamedPolicy bucket = Resource(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":
      "444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})");
  d = authorizer().Authorize(Root(other), f, &bucket, kAccount);
  EXPECT_TRUE(d.allowed) << d.message;
  // The other account's users also need their own identity policy (none here: store has no
  // user "eve" in that account).
  d = authorizer().Authorize(User("eve", other), f, &bucket, kAccount);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "because no identity-based policy allows the s3:GetObject action");
  // A grant to a different account does not help.
  NamedPolicy elsewhere = Resource(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":
      "777788889999"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})");
  EXPECT_FALSE(authorizer().Authorize(Root(other), f, &elsewhere, kAccount).allowed);
}

TEST_F(AuthorizerTest, CrossAccountUserWithIdentityPolicy) {
  const std::string other = "444455556666";
  ASSERT_TRUE(store().CreateUser(other, "eve").ok());
  ASSERT_TRUE(store().PutUserPolicy(other, "eve", "all", testing::kAllowAll).ok());
  NamedPolicy bucket = Resource(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":
      "arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})");
  EXPECT_TRUE(authorizer()
                  .Authorize(User("eve", other), Facts("s3:GetObject", "arn:aws:s3:::b/k"),
                             &bucket, kAccount)
                  .allowed);
  EXPECT_FALSE(authorizer()
                   .Authorize(User("eve", other), Facts("s3:PutObject", "arn:aws:s3:::b/k"),
                              &bucket, kAccount)
                   .allowed);
}

TEST_F(AuthorizerTest, AssumedRoleSessionsUseTheRolePolicies) {
  ASSERT_TRUE(store().CreateRole(kAccount, "deploy", testing::kTrustAccount).ok());
  ASSERT_TRUE(store().PutRolePolicy(kAccount, "deploy", "list", kListBucket).ok());
  common::Principal session;
  session.account_id = kAccount;
  session.arn = "arn:aws:sts::111122223333:assumed-role/deploy/ci";
  EXPECT_TRUE(authorizer()
                  .Authorize(session, Facts("s3:ListBucket", "arn:aws:s3:::state"), nullptr, "")
                  .allowed);
  Decision d =
      authorizer().Authorize(session, Facts("s3:PutObject", "arn:aws:s3:::state/k"), nullptr, "");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.message.substr(0, 62),
            "User: arn:aws:sts::111122223333:assumed-role/deploy/ci is not ");
}

TEST_F(AuthorizerTest, ConditionKeysSeeThePrincipal) {
  Grant("own", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",
      "Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}]})");
  RequestFacts f = Facts("s3:GetObject", "arn:aws:s3:::b/k");
  f.context["aws:PrincipalAccount"] = {kAccount};
  EXPECT_TRUE(authorizer().Authorize(User("alice"), f, nullptr, "").allowed);
  f.context["aws:PrincipalAccount"] = {"000000000000"};
  EXPECT_FALSE(authorizer().Authorize(User("alice"), f, nullptr, "").allowed);
}

TEST(AuthorizerWithoutStoreTest, OnlyRootsAndResourceGrants) {
  Authorizer a(nullptr);
  EXPECT_TRUE(a.Authorize(Root(), Facts("dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:"
                                                            "111122223333:table/t"),
                          nullptr, "")
                  .allowed);
  EXPECT_FALSE(a.Authorize(User("alice"), Facts("s3:GetObject", "arn:aws:s3:::b/k"), nullptr, "")
                   .allowed);
  common::Principal anonymous;
  anonymous.anonymous = true;
  NamedPolicy public_read = Resource(R"({"Statement":[{"Effect":"Allow","Principal":"*",
      "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})");
  EXPECT_TRUE(a.Authorize(anonymous, Facts("s3:GetObject", "arn:aws:s3:::b/k"), &public_read,
                          kAccount)
                  .allowed);
  Decision d = a.Authorize(anonymous, Facts("s3:PutObject", "arn:aws:s3:::b/k"), &public_read,
                           kAccount);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.message.substr(0, 16), "User: anonymous ");
}

TEST(NoteDecisionTest, ListsEachDecisionOnce) {
  std::string field;
  NoteDecision(&field, "account root");
  NoteDecision(&field, "p/A: Allow");
  NoteDecision(&field, "account root");
  NoteDecision(&field, "p/A: Allow");
  NoteDecision(&field, "p/A");
  EXPECT_EQ(field, "account root; p/A: Allow; p/A");
}

TEST(DenialMessageTest, QuotesTheResourceOnlyWhenAsked) {
  EXPECT_EQ(DenialMessage("arn:aws:iam::1:user/u", "dynamodb:PutItem",
                          "arn:aws:dynamodb:us-east-1:1:table/t",
                          "because no identity-based policy allows the dynamodb:PutItem action",
                          false),
            "User: arn:aws:iam::1:user/u is not authorized to perform: dynamodb:PutItem on "
            "resource: arn:aws:dynamodb:us-east-1:1:table/t because no identity-based policy "
            "allows the dynamodb:PutItem action");
}

}  // namespace
}  // namespace skiff::iam
