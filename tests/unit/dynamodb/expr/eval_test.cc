#include "server/dynamodb/expr/eval.h"

#include <gtest/gtest.h>

#include "tests/unit/dynamodb/expr/test_util.h"

namespace skiff::dynamodb::expr {
namespace {

using namespace testing;  // NOLINT

Item SampleItem() {
  return Item{
      {"s", S("hello")},
      {"n", N("10")},
      {"b", B(std::string("\x01\x02\x03", 3))},
      {"t", Bool(true)},
      {"z", Null()},
      {"l", L({S("x"), N("2"), M({{"deep", S("y")}})})},
      {"m", M({{"k", S("v")}, {"nest", M({{"n", N("5")}})}})},
      {"ss", SS({"a", "b"})},
      {"ns", NS({"1", "2.5"})},
      {"bs", BS({"\x01", "\x02"})},
      {"uni", S("h\xc3\xa9\xf0\x9f\x98\x80")},  // h, e-acute, one astral-plane emoji
  };
}

// Evaluates text against item (or no item) with the standard placeholder values.
bool Eval(std::string_view text, const Item* item) {
  static const ValueMap values{
      {":hello", S("hello")}, {":he", S("he")},     {":ten", N("10")},     {":nine", N("9")},
      {":eleven", N("11")},   {":n10s", S("10")},   {":true", Bool(true)}, {":null", Null()},
      {":x", S("x")},         {":two", N("2")},     {":a", S("a")},        {":q", S("q")},
      {":two5", N("2.5")},    {":b12", B(std::string("\x01\x02", 2))},   {":b1", B("\x01")},
      {":S", S("S")},         {":N", S("N")},       {":M", S("M")},        {":SS", S("SS")},
      {":five", N("5")},      {":three", N("3")},   {":ss", SS({"b", "a"})},
      {":deep", M({{"deep", S("y")}})},             {":ell", S("ell")},    {":four", N("4")},
  };
  static const NameMap names{{"#s", "s"}, {"#dot", "a.b"}};
  Usage usage;
  Result<Condition> c = CompileCondition(text, ExpressionKind::kCondition, {&names, &values}, usage);
  EXPECT_TRUE(c.ok()) << text << ": " << c.error().message;
  return c.ok() && Evaluate(*c, item);
}

class EvalTest : public ::testing::Test {
 protected:
  bool True(std::string_view text) { return Eval(text, &item_); }
  Item item_ = SampleItem();
};

TEST_F(EvalTest, Comparisons) {
  EXPECT_TRUE(True("s = :hello"));
  EXPECT_FALSE(True("s = :he"));
  EXPECT_TRUE(True("#s = :hello"));
  EXPECT_TRUE(True("n = :ten"));
  EXPECT_FALSE(True("n = :n10s"));  // different types are never equal
  EXPECT_TRUE(True("n <> :n10s"));   // ... and always unequal
  EXPECT_TRUE(True("absent <> :ten"));
  EXPECT_FALSE(True("absent = :ten"));
  EXPECT_FALSE(True("n <> :ten"));
  EXPECT_TRUE(True("n > :nine"));
  EXPECT_FALSE(True("n > :ten"));
  EXPECT_TRUE(True("n >= :ten"));
  EXPECT_FALSE(True("n >= :eleven"));
  EXPECT_TRUE(True("n < :eleven"));
  EXPECT_FALSE(True("n < :ten"));
  EXPECT_TRUE(True("n <= :ten"));
  EXPECT_FALSE(True("n <= :nine"));
  EXPECT_TRUE(True("s > :he"));
  EXPECT_TRUE(True("b > :b12"));
  EXPECT_FALSE(True("b < :b1"));
  EXPECT_FALSE(True("n < :n10s"));  // ordering across types is false both ways
  EXPECT_FALSE(True("n > :n10s"));
  EXPECT_FALSE(True("t > s"));  // BOOL has no order
  EXPECT_FALSE(True("absent < :ten"));
  EXPECT_TRUE(True("t = :true"));
  EXPECT_TRUE(True("z = :null"));
  EXPECT_TRUE(True("l[0] = :x"));
}

TEST_F(EvalTest, NestedPaths) {
  EXPECT_TRUE(True("m.k = :hello") == false);
  EXPECT_TRUE(True("m.nest.n = :five"));
  EXPECT_TRUE(True("l[2] = :deep"));
  EXPECT_TRUE(True("l[1] = :two"));
  EXPECT_FALSE(True("l[9] = :two"));
  EXPECT_FALSE(True("s[0] = :two"));    // index into a string
  EXPECT_FALSE(True("l.k = :two"));     // member of a list
  EXPECT_FALSE(True("#dot = :two"));    // a name with a dot is one name
}

TEST_F(EvalTest, BetweenAndIn) {
  EXPECT_TRUE(True("n BETWEEN :nine AND :eleven"));
  EXPECT_TRUE(True("n BETWEEN :ten AND :ten"));
  EXPECT_FALSE(True("n BETWEEN :eleven AND :eleven"));
  EXPECT_FALSE(True("s BETWEEN :nine AND :eleven"));  // value of another type
  EXPECT_FALSE(True("absent BETWEEN :nine AND :eleven"));
  EXPECT_TRUE(True("s BETWEEN :he AND :hello"));
  EXPECT_TRUE(True("n IN (:nine, :ten)"));
  EXPECT_FALSE(True("n IN (:nine, :eleven, :n10s)"));
  EXPECT_FALSE(True("absent IN (:nine)"));
  EXPECT_TRUE(True("ss IN (:ss)"));  // set equality ignores order
}

TEST_F(EvalTest, LogicalOperators) {
  EXPECT_TRUE(True("n = :ten AND s = :hello"));
  EXPECT_FALSE(True("n = :ten AND s = :he"));
  EXPECT_TRUE(True("n = :nine OR s = :hello"));
  EXPECT_FALSE(True("n = :nine OR s = :he"));
  EXPECT_TRUE(True("NOT n = :nine"));
  EXPECT_FALSE(True("NOT n = :ten"));
  // AND binds tighter than OR; NOT tighter than AND.
  EXPECT_TRUE(True("n = :ten OR n = :nine AND s = :he"));
  EXPECT_FALSE(True("(n = :ten OR n = :nine) AND s = :he"));
  EXPECT_TRUE(True("NOT n = :nine AND s = :hello"));
  EXPECT_FALSE(True("NOT (n = :ten AND s = :hello)"));
}

TEST_F(EvalTest, Functions) {
  EXPECT_TRUE(True("attribute_exists(s)"));
  EXPECT_FALSE(True("attribute_exists(absent)"));
  EXPECT_TRUE(True("attribute_exists(m.nest.n)"));
  EXPECT_FALSE(True("attribute_exists(m.nest.x)"));
  EXPECT_TRUE(True("attribute_not_exists(absent)"));
  EXPECT_FALSE(True("attribute_not_exists(l[0])"));
  EXPECT_TRUE(True("attribute_type(s, :S)"));
  EXPECT_FALSE(True("attribute_type(s, :N)"));
  EXPECT_TRUE(True("attribute_type(m, :M)"));
  EXPECT_TRUE(True("attribute_type(ss, :SS)"));
  EXPECT_FALSE(True("attribute_type(absent, :S)"));
  EXPECT_TRUE(True("begins_with(s, :he)"));
  EXPECT_FALSE(True("begins_with(s, :ell)"));
  EXPECT_TRUE(True("begins_with(b, :b12)"));
  EXPECT_TRUE(True("contains(b, :b12)"));
  EXPECT_FALSE(True("contains(b, :he)"));
  EXPECT_FALSE(True("begins_with(n, :he)"));  // not a string
  EXPECT_FALSE(True("begins_with(b, :he)"));  // binary vs string
  EXPECT_TRUE(True("contains(s, :ell)"));
  EXPECT_FALSE(True("contains(s, :q)"));
  EXPECT_TRUE(True("contains(ss, :a)"));
  EXPECT_FALSE(True("contains(ss, :q)"));
  EXPECT_TRUE(True("contains(ns, :two5)"));
  EXPECT_FALSE(True("contains(ns, :two)"));
  EXPECT_TRUE(True("contains(bs, :b1)"));
  EXPECT_TRUE(True("contains(l, :x)"));
  EXPECT_TRUE(True("contains(l, :deep)"));
  EXPECT_FALSE(True("contains(l, :q)"));
  EXPECT_FALSE(True("contains(n, :ten)"));
  EXPECT_FALSE(True("contains(ss, :two)"));  // element of the wrong type
}

TEST_F(EvalTest, Size) {
  EXPECT_TRUE(True("size(s) = :five"));
  EXPECT_TRUE(True("size(b) = :three"));
  EXPECT_TRUE(True("size(l) = :three"));
  EXPECT_TRUE(True("size(m) = :two"));
  EXPECT_TRUE(True("size(ss) = :two"));
  EXPECT_TRUE(True("size(ns) = :two"));
  EXPECT_TRUE(True("size(bs) = :two"));
  EXPECT_TRUE(True("size(uni) = :four"));  // UTF-16 code units: 1 + 1 + 2
  EXPECT_FALSE(True("size(n) = :two"));    // numbers have no size: the comparison is false
  EXPECT_FALSE(True("size(t) = :two"));
  EXPECT_FALSE(True("size(absent) = :two"));
  EXPECT_TRUE(True("size(s) BETWEEN :four AND :ten"));
  EXPECT_TRUE(True("size(:hello) = :five"));
}

TEST(EvalNoItemTest, MissingItemHasNoAttributes) {
  EXPECT_TRUE(Eval("attribute_not_exists(s)", nullptr));
  EXPECT_FALSE(Eval("attribute_exists(s)", nullptr));
  EXPECT_FALSE(Eval("s = :hello", nullptr));
  EXPECT_TRUE(Eval("s <> :hello", nullptr));
  EXPECT_TRUE(Eval(":ten = :ten", nullptr));
  EXPECT_FALSE(Eval("NOT :ten = :ten", nullptr));
}

}  // namespace
}  // namespace skiff::dynamodb::expr
