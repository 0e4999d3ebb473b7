// Evaluation of resolved conditions (ConditionExpression, FilterExpression) against an item.
#pragma once

#include <optional>

#include "server/dynamodb/expr/ast.h"
#include "server/dynamodb/expr/value.h"

namespace skiff::dynamodb::expr {

// The value at path in item, or null when any step is missing or of the wrong type.
const AttributeValue* FindPath(const Item& item, const Path& path);

// Value of an operand: a path's value, a :value, or size(...). nullopt when it has none (a
// missing attribute, size() of a type without a size). size() of a string counts UTF-16 code
// units, as DynamoDB's Java implementation does; of binary, bytes; of sets, lists and maps,
// elements.
std::optional<AttributeValue> EvaluateOperand(const Operand& op, const Item* item);

// DynamoDB semantics: a missing item behaves as an item without attributes; comparing values
// of different types is false except for <>, which is true; <, <=, >, >= and BETWEEN are false
// unless all operands are of one type among N, S and B. Pure: no errors can occur here.
bool Evaluate(const Condition& c, const Item* item);

}  // namespace skiff::dynamodb::expr
