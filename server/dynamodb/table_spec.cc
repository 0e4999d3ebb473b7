#include "server/dynamodb/table_spec.h"

#include <cstdio>
#include <ctime>

#include "server/common/request_log.h"
#include "sigv4/sigv4.h"

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

void CheckTableClass(const std::optional<std::string>& table_class) {
  if (table_class && *table_class != "STANDARD" && *table_class != "STANDARD_INFREQUENT_ACCESS") {
    FailValidation("Invalid table-class parameter provided. Please try again with a valid "
                   "table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS].");
  }
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
                              const std::string& table_name, int64_t now_ms, bool update) {
  Violations v;
  auto enabled = OptBool(spec, "StreamEnabled");
  auto view = OptString(spec, "StreamViewType");
  v.NotNull(enabled.has_value(), "streamSpecification.streamEnabled");
  v.Enum(view, "streamSpecification.streamViewType",
         {"NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"});
  v.ThrowIfAny();
  // DynamoDB's messages call the view type "UpdateViewType".
  if (*enabled) {
    if (!view) {
      FailValidation(std::string(kInvalid) +
                     (update ? "If stream is being enabled then UpdateViewType is required"
                             : "Table is being created with a stream enabled, UpdateViewType is "
                               "required"));
    }
    if (update && model.stream_enabled) {
      FailValidation("Table already has an enabled stream: TableName: " + table_name);
    }
    model.stream_enabled = true;
    model.stream_view_type = *view;
    model.stream_label = StreamLabel(now_ms);
  } else {
    if (view) {
      FailValidation(std::string(kInvalid) +
                     (update ? "If stream is being disabled, then UpdateViewType must not be "
                               "specified"
                             : "Table is being created with a stream disabled, UpdateViewType "
                               "should not be specified"));
    }
    if (update && !model.stream_enabled) {
      FailValidation("Table has no stream to disable: TableName: " + table_name);
    }
    model.stream_enabled = false;
    model.stream_view_type.clear();
  }
}

void ApplySseSpecification(const JsonValue& spec, TableModel& model, const std::string& region,
                           const std::string& account, bool update) {
  Violations v;
  auto enabled = OptBool(spec, "Enabled");
  auto type = OptString(spec, "SSEType");
  auto key = OptString(spec, "KMSMasterKeyId");
  v.Enum(type, "sSESpecification.sSEType", {"AES256", "KMS"});
  v.ThrowIfAny();
  if (!enabled.value_or(false)) {
    if (type) FailValidation(std::string(kInvalid) + "SSEType can not be specified if Enabled is false");
    if (key) {
      FailValidation(std::string(kInvalid) +
                     "KMSMasterKeyId can not be specified if Enabled is false");
    }
    if (update && !model.sse_enabled) {
      FailValidation(std::string(kInvalid) + "Table is already encrypted by default");
    }
    model.sse_enabled = false;
    model.sse_type.clear();
    model.kms_key_arn.clear();
    return;
  }
  if (type && *type == "AES256") FailValidation(std::string(kInvalid) + "SSEType AES256 is not supported");
  if (key && !type) {
    FailValidation(std::string(kInvalid) + "SSEType KMS is required if KMSMasterKeyId is specified");
  }
  std::string arn;
  if (key && key->starts_with("arn:")) {
    arn = *key;
  } else if (key) {
    arn = "arn:aws:kms:" + region + ":" + account + ":key/" + *key;
  } else {
    // The AWS managed key (alias/aws/dynamodb): one fixed key per account and region.
    std::string h = sigv4::HexSha256(account + "/" + region + "/alias/aws/dynamodb");
    arn = "arn:aws:kms:" + region + ":" + account + ":key/" + h.substr(0, 8) + "-" +
          h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
  }
  if (update && model.sse_enabled && model.kms_key_arn == arn) {
    FailValidation(std::string(kInvalid) +
                   "Table is already encrypted with given KMSMasterKeyId. Use KMSMasterKeyId "
                   "parameter if you want to change Master Key");
  }
  model.sse_enabled = true;
  model.sse_type = "KMS";
  model.kms_key_arn = arn;
}

std::vector<std::pair<std::string, std::string>> ReadTags(const JsonValue& list,
                                                          std::string_view path, Violations& v) {
  (void)path;
  (void)v;
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < list.Size(); ++i) {
    const JsonValue& e = ElementObject(list[rapidjson::SizeType(i)]);
    auto key = OptString(e, "Key");
    auto value = OptString(e, "Value");
    if (!key || key->empty() || key->size() > 128) {
      FailValidation("The Tag Key provided is invalid, Key: " + key.value_or("null"));
    }
    if (key->starts_with("aws:")) FailValidation("Tag Key cannot be prefixed with aws:, Key: " + *key);
    if (!value || value->size() > 256) {
      FailValidation("The Tag Value provided is invalid, Value: " + value.value_or("null"));
    }
    for (const auto& [k, unused] : out) {
      if (k == *key) {
        FailValidation("Duplicate Tag Keys provided as input: Duplicate Tag Key found " + *key);
      }
    }
    out.emplace_back(*key, *value);
  }
  return out;
}

}  // namespace skiff::dynamodb
