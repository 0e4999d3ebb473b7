// IamStore roles, managed policies, attachments and OIDC providers: IAM's errors, the policies
// of an assumed role, attachment counts, and persistence across a reopen.
#include <gtest/gtest.h>

#include "tests/unit/iam/store_fixture.h"

namespace skiff::iam {
namespace {

using testing::kAccount;
using testing::kAllowAll;
using testing::kTrustAccount;
using testing::StoreTest;

class StoreRolesTest : public StoreTest {
 protected:
  common::Principal Session(const std::string& role) {
    common::Principal p;
    p.account_id = kAccount;
    p.arn = std::string("arn:aws:sts::") + kAccount + ":assumed-role/" + role + "/session";
    return p;
  }
};

TEST_F(StoreRolesTest, RolesValidateTheirTrustPolicy) {
  IamError missing_principal = store().CreateRole(kAccount, "r", kAllowAll);
  EXPECT_EQ(missing_principal.code, "MalformedPolicyDocument");
  EXPECT_EQ(missing_principal.message, "Missing required field Principal");
  RoleSpec spec;
  spec.trust_policy = kTrustAccount;
  spec.max_session_duration = 100;
  EXPECT_EQ(store().CreateRole(kAccount, "r", spec, nullptr).code, "ValidationError");

  spec.max_session_duration = 7200;
  spec.path = "/svc/";
  RoleInfo role;
  ASSERT_TRUE(store().CreateRole(kAccount, "r", spec, &role).ok());
  EXPECT_EQ(role.arn, "arn:aws:iam::111122223333:role/svc/r");
  EXPECT_TRUE(role.role_id.starts_with("AROA"));
  EXPECT_EQ(store().CreateRole(kAccount, "R", kTrustAccount).message,
            "Role with name R already exists.");
  EXPECT_EQ(store().UpdateAssumeRolePolicy(kAccount, "r", "[]").code, "MalformedPolicyDocument");
  EXPECT_EQ(store().UpdateAssumeRolePolicy(kAccount, "nope", kTrustAccount).message,
            "The role with name nope cannot be found.");
  RoleInfo got;
  ASSERT_TRUE(store().GetRole(kAccount, "r", &got).ok());
  EXPECT_EQ(got.max_session_duration, 7200);
  EXPECT_EQ(got.trust_policy, kTrustAccount);
}

TEST_F(StoreRolesTest, AssumedRoleSessionsGetTheRolesPolicies) {
  ASSERT_TRUE(store().CreateRole(kAccount, "worker", kTrustAccount).ok());
  EXPECT_TRUE(store().PoliciesFor(Session("worker")).empty());
  ASSERT_TRUE(store().PutRolePolicy(kAccount, "worker", "inline", kAllowAll).ok());
  ManagedPolicyInfo managed;
  ASSERT_TRUE(store().CreatePolicy(kAccount, "m", "/", kAllowAll, "", &managed).ok());
  ASSERT_TRUE(store().AttachRolePolicy(kAccount, "worker", managed.arn).ok());
  ASSERT_TRUE(
      store().AttachRolePolicy(kAccount, "worker", "arn:aws:iam::aws:policy/AdministratorAccess")
          .ok());
  std::vector<NamedPolicy> policies = store().PoliciesFor(Session("worker"));
  ASSERT_EQ(policies.size(), 3u);
  EXPECT_EQ(policies[0].name, "inline");
  EXPECT_EQ(policies[1].name, managed.arn);
  EXPECT_EQ(policies[2].name, "arn:aws:iam::aws:policy/AdministratorAccess");
  EXPECT_TRUE(store().PoliciesFor(Session("other")).empty());

  EXPECT_EQ(store().DeleteRole(kAccount, "worker").message,
            "Cannot delete entity, must delete policies first.");
  ASSERT_TRUE(store().DeleteRolePolicy(kAccount, "worker", "inline").ok());
  EXPECT_EQ(store().DeleteRole(kAccount, "worker").message,
            "Cannot delete entity, must detach all policies first.");
}

TEST_F(StoreRolesTest, ManagedPoliciesCountAttachmentsAndRefuseDeletionWhileAttached) {
  ManagedPolicyInfo p;
  ASSERT_TRUE(store().CreatePolicy(kAccount, "shared", "/team/", kAllowAll, "d", &p).ok());
  EXPECT_EQ(p.arn, "arn:aws:iam::111122223333:policy/team/shared");
  EXPECT_EQ(store().CreatePolicy(kAccount, "SHARED", "/", kAllowAll, "", nullptr).message,
            "A policy called SHARED already exists. Duplicate names are not allowed.");
  EXPECT_EQ(store().CreatePolicy(kAccount, "bad", "/", "{", "", nullptr).code,
            "MalformedPolicyDocument");
  ASSERT_TRUE(store().CreateUser(kAccount, "u").ok());
  ASSERT_TRUE(store().CreateRole(kAccount, "r", kTrustAccount).ok());
  ASSERT_TRUE(store().AttachUserPolicy(kAccount, "u", p.arn).ok());
  ASSERT_TRUE(store().AttachUserPolicy(kAccount, "u", p.arn).ok());  // again: no change
  ASSERT_TRUE(store().AttachRolePolicy(kAccount, "r", p.arn).ok());
  ManagedPolicyInfo got;
  ASSERT_TRUE(store().GetPolicy(kAccount, p.arn, &got).ok());
  EXPECT_EQ(got.attachment_count, 2);
  EXPECT_EQ(store().ListPolicies(kAccount, "Local", "", true).size(), 1u);
  EXPECT_EQ(store().DeletePolicy(kAccount, p.arn).code, "DeleteConflict");

  const std::string missing = "arn:aws:iam::111122223333:policy/missing";
  EXPECT_EQ(store().AttachUserPolicy(kAccount, "u", missing).message,
            "Policy " + missing + " does not exist or is not attachable.");
  EXPECT_EQ(store().GetPolicy(kAccount, "not-an-arn", &got).code, "InvalidInput");
  // The ARN must match with its path.
  EXPECT_EQ(store().GetPolicy(kAccount, "arn:aws:iam::111122223333:policy/shared", &got).code,
            "NoSuchEntity");

  ASSERT_TRUE(store().DetachUserPolicy(kAccount, "u", p.arn).ok());
  EXPECT_EQ(store().DetachUserPolicy(kAccount, "u", p.arn).code, "NoSuchEntity");
  ASSERT_TRUE(store().DetachRolePolicy(kAccount, "r", p.arn).ok());
  EXPECT_TRUE(store().ListPolicies(kAccount, "Local", "", true).empty());
  ASSERT_TRUE(store().DeletePolicy(kAccount, p.arn).ok());
  EXPECT_EQ(store().GetPolicy(kAccount, p.arn, &got).code, "NoSuchEntity");
  EXPECT_FALSE(store().ListPolicies(kAccount, "AWS", "", false).empty());
}

TEST_F(StoreRolesTest, PolicyVersionsDecideWhatThePolicyGrants) {
  constexpr const char* kDenyAll =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]})";
  ManagedPolicyInfo p;
  ASSERT_TRUE(store().CreatePolicy(kAccount, "versioned", "/", kAllowAll, "", &p).ok());
  ASSERT_TRUE(store().CreateRole(kAccount, "r", kTrustAccount).ok());
  ASSERT_TRUE(store().AttachRolePolicy(kAccount, "r", p.arn).ok());
  RequestFacts facts;
  facts.action = "s3:GetObject";
  facts.resource = "arn:aws:s3:::b/k";
  auto effect = [&] {
    std::vector<NamedPolicy> policies = store().PoliciesFor(Session("r"));
    return policies.empty() ? Effect::kNone : Evaluate(policies[0].policy, facts, false).effect;
  };
  EXPECT_EQ(effect(), Effect::kAllow);

  PolicyVersionInfo v2;
  ASSERT_TRUE(store().CreatePolicyVersion(kAccount, p.arn, kDenyAll, false, &v2).ok());
  EXPECT_EQ(v2.version_id, "v2");
  EXPECT_FALSE(v2.is_default);
  EXPECT_EQ(effect(), Effect::kAllow);
  ASSERT_TRUE(store().SetDefaultPolicyVersion(kAccount, p.arn, "v2").ok());
  EXPECT_EQ(effect(), Effect::kDeny);
  ManagedPolicyInfo info;
  ASSERT_TRUE(store().GetPolicy(kAccount, p.arn, &info).ok());
  EXPECT_EQ(info.default_version, "v2");

  EXPECT_EQ(store().DeletePolicyVersion(kAccount, p.arn, "v2").message,
            "Cannot delete the default version of a policy.");
  EXPECT_EQ(store().GetPolicyVersion(kAccount, p.arn, "v9", &v2).code, "NoSuchEntity");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store().CreatePolicyVersion(kAccount, p.arn, kAllowAll, false, nullptr).ok());
  }
  EXPECT_EQ(store().CreatePolicyVersion(kAccount, p.arn, kAllowAll, false, nullptr).code,
            "LimitExceeded");
  Reopen();
  EXPECT_EQ(effect(), Effect::kDeny);
  std::vector<PolicyVersionInfo> versions;
  ASSERT_TRUE(store().ListPolicyVersions(kAccount, p.arn, &versions).ok());
  ASSERT_EQ(versions.size(), 5u);
  EXPECT_EQ(versions[0].version_id, "v5");  // newest first
  EXPECT_TRUE(versions[3].is_default);
  ASSERT_TRUE(store().DetachRolePolicy(kAccount, "r", p.arn).ok());
  EXPECT_EQ(store().DeletePolicy(kAccount, p.arn).code, "DeleteConflict");
  for (const char* v : {"v1", "v3", "v4", "v5"}) {
    ASSERT_TRUE(store().DeletePolicyVersion(kAccount, p.arn, v).ok());
  }
  ASSERT_TRUE(store().CreatePolicyVersion(kAccount, p.arn, kAllowAll, true, &v2).ok());
  EXPECT_EQ(v2.version_id, "v6");  // numbers are never reused
  ASSERT_TRUE(store().DeletePolicyVersion(kAccount, p.arn, "v2").ok());
  EXPECT_TRUE(store().DeletePolicy(kAccount, p.arn).ok());
}

TEST_F(StoreRolesTest, OidcProvidersAreFoundByIssuer) {
  OidcProviderInfo provider;
  EXPECT_EQ(store().CreateOpenIdConnectProvider(kAccount, "http://x", {}, {}, nullptr).code,
            "ValidationError");
  ASSERT_TRUE(store()
                  .CreateOpenIdConnectProvider(kAccount, "https://token.example.com/", {"aud"},
                                               {std::string(40, 'f')}, &provider)
                  .ok());
  EXPECT_EQ(provider.arn, "arn:aws:iam::111122223333:oidc-provider/token.example.com");
  EXPECT_EQ(store()
                .CreateOpenIdConnectProvider(kAccount, "https://token.example.com", {}, {},
                                             nullptr)
                .code,
            "EntityAlreadyExists");
  ASSERT_TRUE(store().FindOidcProviderByIssuer(kAccount, "https://token.example.com").has_value());
  EXPECT_FALSE(store().FindOidcProviderByIssuer("999999999999", "token.example.com").has_value());
  OidcProviderInfo got;
  ASSERT_TRUE(store().GetOpenIdConnectProvider(kAccount, provider.arn, &got).ok());
  EXPECT_EQ(got.client_ids, std::vector<std::string>{"aud"});
}

TEST_F(StoreRolesTest, RolesPoliciesAndProvidersSurviveReopen) {
  ASSERT_TRUE(store().CreateRole(kAccount, "kept", kTrustAccount).ok());
  ASSERT_TRUE(store().PutRolePolicy(kAccount, "kept", "p", kAllowAll).ok());
  ManagedPolicyInfo p;
  ASSERT_TRUE(store().CreatePolicy(kAccount, "kept-policy", "/", kAllowAll, "", &p).ok());
  ASSERT_TRUE(store().AttachRolePolicy(kAccount, "kept", p.arn).ok());
  ASSERT_TRUE(
      store().CreateOpenIdConnectProvider(kAccount, "https://kept.example", {}, {}, nullptr).ok());
  Reopen();
  EXPECT_EQ(store().PoliciesFor(Session("kept")).size(), 2u);
  ManagedPolicyInfo got;
  ASSERT_TRUE(store().GetPolicy(kAccount, p.arn, &got).ok());
  EXPECT_EQ(got.policy_id, p.policy_id);
  EXPECT_EQ(got.attachment_count, 1);
  EXPECT_TRUE(store().FindOidcProviderByIssuer(kAccount, "kept.example").has_value());
}

}  // namespace
}  // namespace skiff::iam
