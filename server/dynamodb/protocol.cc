#include "server/dynamodb/protocol.h"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "server/dynamodb/attribute_json.h"

namespace skiff::dynamodb {
namespace {

// How the Jackson-based deserializer names a token it could not convert.
std::string TokenName(const JsonValue& v) {
  if (v.IsNumber()) return "NUMBER_VALUE";
  if (v.IsTrue()) return "TRUE_VALUE";
  if (v.IsFalse()) return "FALSE_VALUE";
  if (v.IsString()) return "STRING_VALUE";
  return "VALUE_NULL";
}

[[noreturn]] void FailSerialization(std::string message) {
  Fail(DdbError::kSerializationException, std::move(message));
}

[[noreturn]] void WrongKind(const JsonValue& v, std::string_view wanted, bool scalar_can_not) {
  if (v.IsObject()) FailSerialization("Start of structure or map found where not expected.");
  if (v.IsArray()) FailSerialization("Start of list found where not expected");
  // DynamoDB's deserializer says "cannot" for String and "can not" for numbers and booleans.
  FailSerialization(TokenName(v) + (scalar_can_not ? " can not" : " cannot") +
                    " be converted to " + std::string(wanted));
}

std::string JoinViolations(const std::vector<std::string>& items) {
  std::string out = std::to_string(items.size()) +
                    (items.size() == 1 ? " validation error detected: "
                                       : " validation errors detected: ");
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += "; ";
    out += items[i];
  }
  return out;
}

bool ValidNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '.' || c == '-';
}

}  // namespace

void Fail(ErrorReply reply) { throw ApiError(std::move(reply)); }
void Fail(DdbError error, std::string message) { throw ApiError(ErrorReply(error, std::move(message))); }
void FailValidation(std::string message) { Fail(DdbError::kValidationException, std::move(message)); }

void Check(const Status& status) {
  if (!status.ok()) Fail(FromCoreError(status.error()));
}

rapidjson::Document ParseBody(std::string_view body) {
  rapidjson::Document doc;
  if (body.empty()) {
    doc.SetObject();
    return doc;
  }
  // Iterative: a body of a million '[' must not recurse a million frames deep (the default
  // recursive parser overflows the stack). Invalid UTF-8 is refused here so that no stored
  // string can make a later response invalid JSON.
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(body.data(),
                                                                                   body.size());
  if (doc.HasParseError() || !doc.IsObject()) Fail(DdbError::kSerializationException);
  return doc;
}

const JsonValue* Member(const JsonValue& object, std::string_view name) {
  auto it = object.FindMember(JsonValue(rapidjson::StringRef(name.data(), name.size())));
  if (it == object.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

std::string_view View(const JsonValue& v) { return {v.GetString(), v.GetStringLength()}; }

std::optional<std::string> OptString(const JsonValue& object, std::string_view name) {
  const JsonValue* v = Member(object, name);
  if (!v) return std::nullopt;
  if (!v->IsString()) WrongKind(*v, "String", false);
  return std::string(View(*v));
}

std::optional<int64_t> OptLong(const JsonValue& object, std::string_view name) {
  const JsonValue* v = Member(object, name);
  if (!v) return std::nullopt;
  if (v->IsInt64()) return v->GetInt64();
  if (v->IsNumber()) return static_cast<int64_t>(v->GetDouble());  // truncated, as Jackson does
  WrongKind(*v, "Long", true);
}

std::optional<bool> OptBool(const JsonValue& object, std::string_view name) {
  const JsonValue* v = Member(object, name);
  if (!v) return std::nullopt;
  if (v->IsBool()) return v->GetBool();
  WrongKind(*v, "Boolean", true);
}

const JsonValue* OptList(const JsonValue& object, std::string_view name) {
  const JsonValue* v = Member(object, name);
  if (!v) return nullptr;
  if (v->IsArray()) return v;
  if (v->IsObject()) FailSerialization("Start of structure or map found where not expected.");
  if (v->IsString()) FailSerialization("Unrecognized collection type class java.lang.String");
  FailSerialization("Unrecognized collection type class java.lang." +
                    std::string(v->IsNumber() ? "Integer" : "Boolean"));
}

const JsonValue* OptObject(const JsonValue& object, std::string_view name) {
  const JsonValue* v = Member(object, name);
  if (!v) return nullptr;
  if (v->IsObject()) return v;
  if (v->IsArray()) FailSerialization("Start of list found where not expected");
  FailSerialization("Unexpected value type in payload");
}

std::string ElementString(const JsonValue& v) {
  if (!v.IsString()) WrongKind(v, "String", false);
  return std::string(View(v));
}

std::optional<std::vector<std::string>> OptStringList(const JsonValue& object,
                                                      std::string_view name) {
  const JsonValue* list = OptList(object, name);
  if (!list) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& e : list->GetArray()) out.push_back(ElementString(e));
  return out;
}

Item ReadItem(const JsonValue& json) { return Take(ItemFromJson(json)); }

void Violations::NotNull(bool present, std::string_view path) {
  if (!present) {
    Add("Value null at '" + std::string(path) +
        "' failed to satisfy constraint: Member must not be null");
  }
}

void Violations::TableName(const std::optional<std::string>& name) {
  if (!name) FailValidation("The parameter 'TableName' is required but was not present in the request");
  Name(name, "tableName", true);
}

void Violations::Name(const std::optional<std::string>& name, std::string_view path,
                      bool required) {
  if (!name) {
    if (required) NotNull(false, path);
    return;
  }
  std::string prefix = "Value '" + *name + "' at '" + std::string(path) +
                       "' failed to satisfy constraint: ";
  for (char c : *name) {
    if (!ValidNameChar(c)) {
      Add(prefix + "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
      break;
    }
  }
  if (name->size() < 3) Add(prefix + "Member must have length greater than or equal to 3");
  if (name->size() > 255) Add(prefix + "Member must have length less than or equal to 255");
}

void Violations::Enum(const std::optional<std::string>& value, std::string_view path,
                      std::initializer_list<std::string_view> allowed) {
  if (!value) return;
  std::string set;
  for (auto a : allowed) {
    if (a == *value) return;
    set += set.empty() ? "" : ", ";
    set += a;
  }
  Add("Value '" + *value + "' at '" + std::string(path) +
      "' failed to satisfy constraint: Member must satisfy enum value set: [" + set + "]");
}

void Violations::AtLeast(const std::optional<int64_t>& value, std::string_view path, int64_t min) {
  if (value && *value < min) {
    Add("Value '" + std::to_string(*value) + "' at '" + std::string(path) +
        "' failed to satisfy constraint: Member must have value greater than or equal to " +
        std::to_string(min));
  }
}

void Violations::AtMost(const std::optional<int64_t>& value, std::string_view path, int64_t max) {
  if (value && *value > max) {
    Add("Value '" + std::to_string(*value) + "' at '" + std::string(path) +
        "' failed to satisfy constraint: Member must have value less than or equal to " +
        std::to_string(max));
  }
}

void Violations::ThrowIfAny() const {
  if (!items_.empty()) FailValidation(JoinViolations(items_));
}

std::string ToJson(const JsonValue& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace skiff::dynamodb
