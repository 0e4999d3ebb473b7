// ProjectionExpression application.
#pragma once

#include "server/dynamodb/expr/ast.h"
#include "server/dynamodb/expr/value.h"

namespace skiff::dynamodb::expr {

// The parts of item named by the (resolved) projection. Nested structure is kept: "a.b" yields
// {a: {b: ...}}. List elements picked by index come back as a shorter list in index order
// ("l[3], l[1]" yields l = [l[1], l[3]]), as DynamoDB returns them. Missing paths are skipped.
Item Project(const Projection& projection, const Item& item);

}  // namespace skiff::dynamodb::expr
