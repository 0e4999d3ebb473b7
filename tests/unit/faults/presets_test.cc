// Every preset, per service: the action it stands for.
#include "server/faults/presets.h"

#include <gtest/gtest.h>

#include <string>

#include "server/faults/rule_json.h"

namespace skiff::faults {
namespace {

Rule PresetRule(const std::string& json) {
  std::vector<Rule> rules;
  EXPECT_EQ(ParseRules(json, &rules), "") << json;
  return rules.empty() ? Rule{} : rules[0];
}

Target T(std::string service, std::string op) {
  Target t;
  t.service = std::move(service);
  t.operation = std::move(op);
  t.region = "us-east-1";
  t.account = "000000000000";
  t.request_date = "20261122T140000Z";
  if (t.service == "dynamodb") {
    t.table = "locks";
    t.tables = {"locks"};
  } else if (t.service == "s3") {
    t.bucket = "state";
  }
  return t;
}

TEST(PresetTest, NamesRoundTrip) {
  for (std::string name :
       {"wrong-region", "access-denied", "missing-table", "no-such-bucket", "lock-held", "throttle",
        "internal-error", "slow", "expired-token", "clock-skew"}) {
    Preset p;
    ASSERT_TRUE(ParsePreset(name, &p)) << name;
    EXPECT_EQ(PresetName(p), name);
  }
  Preset p;
  EXPECT_FALSE(ParsePreset("throttled", &p));
}

TEST(PresetTest, WrongRegion) {
  Rule r = PresetRule(R"({"preset":"wrong-region"})");
  Action a = ResolveAction(r, T("s3", "ListObjectsV2"));
  EXPECT_EQ(a.redirect_region, "eu-west-1");
  EXPECT_TRUE(a.error_code.empty());
  r = PresetRule(R"({"preset":"wrong-region","region":"ap-southeast-2"})");
  EXPECT_EQ(ResolveAction(r, T("s3", "GetObject")).redirect_region, "ap-southeast-2");
  EXPECT_FALSE(Matches(r, T("dynamodb", "GetItem")));
}

TEST(PresetTest, AccessDenied) {
  Rule r = PresetRule(R"({"preset":"access-denied"})");
  EXPECT_EQ(ResolveAction(r, T("s3", "ListObjectsV2")).error_code, "AccessDenied");
  // The services word the denial themselves (they know the IAM action and resource).
  Action d = ResolveAction(r, T("dynamodb", "PutItem"));
  EXPECT_EQ(d.error_code, "AccessDeniedException");
  EXPECT_EQ(d.message, "");
  Action s = ResolveAction(r, T("sts", "AssumeRole"));
  EXPECT_EQ(s.error_code, "AccessDenied");
  EXPECT_EQ(s.status, 403);
}

TEST(PresetTest, MissingTableAndNoSuchBucket) {
  Rule r = PresetRule(R"({"preset":"missing-table"})");
  Action a = ResolveAction(r, T("dynamodb", "GetItem"));
  EXPECT_EQ(a.error_code, "ResourceNotFoundException");
  EXPECT_EQ(a.message, "");  // the table's "Requested resource not found"
  EXPECT_EQ(ResolveAction(r, T("dynamodb", "DescribeTable")).message,
            "Requested resource not found: Table: locks not found");
  EXPECT_FALSE(Matches(r, T("s3", "GetObject")));
  EXPECT_TRUE(Matches(r, T("dynamodb", "GetItem")));

  r = PresetRule(R"({"preset":"no-such-bucket"})");
  EXPECT_EQ(ResolveAction(r, T("s3", "GetObject")).error_code, "NoSuchBucket");
  EXPECT_FALSE(Matches(r, T("dynamodb", "GetItem")));
}

TEST(PresetTest, LockHeldAppliesToConditionalWritesByDefault) {
  Rule r = PresetRule(R"({"preset":"lock-held"})");
  EXPECT_TRUE(Matches(r, T("dynamodb", "PutItem")));
  EXPECT_FALSE(Matches(r, T("dynamodb", "GetItem")));
  EXPECT_TRUE(Matches(r, T("s3", "PutObject")));
  EXPECT_FALSE(Matches(r, T("s3", "GetObject")));
  EXPECT_FALSE(Matches(r, T("sts", "GetCallerIdentity")));
  EXPECT_EQ(ResolveAction(r, T("dynamodb", "PutItem")).error_code,
            "ConditionalCheckFailedException");
  EXPECT_EQ(ResolveAction(r, T("s3", "PutObject")).error_code, "PreconditionFailed");
  // Naming operations replaces the default restriction.
  r = PresetRule(R"({"preset":"lock-held","match":{"operation":"TransactWriteItems"}})");
  EXPECT_TRUE(Matches(r, T("dynamodb", "TransactWriteItems")));
}

TEST(PresetTest, ThrottleChoosesByServiceAndOperation) {
  Rule r = PresetRule(R"({"preset":"throttle"})");
  Action s3 = ResolveAction(r, T("s3", "PutObject"));
  EXPECT_EQ(s3.error_code, "SlowDown");
  EXPECT_EQ(ResolveAction(r, T("dynamodb", "PutItem")).error_code,
            "ProvisionedThroughputExceededException");
  EXPECT_EQ(ResolveAction(r, T("dynamodb", "DescribeTable")).error_code, "ThrottlingException");
  Action sts = ResolveAction(r, T("sts", "AssumeRole"));
  EXPECT_EQ(sts.error_code, "Throttling");
  EXPECT_EQ(sts.message, "Rate exceeded");
  // The rule's own action chooses another code.
  r = PresetRule(R"({"preset":"throttle","action":{"error_code":"ThrottlingException"}})");
  EXPECT_EQ(ResolveAction(r, T("dynamodb", "GetItem")).error_code, "ThrottlingException");
}

TEST(PresetTest, InternalErrorExpiredTokenClockSkew) {
  Rule r = PresetRule(R"({"preset":"internal-error"})");
  EXPECT_EQ(ResolveAction(r, T("s3", "GetObject")).error_code, "InternalError");
  EXPECT_EQ(ResolveAction(r, T("dynamodb", "GetItem")).error_code, "InternalServerError");
  Action sts = ResolveAction(r, T("sts", "GetCallerIdentity"));
  EXPECT_EQ(sts.error_code, "InternalFailure");
  EXPECT_EQ(sts.status, 500);

  r = PresetRule(R"({"preset":"expired-token"})");
  EXPECT_EQ(ResolveAction(r, T("s3", "GetObject")).error_code, "ExpiredToken");
  EXPECT_EQ(ResolveAction(r, T("dynamodb", "GetItem")).error_code, "ExpiredTokenException");
  EXPECT_EQ(ResolveAction(r, T("sts", "GetCallerIdentity")).error_code, "ExpiredToken");

  r = PresetRule(R"({"preset":"clock-skew"})");
  EXPECT_EQ(ResolveAction(r, T("s3", "GetObject")).error_code, "RequestTimeTooSkewed");
  Action d = ResolveAction(r, T("dynamodb", "GetItem"));
  EXPECT_EQ(d.error_code, "InvalidSignatureException");
  EXPECT_EQ(d.message.rfind("Signature expired: 20261122T140000Z is now earlier than ", 0), 0u)
      << d.message;
  EXPECT_NE(d.message.find(" - 5 min.)"), std::string::npos);
  EXPECT_EQ(ResolveAction(r, T("sts", "GetCallerIdentity")).error_code, "SignatureDoesNotMatch");
}

TEST(PresetTest, SlowDelaysAndLetsTheRequestRun) {
  Rule r = PresetRule(R"({"preset":"slow"})");
  Action a = ResolveAction(r, T("dynamodb", "GetItem"));
  EXPECT_EQ(a.latency.count(), 2000);
  EXPECT_FALSE(a.StopsRequest());
  r = PresetRule(R"({"preset":"slow","action":{"latency_ms":300}})");
  EXPECT_EQ(ResolveAction(r, T("s3", "GetObject")).latency.count(), 300);
}

TEST(PresetTest, OverridesApplyOnTop) {
  Rule r = PresetRule(R"({"preset":"throttle","action":{"message":"busy","status":429,
                                                         "latency_ms":10}})");
  Action a = ResolveAction(r, T("s3", "PutObject"));
  EXPECT_EQ(a.error_code, "SlowDown");
  EXPECT_EQ(a.message, "busy");
  EXPECT_EQ(a.status, 429);
  EXPECT_EQ(a.latency.count(), 10);
}

}  // namespace
}  // namespace skiff::faults
