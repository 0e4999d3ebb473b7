#include "server/dynamodb/expr/key_condition.h"

#include <optional>
#include <utility>
#include <vector>

namespace skiff::dynamodb::expr {
namespace {

using Type = AttributeValue::Type;

Error InvalidOperator(std::string_view op) {
  return Error::Validation("Invalid operator used in KeyConditionExpression: " + std::string(op));
}
Error InvalidCondition(std::string_view what) {
  return Error::Validation("Invalid condition in KeyConditionExpression: " + std::string(what));
}

// First operator a key condition cannot use, in tree order.
std::optional<Error> FindInvalidOperator(const Condition& c) {
  if (std::holds_alternative<Or>(c.v)) return InvalidOperator("OR");
  if (std::holds_alternative<Not>(c.v)) return InvalidOperator("NOT");
  if (std::holds_alternative<In>(c.v)) return InvalidOperator("IN");
  if (const auto* cmp = std::get_if<Comparison>(&c.v); cmp && cmp->op == CompareOp::kNe) {
    return InvalidOperator("<>");
  }
  if (const auto* call = std::get_if<FunctionCall>(&c.v); call && call->name != "begins_with") {
    return InvalidOperator(call->name);
  }
  if (const auto* a = std::get_if<And>(&c.v)) {
    if (auto e = FindInvalidOperator(*a->left)) return e;
    return FindInvalidOperator(*a->right);
  }
  return std::nullopt;
}

bool IsCall(const Operand& op) { return std::holds_alternative<FunctionCall>(op.v); }

// size() anywhere: key conditions compare key attributes themselves.
bool HasNestedOperation(const Condition& c) {
  if (const auto* a = std::get_if<And>(&c.v)) {
    return HasNestedOperation(*a->left) || HasNestedOperation(*a->right);
  }
  if (const auto* cmp = std::get_if<Comparison>(&c.v)) return IsCall(cmp->left) || IsCall(cmp->right);
  if (const auto* b = std::get_if<Between>(&c.v)) {
    return IsCall(b->value) || IsCall(b->low) || IsCall(b->high);
  }
  if (const auto* call = std::get_if<FunctionCall>(&c.v)) {
    for (const Operand& arg : call->args) {
      if (IsCall(arg)) return true;
    }
  }
  return false;
}

// One "key op value" term, normalized so the key is on the left.
struct Term {
  std::string key;
  RangeKeyCondition cond;
};

// `key` is the operand that must be the key attribute; `others` must all be values.
std::optional<Error> CheckOperands(const Path& key, std::initializer_list<const Operand*> others) {
  if (key.elements.size() > 1) {
    return Error::Validation("KeyConditionExpressions cannot have conditions on nested attributes");
  }
  for (const Operand* o : others) {
    if (std::holds_alternative<Path>(o->v)) {
      return InvalidCondition("Multiple attribute names used in one condition");
    }
  }
  return std::nullopt;
}

const AttributeValue& ValueOf(const Operand& op) { return std::get<ValueRef>(op.v).value; }

Result<Term> ToTerm(const Condition& c) {
  using Op = RangeKeyCondition::Op;
  if (const auto* cmp = std::get_if<Comparison>(&c.v)) {
    const Operand* key = &cmp->left;
    const Operand* other = &cmp->right;
    CompareOp op = cmp->op;
    if (!std::holds_alternative<Path>(key->v)) {  // ":v < key" is "key > :v"
      std::swap(key, other);
      op = op == CompareOp::kLt   ? CompareOp::kGt
           : op == CompareOp::kLe ? CompareOp::kGe
           : op == CompareOp::kGt ? CompareOp::kLt
           : op == CompareOp::kGe ? CompareOp::kLe
                                  : op;
    }
    if (!std::holds_alternative<Path>(key->v)) return InvalidCondition("No key attribute specified");
    const Path& path = std::get<Path>(key->v);
    if (auto e = CheckOperands(path, {other})) return *e;
    Op r = op == CompareOp::kEq   ? Op::kEq
           : op == CompareOp::kLt ? Op::kLt
           : op == CompareOp::kLe ? Op::kLe
           : op == CompareOp::kGt ? Op::kGt
                                  : Op::kGe;
    return Term{path.elements[0].name, RangeKeyCondition{r, ValueOf(*other), std::nullopt}};
  }
  if (const auto* between = std::get_if<Between>(&c.v)) {
    const auto* path = std::get_if<Path>(&between->value.v);
    if (!path) return InvalidCondition("BETWEEN operator must have the key attribute as its first operand");
    if (auto e = CheckOperands(*path, {&between->low, &between->high})) return *e;
    return Term{path->elements[0].name,
                RangeKeyCondition{Op::kBetween, ValueOf(between->low), ValueOf(between->high)}};
  }
  const auto& call = std::get<FunctionCall>(c.v);  // begins_with, by FindInvalidOperator
  const auto* path = std::get_if<Path>(&call.args[0].v);
  if (!path) return InvalidCondition("begins_with operator must have the key attribute as its first operand");
  if (auto e = CheckOperands(*path, {&call.args[1]})) return *e;
  return Term{path->elements[0].name,
              RangeKeyCondition{Op::kBeginsWith, ValueOf(call.args[1]), std::nullopt}};
}

void Flatten(const Condition& c, std::vector<const Condition*>& out) {
  if (const auto* a = std::get_if<And>(&c.v)) {
    Flatten(*a->left, out);
    Flatten(*a->right, out);
  } else {
    out.push_back(&c);
  }
}

}  // namespace

Result<KeyCondition> ToKeyCondition(const Condition& resolved, const KeySchemaNames& schema) {
  // DynamoDB's order: forbidden operators, then size(), then each term's shape, then repeated
  // keys, then the number of terms, and only then the key schema.
  if (auto e = FindInvalidOperator(resolved)) return *e;
  if (HasNestedOperation(resolved)) {
    return Error::Validation("KeyConditionExpressions cannot contain nested operations");
  }
  std::vector<const Condition*> parts;
  Flatten(resolved, parts);
  std::vector<Term> terms;
  for (const Condition* part : parts) {
    Result<Term> t = ToTerm(*part);
    if (!t.ok()) return t.error();
    terms.push_back(std::move(t).value());
  }
  for (size_t i = 0; i < terms.size(); ++i) {
    for (size_t j = i + 1; j < terms.size(); ++j) {
      if (terms[i].key == terms[j].key) {
        return Error::Validation("KeyConditionExpressions must only contain one condition per key");
      }
    }
  }
  if (terms.size() > 2) return Error::Validation("Conditions can be of length 1 or 2 only");
  const Term* hash = nullptr;
  const Term* range = nullptr;
  bool non_key = false;
  for (const Term& t : terms) {
    if (t.key == schema.hash) {
      hash = &t;
    } else if (schema.range && t.key == *schema.range) {
      range = &t;
    } else {
      non_key = true;
    }
  }
  if (non_key) {
    // A condition on a non-key attribute: DynamoDB names the key element it then misses.
    return Error::Validation("Query condition missed key schema element: " +
                             (!hash || !schema.range ? schema.hash : *schema.range));
  }
  if (!hash) return Error::Validation("Query condition missed key schema element: " + schema.hash);
  if (hash->cond.op != RangeKeyCondition::Op::kEq) {
    return Error::Validation("Query key condition not supported");
  }
  KeyCondition out;
  out.hash_value = hash->cond.value;
  if (range) out.range = range->cond;
  return out;
}

bool MatchesRange(const RangeKeyCondition& c, const AttributeValue& key) {
  auto order = [](const AttributeValue& a, const AttributeValue& b) -> std::optional<int> {
    if (a.type() != b.type()) return std::nullopt;
    if (a.type() == Type::kN) {
      auto o = a.n() <=> b.n();
      return o < 0 ? -1 : (o > 0 ? 1 : 0);
    }
    if (a.type() == Type::kS) return a.s().compare(b.s()) < 0 ? -1 : (a.s() == b.s() ? 0 : 1);
    if (a.type() == Type::kB) return a.b().compare(b.b()) < 0 ? -1 : (a.b() == b.b() ? 0 : 1);
    return std::nullopt;
  };
  using Op = RangeKeyCondition::Op;
  if (c.op == Op::kBeginsWith) {
    if (key.type() == Type::kS && c.value.type() == Type::kS) return key.s().rfind(c.value.s(), 0) == 0;
    if (key.type() == Type::kB && c.value.type() == Type::kB) return key.b().rfind(c.value.b(), 0) == 0;
    return false;
  }
  std::optional<int> o = order(key, c.value);
  if (!o) return false;
  switch (c.op) {
    case Op::kEq: return *o == 0;
    case Op::kLt: return *o < 0;
    case Op::kLe: return *o <= 0;
    case Op::kGt: return *o > 0;
    case Op::kGe: return *o >= 0;
    case Op::kBetween: {
      std::optional<int> hi = order(key, *c.upper);
      return *o >= 0 && hi && *hi <= 0;
    }
    default: return false;
  }
}

}  // namespace skiff::dynamodb::expr
