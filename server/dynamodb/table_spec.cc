#include "server/dynamodb/table_spec.h"

#include <cstdio>
#include <ctime>

#include "server/common/request_log.h"

namespace skiff::dynamodb {
namespace {

constexpr char kInvalid[] = "One or more parameter values were invalid: ";

std::string Member(std::string_view path, size_t index, std::string_view field) {
  return std::string(path) + "." + std::to_string(index) + ".member." + std::string(field);
}

const JsonValue& ElementObject(const JsonValue& e) {
  if (e.IsObject()) return e;
  if (e.IsArray()) Fail(DdbError::kSerializationException, "Start of list found where not expected");
  Fail(DdbError::kSerializationException, "Unexpected value type in payload");
}

}  // namespace

std::optional<KeySchemaDef> ReadKeySchema(const JsonValue& parent, std::string_view member,
                                          std::string_view path, Violations& v,
                                          std::vector<std::string>* names_in_order,
                                          std::vector<std::string>* types_in_order) {
  const JsonValue* list = OptList(parent, member);
  v.NotNull(list != nullptr, path);
  if (!list) return std::nullopt;
  if (list->Size() < 1 || list->Size() > 2) {
    // DynamoDB prints the list with Java's toString; only the empty list is reproduced exactly.
    v.Add(std::string(list->Size() < 1 ? "Value '[]'" : "Value '[...]'") + " at '" + std::string(path) +
          "' failed to satisfy constraint: Member must have length " +
          (list->Size() < 1 ? "greater than or equal to 1" : "less than or equal to 2"));
    return std::nullopt;
  }
  std::vector<std::string> names, types;
  bool complete = true;
  for (size_t i = 0; i < list->Size(); ++i) {
    const JsonValue& e = ElementObject((*list)[rapidjson::SizeType(i)]);
    auto name = OptString(e, "AttributeName");
    auto type = OptString(e, "KeyType");
    v.NotNull(name.has_value(), Member(path, i + 1, "attributeName"));
    v.NotNull(type.has_value(), Member(path, i + 1, "keyType"));
    v.Enum(type, Member(path, i + 1, "keyType"), {"HASH", "RANGE"});
    if (!name || !type) {
      complete = false;
      continue;
    }
    names.push_back(*name);
    types.push_back(*type);
  }
  if (names_in_order) *names_in_order = names;
  if (types_in_order) *types_in_order = types;
  if (!complete) return std::nullopt;
  KeySchemaDef k;
  k.hash = names[0];
  if (names.size() == 2) k.range = names[1];
  return k;
}

std::vector<AttributeDefinition> ReadAttributeDefinitions(const JsonValue& input, Violations& v,
                                                          bool* present) {
  const JsonValue* list = OptList(input, "AttributeDefinitions");
  *present = list != nullptr;
  std::vector<AttributeDefinition> out;
  if (!list) return out;
  for (size_t i = 0; i < list->Size(); ++i) {
    const JsonValue& e = ElementObject((*list)[rapidjson::SizeType(i)]);
    auto name = OptString(e, "AttributeName");
    auto type = OptString(e, "AttributeType");
    v.NotNull(name.has_value(), Member("attributeDefinitions", i + 1, "attributeName"));
    v.NotNull(type.has_value(), Member("attributeDefinitions", i + 1, "attributeType"));
    v.Enum(type, Member("attributeDefinitions", i + 1, "attributeType"), {"B", "N", "S"});
    if (name && type) out.push_back({*name, *type});
  }
  return out;
}

std::optional<Throughput> ReadThroughput(const JsonValue& parent, std::string_view path,
                                         Violations& v) {
  const JsonValue* pt = OptObject(parent, "ProvisionedThroughput");
  if (!pt) return std::nullopt;
  auto read = OptLong(*pt, "ReadCapacityUnits");
  auto write = OptLong(*pt, "WriteCapacityUnits");
  std::string p(path);
  v.NotNull(read.has_value(), p + ".readCapacityUnits");
  v.AtLeast(read, p + ".readCapacityUnits", 1);
  v.NotNull(write.has_value(), p + ".writeCapacityUnits");
  v.AtLeast(write, p + ".writeCapacityUnits", 1);
  Throughput t;
  t.read = read.value_or(0);
  t.write = write.value_or(0);
  return t;
}

void CheckThroughputBounds(const Throughput& t) {
  constexpr int64_t kMax = 1000000000000;
  if (t.read > kMax) {
    FailValidation("Given value " + std::to_string(t.read) + " for ReadCapacityUnits is out of bounds");
  }
  if (t.write > kMax) {
    FailValidation("Given value " + std::to_string(t.write) +
                   " for WriteCapacityUnits is out of bounds");
  }
}

std::optional<SecondaryIndex> ReadIndex(const JsonValue& json, std::string_view path, bool global,
                                        Violations& v) {
  const JsonValue& e = ElementObject(json);
  SecondaryIndex index;
  auto name = OptString(e, "IndexName");
  v.Name(name, std::string(path) + ".indexName", true);
  auto key = ReadKeySchema(e, "KeySchema", std::string(path) + ".keySchema", v);
  const JsonValue* projection = OptObject(e, "Projection");
  v.NotNull(projection != nullptr, std::string(path) + ".projection");
  std::optional<std::string> ptype;
  std::optional<std::vector<std::string>> non_key;
  if (projection) {
    ptype = OptString(*projection, "ProjectionType");
    v.Enum(ptype, std::string(path) + ".projection.projectionType", {"ALL", "INCLUDE", "KEYS_ONLY"});
    non_key = OptStringList(*projection, "NonKeyAttributes");
  }
  std::optional<Throughput> tp;
  if (global) tp = ReadThroughput(e, std::string(path) + ".provisionedThroughput", v);
  if (!name || !key || !projection) return std::nullopt;
  index.name = *name;
  index.key = *key;
  if (!ptype) FailValidation(std::string(kInvalid) + "Unknown ProjectionType: null");
  if (non_key && *ptype != "INCLUDE") {
    FailValidation(std::string(kInvalid) + "ProjectionType is " + *ptype +
                   ", but NonKeyAttributes is specified");
  }
  index.projection.type = *ptype;
  if (non_key) index.projection.non_key = *non_key;
  if (tp) index.throughput = *tp;
  index.throughput_given = tp.has_value();
  return index;
}

std::string StreamLabel(int64_t now_ms) {
  std::time_t secs = now_ms / 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(now_ms % 1000));
  return buf;
}

void ApplyStreamSpecification(const JsonValue& spec, TableModel& model,
                              const std::string& table_arn, int64_t now_ms, bool update) {
  Violations v;
  auto enabled = OptBool(spec, "StreamEnabled");
  auto view = OptString(spec, "StreamViewType");
  v.NotNull(enabled.has_value(), "streamSpecification.streamEnabled");
  v.Enum(view, "streamSpecification.streamViewType",
         {"NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"});
  v.ThrowIfAny();
  if (*enabled) {
    if (!view) {
      FailValidation(std::string(kInvalid) +
                     "You must specify a StreamViewType when enabling a stream");
    }
    if (update && model.stream_enabled) {
      FailValidation("Table already has an enabled stream: " + table_arn + "/stream/" +
                     model.stream_label);
    }
    model.stream_enabled = true;
    model.stream_view_type = *view;
    model.stream_label = StreamLabel(now_ms);
  } else {
    if (view) {
      FailValidation(std::string(kInvalid) +
                     "You cannot specify a StreamViewType when disabling a stream");
    }
    if (update && !model.stream_enabled) {
      FailValidation("Table already has no stream enabled");  // unverified wording
    }
    model.stream_enabled = false;
    model.stream_view_type.clear();
  }
}

void ApplySseSpecification(const JsonValue& spec, TableModel& model, const std::string& region,
                           const std::string& account) {
  Violations v;
  auto enabled = OptBool(spec, "Enabled");
  auto type = OptString(spec, "SSEType");
  auto key = OptString(spec, "KMSMasterKeyId");
  v.Enum(type, "sSESpecification.sSEType", {"AES256", "KMS"});
  v.ThrowIfAny();
  if (!enabled.value_or(false)) {
    if (type || key) {
      FailValidation(std::string(kInvalid) +
                     "SSEType and KMSMasterKeyId are not allowed when SSE is disabled");
    }
    model.sse_enabled = false;
    model.sse_type.clear();
    model.kms_key_arn.clear();
    return;
  }
  model.sse_enabled = true;
  model.sse_type = "KMS";  // DynamoDB describes every customer-chosen SSE as KMS
  if (key && key->starts_with("arn:")) {
    model.kms_key_arn = *key;
  } else if (key) {
    model.kms_key_arn = "arn:aws:kms:" + region + ":" + account + ":key/" + *key;
  } else {
    // The AWS managed key (alias/aws/dynamodb) gets a fixed id per account and region.
    model.kms_key_arn = "arn:aws:kms:" + region + ":" + account + ":key/" + common::NewUuid();
  }
}

std::vector<std::pair<std::string, std::string>> ReadTags(const JsonValue& list,
                                                          std::string_view path, Violations& v) {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < list.Size(); ++i) {
    const JsonValue& e = ElementObject(list[rapidjson::SizeType(i)]);
    auto key = OptString(e, "Key");
    auto value = OptString(e, "Value");
    v.NotNull(key.has_value(), Member(path, i + 1, "key"));
    v.NotNull(value.has_value(), Member(path, i + 1, "value"));
    if (key && (key->empty() || key->size() > 128)) {
      v.Add("Value '" + *key + "' at '" + Member(path, i + 1, "key") +
            "' failed to satisfy constraint: Member must have length " +
            (key->empty() ? "greater than or equal to 1" : "less than or equal to 128"));
    }
    if (value && value->size() > 256) {
      v.Add("Value '" + *value + "' at '" + Member(path, i + 1, "value") +
            "' failed to satisfy constraint: Member must have length less than or equal to 256");
    }
    if (key && value) out.emplace_back(*key, *value);
  }
  return out;
}

}  // namespace skiff::dynamodb
