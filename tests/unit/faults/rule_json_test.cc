// The rule JSON format: parsing, errors that name the member, and rendering back.
#include "server/faults/rule_json.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace skiff::faults {
namespace {

std::string ParseError(const std::string& json) {
  std::vector<Rule> rules;
  return ParseRules(json, &rules);
}

TEST(RuleJsonTest, ParsesEveryMember) {
  std::vector<Rule> rules;
  ASSERT_EQ(ParseRules(R"({"id":"r1","description":"flaky state",
      "match":{"service":"s3","operation":"Put*","region":"us-east-1","account":"000000000000",
               "access_key":"AKIA","bucket":"b","key":"k/*","table":"t","method":"PUT"},
      "action":{"error_code":"SlowDown","message":"m","status":503,"latency_ms":20},
      "trigger":{"after":1,"times":2,"probability":0.25,"seed":9}})",
                       &rules),
            "");
  ASSERT_EQ(rules.size(), 1u);
  const Rule& r = rules[0];
  EXPECT_EQ(r.id, "r1");
  EXPECT_EQ(r.description, "flaky state");
  EXPECT_EQ(r.match.service, "s3");
  EXPECT_EQ(r.match.operation, "Put*");
  EXPECT_EQ(r.match.region, "us-east-1");
  EXPECT_EQ(r.match.account, "000000000000");
  EXPECT_EQ(r.match.access_key, "AKIA");
  EXPECT_EQ(r.match.bucket, "b");
  EXPECT_EQ(r.match.key, "k/*");
  EXPECT_EQ(r.match.table, "t");
  EXPECT_EQ(r.match.method, "PUT");
  EXPECT_EQ(r.action.error_code, "SlowDown");
  EXPECT_EQ(r.action.message, "m");
  EXPECT_EQ(r.action.status, 503);
  EXPECT_EQ(r.action.latency.count(), 20);
  EXPECT_EQ(r.trigger.after, 1u);
  EXPECT_EQ(r.trigger.times.value_or(0), 2u);
  EXPECT_EQ(r.trigger.probability.value_or(0), 0.25);
  EXPECT_EQ(r.trigger.seed.value_or(0), 9u);
}

TEST(RuleJsonTest, AcceptsOneRuleAListOrRules) {
  std::vector<Rule> rules;
  EXPECT_EQ(ParseRules(R"({"preset":"throttle"})", &rules), "");
  EXPECT_EQ(ParseRules(R"([{"preset":"slow"},{"preset":"internal-error"}])", &rules), "");
  EXPECT_EQ(ParseRules(R"({"rules":[{"preset":"lock-held","trigger":"always"}]})", &rules), "");
  EXPECT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[3].preset, Preset::kLockHeld);
  EXPECT_TRUE(rules[3].trigger.Always());
}

TEST(RuleJsonTest, ErrorsNameTheProblem) {
  EXPECT_EQ(ParseError("{"), "not valid JSON: Missing a name for object member. (at offset 1)");
  EXPECT_EQ(ParseError("42"), "rule must be an object");
  EXPECT_EQ(ParseError(R"({"preset":"throttled"})"),
            "rule.preset \"throttled\" is not one of: wrong-region, access-denied, "
            "missing-table, no-such-bucket, lock-held, throttle, internal-error, slow, "
            "expired-token, clock-skew");
  EXPECT_EQ(ParseError(R"({"preset":"slow","mtach":{}})"), "unknown member rule.mtach");
  EXPECT_EQ(ParseError(R"({"preset":"slow","match":{"bukcet":"b"}})"),
            "unknown member rule.match.bukcet");
  EXPECT_EQ(ParseError(R"({"action":{"error_code":5}})"),
            "rule.action.error_code must be a string");
  EXPECT_EQ(ParseError(R"([{"preset":"slow"},{"action":{"latency_ms":-1}}])"),
            "rules[1].action.latency_ms must be a non-negative integer");
  EXPECT_EQ(ParseError(R"({"preset":"slow","trigger":"sometimes"})"),
            "rule.trigger must be \"always\" or an object");
  EXPECT_EQ(ParseError(R"({"preset":"slow","trigger":{"times":0}})"),
            "trigger.times must be at least 1");
  EXPECT_EQ(ParseError(R"({"preset":"slow","trigger":{"probability":1.5}})"),
            "trigger.probability must be between 0 and 1");
  EXPECT_EQ(ParseError(R"({"preset":"slow","trigger":{"every":2}})"),
            "unknown member rule.trigger.every");
  EXPECT_EQ(ParseError(R"({"match":{"service":"s3"}})"),
            "a rule needs a preset or an action (error_code, latency_ms, reset_connection or "
            "redirect_region)");
  EXPECT_EQ(ParseError(R"({"preset":"missing-table","match":{"service":"s3"}})"),
            "preset missing-table does not apply to s3");
  EXPECT_EQ(ParseError(R"({"preset":"slow","match":{"service":"sqs"}})"),
            "match.service must be one of s3, dynamodb, sts, iam (got \"sqs\")");
  EXPECT_EQ(ParseError(R"({"action":{"status":503}})"),
            "action.status needs an action.error_code to go with it");
  EXPECT_EQ(ParseError(R"({"action":{"error_code":"X","status":99}})"),
            "action.status must be between 300 and 599");
  EXPECT_EQ(ParseError(R"({"action":{"error_code":"SlowDown","reset_connection":true}})"),
            "action.reset_connection cannot be combined with an error or a redirect");
  EXPECT_EQ(ParseError(R"({"action":{"redirect_region":"EU WEST"}})"),
            "redirect region \"EU WEST\" is not a region name");
  EXPECT_EQ(ParseError(R"({"preset":"slow","region":"eu-west-1"})"),
            "region is an option of the wrong-region preset only");
  EXPECT_EQ(ParseError(R"({"id":"a b","preset":"slow"})"),
            "id must be 1 to 64 letters, digits, '-', '_' or '.'");
  EXPECT_EQ(ParseError(R"({"rules":[],"extra":1})"),
            "an object with \"rules\" must have no other members");
  EXPECT_EQ(ParseError(R"({"error_code":"SlowDown"})"), "unknown member rule.error_code");
}

TEST(RuleJsonTest, RendersAndParsesBack) {
  const std::string json =
      R"({"id":"r1","description":"d","match":{"service":"s3","key":"state/*"},)"
      R"("preset":"wrong-region","region":"eu-central-1","trigger":{"after":1,"times":2},)"
      R"("matched":0,"fired":0})";
  std::vector<Rule> rules;
  ASSERT_EQ(ParseRules(json, &rules), "");
  RuleState state{rules[0], 0, 0};
  EXPECT_EQ(RenderRule(state), json);

  const std::string action =
      R"({"id":"r2","match":{},"action":{"error_code":"X","message":"m","status":418,)"
      R"("latency_ms":5},"trigger":{"probability":0.3,"seed":7},"matched":4,"fired":1})";
  rules.clear();
  ASSERT_EQ(ParseRules(action, &rules), "");
  EXPECT_EQ(RenderRule(RuleState{rules[0], 4, 1}), action);

  rules.clear();
  ASSERT_EQ(ParseRules(R"({"id":"r3","action":{"reset_connection":true}})", &rules), "");
  EXPECT_EQ(RenderRules({RuleState{rules[0], 0, 0}}),
            R"({"rules":[{"id":"r3","match":{},"action":{"reset_connection":true},)"
            R"("trigger":"always","matched":0,"fired":0}]})");
}

}  // namespace
}  // namespace skiff::faults
