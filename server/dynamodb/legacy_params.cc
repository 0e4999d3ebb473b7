#include "server/dynamodb/legacy_params.h"

#include <vector>

#include "server/dynamodb/attribute_json.h"

namespace skiff::dynamodb {
namespace {

constexpr char kInvalid[] = "One or more parameter values were invalid: ";

// Builds one expression, naming every attribute and value through generated placeholders.
class Builder {
 public:
  explicit Builder(LegacyTranslation& out) : out_(out) {}

  std::string Name(const std::string& attribute) {
    std::string p = "#legacy" + std::to_string(out_.names.size());
    out_.names.emplace(p, attribute);
    return p;
  }
  std::string Value(const AttributeValue& v) {
    std::string p = ":legacy" + std::to_string(out_.values.size());
    out_.values.emplace(p, v);
    return p;
  }

 private:
  LegacyTranslation& out_;
};

AttributeValue ReadValue(const JsonValue& json) { return Take(AttributeValueFromJson(json)); }

std::vector<AttributeValue> ReadValueList(const JsonValue* list) {
  std::vector<AttributeValue> out;
  if (!list) return out;
  for (const auto& v : list->GetArray()) out.push_back(ReadValue(v));
  return out;
}

void CheckCount(const std::string& op, size_t expected, const std::vector<AttributeValue>& values,
                const std::string& attribute, bool list_given) {
  if (!list_given && expected > 0) {
    FailValidation(std::string(kInvalid) + "Value or AttributeValueList must be used with "
                   "ComparisonOperator: " + op + " for Attribute: " + attribute);
  }
  if (values.size() != expected) {
    FailValidation(std::string(kInvalid) + "Invalid number of argument(s) for the " + op +
                   " ComparisonOperator");
  }
}

bool IsScalarKeyType(const AttributeValue& v) {
  auto t = v.type();
  return t == AttributeValue::Type::kS || t == AttributeValue::Type::kN ||
         t == AttributeValue::Type::kB;
}

void CheckScalar(const std::string& op, const AttributeValue& v) {
  if (!IsScalarKeyType(v)) {
    FailValidation(std::string(kInvalid) + "ComparisonOperator " + op + " is not valid for " +
                   std::string(TypeName(v.type())) + " AttributeValue type");
  }
}

const std::map<std::string, std::string, std::less<>>& Operators() {
  static const std::map<std::string, std::string, std::less<>> kOps = {
      {"EQ", "="}, {"NE", "<>"}, {"LE", "<="}, {"LT", "<"}, {"GE", ">="}, {"GT", ">"}};
  return kOps;
}

// One attribute's condition with an explicit ComparisonOperator.
std::string Comparison(Builder& b, const std::string& attribute, const std::string& op,
                       const std::vector<AttributeValue>& values, bool list_given, bool key) {
  const std::string name = b.Name(attribute);
  auto simple = Operators().find(op);
  if (key && (op == "NE" || op == "IN" || op == "NULL" || op == "NOT_NULL" || op == "CONTAINS" ||
              op == "NOT_CONTAINS")) {
    FailValidation("Attempted conditional constraint is not an indexable operation");
  }
  if (simple != Operators().end()) {
    CheckCount(op, 1, values, attribute, list_given);
    if (op != "EQ" && op != "NE") CheckScalar(op, values[0]);
    return name + " " + simple->second + " " + b.Value(values[0]);
  }
  if (op == "NULL" || op == "NOT_NULL") {
    CheckCount(op, 0, values, attribute, true);
    return std::string(op == "NULL" ? "attribute_not_exists(" : "attribute_exists(") + name + ")";
  }
  if (op == "CONTAINS" || op == "NOT_CONTAINS") {
    CheckCount(op, 1, values, attribute, list_given);
    auto t = values[0].type();
    if (t != AttributeValue::Type::kBool && t != AttributeValue::Type::kNull) CheckScalar(op, values[0]);
    std::string contains = "contains(" + name + ", " + b.Value(values[0]) + ")";
    return op == "CONTAINS" ? contains : "attribute_exists(" + name + ") AND NOT " + contains;
  }
  if (op == "BEGINS_WITH") {
    CheckCount(op, 1, values, attribute, list_given);
    auto t = values[0].type();
    if (t != AttributeValue::Type::kS && t != AttributeValue::Type::kB) {
      FailValidation(std::string(kInvalid) + "ComparisonOperator BEGINS_WITH is not valid for " +
                     std::string(TypeName(t)) + " AttributeValue type");
    }
    return "begins_with(" + name + ", " + b.Value(values[0]) + ")";
  }
  if (op == "BETWEEN") {
    CheckCount(op, 2, values, attribute, list_given);
    CheckScalar(op, values[0]);
    CheckScalar(op, values[1]);
    if (values[0].type() != values[1].type()) {
      FailValidation(std::string(kInvalid) +
                     "AttributeValues inside AttributeValueList must be of same type");
    }
    bool inverted = values[0].type() == AttributeValue::Type::kN ? values[1].n() < values[0].n()
                    : values[0].type() == AttributeValue::Type::kS ? values[1].s() < values[0].s()
                                                                   : values[1].b() < values[0].b();
    if (inverted) {
      FailValidation("The BETWEEN condition was provided a range where the lower bound is greater "
                     "than the upper bound");
    }
    return name + " BETWEEN " + b.Value(values[0]) + " AND " + b.Value(values[1]);
  }
  // IN
  if (!list_given) CheckCount(op, 1, values, attribute, false);
  if (values.empty()) CheckCount(op, 1, values, attribute, true);
  std::string list;
  for (const auto& v : values) {
    CheckScalar(op, v);
    list += (list.empty() ? "" : ", ") + b.Value(v);
  }
  return name + " IN (" + list + ")";
}

std::string ReadOperator(const JsonValue& condition, const std::string& path) {
  auto op = OptString(condition, "ComparisonOperator");
  Violations v;
  v.Enum(op, path + ".comparisonOperator",
         {"IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL", "NE", "LE",
          "BEGINS_WITH", "GE", "CONTAINS"});
  v.ThrowIfAny();
  return op.value_or("");
}

const JsonValue& ConditionObject(const JsonValue& v) {
  if (!v.IsObject()) Fail(DdbError::kSerializationException, "Unexpected value type in payload");
  return v;
}

// Parts joined by AND need no parentheses; under OR a compound part (NOT_CONTAINS) gets them.
std::string Join(const std::vector<std::string>& parts, const std::string& op) {
  std::string out;
  for (const auto& p : parts) {
    bool wrap = parts.size() > 1 && op == "OR" && p.find(" AND ") != std::string::npos;
    out += (out.empty() ? "" : " " + op + " ") + (wrap ? "(" + p + ")" : p);
  }
  return out;
}

std::string ConditionalOperator(const JsonValue& input) {
  auto op = OptString(input, "ConditionalOperator");
  Violations v;
  v.Enum(op, "conditionalOperator", {"AND", "OR"});
  v.ThrowIfAny();
  return op.value_or("AND");
}

std::string Expected(Builder& b, const JsonValue& expected, const std::string& joiner) {
  std::vector<std::string> parts;
  for (auto it = expected.MemberBegin(); it != expected.MemberEnd(); ++it) {
    const std::string attribute(View(it->name));
    const JsonValue& c = ConditionObject(it->value);
    const std::string op = ReadOperator(c, "expected." + attribute + ".member");
    auto exists = OptBool(c, "Exists");
    const JsonValue* value = Member(c, "Value");
    const JsonValue* list = OptList(c, "AttributeValueList");
    if (list && op.empty()) {
      FailValidation(std::string(kInvalid) + "AttributeValueList can only be used with a "
                     "ComparisonOperator for Attribute: " + attribute);
    }
    if (!op.empty()) {
      if (exists) {
        FailValidation(std::string(kInvalid) + "Exists and ComparisonOperator cannot be used "
                       "together for Attribute: " + attribute);
      }
      if (value && list) {
        FailValidation(std::string(kInvalid) + "Value and AttributeValueList cannot be used "
                       "together for Attribute: " + attribute);
      }
      std::vector<AttributeValue> values = list ? ReadValueList(list) : std::vector<AttributeValue>{};
      if (value) values.push_back(ReadValue(*value));
      parts.push_back(Comparison(b, attribute, op, values, list || value, false));
      continue;
    }
    if (exists.value_or(true)) {
      if (!value) {
        FailValidation(std::string(kInvalid) + "Value must be provided when Exists is " +
                       (exists ? "true" : "null") + " for Attribute: " + attribute);
      }
      parts.push_back(b.Name(attribute) + " = " + b.Value(ReadValue(*value)));
    } else {
      if (value) {
        FailValidation(std::string(kInvalid) +
                       "Value cannot be used when Exists is false for Attribute: " + attribute);
      }
      parts.push_back("attribute_not_exists(" + b.Name(attribute) + ")");
    }
  }
  return Join(parts, joiner);
}

std::string Filter(Builder& b, const JsonValue& filter, const std::string& joiner, bool key,
                   const char* path) {
  std::vector<std::string> parts;
  for (auto it = filter.MemberBegin(); it != filter.MemberEnd(); ++it) {
    const std::string attribute(View(it->name));
    const JsonValue& c = ConditionObject(it->value);
    const std::string op = ReadOperator(c, std::string(path) + "." + attribute + ".member");
    const JsonValue* list = OptList(c, "AttributeValueList");
    if (op.empty()) {
      Violations v;
      v.NotNull(false, std::string(path) + "." + attribute + ".member.comparisonOperator");
      v.ThrowIfAny();
    }
    parts.push_back(Comparison(b, attribute, op, ReadValueList(list), list != nullptr, key));
  }
  return Join(parts, joiner);
}

std::string AttributeUpdates(Builder& b, const JsonValue& updates) {
  std::vector<std::string> sets, adds, deletes, removes;
  for (auto it = updates.MemberBegin(); it != updates.MemberEnd(); ++it) {
    const std::string attribute(View(it->name));
    if (it->value.IsNull()) continue;
    const JsonValue& u = ConditionObject(it->value);
    auto action = OptString(u, "Action");
    Violations v;
    v.Enum(action, "attributeUpdates." + attribute + ".member.action", {"ADD", "PUT", "DELETE"});
    v.ThrowIfAny();
    const std::string a = action.value_or("PUT");
    const JsonValue* value = Member(u, "Value");
    if (!value && a != "DELETE") {
      FailValidation(std::string(kInvalid) +
                     "Only DELETE action is allowed when no attribute value is specified");
    }
    const std::string name = b.Name(attribute);
    if (a == "PUT") sets.push_back(name + " = " + b.Value(ReadValue(*value)));
    if (a == "ADD") adds.push_back(name + " " + b.Value(ReadValue(*value)));
    if (a == "DELETE") {
      if (value) {
        deletes.push_back(name + " " + b.Value(ReadValue(*value)));
      } else {
        removes.push_back(name);
      }
    }
  }
  std::string out;
  auto clause = [&](const char* keyword, const std::vector<std::string>& items) {
    if (items.empty()) return;
    out += (out.empty() ? "" : " ") + std::string(keyword) + " " + Join(items, ",");
  };
  clause("SET", sets);
  clause("ADD", adds);
  clause("DELETE", deletes);
  clause("REMOVE", removes);
  return out;
}

}  // namespace

LegacyTranslation TranslateLegacy(const JsonValue& input,
                                  std::initializer_list<std::string_view> accepted) {
  static constexpr std::string_view kLegacy[] = {"AttributesToGet", "AttributeUpdates",
                                                 "ConditionalOperator", "Expected",
                                                 "KeyConditions", "QueryFilter", "ScanFilter"};
  static constexpr std::string_view kExpression[] = {
      "ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues",
      "FilterExpression", "KeyConditionExpression", "ProjectionExpression", "UpdateExpression"};
  std::string legacy, expression;
  for (auto m : kLegacy) {
    if (Member(input, m)) legacy += (legacy.empty() ? "" : ", ") + std::string(m);
  }
  for (auto m : kExpression) {
    if (Member(input, m)) expression += (expression.empty() ? "" : ", ") + std::string(m);
  }
  if (!legacy.empty() && !expression.empty()) {
    FailValidation("Can not use both expression and non-expression parameters in the same "
                   "request: Non-expression parameters: {" + legacy +
                   "} Expression parameters: {" + expression + "}");
  }
  LegacyTranslation out;
  Builder b(out);
  for (auto m : accepted) {
    const JsonValue* v = OptObject(input, m);
    if (!v || v->ObjectEmpty()) continue;
    if (m == "Expected") {
      out.texts["ConditionExpression"] = Expected(b, *v, ConditionalOperator(input));
    } else if (m == "AttributeUpdates") {
      std::string text = AttributeUpdates(b, *v);
      if (!text.empty()) out.texts["UpdateExpression"] = text;
    } else if (m == "KeyConditions") {
      out.texts["KeyConditionExpression"] = Filter(b, *v, "AND", true, "keyConditions");
    } else if (m == "QueryFilter" || m == "ScanFilter") {
      out.texts["FilterExpression"] =
          Filter(b, *v, ConditionalOperator(input), false,
                 m == "QueryFilter" ? "queryFilter" : "scanFilter");
    }
  }
  return out;
}

}  // namespace skiff::dynamodb
