// Placeholder substitution (#name from ExpressionAttributeNames, :value from
// ExpressionAttributeValues) and the checks that need the substituted values.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "server/dynamodb/expr/ast.h"
#include "server/dynamodb/expr/parser.h"
#include "server/dynamodb/expr/result.h"
#include "server/dynamodb/expr/value.h"

namespace skiff::dynamodb::expr {

using NameMap = std::map<std::string, std::string, std::less<>>;      // "#n" -> attribute name
using ValueMap = std::map<std::string, AttributeValue, std::less<>>;  // ":v" -> value

// A request's ExpressionAttributeNames/Values; either may be null (absent from the request).
struct Placeholders {
  const NameMap* names = nullptr;
  const ValueMap* values = nullptr;
};

// The placeholders the request's expressions used. One Usage is shared by all expressions of a
// request (ConditionExpression + UpdateExpression...), then checked with CheckAllUsed.
struct Usage {
  std::set<std::string> names;
  std::set<std::string> values;
};

// Each Resolve* substitutes in place and records usage. Errors come in DynamoDB's order:
// undefined names, undefined values, overlapping then conflicting update paths, ADD/DELETE
// operand types, operand counts, "requires a document path", operand types, non-distinct
// operands, then the rest (BETWEEN bounds, IN operand count, attribute_type names).
Status ResolveCondition(Condition& c, ExpressionKind kind, const Placeholders& p, Usage& usage);
Status ResolveUpdate(UpdateExpression& u, const Placeholders& p, Usage& usage);
Status ResolveProjection(Projection& proj, const Placeholders& p, Usage& usage);

// "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}" (names are
// checked first, then values).
Status CheckAllUsed(const Placeholders& p, const Usage& usage);

// Parse + resolve in one step.
Result<Condition> CompileCondition(std::string_view text, ExpressionKind kind,
                                   const Placeholders& p, Usage& usage);
Result<UpdateExpression> CompileUpdate(std::string_view text, const Placeholders& p, Usage& usage);
Result<Projection> CompileProjection(std::string_view text, const Placeholders& p, Usage& usage);

}  // namespace skiff::dynamodb::expr
