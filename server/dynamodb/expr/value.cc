#include "server/dynamodb/expr/value.h"

#include <algorithm>
#include <cassert>

namespace skiff::dynamodb {
namespace {

template <typename T, typename Less = std::less<T>>
std::vector<T> SortedUnique(std::vector<T> items, Less less = Less()) {
  std::sort(items.begin(), items.end(), less);
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return items;
}

}  // namespace

AttributeValue AttributeValue::SS(std::vector<std::string> items) {
  return AttributeValue(StringSet{SortedUnique(std::move(items))});
}

AttributeValue AttributeValue::NS(std::vector<Number> items) {
  return AttributeValue(NumberSet{SortedUnique(std::move(items))});
}

AttributeValue AttributeValue::BS(std::vector<std::string> items) {
  return AttributeValue(BinarySet{SortedUnique(std::move(items))});
}

AttributeValue AttributeValue::NFromString(std::string_view text) {
  Result<Number> n = Number::Parse(text);
  assert(n.ok());
  return N(n.ok() ? n.value() : Number());
}

size_t AttributeValue::Size() const {
  switch (type()) {
    case Type::kS: return s().size();
    case Type::kN: return n().StorageSize();
    case Type::kB: return b().size();
    case Type::kBool:
    case Type::kNull: return 1;
    case Type::kL: {
      size_t total = 3;
      for (const auto& e : l()) total += 1 + e.Size();
      return total;
    }
    case Type::kM: {
      size_t total = 3;
      for (const auto& [name, e] : m()) total += 1 + name.size() + e.Size();
      return total;
    }
    case Type::kSS: {
      size_t total = 0;
      for (const auto& e : ss()) total += e.size();
      return total;
    }
    case Type::kNS: {
      size_t total = 0;
      for (const auto& e : ns()) total += e.StorageSize();
      return total;
    }
    case Type::kBS: {
      size_t total = 0;
      for (const auto& e : bs()) total += e.size();
      return total;
    }
  }
  return 0;
}

std::string_view TypeName(AttributeValue::Type t) {
  static constexpr std::string_view kNames[] = {"S", "N",  "B",  "BOOL", "NULL",
                                                "L", "M", "SS", "NS",   "BS"};
  return kNames[size_t(t)];
}

std::string_view LongTypeName(AttributeValue::Type t) {
  static constexpr std::string_view kNames[] = {
      "STRING", "NUMBER", "BINARY",     "BOOLEAN",    "NULL",
      "LIST",   "MAP",    "STRING_SET", "NUMBER_SET", "BINARY_SET"};
  return kNames[size_t(t)];
}

int ContainerDepth(const AttributeValue& v) {
  int deepest = 0;
  if (v.type() == AttributeValue::Type::kL) {
    for (const auto& e : v.l()) deepest = std::max(deepest, ContainerDepth(e));
  } else if (v.type() == AttributeValue::Type::kM) {
    for (const auto& [name, e] : v.m()) deepest = std::max(deepest, ContainerDepth(e));
  } else {
    return 0;
  }
  return deepest + 1;
}

size_t ItemSize(const Item& item) {
  size_t total = 0;
  for (const auto& [name, v] : item) total += name.size() + v.Size();
  return total;
}

std::string DescribeForMessage(const AttributeValue& v) {
  std::string body;
  switch (v.type()) {
    case AttributeValue::Type::kS: body = v.s(); break;
    case AttributeValue::Type::kN: body = v.n().ToString(); break;
    case AttributeValue::Type::kBool: body = v.boolean() ? "true" : "false"; break;
    case AttributeValue::Type::kNull: body = "true"; break;
    default: body = "..."; break;
  }
  return "{" + std::string(TypeName(v.type())) + ":" + body + "}";
}

}  // namespace skiff::dynamodb
