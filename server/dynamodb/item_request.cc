#include "server/dynamodb/item_request.h"

#include <cmath>

#include "server/dynamodb/attribute_json.h"
#include "server/dynamodb/expression_params.h"
#include "server/dynamodb/legacy_params.h"

namespace skiff::dynamodb {

ExpressionContext::ExpressionContext(const JsonValue& input,
                                     std::initializer_list<std::string_view> legacy) {
  LegacyTranslation translated = TranslateLegacy(input, legacy);
  if (translated.any()) {
    legacy_texts_ = std::move(translated.texts);
    if (!translated.names.empty()) names_ = std::move(translated.names);
    if (!translated.values.empty()) values_ = std::move(translated.values);
    return;
  }
  if (const JsonValue* names = Member(input, "ExpressionAttributeNames")) {
    names_ = Take(ExpressionAttributeNamesFromJson(*names));
  }
  if (const JsonValue* values = Member(input, "ExpressionAttributeValues")) {
    values_ = Take(ExpressionAttributeValuesFromJson(*values));
  }
}

std::optional<std::string> ExpressionContext::Text(const JsonValue& input,
                                                   std::string_view member) const {
  auto it = legacy_texts_.find(member);
  if (it != legacy_texts_.end()) return it->second;
  return OptString(input, member);
}

expr::Placeholders ExpressionContext::placeholders() const {
  expr::Placeholders p;
  p.names = names_ ? &*names_ : nullptr;
  p.values = values_ ? &*values_ : nullptr;
  return p;
}

void ExpressionContext::Finish(bool any_expression) {
  if (!any_expression) {
    if (names_) FailValidation("ExpressionAttributeNames can only be specified when using expressions");
    if (values_) FailValidation("ExpressionAttributeValues can only be specified when using expressions");
    return;
  }
  Check(expr::CheckAllUsed(placeholders(), usage_));
}

std::optional<expr::Condition> OptCondition(const JsonValue& input, std::string_view member,
                                            expr::ExpressionKind kind, ExpressionContext& ec) {
  auto text = ec.Text(input, member);
  if (!text) return std::nullopt;
  return Take(expr::CompileCondition(*text, kind, ec.placeholders(), ec.usage()));
}

std::string ReadReturnValues(const JsonValue& input, std::initializer_list<std::string_view> allowed) {
  auto rv = OptString(input, "ReturnValues");
  Violations v;
  v.Enum(rv, "returnValues", {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"});
  v.ThrowIfAny();
  if (!rv) return "NONE";
  for (auto a : allowed) {
    if (a == *rv) return *rv;
  }
  // PutItem and DeleteItem (the only operations restricting the set) answer with this wording.
  FailValidation("ReturnValues can only be ALL_OLD or NONE");
}

bool ReturnOldOnConditionFailure(const JsonValue& input) {
  auto rv = OptString(input, "ReturnValuesOnConditionCheckFailure");
  Violations v;
  v.Enum(rv, "returnValuesOnConditionCheckFailure", {"ALL_OLD", "NONE"});
  v.ThrowIfAny();
  return rv && *rv == "ALL_OLD";
}

std::optional<std::string> ReadReturnConsumedCapacity(const JsonValue& input) {
  auto rc = OptString(input, "ReturnConsumedCapacity");
  Violations v;
  v.Enum(rc, "returnConsumedCapacity", {"INDEXES", "TOTAL", "NONE"});
  auto metrics = OptString(input, "ReturnItemCollectionMetrics");
  v.Enum(metrics, "returnItemCollectionMetrics", {"SIZE", "NONE"});
  v.ThrowIfAny();
  if (!rc || *rc == "NONE") return std::nullopt;
  return rc;
}

bool ReturnCollectionMetrics(const JsonValue& input) {
  auto metrics = OptString(input, "ReturnItemCollectionMetrics");
  return metrics && *metrics == "SIZE";
}

void AddCollectionMetrics(JsonOut& out, const TableModel& model, const Item& item) {
  if (model.lsis.empty()) return;  // only tables with LSIs have item collections
  auto hash = item.find(model.key.hash);
  if (hash == item.end()) return;
  Item key;
  key.emplace(hash->first, hash->second);
  JsonValue metrics(rapidjson::kObjectType);
  out.Add(metrics, "ItemCollectionKey", ItemToJson(key, out.alloc()));
  // Skiff does not track collection sizes; every collection is in DynamoDB's lowest bucket.
  JsonValue range(rapidjson::kArrayType);
  range.PushBack(JsonValue(0.0), out.alloc());
  range.PushBack(JsonValue(1.0), out.alloc());
  out.Add(metrics, "SizeEstimateRangeGB", std::move(range));
  out.Add(out.doc(), "ItemCollectionMetrics", std::move(metrics));
}

void AddConsumedCapacity(JsonOut& out, JsonValue& parent, const std::optional<std::string>& mode,
                         const std::string& table, double units) {
  if (!mode) return;
  JsonValue c(rapidjson::kObjectType);
  out.Add(c, "TableName", out.Str(table));
  out.Add(c, "CapacityUnits", JsonValue(units));
  if (*mode == "INDEXES") {
    JsonValue t(rapidjson::kObjectType);
    out.Add(t, "CapacityUnits", JsonValue(units));
    out.Add(c, "Table", std::move(t));
  }
  out.Add(parent, "ConsumedCapacity", std::move(c));
}

double WriteUnits(uint64_t bytes) {
  return std::max(1.0, std::ceil(static_cast<double>(bytes) / 1024.0));
}

double ReadUnits(uint64_t bytes, bool consistent) {
  double units = std::max(1.0, std::ceil(static_cast<double>(bytes) / 4096.0));
  return consistent ? units : units / 2.0;
}

void CheckNotBoth(const JsonValue& input, std::string_view legacy, std::string_view expression) {
  if (Member(input, legacy) && Member(input, expression)) {
    FailValidation("Can not use both expression and non-expression parameters in the same "
                   "request: Non-expression parameters: {" + std::string(legacy) +
                   "} Expression parameters: {" + std::string(expression) + "}");
  }
}

}  // namespace skiff::dynamodb
