// DynamoDB's reserved words: attribute names that expressions may only use through
// ExpressionAttributeNames ("Attribute name is a reserved keyword; reserved keyword: X").
#pragma once

#include <string_view>

namespace skiff::dynamodb::expr {

// Case-insensitive.
bool IsReservedWord(std::string_view word);

}  // namespace skiff::dynamodb::expr
