// Condition operators: each operator, negation, ...IfExists, Null, ForAnyValue/ForAllValues,
// and how blocks, keys and values combine (AND, AND, OR).
#include <gtest/gtest.h>

#include <string>

#include "server/iam/policy.h"

namespace skiff::iam {
namespace {

using Context = std::map<std::string, std::vector<std::string>>;

// Whether a one-statement Allow policy with `condition` allows a request with `context`.
bool Holds(const std::string& condition, const Context& context) {
  std::string json = R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*",
      "Resource":"*","Condition":)" + condition + "}}";
  std::string error;
  auto policy = ParsePolicy(json, &error);
  EXPECT_TRUE(policy.has_value()) << error << " in " << json;
  if (!policy) return false;
  RequestFacts facts;
  facts.action = "s3:GetObject";
  facts.resource = "arn:aws:s3:::b/k";
  facts.principal_arn = "arn:aws:iam::111111111111:user/alice";
  facts.context = context;
  return Evaluate(*policy, facts, false).effect == Effect::kAllow;
}

TEST(ConditionTest, StringEqualsAndNotEquals) {
  const Context ctx{{"s3:x-amz-acl", {"private"}}};
  EXPECT_TRUE(Holds(R"({"StringEquals":{"s3:x-amz-acl":"private"}})", ctx));
  EXPECT_TRUE(Holds(R"({"StringEquals":{"s3:x-amz-acl":["public-read","private"]}})", ctx));
  EXPECT_FALSE(Holds(R"({"StringEquals":{"s3:x-amz-acl":"Private"}})", ctx));
  EXPECT_FALSE(Holds(R"({"StringEquals":{"s3:x-amz-acl":"private"}})", {}));
  EXPECT_FALSE(Holds(R"({"StringNotEquals":{"s3:x-amz-acl":"private"}})", ctx));
  EXPECT_TRUE(Holds(R"({"StringNotEquals":{"s3:x-amz-acl":"public-read"}})", ctx));
  // A negated operator holds when the key is missing.
  EXPECT_TRUE(Holds(R"({"StringNotEquals":{"s3:x-amz-acl":"private"}})", {}));
}

TEST(ConditionTest, KeyNamesAreCaseInsensitive) {
  EXPECT_TRUE(Holds(R"({"StringEquals":{"AWS:UserName":"alice"}})", {{"aws:username", {"alice"}}}));
  EXPECT_TRUE(Holds(R"({"StringEquals":{"aws:username":"alice"}})", {{"aws:UserName", {"alice"}}}));
}

TEST(ConditionTest, StringEqualsIgnoreCaseAndLike) {
  const Context ctx{{"s3:prefix", {"Home/Alice/docs"}}};
  EXPECT_TRUE(Holds(R"({"StringEqualsIgnoreCase":{"s3:prefix":"home/alice/DOCS"}})", ctx));
  EXPECT_FALSE(Holds(R"({"StringNotEqualsIgnoreCase":{"s3:prefix":"home/alice/DOCS"}})", ctx));
  EXPECT_TRUE(Holds(R"({"StringLike":{"s3:prefix":"Home/*"}})", ctx));
  EXPECT_TRUE(Holds(R"({"StringLike":{"s3:prefix":["x","Home/Al?ce/*"]}})", ctx));
  EXPECT_FALSE(Holds(R"({"StringLike":{"s3:prefix":"home/*"}})", ctx));
  EXPECT_TRUE(Holds(R"({"StringNotLike":{"s3:prefix":"home/*"}})", ctx));
  EXPECT_FALSE(Holds(R"({"StringNotLike":{"s3:prefix":"Home/*"}})", ctx));
}

TEST(ConditionTest, PolicyVariablesInConditionValues) {
  const Context ctx{{"s3:prefix", {"home/alice/"}}, {"aws:username", {"alice"}}};
  EXPECT_TRUE(Holds(R"({"StringLike":{"s3:prefix":"home/${aws:username}/*"}})", ctx));
  EXPECT_FALSE(Holds(R"({"StringLike":{"s3:prefix":"home/${aws:username}/*"}})",
                     {{"s3:prefix", {"home/bob/"}}, {"aws:username", {"alice"}}}));
}

TEST(ConditionTest, Bool) {
  EXPECT_TRUE(Holds(R"({"Bool":{"aws:SecureTransport":"false"}})",
                    {{"aws:SecureTransport", {"false"}}}));
  EXPECT_TRUE(Holds(R"({"Bool":{"aws:SecureTransport":false}})",
                    {{"aws:SecureTransport", {"false"}}}));
  EXPECT_FALSE(Holds(R"({"Bool":{"aws:SecureTransport":"true"}})",
                     {{"aws:SecureTransport", {"false"}}}));
  EXPECT_TRUE(Holds(R"({"Bool":{"aws:SecureTransport":"TRUE"}})",
                    {{"aws:SecureTransport", {"true"}}}));
  EXPECT_FALSE(Holds(R"({"Bool":{"aws:SecureTransport":"false"}})", {}));
  EXPECT_TRUE(Holds(R"({"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}})", {}));
}

TEST(ConditionTest, Null) {
  const Context ctx{{"s3:x-amz-server-side-encryption", {"AES256"}}};
  EXPECT_TRUE(Holds(R"({"Null":{"s3:x-amz-server-side-encryption":"true"}})", {}));
  EXPECT_FALSE(Holds(R"({"Null":{"s3:x-amz-server-side-encryption":"true"}})", ctx));
  EXPECT_TRUE(Holds(R"({"Null":{"s3:x-amz-server-side-encryption":"false"}})", ctx));
  EXPECT_FALSE(Holds(R"({"Null":{"s3:x-amz-server-side-encryption":false}})", {}));
}

TEST(ConditionTest, NumericOperators) {
  const Context ctx{{"s3:max-keys", {"10"}}};
  EXPECT_TRUE(Holds(R"({"NumericEquals":{"s3:max-keys":"10"}})", ctx));
  EXPECT_TRUE(Holds(R"({"NumericEquals":{"s3:max-keys":10}})", ctx));
  EXPECT_FALSE(Holds(R"({"NumericNotEquals":{"s3:max-keys":"10"}})", ctx));
  EXPECT_TRUE(Holds(R"({"NumericNotEquals":{"s3:max-keys":"11"}})", ctx));
  EXPECT_TRUE(Holds(R"({"NumericLessThan":{"s3:max-keys":"11"}})", ctx));
  EXPECT_FALSE(Holds(R"({"NumericLessThan":{"s3:max-keys":"10"}})", ctx));
  EXPECT_TRUE(Holds(R"({"NumericLessThanEquals":{"s3:max-keys":"10"}})", ctx));
  EXPECT_TRUE(Holds(R"({"NumericGreaterThan":{"s3:max-keys":"9.5"}})", ctx));
  EXPECT_FALSE(Holds(R"({"NumericGreaterThan":{"s3:max-keys":"10"}})", ctx));
  EXPECT_TRUE(Holds(R"({"NumericGreaterThanEquals":{"s3:max-keys":"10"}})", ctx));
  EXPECT_FALSE(Holds(R"({"NumericLessThan":{"s3:max-keys":"11"}})", {{"s3:max-keys", {"ten"}}}));
  EXPECT_FALSE(Holds(R"({"NumericLessThan":{"s3:max-keys":"11"}})", {}));
  EXPECT_TRUE(Holds(R"({"NumericLessThanIfExists":{"s3:max-keys":"11"}})", {}));
}

TEST(ConditionTest, DateOperators) {
  const Context ctx{{"aws:CurrentTime", {"2026-11-22T14:00:00Z"}}};
  EXPECT_TRUE(Holds(R"({"DateLessThan":{"aws:CurrentTime":"2026-11-23"}})", ctx));
  EXPECT_FALSE(Holds(R"({"DateLessThan":{"aws:CurrentTime":"2026-11-22T14:00:00Z"}})", ctx));
  EXPECT_TRUE(Holds(R"({"DateLessThanEquals":{"aws:CurrentTime":"2026-11-22T14:00:00Z"}})", ctx));
  EXPECT_TRUE(Holds(R"({"DateGreaterThan":{"aws:CurrentTime":"2026-11-22T13:59:59.5Z"}})", ctx));
  EXPECT_TRUE(Holds(R"({"DateGreaterThanEquals":{"aws:CurrentTime":"2026-11-22T15:00:00+01:00"}})",
                    ctx));
  EXPECT_TRUE(Holds(R"({"DateEquals":{"aws:CurrentTime":"2026-11-22T14:00:00Z"}})", ctx));
  EXPECT_FALSE(Holds(R"({"DateNotEquals":{"aws:CurrentTime":"2026-11-22T14:00:00Z"}})", ctx));
  // Epoch seconds on either side.
  EXPECT_TRUE(Holds(R"({"DateEquals":{"aws:CurrentTime":"1795356000"}})", ctx));
  EXPECT_TRUE(Holds(R"({"DateGreaterThan":{"aws:EpochTime":"2026-01-01T00:00:00Z"}})",
                    {{"aws:EpochTime", {"1795356000"}}}));
  EXPECT_FALSE(Holds(R"({"DateLessThan":{"aws:CurrentTime":"not a date"}})", ctx));
}

TEST(ConditionTest, IpAddress) {
  const Context v4{{"aws:SourceIp", {"203.0.113.77"}}};
  EXPECT_TRUE(Holds(R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", v4));
  EXPECT_TRUE(Holds(R"({"IpAddress":{"aws:SourceIp":["10.0.0.0/8","203.0.113.77"]}})", v4));
  EXPECT_FALSE(Holds(R"({"IpAddress":{"aws:SourceIp":"203.0.112.0/24"}})", v4));
  EXPECT_TRUE(Holds(R"({"IpAddress":{"aws:SourceIp":"203.0.112.0/23"}})", v4));
  EXPECT_TRUE(Holds(R"({"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}})", v4));
  EXPECT_FALSE(Holds(R"({"NotIpAddress":{"aws:SourceIp":"0.0.0.0/0"}})", v4));
  const Context v6{{"aws:SourceIp", {"2001:db8::1"}}};
  EXPECT_TRUE(Holds(R"({"IpAddress":{"aws:SourceIp":"2001:db8::/32"}})", v6));
  EXPECT_FALSE(Holds(R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", v6));
}

TEST(ConditionTest, ArnLikeAndEqualsComparePartByPart) {
  const Context ctx{{"aws:PrincipalArn", {"arn:aws:iam::111111111111:role/deploy"}}};
  EXPECT_TRUE(Holds(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/deploy"}})", ctx));
  EXPECT_TRUE(Holds(R"({"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/*"}})",
                    ctx));
  EXPECT_FALSE(Holds(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}})", ctx));
  // A wildcard stays within its part: "*" in the account does not swallow the resource.
  EXPECT_FALSE(Holds(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*"}})", ctx));
  EXPECT_TRUE(Holds(R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}})", ctx));
  EXPECT_FALSE(Holds(R"({"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/deploy"}})",
                     ctx));
}

TEST(ConditionTest, IfExistsHoldsForMissingKeysOnly) {
  EXPECT_TRUE(Holds(R"({"StringEqualsIfExists":{"s3:x-amz-acl":"private"}})", {}));
  EXPECT_FALSE(Holds(R"({"StringEqualsIfExists":{"s3:x-amz-acl":"private"}})",
                     {{"s3:x-amz-acl", {"public-read"}}}));
  EXPECT_TRUE(Holds(R"({"StringEqualsIfExists":{"s3:x-amz-acl":"private"}})",
                    {{"s3:x-amz-acl", {"private"}}}));
}

TEST(ConditionTest, SetQualifiers) {
  const Context tags{{"aws:TagKeys", {"env", "team"}}};
  EXPECT_TRUE(Holds(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["team","owner"]}})", tags));
  EXPECT_FALSE(Holds(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["owner"]}})", tags));
  EXPECT_FALSE(Holds(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["owner"]}})", {}));
  EXPECT_TRUE(Holds(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["env","team","x"]}})", tags));
  EXPECT_FALSE(Holds(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["env"]}})", tags));
  // ForAllValues holds vacuously for a missing key.
  EXPECT_TRUE(Holds(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["env"]}})", {}));
  EXPECT_TRUE(Holds(R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":["env"]}})", tags));
  EXPECT_FALSE(Holds(R"({"ForAllValues:StringNotEquals":{"aws:TagKeys":["env"]}})", tags));
  EXPECT_TRUE(Holds(R"({"ForAllValues:StringLike":{"aws:TagKeys":["e*","t*"]}})", tags));
}

TEST(ConditionTest, BlocksAndKeysAreAndedValuesAreOred) {
  const Context ctx{{"s3:x-amz-acl", {"private"}}, {"aws:SecureTransport", {"true"}}};
  EXPECT_TRUE(Holds(R"({"StringEquals":{"s3:x-amz-acl":["x","private"]},
      "Bool":{"aws:SecureTransport":"true"}})", ctx));
  EXPECT_FALSE(Holds(R"({"StringEquals":{"s3:x-amz-acl":"private"},
      "Bool":{"aws:SecureTransport":"false"}})", ctx));
  EXPECT_FALSE(Holds(R"({"StringEquals":{"s3:x-amz-acl":"private","aws:username":"alice"}})",
                     ctx));
}

TEST(ConditionTest, MalformedConditions) {
  std::string error;
  auto bad = [&](const char* condition) {
    std::string json = std::string(R"({"Statement":{"Effect":"Allow","Action":"s3:*",)") +
                       R"("Resource":"*","Condition":)" + condition + "}}";
    return !ParsePolicy(json, &error).has_value();
  };
  EXPECT_TRUE(bad(R"({"Null":{"s3:x":[]}})"));
  EXPECT_TRUE(bad(R"({"StringEquals":"x"})"));
  EXPECT_TRUE(bad(R"({"StringEquals":{"nokey":"x"}})"));
  EXPECT_EQ(error, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  EXPECT_TRUE(bad(R"({"ForSomeValues:StringEquals":{"s3:x":"x"}})"));
  EXPECT_EQ(error, "Syntax errors in policy.");
  EXPECT_TRUE(bad(R"({"StringEquals":{"s3:x":{"a":1}}})"));
}

}  // namespace
}  // namespace skiff::iam
