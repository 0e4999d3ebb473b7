#include "server/dynamodb/attribute_json.h"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

#include "sigv4/checksum.h"

namespace skiff::dynamodb {
namespace {

constexpr char kInvalid[] = "One or more parameter values were invalid: ";
constexpr char kEmpty[] =
    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
constexpr char kMoreThanOne[] =
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
    "supported datatypes";

constexpr std::array<std::string_view, 10> kTypeKeys = {"S", "N",  "B",  "BOOL", "NULL",
                                                        "L", "M", "SS", "NS",   "BS"};

// How DynamoDB's (Jackson-based) deserializer names a JSON value it did not expect.
Error WrongJsonKind(const rapidjson::Value& v, std::string_view wanted) {
  if (v.IsObject()) return Error::Serialization("Start of structure or map found where not expected.");
  if (v.IsArray()) return Error::Serialization("Start of list found where not expected");
  std::string token = v.IsNumber() ? "NUMBER_VALUE"
                      : v.IsBool() ? (v.GetBool() ? "TRUE_VALUE" : "FALSE_VALUE")
                      : v.IsNull() ? "NULL_VALUE"
                                   : "VALUE_STRING";
  return Error::Serialization(token + " cannot be converted to " + std::string(wanted));
}

std::string_view View(const rapidjson::Value& v) {
  return std::string_view(v.GetString(), v.GetStringLength());
}

Result<std::string> DecodeBinary(const rapidjson::Value& v) {
  if (!v.IsString()) return WrongJsonKind(v, "Blob");
  std::optional<std::string> bytes = sigv4::Base64Decode(View(v));
  if (!bytes) {
    if (v.GetStringLength() % 4 != 0) {
      return Error::Serialization("Base64 encoded length is expected a multiple of 4 bytes but found: " +
                                  std::to_string(v.GetStringLength()));
    }
    return Error::Serialization("Invalid Base64 character found in the supplied value");
  }
  return std::move(*bytes);
}

std::string JoinForMessage(const rapidjson::Value& array) {
  std::string out = "[";
  for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
    if (i) out += ", ";
    out += std::string(View(array[i]));
  }
  return out + "]";
}

Result<AttributeValue> ParseSet(size_t type, const rapidjson::Value& v) {
  if (!v.IsArray()) return WrongJsonKind(v, "List");
  if (v.Empty()) {
    if (type == 7) return Error::Validation(std::string(kInvalid) + "An string set  may not be empty");
    if (type == 8) return Error::Validation(std::string(kInvalid) + "An number set  may not be empty");
    return Error::Validation(std::string(kInvalid) + "Binary sets should not be empty");
  }
  for (const auto& e : v.GetArray()) {
    if (!e.IsString()) return WrongJsonKind(e, "String");
  }
  if (type == 7) {
    std::vector<std::string> items;
    std::set<std::string_view> seen;
    bool dup = false;
    for (const auto& e : v.GetArray()) {
      dup |= !seen.insert(View(e)).second;
      items.emplace_back(View(e));
    }
    if (dup) {
      return Error::Validation(std::string(kInvalid) + "Input collection " + JoinForMessage(v) +
                               " contains duplicates.");
    }
    return AttributeValue::SS(std::move(items));
  }
  if (type == 8) {
    std::vector<Number> items;
    for (const auto& e : v.GetArray()) {
      Result<Number> n = Number::Parse(View(e));
      if (!n.ok()) return n.error();
      items.push_back(std::move(n).value());
    }
    std::vector<Number> sorted = items;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
      // DynamoDB words this one differently from SS and BS, without listing the values.
      return Error::Validation("Input collection contains duplicates");
    }
    return AttributeValue::NS(std::move(items));
  }
  std::vector<std::string> items;
  std::set<std::string> seen;
  bool dup = false;
  for (const auto& e : v.GetArray()) {
    Result<std::string> bytes = DecodeBinary(e);
    if (!bytes.ok()) return bytes.error();
    dup |= !seen.insert(*bytes).second;
    items.push_back(std::move(bytes).value());
  }
  if (dup) {
    // Sic: DynamoDB's message has no space before "of type BS".
    return Error::Validation(std::string(kInvalid) + "Input collection " + JoinForMessage(v) +
                             "of type BS contains duplicates.");
  }
  return AttributeValue::BS(std::move(items));
}

Result<AttributeValue> FromJson(const rapidjson::Value& json, int depth);

Result<Item> MapFromJson(const rapidjson::Value& json, int depth) {
  if (!json.IsObject()) return WrongJsonKind(json, "Map");
  Item item;
  for (auto it = json.MemberBegin(); it != json.MemberEnd(); ++it) {
    Result<AttributeValue> v = FromJson(it->value, depth);
    if (!v.ok()) return v.error();
    item.insert_or_assign(std::string(View(it->name)), std::move(v).value());
  }
  return item;
}

// `depth` counts the L/M containers around this value; checking it here also bounds recursion.
Result<AttributeValue> FromJson(const rapidjson::Value& json, int depth) {
  if (!json.IsObject()) {
    if (json.IsNull()) return Error::Validation(kEmpty);
    return WrongJsonKind(json, "AttributeValue");
  }
  const rapidjson::Value* member = nullptr;
  size_t type = 0;
  int count = 0;
  for (auto it = json.MemberBegin(); it != json.MemberEnd(); ++it) {
    std::string_view key = View(it->name);
    for (size_t t = 0; t < kTypeKeys.size(); ++t) {
      // A member set to JSON null counts as absent, as in DynamoDB's deserializer.
      if (key == kTypeKeys[t] && !it->value.IsNull()) {
        ++count;
        member = &it->value;
        type = t;
      }
    }
  }
  if (count == 0) return Error::Validation(kEmpty);
  if (count > 1) return Error::Validation(kMoreThanOne);
  const rapidjson::Value& v = *member;
  switch (type) {
    case 0:
      if (!v.IsString()) return WrongJsonKind(v, "String");
      return AttributeValue::S(std::string(View(v)));
    case 1: {
      if (!v.IsString()) return WrongJsonKind(v, "String");
      Result<Number> n = Number::Parse(View(v));
      if (!n.ok()) return n.error();
      return AttributeValue::N(std::move(n).value());
    }
    case 2: {
      Result<std::string> bytes = DecodeBinary(v);
      if (!bytes.ok()) return bytes.error();
      return AttributeValue::B(std::move(bytes).value());
    }
    case 3:
      if (!v.IsBool()) return WrongJsonKind(v, "Boolean");
      return AttributeValue::Bool(v.GetBool());
    case 4:
      if (!v.IsBool()) return WrongJsonKind(v, "Boolean");
      if (!v.GetBool()) {
        return Error::Validation(std::string(kInvalid) +
                                 "Null attribute value types must have the value of true");
      }
      return AttributeValue::MakeNull();
    case 5: {
      if (!v.IsArray()) return WrongJsonKind(v, "List");
      if (depth >= kMaxContainerDepth) return Error::Validation(kNestingTooDeep);
      AttributeValue::List list;
      list.reserve(v.Size());
      for (const auto& e : v.GetArray()) {
        Result<AttributeValue> element = FromJson(e, depth + 1);
        if (!element.ok()) return element.error();
        list.push_back(std::move(element).value());
      }
      return AttributeValue::L(std::move(list));
    }
    case 6: {
      if (v.IsObject() && depth >= kMaxContainerDepth) return Error::Validation(kNestingTooDeep);
      Result<Item> map = MapFromJson(v, depth + 1);
      if (!map.ok()) return map.error();
      return AttributeValue::M(std::move(map).value());
    }
    default:
      return ParseSet(type, v);
  }
}

}  // namespace

Result<AttributeValue> AttributeValueFromJson(const rapidjson::Value& json) {
  return FromJson(json, 0);
}

Result<Item> ItemFromJson(const rapidjson::Value& json) { return MapFromJson(json, 0); }

rapidjson::Value AttributeValueToJson(const AttributeValue& value, JsonAllocator& alloc) {
  using rapidjson::Value;
  auto str = [&](std::string_view s) { return Value(s.data(), rapidjson::SizeType(s.size()), alloc); };
  Value body;
  switch (value.type()) {
    case AttributeValue::Type::kS: body = str(value.s()); break;
    case AttributeValue::Type::kN: body = str(value.n().ToString()); break;
    case AttributeValue::Type::kB: body = str(sigv4::Base64Encode(value.b())); break;
    case AttributeValue::Type::kBool: body.SetBool(value.boolean()); break;
    case AttributeValue::Type::kNull: body.SetBool(true); break;
    case AttributeValue::Type::kL:
      body.SetArray();
      for (const auto& e : value.l()) body.PushBack(AttributeValueToJson(e, alloc), alloc);
      break;
    case AttributeValue::Type::kM: body = ItemToJson(value.m(), alloc); break;
    case AttributeValue::Type::kSS:
      body.SetArray();
      for (const auto& e : value.ss()) body.PushBack(str(e), alloc);
      break;
    case AttributeValue::Type::kNS:
      body.SetArray();
      for (const auto& e : value.ns()) body.PushBack(str(e.ToString()), alloc);
      break;
    case AttributeValue::Type::kBS:
      body.SetArray();
      for (const auto& e : value.bs()) body.PushBack(str(sigv4::Base64Encode(e)), alloc);
      break;
  }
  Value out(rapidjson::kObjectType);
  out.AddMember(str(TypeName(value.type())), body, alloc);
  return out;
}

rapidjson::Value ItemToJson(const Item& item, JsonAllocator& alloc) {
  rapidjson::Value out(rapidjson::kObjectType);
  for (const auto& [name, v] : item) {
    out.AddMember(rapidjson::Value(name.data(), rapidjson::SizeType(name.size()), alloc),
                  AttributeValueToJson(v, alloc), alloc);
  }
  return out;
}

}  // namespace skiff::dynamodb
