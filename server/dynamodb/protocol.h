// JSON 1.0 request reading and response writing shared by every operation.
//
// Operations read their input with the Get*/Opt* helpers below. A helper that meets JSON of the
// wrong kind throws ApiError(SerializationException) with the wording of DynamoDB's (Jackson)
// deserializer; JSON null counts as an absent member, as in DynamoDB. Operations themselves throw
// ApiError for any failure; the dispatcher (service.cc) is the one place that catches it.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/dynamodb/errors.h"
#include "server/dynamodb/expr/value.h"

namespace skiff::dynamodb {

// A failed request: the reply to send. Thrown by operations and the reading helpers.
class ApiError : public std::exception {
 public:
  explicit ApiError(ErrorReply reply) : reply_(std::move(reply)) {}
  const char* what() const noexcept override { return "dynamodb api error"; }
  const ErrorReply& reply() const { return reply_; }

 private:
  ErrorReply reply_;
};

[[noreturn]] void Fail(ErrorReply reply);
[[noreturn]] void Fail(DdbError error, std::string message = {});
[[noreturn]] void FailValidation(std::string message);
// Throws the core layer's error (ValidationException / SerializationException) unless ok.
void Check(const Status& status);
template <typename T>
T Take(Result<T> result) {
  if (!result.ok()) Fail(FromCoreError(result.error()));
  return std::move(result).value();
}

using JsonValue = rapidjson::Value;

// Parses a request body: an empty body reads as {}; anything that is not a JSON object is a
// SerializationException without a message (DynamoDB's front end answers so).
rapidjson::Document ParseBody(std::string_view body);

// Member lookup; nullptr when absent or null.
const JsonValue* Member(const JsonValue& object, std::string_view name);
std::string_view View(const JsonValue& string_value);

std::optional<std::string> OptString(const JsonValue& object, std::string_view name);
std::optional<int64_t> OptLong(const JsonValue& object, std::string_view name);
std::optional<bool> OptBool(const JsonValue& object, std::string_view name);
// A JSON array member (nullptr if absent); wrong kind -> SerializationException.
const JsonValue* OptList(const JsonValue& object, std::string_view name);
// A JSON object member, structure or map (nullptr if absent).
const JsonValue* OptObject(const JsonValue& object, std::string_view name);
// Elements of a list member that must be strings (AttributesToGet, NonKeyAttributes, TagKeys).
std::optional<std::vector<std::string>> OptStringList(const JsonValue& object,
                                                      std::string_view name);
std::string ElementString(const JsonValue& v);  // a list element that must be a string

// Item / AttributeValue maps from JSON (DynamoDB's messages from attribute_json).
Item ReadItem(const JsonValue& json);

// DynamoDB's constraint-violation collector: "1 validation error detected: Value null at
// 'tableName' failed to satisfy constraint: Member must not be null" and its "N validation
// errors detected: a; b" plural form.
class Violations {
 public:
  void Add(std::string text) { items_.push_back(std::move(text)); }
  void NotNull(bool present, std::string_view path);
  // The request's TableName. DynamoDB answers a missing one at once ("The parameter 'TableName'
  // is required but was not present in the request"); a bad one is a constraint violation like
  // the others (recorded from DynamoDB in 2026: "Value 'ab' at 'tableName' failed to satisfy
  // constraint: Member must have length greater than or equal to 3").
  void TableName(const std::optional<std::string>& name);
  // Table and index names: 3..255 characters of [a-zA-Z0-9_.-].
  void Name(const std::optional<std::string>& name, std::string_view path, bool required);
  void Enum(const std::optional<std::string>& value, std::string_view path,
            std::initializer_list<std::string_view> allowed);
  void AtLeast(const std::optional<int64_t>& value, std::string_view path, int64_t min);
  void AtMost(const std::optional<int64_t>& value, std::string_view path, int64_t max);
  bool empty() const { return items_.empty(); }
  // Throws the ValidationException when anything was added.
  void ThrowIfAny() const;

 private:
  std::vector<std::string> items_;
};

// Serializes a response document.
std::string ToJson(const JsonValue& value);

// Small builders for response documents.
class JsonOut {
 public:
  JsonOut() : doc_(rapidjson::kObjectType) {}
  rapidjson::Document& doc() { return doc_; }
  rapidjson::Document::AllocatorType& alloc() { return doc_.GetAllocator(); }
  JsonValue Str(std::string_view s) {
    return JsonValue(s.data(), rapidjson::SizeType(s.size()), alloc());
  }
  // Adds name: value to object (name copied).
  void Add(JsonValue& object, std::string_view name, JsonValue value) {
    object.AddMember(Str(name), value, alloc());
  }
  std::string Render() const { return ToJson(doc_); }

 private:
  rapidjson::Document doc_;
};

}  // namespace skiff::dynamodb
