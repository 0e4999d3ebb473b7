#include "server/dynamodb/expression_params.h"

#include <string_view>

#include "server/dynamodb/attribute_json.h"

namespace skiff::dynamodb {
namespace {

std::string_view View(const rapidjson::Value& v) {
  return std::string_view(v.GetString(), v.GetStringLength());
}

bool ValidKey(std::string_view key, char sigil) {
  if (key.size() < 2 || key[0] != sigil) return false;
  for (char c : key.substr(1)) {
    bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!word) return false;
  }
  return true;
}

// Empty map, then the first bad key, in DynamoDB's words.
std::optional<Error> CheckKeys(const rapidjson::Value& json, std::string_view member, char sigil) {
  if (!json.IsObject()) {
    return Error::Serialization(json.IsArray() ? "Start of list found where not expected"
                                               : "Unexpected value type in payload");
  }
  if (json.MemberCount() == 0) return Error::Validation(std::string(member) + " must not be empty");
  for (auto it = json.MemberBegin(); it != json.MemberEnd(); ++it) {
    if (!ValidKey(View(it->name), sigil)) {
      return Error::Validation(std::string(member) + " contains invalid key: Syntax error; key: \"" +
                               std::string(View(it->name)) + "\"");
    }
  }
  return std::nullopt;
}

}  // namespace

Result<expr::NameMap> ExpressionAttributeNamesFromJson(const rapidjson::Value& json) {
  if (auto e = CheckKeys(json, "ExpressionAttributeNames", '#')) return *e;
  expr::NameMap names;
  for (auto it = json.MemberBegin(); it != json.MemberEnd(); ++it) {
    if (!it->value.IsString()) {
      return Error::Serialization(it->value.IsNumber() ? "NUMBER_VALUE cannot be converted to String"
                                                       : "Unexpected value type in payload");
    }
    names.insert_or_assign(std::string(View(it->name)), std::string(View(it->value)));
  }
  return names;
}

Result<expr::ValueMap> ExpressionAttributeValuesFromJson(const rapidjson::Value& json) {
  if (auto e = CheckKeys(json, "ExpressionAttributeValues", ':')) return *e;
  expr::ValueMap values;
  for (auto it = json.MemberBegin(); it != json.MemberEnd(); ++it) {
    std::string key(View(it->name));
    Result<AttributeValue> v = AttributeValueFromJson(it->value);
    if (!v.ok()) {
      // Serialization errors and the nesting limit are reported as they are.
      if (v.error().type != "ValidationException" || v.error().message == kNestingTooDeep) {
        return v.error();
      }
      return Error::Validation("ExpressionAttributeValues contains invalid value: " +
                               v.error().message + " for key " + key);
    }
    values.insert_or_assign(std::move(key), std::move(v).value());
  }
  return values;
}

}  // namespace skiff::dynamodb
