// Application of a resolved UpdateExpression to an item.
#pragma once

#include <set>
#include <string>

#include "server/dynamodb/expr/ast.h"
#include "server/dynamodb/expr/result.h"
#include "server/dynamodb/expr/value.h"

namespace skiff::dynamodb::expr {

struct UpdateOutcome {
  Item item;  // the item after the update
  // Top-level attributes named by the expression's actions.
  std::set<std::string> changed;
};

// `old` is the stored item; for an item that does not exist yet, pass its key attributes (an
// UpdateExpression may read them, "SET a = pk"). Every SET value is computed from `old` before
// any action applies, as DynamoDB does; REMOVE of several elements of one list uses the
// original indexes. Errors are DynamoDB's ValidationExceptions: "The provided expression
// refers to an attribute that does not exist in the item", "An operand in the update
// expression has an incorrect data type", "The document path provided in the update
// expression is invalid for update", and Number overflow/underflow from + and - and ADD.
Result<UpdateOutcome> ApplyUpdate(const UpdateExpression& update, const Item& old);

// ReturnValues UPDATED_OLD (pass the old item) and UPDATED_NEW (pass the new one): only the
// document paths the actions named, nested as in the item ("SET a.b = :v" returns {a: {b: ..}},
// "SET l[1] = :v" returns {l: [..]}), like a ProjectionExpression of those paths.
Item UpdatedAttributes(const UpdateExpression& update, const Item& item);

}  // namespace skiff::dynamodb::expr
