// Request pieces shared by the item operations: expression placeholders, ReturnValues and
// consumed-capacity reporting.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/dynamodb/context.h"
#include "server/dynamodb/expr/resolve.h"

namespace skiff::dynamodb {

// ExpressionAttributeNames/Values of a request, with the usage its expressions record.
class ExpressionContext {
 public:
  // Reads and checks both maps ("ExpressionAttributeValues must not be empty", "...contains
  // invalid value: <why> for key :v"). `legacy`: the legacy parameters the operation accepts;
  // when present they are translated (legacy_params.h) and supply the texts and placeholders.
  explicit ExpressionContext(const JsonValue& input,
                             std::initializer_list<std::string_view> legacy = {});
  // The expression text of `member` ("ConditionExpression"...): the request's, or the one
  // translated from its legacy counterpart.
  std::optional<std::string> Text(const JsonValue& input, std::string_view member) const;
  expr::Placeholders placeholders() const;
  expr::Usage& usage() { return usage_; }
  // DynamoDB refuses the maps when no expression uses placeholders, and unused entries.
  void Finish(bool any_expression);

 private:
  std::optional<expr::NameMap> names_;
  std::optional<expr::ValueMap> values_;
  std::map<std::string, std::string, std::less<>> legacy_texts_;
  expr::Usage usage_;
};

// Optional expression parameter: compiled when present.
std::optional<expr::Condition> OptCondition(const JsonValue& input, std::string_view member,
                                            expr::ExpressionKind kind, ExpressionContext& ec);

// ReturnValues (validated against what the operation allows; "NONE" when absent).
std::string ReadReturnValues(const JsonValue& input, std::initializer_list<std::string_view> allowed);
bool ReturnOldOnConditionFailure(const JsonValue& input);

// ReturnConsumedCapacity: nullopt for NONE/absent, else "TOTAL" or "INDEXES".
std::optional<std::string> ReadReturnConsumedCapacity(const JsonValue& input);
// ReturnItemCollectionMetrics=SIZE (validated by ReadReturnConsumedCapacity).
bool ReturnCollectionMetrics(const JsonValue& input);
// Adds "ItemCollectionMetrics" for a write to a table with local secondary indexes: the item
// collection's key and DynamoDB's size estimate range in GB.
void AddCollectionMetrics(JsonOut& out, const TableModel& model, const Item& item);
// Write units a write spent on secondary indexes, per index name.
struct IndexUnits {
  std::vector<std::pair<std::string, double>> global;
  std::vector<std::pair<std::string, double>> local;
};
// An index row removed or added costs the units of its projected size; a row whose index key
// changed costs both (a delete and a put).
IndexUnits WriteIndexUnits(const TableModel& model, const std::optional<Item>& old_item,
                           const std::optional<Item>& new_item);
// Adds "ConsumedCapacity" for one table access: CapacityUnits is the total including indexes;
// mode INDEXES also itemizes Table, GlobalSecondaryIndexes and LocalSecondaryIndexes.
void AddConsumedCapacity(JsonOut& out, JsonValue& parent, const std::optional<std::string>& mode,
                         const std::string& table, double units,
                         const IndexUnits* indexes = nullptr);
// DynamoDB's accounting: writes 1 unit per started KB, reads 1 unit per started 4 KB (half for
// eventually consistent reads); never below one write unit / half a read unit.
double WriteUnits(uint64_t bytes);
double ReadUnits(uint64_t bytes, bool consistent);

// "Can not use both expression and non-expression parameters in the same request: ..."
void CheckNotBoth(const JsonValue& input, std::string_view legacy, std::string_view expression);

}  // namespace skiff::dynamodb
