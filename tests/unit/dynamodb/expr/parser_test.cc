#include "server/dynamodb/expr/parser.h"

#include <gtest/gtest.h>

namespace skiff::dynamodb::expr {
namespace {

std::string CondError(std::string_view text, ExpressionKind kind = ExpressionKind::kFilter) {
  Result<Condition> r = ParseCondition(text, kind);
  return r.ok() ? "ok" : r.error().message;
}

std::string UpdateError(std::string_view text) {
  Result<UpdateExpression> r = ParseUpdate(text);
  return r.ok() ? "ok" : r.error().message;
}

std::string ProjectionError(std::string_view text) {
  Result<Projection> r = ParseProjection(text);
  return r.ok() ? "ok" : r.error().message;
}

TEST(ConditionParserTest, AcceptsTheGrammar) {
  for (const char* s : {
           "a = :v", "a <> :v", "a < :v", "a <= :v", "a > :v", "a >= :v", "#n = :v",
           "a.b[2].c = :v", "a BETWEEN :lo AND :hi", "a between :lo and :hi", "a IN (:x)",
           "a in (:x, :y, b.c)", "attribute_exists(a)", "attribute_not_exists(#a.b)",
           "attribute_type(a, :t)", "begins_with(a, :p)", "contains(a, :x)", "size(a) > :n",
           "NOT a = :v", "not not a = :v", "a = :v AND b = :w OR c = :x",
           "(a = :v OR b = :w) AND NOT (c = :x)", "(a)between(:b)and(:c)", "(a) = (b)",
           "size(a.b[0]) BETWEEN :x AND size(c)", "a=:v", "  a  =  :v  ", "x1_Y = :v_1",
           "(attribute_exists(a))", "contains(size(a), :v)", "a = a"}) {
    EXPECT_EQ(CondError(s), "ok") << s;
  }
}

TEST(ConditionParserTest, TreeShapeAndPrecedence) {
  Result<Condition> r = ParseCondition("a = :v OR b = :w AND NOT c = :x", ExpressionKind::kCondition);
  ASSERT_TRUE(r.ok());
  const Or* top = std::get_if<Or>(&r->v);
  ASSERT_NE(top, nullptr);  // OR binds loosest
  EXPECT_TRUE(std::holds_alternative<Comparison>(top->left->v));
  const And* right = std::get_if<And>(&top->right->v);
  ASSERT_NE(right, nullptr);
  EXPECT_TRUE(std::holds_alternative<Not>(right->right->v));

  Result<Condition> path = ParseCondition("a.b[12].#c = :v", ExpressionKind::kCondition);
  ASSERT_TRUE(path.ok());
  const Path& p = std::get<Path>(std::get<Comparison>(path->v).left.v);
  ASSERT_EQ(p.elements.size(), 4u);
  EXPECT_EQ(p.elements[2].kind, PathElement::Kind::kIndex);
  EXPECT_EQ(p.elements[2].index, 12u);
  EXPECT_TRUE(p.elements[3].placeholder);
  EXPECT_EQ(PathToMessage(p), "[a, b, [12], #c]");
}

TEST(ConditionParserTest, SyntaxErrorsQuoteTokenAndContext) {
  EXPECT_EQ(CondError("foo", ExpressionKind::kCondition),
            "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"foo\"");
  EXPECT_EQ(CondError(":hashId a", ExpressionKind::kKeyCondition),
            "Invalid KeyConditionExpression: Syntax error; token: \"a\", near: \":hashId a\"");
  EXPECT_EQ(CondError("s == :v", ExpressionKind::kCondition),
            "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"== :v\"");
  EXPECT_EQ(CondError("pk = !!", ExpressionKind::kCondition),
            "Invalid ConditionExpression: Syntax error; token: \"!\", near: \"= !!\"");
  EXPECT_EQ(CondError("a = :v +"),
            "Invalid FilterExpression: Syntax error; token: \"+\", near: \":v +\"");
  for (const char* s : {"things are not gonna be ok", "a > 4", "attribute_exists(Pictures-RearView)",
                        "attribute_exists(\"Pictures.RearView\")", "attribute_exists(Pictures..RearView)",
                        "attribute_exists(Pi#ctures.RearView)", "attribute_exists(asdf[a])",
                        "a in b, c", "a > between", "a in b", "a in (b,c,)",
                        "(a)between(b.(c.d))and(c)", "(a)between(b.c.d)and((c)", "#$.b > a",
                        "a > :things.stuff", "b[:a] > a", "b[#_] > a", "\xc3\xbc > a",
                        "(a)between(b.c[4.5].#d)and(:a)", "size(a).b > a", "(size(a)).b > a",
                        "size(a)[0] > a", "(size(a))[0] > a", "a", "a = ", "(a = :v", "a = :v)",
                        "a[99999999999] = :v", "f()", "a = :v AND", "NOT"}) {
    EXPECT_EQ(CondError(s).rfind("Invalid FilterExpression: Syntax error; token: ", 0), 0u) << s << " -> " << CondError(s);
  }
}

TEST(ConditionParserTest, RedundantParentheses) {
  for (const char* s : {"a=a and a > ((views))", "(a)between(((b.c)).d)and(c)",
                        "a > whatever((:things), ((a)))", "a=a AND ((a=a AND a=a)) AND a=a",
                        "a=a OR ((a=a OR a=a)) OR a=a", "a=a AND ((a=a AND (a=a AND a=a)))",
                        "((a = :v))"}) {
    EXPECT_EQ(CondError(s), "Invalid FilterExpression: The expression has redundant parentheses;") << s;
  }
}

TEST(ConditionParserTest, FunctionNamesAndPlacement) {
  EXPECT_EQ(CondError("a=a and whatever((:things)) > a"),
            "Invalid FilterExpression: Invalid function name; function: whatever");
  EXPECT_EQ(CondError("attRIbute_exIsts((views), #a)"),
            "Invalid FilterExpression: Invalid function name; function: attRIbute_exIsts");
  const std::string misuse =
      "Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: ";
  EXPECT_EQ(CondError("a=a and attribute_exists((views), (#a)) > b"), misuse + "attribute_exists");
  EXPECT_EQ(CondError("attribute_not_exists(things) > b"), misuse + "attribute_not_exists");
  EXPECT_EQ(CondError("begins_with(things, a) > b"), misuse + "begins_with");
  EXPECT_EQ(CondError("size(contains(a, b)) > a"), misuse + "contains");
  EXPECT_EQ(CondError("size(things)"), misuse + "size");
  EXPECT_EQ(CondError("a between b and attribute_exists(things)"), misuse + "attribute_exists");
  EXPECT_EQ(CondError("a in (b, attribute_exists(things))"), misuse + "attribute_exists");
  EXPECT_EQ(CondError("if_not_exists(a, :v) = :v", ExpressionKind::kCondition),
            "Invalid ConditionExpression: The function is not allowed in a condition expression; "
            "function: if_not_exists");
}

TEST(ConditionParserTest, ReservedWords) {
  EXPECT_EQ(CondError("attribute_exists(views, #a)"),
            "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: views");
  EXPECT_EQ(CondError(":a < abOrT"),
            "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: abOrT");
  EXPECT_EQ(CondError("a.size = :v"),
            "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: size");
  EXPECT_EQ(CondError("#size = :v"), "ok");
}

TEST(ConditionParserTest, Limits) {
  EXPECT_EQ(CondError("", ExpressionKind::kCondition),
            "Invalid ConditionExpression: The expression can not be empty;");
  std::string big = "a = :v";
  while (big.size() <= kMaxExpressionBytes) big += " OR a = :v";
  EXPECT_EQ(CondError(big), "Invalid FilterExpression: Expression size has exceeded the maximum "
                            "allowed size; expression size: " + std::to_string(big.size()));
  std::string exact = "a = :v";
  exact += std::string(kMaxExpressionBytes - exact.size(), ' ');
  EXPECT_EQ(CondError(exact), "ok");
  // Nesting deeper than the cap is refused instead of recursing without bound.
  std::string deep;
  for (int i = 0; i < 150; ++i) deep += "NOT ";
  EXPECT_EQ(CondError(deep + "a = :v"), "ok");
  std::string too_deep;
  for (int i = 0; i < 1000; ++i) too_deep += "NOT ";
  EXPECT_EQ(CondError(too_deep + "a = :v").rfind("Invalid FilterExpression: Syntax error; token: \"NOT\"", 0), 0u);
  std::string nested = "a = :v";
  for (int i = 0; i < 100; ++i) nested = "(" + nested + " AND b = :w)";
  EXPECT_EQ(CondError(nested), "ok");
  // Deep parentheses are refused quickly (the parser backtracks at each "(").
  std::string parens = std::string(2000, '(') + "a = :v" + std::string(2000, ')');
  EXPECT_EQ(CondError(parens).rfind("Invalid FilterExpression: Syntax error; token: \"(\"", 0), 0u)
      << CondError(parens);
  // At most 300 operators and functions.
  std::string ops = "a = :v";
  for (int i = 1; i < 150; ++i) ops += " OR a = :v";
  EXPECT_EQ(CondError(ops), "ok");  // 150 comparisons + 149 ORs
  EXPECT_EQ(CondError(ops + " OR a = :v"),
            "Invalid FilterExpression: The expression contains too many operators; operator count: 301");
  std::string path = "a";
  for (int i = 1; i < 32; ++i) path += ".b";
  EXPECT_EQ(CondError(path + " = :v"), "ok");
  EXPECT_EQ(CondError(path + ".c = :v"),
            "Invalid FilterExpression: The document path has too many nesting levels; nesting levels: 33");
}

TEST(UpdateParserTest, AcceptsAllClauses) {
  Result<UpdateExpression> r = ParseUpdate(
      "SET a = :v, b.c[1] = b.c[1] + :one, d = if_not_exists(d, :z) - :one, "
      "l = list_append(l, :items) REMOVE x, y[2] ADD n :one, s :set DELETE t :set");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->actions.size(), 9u);
  const SetAction& inc = std::get<SetAction>(r->actions[1]);
  EXPECT_EQ(inc.op, '+');
  EXPECT_TRUE(inc.right.has_value());
  EXPECT_TRUE(std::holds_alternative<RemoveAction>(r->actions[5]));
  EXPECT_TRUE(std::holds_alternative<DeleteAction>(r->actions[8]));
  EXPECT_EQ(UpdateError("set a = :v remove b add c :w delete d :x"), "ok");
  EXPECT_EQ(UpdateError("remove a set b = list_append(b, if_not_exists(a, :a))"), "ok");
}

TEST(UpdateParserTest, SyntaxErrors) {
  for (const char* s : {"whatever", "set a", "add a", "delete a", "set a=set", "remove a = b",
                        "add a = b", "delete a = b", "delete a b", "delete a if_not_exist(b)",
                        "add abort b", "add a if_not_exist(b)", "remove a b", "set a b",
                        "set :a = b", "add :a b", "delete :a b", "remove :a", "set a = b / c",
                        "set a = b * c", "set a[1] = \"eight\"", "set a[1] = 1",
                        "SET if_not_exist(a, b) = a", "set (a = (b + c))", "set a = (b.c).d + e",
                        "set a = (b.c)[0] + e", "set a = b + c + d", "SET a = :v,", "SET"}) {
    EXPECT_EQ(UpdateError(s).rfind("Invalid UpdateExpression: Syntax error; token: ", 0), 0u)
        << s << " -> " << UpdateError(s);
  }
  EXPECT_EQ(UpdateError("SET path = VALUE 1"),
            "Invalid UpdateExpression: Syntax error; token: \"1\", near: \"VALUE 1\"");
}

TEST(UpdateParserTest, ClausesOnceFunctionsAndReservedWords) {
  EXPECT_EQ(UpdateError("set a = #c set c = :d"),
            "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;");
  EXPECT_EQ(UpdateError("remove #d set a = b remove e"),
            "Invalid UpdateExpression: The \"REMOVE\" section can only be used once in an update expression;");
  EXPECT_EQ(UpdateError("add #d :e set a = b add e :f"),
            "Invalid UpdateExpression: The \"ADD\" section can only be used once in an update expression;");
  EXPECT_EQ(UpdateError("delete #d :e set a = b delete #e :f"),
            "Invalid UpdateExpression: The \"DELETE\" section can only be used once in an update expression;");
  EXPECT_EQ(UpdateError(" set #c = :c set abOrt = true "),
            "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: abOrt");
  EXPECT_EQ(UpdateError(" remove Absolute "),
            "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Absolute");
  EXPECT_EQ(UpdateError("set #c = if_not_exist(:c) set c = d"),
            "Invalid UpdateExpression: Invalid function name; function: if_not_exist");
  EXPECT_EQ(UpdateError("set a = size(b)"),
            "Invalid UpdateExpression: The function is not allowed in an update expression; function: size");
  EXPECT_EQ(UpdateError(""), "Invalid UpdateExpression: The expression can not be empty;");
}

TEST(ProjectionParserTest, PathsAndErrors) {
  Result<Projection> r = ParseProjection("a, b.c, #d[3]");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->paths.size(), 3u);
  EXPECT_EQ(ProjectionError("a,"), "Invalid ProjectionExpression: Syntax error; token: \"<EOF>\", near: \",\"");
  EXPECT_EQ(ProjectionError("!!!"), "Invalid ProjectionExpression: Syntax error; token: \"!\", near: \"!!\"");
  for (const char* s : {"whatever(stuff)", ":a", "abort,", "a,,b", "a..b", "a[b]", "(a.b).c", "(a)",
                        "(a),(b)", "(a,b)", "a-b", "a b", "a[]", "a[-1]"}) {
    EXPECT_EQ(ProjectionError(s).rfind("Invalid ProjectionExpression: Syntax error; token: ", 0), 0u)
        << s << " -> " << ProjectionError(s);
  }
  EXPECT_EQ(ProjectionError("(a1)"), "Invalid ProjectionExpression: Syntax error; token: \"(\", near: \"(a1\"");
  EXPECT_EQ(ProjectionError("a, name"),
            "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name");
  EXPECT_EQ(ProjectionError(""), "Invalid ProjectionExpression: The expression can not be empty;");
  EXPECT_EQ(ProjectionError(" \t "), "Invalid ProjectionExpression: The expression can not be empty;");
}

}  // namespace
}  // namespace skiff::dynamodb::expr
