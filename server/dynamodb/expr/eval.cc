#include "server/dynamodb/expr/eval.h"

#include <algorithm>

namespace skiff::dynamodb::expr {
namespace {

using Type = AttributeValue::Type;

// UTF-16 code units of a UTF-8 string: one per code point, two for those above U+FFFF.
int64_t Utf16Length(const std::string& s) {
  int64_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) n += c >= 0xF0 ? 2 : 1;
  }
  return n;
}

std::optional<int64_t> SizeOf(const AttributeValue& v) {
  switch (v.type()) {
    case Type::kS: return Utf16Length(v.s());
    case Type::kB: return int64_t(v.b().size());
    case Type::kSS: return int64_t(v.ss().size());
    case Type::kNS: return int64_t(v.ns().size());
    case Type::kBS: return int64_t(v.bs().size());
    case Type::kL: return int64_t(v.l().size());
    case Type::kM: return int64_t(v.m().size());
    default: return std::nullopt;
  }
}

// -1, 0, 1 for two values of one ordered type (N, S, B); nullopt otherwise.
std::optional<int> Order(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() != b.type()) return std::nullopt;
  switch (a.type()) {
    case Type::kN: {
      auto c = a.n() <=> b.n();
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case Type::kS: {
      int c = a.s().compare(b.s());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case Type::kB: {
      int c = a.b().compare(b.b());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    default: return std::nullopt;
  }
}

// An operand's value without copying: a pointer into the item or the tree, or an owned value
// for computed results (size()).
class Value {
 public:
  Value() = default;
  explicit Value(const AttributeValue* v) : ptr_(v) {}
  explicit Value(AttributeValue v) : owned_(std::move(v)) {}
  explicit operator bool() const { return ptr_ || owned_; }
  const AttributeValue& operator*() const { return owned_ ? *owned_ : *ptr_; }
  const AttributeValue* operator->() const { return &**this; }

 private:
  const AttributeValue* ptr_ = nullptr;
  std::optional<AttributeValue> owned_;
};

Value ValueOf(const Operand& op, const Item* item);

bool Compare(CompareOp op, const Value& a, const Value& b) {
  if (op == CompareOp::kEq) return a && b && *a == *b;
  if (op == CompareOp::kNe) return !(a && b && *a == *b);
  if (!a || !b) return false;
  std::optional<int> c = Order(*a, *b);
  if (!c) return false;
  switch (op) {
    case CompareOp::kLt: return *c < 0;
    case CompareOp::kLe: return *c <= 0;
    case CompareOp::kGt: return *c > 0;
    case CompareOp::kGe: return *c >= 0;
    default: return false;
  }
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool ContainsValue(const AttributeValue& haystack, const AttributeValue& needle) {
  switch (haystack.type()) {
    case Type::kS:
      return needle.type() == Type::kS && haystack.s().find(needle.s()) != std::string::npos;
    case Type::kB:
      return needle.type() == Type::kB && haystack.b().find(needle.b()) != std::string::npos;
    case Type::kSS:
      return needle.type() == Type::kS &&
             std::binary_search(haystack.ss().begin(), haystack.ss().end(), needle.s());
    case Type::kNS:
      return needle.type() == Type::kN &&
             std::binary_search(haystack.ns().begin(), haystack.ns().end(), needle.n());
    case Type::kBS:
      return needle.type() == Type::kB &&
             std::binary_search(haystack.bs().begin(), haystack.bs().end(), needle.b());
    case Type::kL:
      return std::find(haystack.l().begin(), haystack.l().end(), needle) != haystack.l().end();
    default: return false;
  }
}

bool EvaluateFunction(const FunctionCall& call, const Item* item) {
  const std::string& n = call.name;
  if (n == "attribute_exists" || n == "attribute_not_exists") {
    const Path* path = std::get_if<Path>(&call.args[0].v);
    bool exists = path && item && FindPath(*item, *path) != nullptr;
    return (n == "attribute_exists") == exists;
  }
  Value a = ValueOf(call.args[0], item);
  Value b = ValueOf(call.args[1], item);
  if (!a || !b) return false;
  if (n == "attribute_type") return b->type() == Type::kS && TypeName(a->type()) == b->s();
  if (n == "begins_with") {
    if (a->type() == Type::kS && b->type() == Type::kS) return StartsWith(a->s(), b->s());
    if (a->type() == Type::kB && b->type() == Type::kB) return StartsWith(a->b(), b->b());
    return false;
  }
  if (n == "contains") return ContainsValue(*a, *b);
  return false;  // Resolve admits no other function here.
}

Value ValueOf(const Operand& op, const Item* item) {
  if (const auto* path = std::get_if<Path>(&op.v)) return Value(item ? FindPath(*item, *path) : nullptr);
  if (const auto* value = std::get_if<ValueRef>(&op.v)) return Value(&value->value);
  const auto& call = std::get<FunctionCall>(op.v);
  if (call.name != "size") return Value();
  Value arg = ValueOf(call.args[0], item);
  if (!arg) return Value();
  std::optional<int64_t> size = SizeOf(*arg);
  if (!size) return Value();
  return Value(AttributeValue::N(Number::FromInteger(*size)));
}

}  // namespace

const AttributeValue* FindPath(const Item& item, const Path& path) {
  auto it = item.find(path.elements[0].name);
  if (it == item.end()) return nullptr;
  const AttributeValue* v = &it->second;
  for (size_t i = 1; i < path.elements.size(); ++i) {
    const PathElement& e = path.elements[i];
    if (e.kind == PathElement::Kind::kName) {
      if (v->type() != Type::kM) return nullptr;
      auto m = v->m().find(e.name);
      if (m == v->m().end()) return nullptr;
      v = &m->second;
    } else {
      if (v->type() != Type::kL || e.index >= v->l().size()) return nullptr;
      v = &v->l()[e.index];
    }
  }
  return v;
}

std::optional<AttributeValue> EvaluateOperand(const Operand& op, const Item* item) {
  Value v = ValueOf(op, item);
  if (!v) return std::nullopt;
  return *v;
}

bool Evaluate(const Condition& c, const Item* item) {
  return std::visit(
      [&](const auto& node) -> bool {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, Comparison>) {
          return Compare(node.op, ValueOf(node.left, item), ValueOf(node.right, item));
        } else if constexpr (std::is_same_v<T, Between>) {
          Value v = ValueOf(node.value, item);
          Value lo = ValueOf(node.low, item);
          Value hi = ValueOf(node.high, item);
          if (!v || !lo || !hi) return false;
          std::optional<int> a = Order(*lo, *v);
          std::optional<int> b = Order(*v, *hi);
          return a && b && *a <= 0 && *b <= 0;
        } else if constexpr (std::is_same_v<T, In>) {
          Value v = ValueOf(node.value, item);
          if (!v) return false;
          for (const Operand& o : node.list) {
            Value x = ValueOf(o, item);
            if (x && *x == *v) return true;
          }
          return false;
        } else if constexpr (std::is_same_v<T, FunctionCall>) {
          return EvaluateFunction(node, item);
        } else if constexpr (std::is_same_v<T, Not>) {
          return !Evaluate(*node.inner, item);
        } else if constexpr (std::is_same_v<T, And>) {
          return Evaluate(*node.left, item) && Evaluate(*node.right, item);
        } else {
          return Evaluate(*node.left, item) || Evaluate(*node.right, item);
        }
      },
      c.v);
}

}  // namespace skiff::dynamodb::expr
