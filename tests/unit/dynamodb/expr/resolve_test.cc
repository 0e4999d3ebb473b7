#include "server/dynamodb/expr/resolve.h"

#include <gtest/gtest.h>

#include "tests/unit/dynamodb/expr/test_util.h"

namespace skiff::dynamodb::expr {
namespace {

using namespace testing;  // NOLINT

std::string FilterError(std::string_view text, const ValueMap& values = {},
                        const NameMap& names = {{"#a", "a"}}) {
  Usage usage;
  Result<Condition> r = CompileCondition(text, ExpressionKind::kFilter, {&names, &values}, usage);
  return r.ok() ? "ok" : r.error().message;
}

std::string UpdateError(std::string_view text, const ValueMap& values = {},
                        const NameMap& names = {}) {
  Usage usage;
  Result<UpdateExpression> r = CompileUpdate(text, {&names, &values}, usage);
  return r.ok() ? "ok" : r.error().message;
}

TEST(ResolveTest, SubstitutesNamesAndValuesAndRecordsUsage) {
  NameMap names{{"#k", "key"}, {"#x", "unused"}};
  ValueMap values{{":v", S("a")}, {":w", N("1")}};
  Usage usage;
  Placeholders p{&names, &values};
  Result<Condition> r = CompileCondition("#k.b = :v", ExpressionKind::kCondition, p, usage);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Comparison& c = std::get<Comparison>(r->v);
  const Path& path = std::get<Path>(c.left.v);
  EXPECT_EQ(path.elements[0].name, "key");
  EXPECT_FALSE(path.elements[0].placeholder);
  EXPECT_EQ(std::get<ValueRef>(c.right.v).value, S("a"));
  EXPECT_EQ(usage.names, std::set<std::string>{"#k"});
  EXPECT_EQ(usage.values, std::set<std::string>{":v"});
  Status s = CheckAllUsed(p, usage);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}");
  // A second expression of the same request uses the rest.
  ASSERT_TRUE(CompileUpdate("SET #x = :w", p, usage).ok());
  EXPECT_TRUE(CheckAllUsed(p, usage).ok());
}

TEST(ResolveTest, ReferencedAttributes) {
  NameMap names{{"#k", "key"}};
  ValueMap values{{":v", S("a")}};
  Usage usage;
  Result<Condition> r = CompileCondition(
      "#k.b = :v AND (size(l[0]) > :v OR NOT contains(s, :v)) AND x BETWEEN y AND z AND w IN (:v, u)",
      ExpressionKind::kFilter, {&names, &values}, usage);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(ReferencedAttributes(*r),
            (std::set<std::string>{"key", "l", "s", "u", "w", "x", "y", "z"}));
}

TEST(ResolveTest, UnusedValuesListAllKeys) {
  ValueMap values{{":a", S("a")}, {":b", S("a")}, {":c", S("a")}};
  Usage usage;
  Placeholders p{nullptr, &values};
  ASSERT_TRUE(CompileCondition("a = :b", ExpressionKind::kCondition, p, usage).ok());
  Status s = CheckAllUsed(p, usage);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:a, :c}");
  EXPECT_TRUE(CheckAllUsed({}, Usage{}).ok());
}

TEST(ResolveTest, UndefinedPlaceholders) {
  const std::string prefix = "Invalid FilterExpression: ";
  for (auto [expr, name] : std::vector<std::pair<const char*, const char*>>{
           {"attribute_exists(#Pictures.RearView, :a) and a=a", "#Pictures"},
           {"begins_with(Pictures.#RearView)", "#RearView"},
           {"(#P between :lo and :hi) and (#PC in (:cat1, :cat2))", "#P"},
           {"#4g > a", "#4g"},
           {"#_ > a", "#_"},
           {"(a)between(b.c[45].#d)and(:a)", "#d"}}) {
    EXPECT_EQ(FilterError(expr), prefix + "An expression attribute name used in the document path "
                                          "is not defined; attribute name: " + name) << expr;
  }
  for (auto [expr, value] : std::vector<std::pair<const char*, const char*>>{
           {"begins_with(:hello, #a, #b)", ":hello"}, {":a < :b", ":a"}, {":_ > a", ":_"}}) {
    EXPECT_EQ(FilterError(expr, {}, {{"#a", "a"}, {"#b", "b"}}),
              prefix + "An expression attribute value used in expression is not defined; "
                       "attribute value: " + value) << expr;
  }
  EXPECT_EQ(FilterError("#x = :v", {{":v", S("x")}}, {}),
            prefix + "An expression attribute name used in the document path is not defined; attribute name: #x");
}

TEST(ResolveTest, FunctionOperandChecks) {
  const std::string prefix = "Invalid FilterExpression: ";
  for (auto [expr, fn, count] : std::vector<std::tuple<const char*, const char*, int>>{
           {"attribute_exists(things, a) and a=a", "attribute_exists", 2},
           {"attribute_not_exists(things, b)", "attribute_not_exists", 2},
           {"attribute_type(things)", "attribute_type", 1},
           {"begins_with(things)", "begins_with", 1},
           {"begins_with(things, size(a), b)", "begins_with", 3},
           {"contains(things)", "contains", 1},
           {"size(things, a) > b", "size", 2}}) {
    EXPECT_EQ(FilterError(expr), prefix + "Incorrect number of operands for operator or function; "
                                          "operator or function: " + fn + ", number of operands: " +
                                          std::to_string(count)) << expr;
  }
  const std::string type = prefix + "Incorrect operand type for operator or function; operator or function: ";
  EXPECT_EQ(FilterError("attribute_type(a, :a)", {{":a", N("1")}}), type + "attribute_type, operand type: N");
  EXPECT_EQ(FilterError("attribute_type(a, size(a)) and a=a and a=:a", {{":a", N("1")}}),
            type + "attribute_type, operand type: N");
  EXPECT_EQ(FilterError("attribute_type(a, :a)", {{":a", L({})}}), type + "attribute_type, operand type: L");
  EXPECT_EQ(FilterError("begins_with(a, :a)", {{":a", Bool(true)}}), type + "begins_with, operand type: BOOL");
  EXPECT_EQ(FilterError("begins_with(:a, a)", {{":a", SS({"1"})}}), type + "begins_with, operand type: SS");
  EXPECT_EQ(FilterError("begins_with(a, size(a)) and a=:a", {{":a", N("1")}}), type + "begins_with, operand type: N");
  EXPECT_EQ(FilterError("size(size(a)) > :a", {{":a", N("1")}}), type + "size, operand type: N");
  EXPECT_EQ(FilterError("size(:a) > a", {{":a", Null()}}), type + "size, operand type: NULL");
  EXPECT_EQ(FilterError("size(:a) > a", {{":a", S("abc")}}), "ok");
  EXPECT_EQ(FilterError("attribute_type(a, :a)", {{":a", S("1")}}),
            prefix + "Invalid attribute type name found; type: 1, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
  EXPECT_EQ(FilterError("attribute_type(a, :a)", {{":a", S("SS")}}), "ok");
  EXPECT_EQ(FilterError("a < :a", {{":a", Bool(true)}}), type + "<, operand type: BOOL");
  EXPECT_EQ(FilterError(":a >= a", {{":a", L({})}}), type + ">=, operand type: L");
  EXPECT_EQ(FilterError("a BETWEEN :a AND :b", {{":a", SS({"x"})}, {":b", SS({"y"})}}),
            type + "BETWEEN, operand type: SS");
  EXPECT_EQ(FilterError("a = :a", {{":a", Bool(true)}}), "ok");
  EXPECT_EQ(FilterError("size(a) > :a", {{":a", N("1")}}), "ok");
  const std::string path = prefix + "Operator or function requires a document path; operator or function: ";
  EXPECT_EQ(FilterError("attribute_exists(:a) and a=a", {{":a", S("1")}}), path + "attribute_exists");
  EXPECT_EQ(FilterError("attribute_not_exists(size(:a))", {{":a", S("1")}}), path + "attribute_not_exists");
}

TEST(ResolveTest, DistinctOperandsAndBounds) {
  const std::string prefix =
      "Invalid FilterExpression: The first operand must be distinct from the remaining operands "
      "for this operator or function; operator: ";
  EXPECT_EQ(FilterError("a = a AND #a = b AND :views > a", {{":views", N("1")}}), prefix + "=, first operand: [a]");
  EXPECT_EQ(FilterError("#a <> a"), prefix + "<>, first operand: [a]");
  EXPECT_EQ(FilterError("a > #a"), prefix + ">, first operand: [a]");
  EXPECT_EQ(FilterError("contains(ab.bc[1].a, ab.bc[1].#a)"), prefix + "contains, first operand: [ab, bc, [1], a]");
  EXPECT_EQ(FilterError("begins_with(ab.bc[1].a, ab.bc[1].#a)"), prefix + "begins_with, first operand: [ab, bc, [1], a]");
  EXPECT_EQ(FilterError(":a > :a", {{":a", N("1")}}), "ok");
  EXPECT_EQ(FilterError("a BETWEEN :hi AND :lo", {{":lo", N("1")}, {":hi", N("2")}}),
            "Invalid FilterExpression: The BETWEEN operator requires upper bound to be greater than "
            "or equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound "
            "operand: AttributeValue: {N:1}");
  EXPECT_EQ(FilterError("a between :b and :a", {{":a", S("a")}, {":b", S("b")}}),
            "Invalid FilterExpression: The BETWEEN operator requires upper bound to be greater than "
            "or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound "
            "operand: AttributeValue: {S:a}");
  EXPECT_EQ(FilterError("a between :b and :a", {{":a", S("a")}, {":b", N("1")}}),
            "Invalid FilterExpression: The BETWEEN operator requires same data type for lower and "
            "upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: "
            "AttributeValue: {S:a}");
  EXPECT_EQ(FilterError("a BETWEEN :lo AND :hi", {{":lo", N("1")}, {":hi", N("1")}}), "ok");
  std::string in = "a IN (:v";
  for (int i = 1; i < 101; ++i) in += ", :v";
  EXPECT_EQ(FilterError(in + ")", {{":v", N("1")}}),
            "Invalid FilterExpression: The IN operator is provided with too many operands; number of operands: 101");
  EXPECT_EQ(FilterError(in.substr(0, in.size() - 4) + ")", {{":v", N("1")}}), "ok");  // 100 operands
}

TEST(ResolveTest, UpdateChecks) {
  const std::string prefix = "Invalid UpdateExpression: ";
  NameMap names{{"#c", "c"}, {"#d", "[3]"}};
  EXPECT_EQ(UpdateError("set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a)", {}, names),
            prefix + "Two document paths overlap with each other; must remove or rewrite one of "
                     "these paths; path one: [c, [1], a], path two: [c]");
  EXPECT_EQ(UpdateError("set #c[3].#d = a, #c[3] = a", {}, names),
            prefix + "Two document paths overlap with each other; must remove or rewrite one of "
                     "these paths; path one: [c, [3], [3]], path two: [c, [3]]");
  EXPECT_EQ(UpdateError("set a = :v, a = :v", {{":v", N("1")}}),
            prefix + "Two document paths overlap with each other; must remove or rewrite one of "
                     "these paths; path one: [a], path two: [a]");
  EXPECT_EQ(UpdateError("remove a.#c set a[1] = #d", {}, names),
            prefix + "Two document paths conflict with each other; must remove or rewrite one of "
                     "these paths; path one: [a, c], path two: [a, [1]]");
  EXPECT_EQ(UpdateError("set a.b = :v, a.c = :v, l[0] = :v, l[1] = :v", {{":v", N("1")}}), "ok");
  const std::string op = prefix + "Incorrect operand type for operator or function; operator: ";
  EXPECT_EQ(UpdateError("set b = list_append(:a, a), c = if_not_exists(a) add a.b :a", {{":a", S("a")}}),
            op + "ADD, operand type: STRING");
  EXPECT_EQ(UpdateError("delete a.b :a", {{":a", N("1")}}), op + "DELETE, operand type: NUMBER");
  EXPECT_EQ(UpdateError("add a.b :a", {{":a", Bool(false)}}), op + "ADD, operand type: BOOLEAN");
  EXPECT_EQ(UpdateError("add a.b :a", {{":a", M({})}}), op + "ADD, operand type: MAP");
  EXPECT_EQ(UpdateError("delete a.b :a", {{":a", L({})}}), op + "DELETE, operand type: LIST");
  EXPECT_EQ(UpdateError("add a :a, b :b delete c :b", {{":a", N("1")}, {":b", SS({"x"})}}), "ok");
  EXPECT_EQ(UpdateError("set a = if_not_exists(c)"),
            prefix + "Incorrect number of operands for operator or function; operator or function: "
                     "if_not_exists, number of operands: 1");
  EXPECT_EQ(UpdateError("set a = list_append(c)"),
            prefix + "Incorrect number of operands for operator or function; operator or function: "
                     "list_append, number of operands: 1");
  EXPECT_EQ(UpdateError("set a = if_not_exists(:a, c)", {{":a", S("a")}}),
            prefix + "Operator or function requires a document path; operator or function: if_not_exists");
  EXPECT_EQ(UpdateError("set a = if_not_exists(if_not_exists(a, b), c)"),
            prefix + "Operator or function requires a document path; operator or function: if_not_exists");
  const std::string type = prefix + "Incorrect operand type for operator or function; operator or function: ";
  EXPECT_EQ(UpdateError("set a = list_append(:a, a)", {{":a", S("a")}}), type + "list_append, operand type: S");
  EXPECT_EQ(UpdateError("set a = list_append(a, :b)", {{":b", N("1")}}), type + "list_append, operand type: N");
  EXPECT_EQ(UpdateError("set a = a + :a", {{":a", S("a")}}), type + "+, operand type: S");
  EXPECT_EQ(UpdateError("set a = :c + a", {{":c", B("a")}}), type + "+, operand type: B");
  EXPECT_EQ(UpdateError("set a = a - :j", {{":j", L({})}}), type + "-, operand type: L");
  EXPECT_EQ(UpdateError("set a = list_append(a, b) + :n", {{":n", N("1")}}), type + "+, operand type: L");
  EXPECT_EQ(UpdateError("SET #c = if_not_exists(:c)", {{":a", S("a")}}, {{"#a", "a"}}),
            prefix + "An expression attribute name used in the document path is not defined; attribute name: #c");
  EXPECT_EQ(UpdateError("SET #a = if_not_exists(:c)", {{":a", S("a")}}, {{"#a", "a"}}),
            prefix + "An expression attribute value used in expression is not defined; attribute value: :c");
}

TEST(ResolveTest, ProjectionOverlap) {
  NameMap names{{"#n", "a"}};
  Usage usage;
  Result<Projection> r = CompileProjection("a.b, #n", {&names, nullptr}, usage);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "Invalid ProjectionExpression: Two document paths overlap with each other; must remove "
            "or rewrite one of these paths; path one: [a, b], path two: [a]");
  Result<Projection> ok = CompileProjection("a.b, a.c, #n2", {nullptr, nullptr}, usage);
  ASSERT_FALSE(ok.ok());
  EXPECT_EQ(ok.error().message,
            "Invalid ProjectionExpression: An expression attribute name used in the document path is "
            "not defined; attribute name: #n2");
}

}  // namespace
}  // namespace skiff::dynamodb::expr
