// Random token soup through every entry point: nothing may crash (the unit tests run under
// ASan/UBSan with SKIFF_SANITIZE), and every failure must be a well-formed DynamoDB message.
#include <gtest/gtest.h>

#include <random>

#include "server/dynamodb/expr/eval.h"
#include "server/dynamodb/expr/key_condition.h"
#include "server/dynamodb/expr/projection.h"
#include "server/dynamodb/expr/update.h"
#include "tests/unit/dynamodb/expr/test_util.h"

namespace skiff::dynamodb::expr {
namespace {

using namespace testing;  // NOLINT

constexpr const char* kVocabulary[] = {
    "a", "b", "l", "m", "#n", "#u", ":v", ":w", ":s", ":l", ":u", "(", ")", "[", "]", "0", "1", "7",
    ",", ".", "=", "<>", "<", "<=", ">", ">=", "+", "-", "AND", "or", "NOT", "BETWEEN", "IN",
    "SET", "REMOVE", "ADD", "DELETE", "size", "contains", "begins_with", "attribute_exists",
    "attribute_not_exists", "attribute_type", "if_not_exists", "list_append", "name", "!", "\xc3\xa9"};

std::string RandomText(std::mt19937& rng) {
  std::uniform_int_distribution<size_t> word(0, std::size(kVocabulary) - 1);
  std::uniform_int_distribution<int> len(1, 14);
  std::string out;
  for (int i = 0, n = len(rng); i < n; ++i) {
    if (!out.empty()) out += ' ';
    out += kVocabulary[word(rng)];
  }
  return out;
}

bool WellFormed(const Error& e) {
  return e.type == "ValidationException" && !e.message.empty();
}

TEST(RobustnessTest, RandomExpressions) {
  std::mt19937 rng(1234);
  const NameMap names{{"#n", "n"}};
  const ValueMap values{{":v", N("1")}, {":w", N("2")}, {":s", S("s")}, {":l", L({N("1")})}};
  const Item item{{"a", N("1")}, {"b", S("s")}, {"l", L({N("1"), S("x")})},
                  {"m", M({{"a", N("3")}})}, {"n", SS({"s"})}};
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = RandomText(rng);
    Usage usage;
    Placeholders p{&names, &values};
    Result<Condition> c = CompileCondition(text, ExpressionKind::kCondition, p, usage);
    if (c.ok()) {
      ++parsed;
      Evaluate(*c, &item);
      Evaluate(*c, nullptr);
      Result<KeyCondition> k = ToKeyCondition(*c, {"a", std::string("b")});
      if (!k.ok()) {
        EXPECT_TRUE(WellFormed(k.error())) << text;
      }
    } else {
      EXPECT_TRUE(WellFormed(c.error())) << text;
      EXPECT_EQ(c.error().message.rfind("Invalid ConditionExpression: ", 0), 0u) << text;
    }
    Result<UpdateExpression> u = CompileUpdate(text, p, usage);
    if (u.ok()) {
      ++parsed;
      Result<UpdateOutcome> out = ApplyUpdate(*u, item);
      if (!out.ok()) {
        EXPECT_TRUE(WellFormed(out.error())) << text;
      }
    } else {
      EXPECT_EQ(u.error().message.rfind("Invalid UpdateExpression: ", 0), 0u) << text;
    }
    Result<Projection> proj = CompileProjection(text, p, usage);
    if (proj.ok()) {
      ++parsed;
      Project(*proj, item);
    } else {
      EXPECT_EQ(proj.error().message.rfind("Invalid ProjectionExpression: ", 0), 0u) << text;
    }
  }
  EXPECT_GT(parsed, 100);  // the generator does reach the evaluators
}

TEST(RobustnessTest, ArbitraryBytes) {
  std::mt19937 rng(99);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 64);
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    for (int j = 0, n = len(rng); j < n; ++j) text.push_back(char(byte(rng)));
    Result<Condition> c = ParseCondition(text, ExpressionKind::kFilter);
    if (!c.ok()) {
      EXPECT_EQ(c.error().message.rfind("Invalid FilterExpression: ", 0), 0u);
    }
    Result<UpdateExpression> u = ParseUpdate(text);
    if (!u.ok()) {
      EXPECT_EQ(u.error().message.rfind("Invalid UpdateExpression: ", 0), 0u);
    }
  }
}

}  // namespace
}  // namespace skiff::dynamodb::expr
