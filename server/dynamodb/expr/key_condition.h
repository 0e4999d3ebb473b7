// KeyConditionExpression: a resolved condition checked against the key schema and reduced to
// what a Query needs (an equality on the partition key and at most one sort-key predicate).
#pragma once

#include <optional>
#include <string>

#include "server/dynamodb/expr/ast.h"
#include "server/dynamodb/expr/result.h"
#include "server/dynamodb/expr/value.h"

namespace skiff::dynamodb::expr {

struct KeySchemaNames {
  std::string hash;
  std::optional<std::string> range;
};

struct RangeKeyCondition {
  enum class Op { kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith };
  Op op;
  AttributeValue value;                 // the operand; BETWEEN's lower bound
  std::optional<AttributeValue> upper;  // BETWEEN's upper bound
};

struct KeyCondition {
  AttributeValue hash_value;
  std::optional<RangeKeyCondition> range;
};

// Validates the shape with DynamoDB's messages ("Invalid operator used in
// KeyConditionExpression: OR", "Query condition missed key schema element: pk", "Query key
// condition not supported", ...). Checking value types against the table's attribute
// definitions is the caller's job.
Result<KeyCondition> ToKeyCondition(const Condition& resolved, const KeySchemaNames& schema);

// True when `key` (a sort-key value) satisfies the condition; false for a value of another type.
bool MatchesRange(const RangeKeyCondition& c, const AttributeValue& key);

}  // namespace skiff::dynamodb::expr
