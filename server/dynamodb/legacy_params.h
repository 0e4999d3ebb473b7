// DynamoDB's legacy (pre-expression) conditional parameters: Expected, AttributeUpdates,
// KeyConditions, QueryFilter, ScanFilter (with ConditionalOperator). DynamoDB still accepts
// them; Skiff translates them into the equivalent expressions with generated placeholders, the
// way AWS's own DAX client does, so that one evaluator serves both forms.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "server/dynamodb/expr/resolve.h"
#include "server/dynamodb/protocol.h"

namespace skiff::dynamodb {

struct LegacyTranslation {
  // Expression member ("ConditionExpression", "UpdateExpression", "KeyConditionExpression",
  // "FilterExpression") -> generated expression text.
  std::map<std::string, std::string, std::less<>> texts;
  expr::NameMap names;
  expr::ValueMap values;
  bool any() const { return !texts.empty(); }
};

// Refuses a request mixing legacy and expression parameters ("Can not use both expression and
// non-expression parameters in the same request: ..."), then translates the legacy members of
// `accepted` that are present. Validation messages are DynamoDB's.
LegacyTranslation TranslateLegacy(const JsonValue& input,
                                  std::initializer_list<std::string_view> accepted);

}  // namespace skiff::dynamodb
