// ExpressionAttributeNames / ExpressionAttributeValues of a request, from JSON, with DynamoDB's
// validation messages. The expression layer (expr/resolve.h) consumes the results.
#pragma once

#include <rapidjson/document.h>

#include "server/dynamodb/expr/resolve.h"
#include "server/dynamodb/expr/result.h"

namespace skiff::dynamodb {

// `json` is the member's value. Errors: "ExpressionAttributeNames must not be empty",
// "ExpressionAttributeNames contains invalid key: Syntax error; key: \"a\"" (keys are # followed
// by letters, digits or underscores).
Result<expr::NameMap> ExpressionAttributeNamesFromJson(const rapidjson::Value& json);

// As above for ":v" keys; a bad value is reported as "ExpressionAttributeValues contains
// invalid value: <AttributeValue message> for key :v". All keys are checked before any value.
Result<expr::ValueMap> ExpressionAttributeValuesFromJson(const rapidjson::Value& json);

}  // namespace skiff::dynamodb
