#include "server/dynamodb/expr/update.h"

#include <gtest/gtest.h>

#include "tests/unit/dynamodb/expr/test_util.h"

namespace skiff::dynamodb::expr {
namespace {

using namespace testing;  // NOLINT

const ValueMap& Values() {
  static const ValueMap values{
      {":one", N("1")},          {":s", S("new")},        {":list", L({S("c")})},
      {":ss", SS({"b", "c"})},   {":ns", NS({"1", "3"})}, {":bs", BS({"\x01"})},
      {":big", N("9e125")},      {":str", S("x")},        {":m", M({{"k", S("v")}})},
      {":ssa", SS({"a", "z"})},  {":ssall", SS({"a", "b"})},
  };
  return values;
}

Result<UpdateOutcome> Apply(std::string_view text, const Item& old) {
  static const NameMap names{{"#l", "list"}};
  Usage usage;
  Result<UpdateExpression> u = CompileUpdate(text, {&names, &Values()}, usage);
  EXPECT_TRUE(u.ok()) << text << ": " << u.error().message;
  if (!u.ok()) return u.error();
  return ApplyUpdate(*u, old);
}

Item Base() {
  return Item{{"pk", S("key")},
              {"n", N("10")},
              {"s", S("str")},
              {"list", L({S("a"), S("b")})},
              {"m", M({{"x", N("1")}, {"child", M({})}})},
              {"ss", SS({"a", "b"})},
              {"ns", NS({"1", "2"})},
              {"bs", BS({"\x01", "\x02"})}};
}

std::string ErrorOf(std::string_view text, const Item& old = Base()) {
  Result<UpdateOutcome> r = Apply(text, old);
  return r.ok() ? "ok" : r.error().message;
}

TEST(UpdateTest, SetValuesAndArithmetic) {
  Result<UpdateOutcome> r = Apply("SET a = :s, n = n + :one, c = n - :one, d = :one - n", Base());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->item.at("a"), S("new"));
  EXPECT_EQ(r->item.at("n"), N("11"));
  EXPECT_EQ(r->item.at("c"), N("9"));  // every value is computed from the old item
  EXPECT_EQ(r->item.at("d"), N("-9"));
  EXPECT_EQ(r->changed, (std::set<std::string>{"a", "c", "d", "n"}));
  EXPECT_EQ(r->item.at("s"), S("str"));  // untouched
}

TEST(UpdateTest, IfNotExistsAndListAppend) {
  Result<UpdateOutcome> r = Apply(
      "SET a = if_not_exists(a, :one), n = if_not_exists(n, :one), "
      "#l = list_append(#l, :list), p = list_append(:list, #l), q = if_not_exists(q, :one) + :one",
      Base());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->item.at("a"), N("1"));
  EXPECT_EQ(r->item.at("n"), N("10"));
  EXPECT_EQ(r->item.at("list"), L({S("a"), S("b"), S("c")}));
  EXPECT_EQ(r->item.at("p"), L({S("c"), S("a"), S("b")}));
  EXPECT_EQ(r->item.at("q"), N("2"));
}

TEST(UpdateTest, NestedPathsAndListIndexes) {
  Result<UpdateOutcome> r =
      Apply("SET m.x = :s, m.child.y = :one, m.newkey = :m, #l[0] = :s, #l[5] = :str", Base());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->item.at("m"),
            M({{"x", S("new")}, {"child", M({{"y", N("1")}})}, {"newkey", M({{"k", S("v")}})}}));
  // An index past the end appends.
  EXPECT_EQ(r->item.at("list"), L({S("new"), S("b"), S("x")}));
  EXPECT_EQ(r->changed, (std::set<std::string>{"list", "m"}));
}

TEST(UpdateTest, Remove) {
  Result<UpdateOutcome> r = Apply("REMOVE s, m.x, absent, m.nothing, #l[5]", Base());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->item.count("s"), 0u);
  EXPECT_EQ(r->item.at("m"), M({{"child", M({})}}));
  EXPECT_EQ(r->item.at("list"), L({S("a"), S("b")}));
  // Several indexes of one list refer to the original positions.
  Item old{{"l", L({S("0"), S("1"), S("2"), S("3")})}};
  Result<UpdateOutcome> r2 = Apply("REMOVE l[0], l[2]", old);
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  EXPECT_EQ(r2->item.at("l"), L({S("1"), S("3")}));
}

TEST(UpdateTest, Add) {
  Result<UpdateOutcome> r = Apply("ADD n :one, ss :ss, ns :ns, bs :bs, fresh :one, freshset :ss", Base());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->item.at("n"), N("11"));
  EXPECT_EQ(r->item.at("ss"), SS({"a", "b", "c"}));
  EXPECT_EQ(r->item.at("ns"), NS({"1", "2", "3"}));
  EXPECT_EQ(r->item.at("bs"), BS({"\x01", "\x02"}));
  EXPECT_EQ(r->item.at("fresh"), N("1"));
  EXPECT_EQ(r->item.at("freshset"), SS({"b", "c"}));
  EXPECT_EQ(r->item.at("m"), Base().at("m"));
  Result<UpdateOutcome> nested = Apply("ADD m.x :one, m.y :one", Base());
  ASSERT_TRUE(nested.ok()) << nested.error().message;
  EXPECT_EQ(nested->item.at("m"), M({{"x", N("2")}, {"y", N("1")}, {"child", M({})}}));
}

TEST(UpdateTest, Delete) {
  Result<UpdateOutcome> r = Apply("DELETE ss :ssa, ns :ns, absent :ss", Base());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->item.at("ss"), SS({"b"}));
  EXPECT_EQ(r->item.at("ns"), NS({"2"}));
  EXPECT_EQ(r->item.count("absent"), 0u);
  // Removing every element removes the attribute: DynamoDB has no empty sets.
  Result<UpdateOutcome> all = Apply("DELETE ss :ssall", Base());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->item.count("ss"), 0u);
}

TEST(UpdateTest, ReadsKeyAttributesOfANewItem) {
  Item key{{"pk", S("key")}};
  Result<UpdateOutcome> r = Apply("SET cp = pk", key);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->item.at("cp"), S("key"));
}

// ReturnValues UPDATED_OLD/UPDATED_NEW project the updated paths (cases observed on DynamoDB
// by Alternator's test_update_item_returnvalues_nested).
TEST(UpdateTest, UpdatedAttributesProjectTheActionPaths) {
  Item old{{"p", S("k")}, {"a", M({{"b", S("dog")}, {"c", L({N("1"), N("2"), N("3")})}})}, {"d", S("cat")}};
  auto updated = [&](std::string_view text, bool new_values) {
    static const NameMap names;
    static const ValueMap values{{":val", N("7")}, {":val2", S("dog")}};
    Usage usage;
    Result<UpdateExpression> u = CompileUpdate(text, {&names, &values}, usage);
    EXPECT_TRUE(u.ok()) << text;
    Result<UpdateOutcome> r = ApplyUpdate(*u, old);
    EXPECT_TRUE(r.ok()) << text;
    return UpdatedAttributes(*u, new_values ? r->item : old);
  };
  EXPECT_EQ(updated("SET a.b = :val2", false), (Item{{"a", M({{"b", S("dog")}})}}));
  EXPECT_EQ(updated("SET a.c[1] = :val", false), (Item{{"a", M({{"c", L({N("2")})}})}}));
  EXPECT_EQ(updated("SET a.c[1] = :val, a.b = :val2", true),
            (Item{{"a", M({{"b", S("dog")}, {"c", L({N("7")})}})}}));
  EXPECT_EQ(updated("REMOVE a.c[1], a.c[3]", false), (Item{{"a", M({{"c", L({N("2")})}})}}));
  EXPECT_EQ(updated("SET a.x1 = :val", false), Item{});
  EXPECT_EQ(updated("SET a.x2 = :val", true), (Item{{"a", M({{"x2", N("7")}})}}));
  EXPECT_EQ(updated("SET a.c[100] = :val", true), Item{});  // appended at [3], not at [100]
  EXPECT_EQ(updated("REMOVE a.c[1]", true), (Item{{"a", M({{"c", L({N("3")})}})}}));
  EXPECT_EQ(updated("SET d = :val", true), (Item{{"d", N("7")}}));
}

TEST(UpdateTest, RuntimeErrors) {
  const std::string absent = "The provided expression refers to an attribute that does not exist in the item";
  const std::string type = "An operand in the update expression has an incorrect data type";
  const std::string path = "The document path provided in the update expression is invalid for update";
  EXPECT_EQ(ErrorOf("SET c = nothing"), absent);
  EXPECT_EQ(ErrorOf("SET c = list_append(nothing, :list)"), absent);
  EXPECT_EQ(ErrorOf("SET c = nothing + :one"), absent);
  EXPECT_EQ(ErrorOf("SET c = s + :one"), type);
  EXPECT_EQ(ErrorOf("SET c = m - :one"), type);
  EXPECT_EQ(ErrorOf("SET c = list_append(s, :list)"), type);
  EXPECT_EQ(ErrorOf("SET c = list_append(ss, if_not_exists(f, :list))"), type);
  EXPECT_EQ(ErrorOf("ADD s :one"), type);
  EXPECT_EQ(ErrorOf("ADD ss :ns"), type);
  EXPECT_EQ(ErrorOf("ADD n :ss"), type);
  EXPECT_EQ(ErrorOf("DELETE ss :ns"), type);
  EXPECT_EQ(ErrorOf("DELETE n :ns"), type);
  for (const char* s : {"SET nothing.a = :one", "SET nothing[1] = :one", "SET s.a = :one",
                        "SET s[0] = :one", "SET m[0] = :one", "SET #l.a = :one",
                        "SET m.nothing.deeper = :one", "REMOVE nothing.a", "REMOVE s[1]",
                        "REMOVE m[1]", "REMOVE #l.x", "ADD nothing.a :one", "ADD s[1] :one",
                        "DELETE nothing.a :ss", "DELETE m[1] :ss"}) {
    EXPECT_EQ(ErrorOf(s), path) << s;
  }
  AttributeValue deep = S("leaf");
  for (int i = 0; i < kMaxContainerDepth; ++i) deep = M({{"n", deep}});
  Item nested{{"d", M({{"x", N("1")}})}};
  {
    static const NameMap names;
    const ValueMap values{{":deep", deep}};
    Usage usage;
    Result<UpdateExpression> u = CompileUpdate("SET d.x = :deep", {&names, &values}, usage);
    ASSERT_TRUE(u.ok());
    Result<UpdateOutcome> r = ApplyUpdate(*u, nested);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, kNestingTooDeep);
    Result<UpdateExpression> top = CompileUpdate("SET e = :deep", {&names, &values}, usage);
    ASSERT_TRUE(top.ok());
    EXPECT_TRUE(ApplyUpdate(*top, nested).ok());
  }
  EXPECT_EQ(ErrorOf("SET n = :big + :big"),
            "Number overflow. Attempting to store a number with magnitude larger than supported range");
  EXPECT_EQ(ErrorOf("ADD n :big, c :one", Item{{"n", N("9e125")}}),
            "Number overflow. Attempting to store a number with magnitude larger than supported range");
}

}  // namespace
}  // namespace skiff::dynamodb::expr
