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

IndexUnits WriteIndexUnits(const TableModel& model, const std::optional<Item>& old_item,
                           const std::optional<Item>& new_item) {
  IndexUnits out;
  auto projected = [&](const SecondaryIndex& index, const Item& item) -> std::optional<Item> {
    std::vector<std::string> keys = {index.key.hash};
    if (index.key.range) keys.push_back(*index.key.range);
    for (const auto& k : keys) {
      if (!item.count(k)) return std::nullopt;  // no row in this index
    }
    if (index.projection.type == "ALL") return item;
    keys.push_back(model.key.hash);
    if (model.key.range) keys.push_back(*model.key.range);
    for (const auto& n : index.projection.non_key) keys.push_back(n);
    Item p;
    for (const auto& k : keys) {
      auto it = item.find(k);
      if (it != item.end()) p.emplace(k, it->second);
    }
    return p;
  };
  auto account = [&](const SecondaryIndex& index, std::vector<std::pair<std::string, double>>& list) {
    auto before = old_item ? projected(index, *old_item) : std::nullopt;
    auto after = new_item ? projected(index, *new_item) : std::nullopt;
    if (!before && !after) return;
    double units = 0;
    bool same_key = before && after && before->at(index.key.hash) == after->at(index.key.hash) &&
                    (!index.key.range || before->at(*index.key.range) == after->at(*index.key.range));
    if (same_key) {
      units = WriteUnits(std::max(ItemSize(*before), ItemSize(*after)));
    } else {
      if (before) units += WriteUnits(ItemSize(*before));
      if (after) units += WriteUnits(ItemSize(*after));
    }
    list.emplace_back(index.name, units);
  };
  for (const auto& g : model.gsis) account(g, out.global);
  for (const auto& l : model.lsis) account(l, out.local);
  return out;
}

void AddConsumedCapacity(JsonOut& out, JsonValue& parent, const std::optional<std::string>& mode,
                         const std::string& table, double units, const IndexUnits* indexes) {
  if (!mode) return;
  double total = units;
  if (indexes) {
    for (const auto& [n, u] : indexes->global) total += u;
    for (const auto& [n, u] : indexes->local) total += u;
  }
  JsonValue c(rapidjson::kObjectType);
  out.Add(c, "TableName", out.Str(table));
  out.Add(c, "CapacityUnits", JsonValue(total));
  if (*mode == "INDEXES") {
    JsonValue t(rapidjson::kObjectType);
    out.Add(t, "CapacityUnits", JsonValue(units));
    out.Add(c, "Table", std::move(t));
    auto itemize = [&](const char* member, const std::vector<std::pair<std::string, double>>& list) {
      if (list.empty()) return;
      JsonValue m(rapidjson::kObjectType);
      for (const auto& [n, u] : list) {
        JsonValue e(rapidjson::kObjectType);
        out.Add(e, "CapacityUnits", JsonValue(u));
        out.Add(m, n, std::move(e));
      }
      out.Add(c, member, std::move(m));
    };
    if (indexes) {
      itemize("LocalSecondaryIndexes", indexes->local);
      itemize("GlobalSecondaryIndexes", indexes->global);
    }
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
