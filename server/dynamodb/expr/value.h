// DynamoDB's AttributeValue and Item, independent of JSON (see ../attribute_json.h).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/dynamodb/expr/number.h"

namespace skiff::dynamodb {

class AttributeValue;

// Top-level attributes of an item, and the members of an M value. Ordered by name so output
// and iteration are deterministic.
using Item = std::map<std::string, AttributeValue>;

// Binary data, kept apart from std::string so S and B never mix.
struct Bytes {
  std::string data;
  friend auto operator<=>(const Bytes&, const Bytes&) = default;
};
struct Null {
  friend bool operator==(const Null&, const Null&) = default;
};
// Sets hold distinct elements in ascending order (S and B by bytes, N numerically), so two
// sets with the same members compare equal whatever order the client sent them in.
struct StringSet {
  std::vector<std::string> items;
  friend bool operator==(const StringSet&, const StringSet&) = default;
};
struct NumberSet {
  std::vector<Number> items;
  friend bool operator==(const NumberSet&, const NumberSet&) = default;
};
struct BinarySet {
  std::vector<std::string> items;
  friend bool operator==(const BinarySet&, const BinarySet&) = default;
};

class AttributeValue {
 public:
  // Order matches the variant below. Never reorder: code indexes the variant by this enum.
  enum class Type { kS, kN, kB, kBool, kNull, kL, kM, kSS, kNS, kBS };
  using List = std::vector<AttributeValue>;
  using Map = Item;

  AttributeValue() : v_(Null{}) {}  // NULL, so containers of values can default-construct
  static AttributeValue S(std::string s) { return AttributeValue(std::move(s)); }
  static AttributeValue N(Number n) { return AttributeValue(std::move(n)); }
  static AttributeValue B(std::string bytes) { return AttributeValue(Bytes{std::move(bytes)}); }
  static AttributeValue Bool(bool b) { return AttributeValue(b); }
  static AttributeValue MakeNull() { return AttributeValue(Null{}); }
  static AttributeValue L(List l) { return AttributeValue(std::move(l)); }
  static AttributeValue M(Map m) { return AttributeValue(std::move(m)); }
  // Set factories sort and de-duplicate; an empty set is the caller's bug (DynamoDB has none).
  static AttributeValue SS(std::vector<std::string> items);
  static AttributeValue NS(std::vector<Number> items);
  static AttributeValue BS(std::vector<std::string> items);
  // Test convenience: a number from its DynamoDB string; the text must be valid.
  static AttributeValue NFromString(std::string_view text);

  Type type() const { return Type(v_.index()); }
  bool IsSet() const { return type() == Type::kSS || type() == Type::kNS || type() == Type::kBS; }

  const std::string& s() const { return std::get<std::string>(v_); }
  const Number& n() const { return std::get<Number>(v_); }
  const std::string& b() const { return std::get<Bytes>(v_).data; }
  bool boolean() const { return std::get<bool>(v_); }
  const List& l() const { return std::get<List>(v_); }
  List& l() { return std::get<List>(v_); }
  const Map& m() const { return std::get<Map>(v_); }
  Map& m() { return std::get<Map>(v_); }
  const std::vector<std::string>& ss() const { return std::get<StringSet>(v_).items; }
  const std::vector<Number>& ns() const { return std::get<NumberSet>(v_).items; }
  const std::vector<std::string>& bs() const { return std::get<BinarySet>(v_).items; }

  // DynamoDB equality: same type and same value; sets compare as sets, lists element-wise,
  // maps by name. Numbers compare numerically ("1.0" == "1").
  friend bool operator==(const AttributeValue& a, const AttributeValue& b) { return a.v_ == b.v_; }

  // Bytes this value counts for in DynamoDB's item size: S as UTF-8 bytes, B raw bytes, N as in
  // Number::StorageSize, BOOL and NULL 1 byte, sets the sum of their elements, L and M 3 bytes
  // plus 1 byte per element plus the elements (M also counts member names).
  size_t Size() const;

  template <typename Visitor>
  decltype(auto) Visit(Visitor&& v) const { return std::visit(std::forward<Visitor>(v), v_); }

 private:
  using Variant = std::variant<std::string, Number, Bytes, bool, Null, List, Map, StringSet,
                               NumberSet, BinarySet>;
  template <typename T>
  explicit AttributeValue(T v) : v_(std::move(v)) {}

  Variant v_;
};

// DynamoDB's short type names: "S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS".
std::string_view TypeName(AttributeValue::Type t);
// The names DynamoDB uses in "operand type" errors of ADD and DELETE: "STRING", "NUMBER",
// "BINARY", "BOOLEAN", "NULL", "LIST", "MAP", "STRING_SET", "NUMBER_SET", "BINARY_SET".
std::string_view LongTypeName(AttributeValue::Type t);

// DynamoDB documents nest at most 32 levels, counting the attribute itself as level 1: a value
// may have at most 31 L/M containers around its deepest element.
inline constexpr int kMaxContainerDepth = 31;
inline constexpr char kNestingTooDeep[] =
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels "
    "beyond supported limit";
// Number of L/M containers around the deepest element: 0 for scalars and sets, 1 for {"M":{}}.
int ContainerDepth(const AttributeValue& v);

// Item size as DynamoDB counts it against the 400 KB limit: names' UTF-8 bytes plus values.
size_t ItemSize(const Item& item);

// A short human-readable rendering used in a few DynamoDB messages, e.g. {N:2} or {S:abc}.
std::string DescribeForMessage(const AttributeValue& v);

}  // namespace skiff::dynamodb
