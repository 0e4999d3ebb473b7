#include <gtest/gtest.h>

#include "server/dynamodb/expr/key_condition.h"
#include "server/dynamodb/expr/projection.h"
#include "tests/unit/dynamodb/expr/test_util.h"

namespace skiff::dynamodb::expr {
namespace {

using namespace testing;  // NOLINT

Item Project(std::string_view text, const Item& item) {
  static const NameMap names{{"#n", "name"}};
  Usage usage;
  Result<Projection> p = CompileProjection(text, {&names, nullptr}, usage);
  EXPECT_TRUE(p.ok()) << text << ": " << p.error().message;
  return p.ok() ? Project(*p, item) : Item{};
}

TEST(ProjectionTest, PicksTopLevelNestedAndListElements) {
  Item item{{"name", S("n")},
            {"a", N("1")},
            {"m", M({{"x", N("1")}, {"y", M({{"z", S("z")}, {"w", S("w")}})}})},
            {"l", L({S("0"), S("1"), S("2"), S("3")})}};
  EXPECT_EQ(Project("#n, a", item), (Item{{"name", S("n")}, {"a", N("1")}}));
  EXPECT_EQ(Project("m.y.z, m.x", item), (Item{{"m", M({{"x", N("1")}, {"y", M({{"z", S("z")}})}})}}));
  EXPECT_EQ(Project("l[3], l[1]", item), (Item{{"l", L({S("1"), S("3")})}}));
  EXPECT_EQ(Project("absent, m.nothing, l[9], a.b", item), Item{});
  EXPECT_EQ(Project("m", item), (Item{{"m", item.at("m")}}));
}

Result<KeyCondition> Key(std::string_view text, const ValueMap& values,
                         KeySchemaNames schema = {"pk", std::string("sk")}) {
  static const NameMap names{{"#p", "pk"}};
  Usage usage;
  Result<Condition> c =
      CompileCondition(text, ExpressionKind::kKeyCondition, {&names, &values}, usage);
  if (!c.ok()) return c.error();
  return ToKeyCondition(*c, schema);
}

std::string KeyError(std::string_view text, KeySchemaNames schema = {"pk", std::string("sk")}) {
  static const ValueMap values{{":p", S("p")}, {":a", N("1")}, {":b", N("2")}};
  Result<KeyCondition> k = Key(text, values, std::move(schema));
  return k.ok() ? "ok" : k.error().message;
}

TEST(KeyConditionTest, AcceptedShapes) {
  ValueMap values{{":p", S("p")}, {":a", N("1")}, {":b", N("5")}, {":s", S("pre")}};
  Result<KeyCondition> k = Key("#p = :p", values);
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(k->hash_value, S("p"));
  EXPECT_FALSE(k->range.has_value());
  k = Key("pk = :p AND sk BETWEEN :a AND :b", values);
  ASSERT_TRUE(k.ok()) << k.error().message;
  ASSERT_TRUE(k->range.has_value());
  EXPECT_EQ(k->range->op, RangeKeyCondition::Op::kBetween);
  EXPECT_TRUE(MatchesRange(*k->range, N("3")));
  EXPECT_FALSE(MatchesRange(*k->range, N("6")));
  EXPECT_FALSE(MatchesRange(*k->range, S("3")));
  k = Key("begins_with(sk, :s) AND pk = :p", values);
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_TRUE(MatchesRange(*k->range, S("prefix")));
  EXPECT_FALSE(MatchesRange(*k->range, S("pr")));
  k = Key("(pk = :p) AND (:a < sk)", values);  // value on the left flips the operator
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(k->range->op, RangeKeyCondition::Op::kGt);
  EXPECT_TRUE(MatchesRange(*k->range, N("2")));
  EXPECT_FALSE(MatchesRange(*k->range, N("1")));
  for (auto [text, op] : std::vector<std::pair<const char*, RangeKeyCondition::Op>>{
           {"pk = :p AND sk = :a", RangeKeyCondition::Op::kEq},
           {"pk = :p AND sk < :a", RangeKeyCondition::Op::kLt},
           {"pk = :p AND sk <= :a", RangeKeyCondition::Op::kLe},
           {"pk = :p AND sk >= :a", RangeKeyCondition::Op::kGe}}) {
    k = Key(text, values);
    ASSERT_TRUE(k.ok()) << text;
    EXPECT_EQ(k->range->op, op) << text;
  }
}

TEST(KeyConditionTest, RejectedShapes) {
  EXPECT_EQ(KeyError("pk = :p OR sk = :a"), "Invalid operator used in KeyConditionExpression: OR");
  EXPECT_EQ(KeyError("NOT pk = :p"), "Invalid operator used in KeyConditionExpression: NOT");
  EXPECT_EQ(KeyError("pk IN (:p)"), "Invalid operator used in KeyConditionExpression: IN");
  EXPECT_EQ(KeyError("pk <> :p"), "Invalid operator used in KeyConditionExpression: <>");
  EXPECT_EQ(KeyError("pk = :p AND attribute_exists(sk)"),
            "Invalid operator used in KeyConditionExpression: attribute_exists");
  EXPECT_EQ(KeyError("pk = :p AND size(sk) = :a"), "KeyConditionExpressions cannot contain nested operations");
  EXPECT_EQ(KeyError("pk = :p AND contains(sk, :a)"), "Invalid operator used in KeyConditionExpression: contains");
  EXPECT_EQ(KeyError("pk = :p AND sk > :a OR sk < :b"), "Invalid operator used in KeyConditionExpression: OR");
  EXPECT_EQ(KeyError("pk IN (:p, size(sk))"), "Invalid operator used in KeyConditionExpression: IN");
  EXPECT_EQ(KeyError("size(pk) > :a AND sk.x > :b"), "KeyConditionExpressions cannot contain nested operations");
  EXPECT_EQ(KeyError(":p BETWEEN :a AND :b AND sk > :b"),
            "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand");
  EXPECT_EQ(KeyError("begins_with(:p, sk) AND pk > :b"),
            "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand");
  EXPECT_EQ(KeyError("sk > pk.b"),
            "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
  EXPECT_EQ(KeyError("sk BETWEEN pk[1] AND :a"),
            "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
  EXPECT_EQ(KeyError("sk.d > pk AND pk = :p"), "KeyConditionExpressions cannot have conditions on nested attributes");
  EXPECT_EQ(KeyError("sk[0] > :a"), "KeyConditionExpressions cannot have conditions on nested attributes");
  EXPECT_EQ(KeyError(":p > sk AND :a < :b"), "Invalid condition in KeyConditionExpression: No key attribute specified");
  EXPECT_EQ(KeyError("sk > :a AND sk < :b AND pk = :p AND x = :a"),
            "KeyConditionExpressions must only contain one condition per key");
  EXPECT_EQ(KeyError("sk = :a"), "Query condition missed key schema element: pk");
  EXPECT_EQ(KeyError("pk = :p AND extra = :a"), "Query condition missed key schema element: sk");
  EXPECT_EQ(KeyError("pk < :p"), "Query key condition not supported");
  EXPECT_EQ(KeyError("pk = :p AND sk = :a AND x = :b"), "Conditions can be of length 1 or 2 only");
  EXPECT_EQ(KeyError("pk = :p AND pk = :p"), "KeyConditionExpressions must only contain one condition per key");
  EXPECT_EQ(KeyError("pk.x = :p"), "KeyConditionExpressions cannot have conditions on nested attributes");
  EXPECT_EQ(KeyError("pk = sk"),
            "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
  EXPECT_EQ(KeyError(":p = :p"), "Invalid condition in KeyConditionExpression: No key attribute specified");
  EXPECT_EQ(KeyError("pk = :p AND sk = :a", {"pk", std::nullopt}), "Query condition missed key schema element: pk");
  EXPECT_EQ(KeyError("pk = :p AND begins_with(sk, :a)"),
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: N");
  EXPECT_EQ(KeyError("pk = "), "Invalid KeyConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\"");
}

}  // namespace
}  // namespace skiff::dynamodb::expr
