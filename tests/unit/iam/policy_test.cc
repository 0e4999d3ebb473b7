// Policy parsing and single-policy evaluation: effects, Action/NotAction, Resource/NotResource,
// wildcards, principals and policy variables (conditions: condition_test.cc).
#include <gtest/gtest.h>

#include "server/iam/policy.h"
#include "server/iam/policy_statement.h"

namespace skiff::iam {
namespace {

Policy MustParse(std::string_view json) {
  std::string error;
  auto p = ParsePolicy(json, &error);
  EXPECT_TRUE(p.has_value()) << error << " in " << json;
  return p ? std::move(*p) : Policy();
}

RequestFacts Facts(std::string action, std::string resource,
                   std::string principal = "arn:aws:iam::111111111111:user/alice") {
  RequestFacts f;
  f.action = std::move(action);
  f.resource = std::move(resource);
  f.principal_arn = std::move(principal);
  if (f.principal_arn.size() > 25) f.principal_account = f.principal_arn.substr(13, 12);
  return f;
}

Effect Eval(std::string_view json, const RequestFacts& f, bool principal = false) {
  return Evaluate(MustParse(json), f, principal).effect;
}

TEST(WildcardMatchTest, StarsAndQuestionMarks) {
  EXPECT_TRUE(WildcardMatch("*", ""));
  EXPECT_TRUE(WildcardMatch("*", "anything"));
  EXPECT_TRUE(WildcardMatch("arn:aws:s3:::b/*", "arn:aws:s3:::b/k/deep"));
  EXPECT_FALSE(WildcardMatch("arn:aws:s3:::b/*", "arn:aws:s3:::b"));
  EXPECT_TRUE(WildcardMatch("a?c", "abc"));
  EXPECT_FALSE(WildcardMatch("a?c", "ac"));
  EXPECT_TRUE(WildcardMatch("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(WildcardMatch("a*b*c", "aXXbYY"));
  EXPECT_FALSE(WildcardMatch("ABC", "abc"));
  EXPECT_TRUE(WildcardMatch("**x", "yyx"));
}

TEST(PolicyParseTest, AcceptsSingleStatementObjectAndLists) {
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",
      "Action":"s3:GetObject","Resource":"*"}})");
  EXPECT_EQ(p.statements().size(), 1u);
  p = MustParse(R"({"Statement":[{"Effect":"Deny","Action":["s3:*"],"Resource":["*"]},
      {"Sid":"B","Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::x"}]})");
  EXPECT_EQ(p.statements().size(), 2u);
}

struct BadDoc {
  const char* json;
  const char* message;
};

TEST(PolicyParseTest, RefusesMalformedDocumentsWithIamWording) {
  const BadDoc cases[] = {
      {"{", "Syntax errors in policy."},
      {"[]", "Syntax errors in policy."},
      {R"({"Version":"2011-01-01","Statement":[]})", "Syntax errors in policy."},
      {R"({"Version":"2012-10-17"})", "Syntax errors in policy."},
      {R"({"Statement":{"Action":"s3:*","Resource":"*"}})", "Syntax errors in policy."},
      {R"({"Statement":{"Effect":"Permit","Action":"s3:*","Resource":"*"}})",
       "Syntax errors in policy."},
      {R"({"Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}})",
       "The policy failed legacy parsing"},
      {R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Extra":1}})",
       "Syntax errors in policy."},
      {R"({"Statement":{"Effect":"Allow","Resource":"*"}})",
       "Policy statement must contain actions."},
      {R"({"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}})",
       "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
      {R"({"Statement":{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}})",
       "Actions/Condition can contain only one colon."},
      {R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}})",
       "Resource bucket must be in ARN format or \"*\"."},
      {R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*",
          "Condition":{"StringEqualz":{"aws:username":"a"}}}})",
       "Syntax errors in policy."},
      {R"({"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},
          {"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}]})",
       "Statement IDs (SID) in a single policy must be unique."},
      {R"({"Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"}})",
       "Syntax errors in policy."},
  };
  for (const BadDoc& c : cases) {
    std::string error;
    EXPECT_FALSE(ParsePolicy(c.json, &error).has_value()) << c.json;
    EXPECT_EQ(error, c.message) << c.json;
  }
}

TEST(PolicyParseTest, KindsRequireAndRefuseElements) {
  std::string error;
  const char* with_principal =
      R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}})";
  EXPECT_FALSE(ParsePolicyFor(with_principal, PolicyKind::kIdentity, &error));
  EXPECT_EQ(error, "Policy document should not specify a principal.");
  EXPECT_TRUE(ParsePolicyFor(with_principal, PolicyKind::kResource, &error));
  EXPECT_FALSE(ParsePolicyFor(with_principal, PolicyKind::kTrust, &error));
  EXPECT_EQ(error, "Has prohibited field Resource");

  const char* no_resource =
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*"}})";
  EXPECT_FALSE(ParsePolicyFor(no_resource, PolicyKind::kIdentity, &error));
  EXPECT_EQ(error, "Policy statement must contain resources.");
  EXPECT_FALSE(ParsePolicyFor(no_resource, PolicyKind::kResource, &error));
  EXPECT_EQ(error, "Missing required field Principal");

  const char* trust = R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}})";
  EXPECT_TRUE(ParsePolicyFor(trust, PolicyKind::kTrust, &error)) << error;

  // IAM identity policies need the 2012-10-17 grammar and at least one statement.
  const char* legacy = R"({"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*",
      "Resource":"*"}})";
  EXPECT_FALSE(ParsePolicyFor(legacy, PolicyKind::kIdentity, &error));
  EXPECT_EQ(error, "Policy document must be version 2012-10-17 or greater.");
  EXPECT_FALSE(ParsePolicyFor(R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})",
                              PolicyKind::kIdentity, &error));
  EXPECT_EQ(error, "Policy document must be version 2012-10-17 or greater.");
  EXPECT_FALSE(ParsePolicyFor(R"({"Version":"2012-10-17","Statement":[]})",
                              PolicyKind::kIdentity, &error));
  EXPECT_EQ(error, "Syntax errors in policy.");
  EXPECT_TRUE(ParsePolicyFor(R"({"Version":"2012-10-17","Statement":[]})",
                             PolicyKind::kResource, &error));
  EXPECT_FALSE(ParsePolicyFor(R"({"Statement":{"Effect":"Permit","Principal":"*",
      "Action":"s3:*","Resource":"*"}})", PolicyKind::kResource, &error));
  EXPECT_EQ(error, "Invalid effect: Permit");
  EXPECT_FALSE(ParsePolicyFor(R"({"Statement":{"Principal":"*","Action":"s3:*",
      "Resource":"*"}})", PolicyKind::kResource, &error));
  EXPECT_EQ(error, "Missing required field Effect");
  EXPECT_FALSE(ParsePolicyFor("{}", PolicyKind::kResource, &error));
  EXPECT_EQ(error, "Missing required field Statement");
  EXPECT_FALSE(ParsePolicyFor("not json", PolicyKind::kResource, &error));
  EXPECT_EQ(error, "This policy contains invalid Json");
  EXPECT_FALSE(ParsePolicyFor(R"({"Statement":{"Effect":"Allow","Principal":"*",
      "Action":"s3:*","Resource":"*"},"Extra":1})", PolicyKind::kResource, &error));
  EXPECT_EQ(error, "Unknown field Extra");
}

TEST(PolicyParseTest, RefusesPartialWildcardAndUnknownPrincipals) {
  std::string error;
  EXPECT_FALSE(ParsePolicy(R"({"Statement":{"Effect":"Allow","Principal":{"AWS":
      "arn:aws:iam::111111111111:user/*"},"Action":"s3:*","Resource":"*"}})", &error));
  EXPECT_FALSE(ParsePolicy(R"({"Statement":{"Effect":"Allow","Principal":{"Bogus":"x"},
      "Action":"s3:*","Resource":"*"}})", &error));
  EXPECT_FALSE(ParsePolicy(R"({"Statement":{"Effect":"Allow","Principal":"alice",
      "Action":"s3:*","Resource":"*"}})", &error));
}

TEST(EvaluateTest, AllowDenyAndNothing) {
  auto f = Facts("s3:GetObject", "arn:aws:s3:::b/k");
  EXPECT_EQ(Eval(R"({"Statement":{"Effect":"Allow","Action":"s3:GetObject",
      "Resource":"arn:aws:s3:::b/*"}})", f), Effect::kAllow);
  EXPECT_EQ(Eval(R"({"Statement":{"Effect":"Allow","Action":"s3:PutObject",
      "Resource":"arn:aws:s3:::b/*"}})", f), Effect::kNone);
  EXPECT_EQ(Eval(R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},
      {"Effect":"Deny","Action":"s3:Get*","Resource":"arn:aws:s3:::b/k"}]})", f), Effect::kDeny);
}

TEST(EvaluateTest, ReportsTheDecidingStatement) {
  Policy p = MustParse(R"({"Statement":[{"Sid":"Reads","Effect":"Allow","Action":"s3:Get*",
      "Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::x/*"}]})");
  Match m = Evaluate(p, Facts("s3:GetObject", "arn:aws:s3:::b/k"), false);
  EXPECT_EQ(m.effect, Effect::kAllow);
  EXPECT_EQ(m.sid, "Reads");
  EXPECT_EQ(m.index, 0);
  m = Evaluate(p, Facts("s3:GetObject", "arn:aws:s3:::x/k"), false);
  EXPECT_EQ(m.effect, Effect::kDeny);
  EXPECT_EQ(m.sid, "");
  EXPECT_EQ(m.index, 1);
}

TEST(EvaluateTest, ActionsCompareCaseInsensitivelyWithWildcards) {
  auto f = Facts("s3:ListBucket", "arn:aws:s3:::b");
  EXPECT_EQ(Eval(R"({"Statement":{"Effect":"Allow","Action":"S3:LISTBUCKET","Resource":"*"}})", f),
            Effect::kAllow);
  EXPECT_EQ(Eval(R"({"Statement":{"Effect":"Allow","Action":"s3:List*","Resource":"*"}})", f),
            Effect::kAllow);
  EXPECT_EQ(Eval(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})", f),
            Effect::kAllow);
  EXPECT_EQ(Eval(R"({"Statement":{"Effect":"Allow","Action":"s3:Li?tBucket","Resource":"*"}})", f),
            Effect::kAllow);
  EXPECT_EQ(Eval(R"({"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}})", f),
            Effect::kNone);
}

TEST(EvaluateTest, NotActionAppliesToEveryOtherAction) {
  const char* doc = R"({"Statement":{"Effect":"Deny","NotAction":["s3:Get*","s3:List*"],
      "Resource":"*"}})";
  EXPECT_EQ(Eval(doc, Facts("s3:PutObject", "arn:aws:s3:::b/k")), Effect::kDeny);
  EXPECT_EQ(Eval(doc, Facts("s3:GetObject", "arn:aws:s3:::b/k")), Effect::kNone);
}

TEST(EvaluateTest, ResourcesAreCaseSensitiveAndNotResourceInverts) {
  auto f = Facts("s3:GetObject", "arn:aws:s3:::b/Key");
  EXPECT_EQ(Eval(R"({"Statement":{"Effect":"Allow","Action":"s3:*",
      "Resource":"arn:aws:s3:::b/key"}})", f), Effect::kNone);
  EXPECT_EQ(Eval(R"({"Statement":{"Effect":"Allow","Action":"s3:*",
      "Resource":["arn:aws:s3:::other/*","arn:aws:s3:::b/K?y"]}})", f), Effect::kAllow);
  EXPECT_EQ(Eval(R"({"Statement":{"Effect":"Allow","Action":"s3:*",
      "NotResource":"arn:aws:s3:::secret/*"}})", f), Effect::kAllow);
  EXPECT_EQ(Eval(R"({"Statement":{"Effect":"Allow","Action":"s3:*",
      "NotResource":"arn:aws:s3:::b/*"}})", f), Effect::kNone);
}

TEST(EvaluateTest, PolicyVariablesInResources) {
  auto f = Facts("s3:GetObject", "arn:aws:s3:::home/alice/notes");
  f.context["aws:username"] = {"alice"};
  const char* doc = R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*",
      "Resource":"arn:aws:s3:::home/${aws:username}/*"}})";
  EXPECT_EQ(Eval(doc, f), Effect::kAllow);
  f.context["aws:username"] = {"bob"};
  EXPECT_EQ(Eval(doc, f), Effect::kNone);
  f.context.erase("aws:username");
  EXPECT_EQ(Eval(doc, f), Effect::kNone);
  EXPECT_EQ(Eval(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*",
      "Resource":"arn:aws:s3:::home/${aws:username, 'alice'}/*"}})", f), Effect::kAllow);
  // The 2008 grammar has no variables: the text is literal.
  f.context["aws:username"] = {"alice"};
  EXPECT_EQ(Eval(R"({"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*",
      "Resource":"arn:aws:s3:::home/${aws:username}/*"}})", f), Effect::kNone);
}

TEST(EvaluateTest, PrincipalsInResourcePolicies) {
  auto alice = Facts("s3:GetObject", "arn:aws:s3:::b/k");
  auto other = Facts("s3:GetObject", "arn:aws:s3:::b/k", "arn:aws:iam::222222222222:user/eve");
  auto stmt = [](const char* principal) {
    return std::string(R"({"Statement":{"Effect":"Allow","Principal":)") + principal +
           R"(,"Action":["s3:*","sts:*"],"Resource":"*"}})";
  };
  EXPECT_EQ(Eval(stmt(R"("*")"), other, true), Effect::kAllow);
  EXPECT_EQ(Eval(stmt(R"({"AWS":"*"})"), other, true), Effect::kAllow);
  EXPECT_EQ(Eval(stmt(R"({"AWS":"111111111111"})"), alice, true), Effect::kAllow);
  EXPECT_EQ(Eval(stmt(R"({"AWS":"111111111111"})"), other, true), Effect::kNone);
  EXPECT_EQ(Eval(stmt(R"({"AWS":"arn:aws:iam::111111111111:root"})"), alice, true),
            Effect::kAllow);
  EXPECT_EQ(Eval(stmt(R"({"AWS":["arn:aws:iam::222222222222:user/eve",
      "arn:aws:iam::111111111111:user/bob"]})"), other, true), Effect::kAllow);
  EXPECT_EQ(Eval(stmt(R"({"AWS":"arn:aws:iam::111111111111:user/bob"})"), alice, true),
            Effect::kNone);
  // Identity policies ignore principals (evaluated without the check).
  EXPECT_EQ(Eval(stmt(R"({"AWS":"arn:aws:iam::111111111111:user/bob"})"), alice, false),
            Effect::kAllow);
  // A role ARN names its sessions.
  auto session = Facts("s3:GetObject", "arn:aws:s3:::b/k",
                       "arn:aws:sts::111111111111:assumed-role/deploy/ci-42");
  EXPECT_EQ(Eval(stmt(R"({"AWS":"arn:aws:iam::111111111111:role/deploy"})"), session, true),
            Effect::kAllow);
  EXPECT_EQ(Eval(stmt(R"({"AWS":"arn:aws:iam::111111111111:role/other"})"), session, true),
            Effect::kNone);
  // Service and Federated principals name the caller's ARN as the caller presents it.
  auto oidc = Facts("sts:AssumeRoleWithWebIdentity", "arn:aws:iam::111111111111:role/r",
                    "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com");
  EXPECT_EQ(Eval(stmt(R"({"Federated":"arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"})"),
                 oidc, true), Effect::kAllow);
  EXPECT_EQ(Eval(stmt(R"({"Service":"ec2.amazonaws.com"})"), alice, true), Effect::kNone);
  // Anonymous callers are named only by "*".
  auto anonymous = Facts("s3:GetObject", "arn:aws:s3:::b/k", "");
  anonymous.principal_account = "";
  EXPECT_EQ(Eval(stmt(R"("*")"), anonymous, true), Effect::kAllow);
  EXPECT_EQ(Eval(stmt(R"({"AWS":"111111111111"})"), anonymous, true), Effect::kNone);
}

TEST(EvaluateTest, NotPrincipalAppliesToEveryoneElse) {
  const char* doc = R"({"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":
      "arn:aws:iam::111111111111:user/alice"},"Action":"s3:*","Resource":"*"}})";
  EXPECT_EQ(Eval(doc, Facts("s3:GetObject", "arn:aws:s3:::b/k"), true), Effect::kNone);
  EXPECT_EQ(Eval(doc, Facts("s3:GetObject", "arn:aws:s3:::b/k",
                            "arn:aws:iam::111111111111:user/bob"), true),
            Effect::kDeny);
}

TEST(EvaluateTest, StatementsWithoutPrincipalDoNotApplyWhenPrincipalsAreChecked) {
  EXPECT_EQ(Eval(R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})",
                 Facts("s3:GetObject", "arn:aws:s3:::b/k"), true),
            Effect::kNone);
}

TEST(EvaluateTest, TrustPoliciesMatchWithoutResource) {
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}})");
  EXPECT_EQ(Evaluate(p, Facts("sts:AssumeRole", "arn:aws:iam::111111111111:role/r"), true).effect,
            Effect::kAllow);
  EXPECT_EQ(Evaluate(p, Facts("sts:AssumeRole", "arn:aws:iam::111111111111:role/r",
                              "arn:aws:iam::333333333333:user/x"),
                     true)
                .effect,
            Effect::kNone);
}

TEST(EvaluateTest, CopiedPoliciesEvaluateAlike) {
  Policy p = MustParse(R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})");
  Policy copy = p;
  Policy moved = std::move(p);
  auto f = Facts("s3:GetObject", "arn:aws:s3:::b/k");
  EXPECT_EQ(Evaluate(copy, f, false).effect, Effect::kAllow);
  EXPECT_EQ(Evaluate(moved, f, false).effect, Effect::kAllow);
  EXPECT_EQ(Evaluate(Policy(), f, false).effect, Effect::kNone);
}

}  // namespace
}  // namespace skiff::iam
