// Helpers for expression tests: terse values and items.
#pragma once

#include <string>

#include "server/dynamodb/expr/resolve.h"
#include "server/dynamodb/expr/value.h"

namespace skiff::dynamodb::expr::testing {

inline AttributeValue S(std::string s) { return AttributeValue::S(std::move(s)); }
inline AttributeValue N(std::string_view s) { return AttributeValue::NFromString(s); }
inline AttributeValue B(std::string s) { return AttributeValue::B(std::move(s)); }
inline AttributeValue Bool(bool b) { return AttributeValue::Bool(b); }
inline AttributeValue Null() { return AttributeValue::MakeNull(); }
inline AttributeValue L(AttributeValue::List l) { return AttributeValue::L(std::move(l)); }
inline AttributeValue M(Item m) { return AttributeValue::M(std::move(m)); }
inline AttributeValue SS(std::vector<std::string> v) { return AttributeValue::SS(std::move(v)); }
inline AttributeValue NS(std::vector<std::string_view> v) {
  std::vector<Number> n;
  for (auto s : v) n.push_back(Number::Parse(s).value());
  return AttributeValue::NS(std::move(n));
}
inline AttributeValue BS(std::vector<std::string> v) { return AttributeValue::BS(std::move(v)); }

}  // namespace skiff::dynamodb::expr::testing
