#include "server/dynamodb/expr/key_condition.h"

#include <vector>


namespace skiff::dynamodb::expr {
namespace {

using Type = AttributeValue::Type;

Error InvalidOperator(std::string_view op) {
  return Error::Validation("Invalid operator used in KeyConditionExpression: " + std::string(op));
}

// One "key op value" term, normalized so the key is on the left.
struct Term {
  std::string key;
  RangeKeyCondition cond;
};

Result<Term> ToTerm(const Condition& c) {
  auto key_of = [](const Operand& op) -> const Path* { return std::get_if<Path>(&op.v); };
  auto value_of = [](const Operand& op) -> const ValueRef* { return std::get_if<ValueRef>(&op.v); };
  auto check_path = [](const Path& p) -> std::optional<Error> {
    if (p.elements.size() > 1) {
      return Error::Validation("KeyConditionExpressions cannot have conditions on nested attributes");
    }
    return std::nullopt;
  };
  if (const auto* cmp = std::get_if<Comparison>(&c.v)) {
    if (cmp->op == CompareOp::kNe) return InvalidOperator("<>");
    if (std::holds_alternative<FunctionCall>(cmp->left.v) ||
        std::holds_alternative<FunctionCall>(cmp->right.v)) {
      return InvalidOperator("size");
    }
    const Path* key = key_of(cmp->left);
    const ValueRef* value = value_of(cmp->right);
    CompareOp op = cmp->op;
    if (!key) {  // ":v < key" is "key > :v"
      key = key_of(cmp->right);
      value = value_of(cmp->left);
      op = op == CompareOp::kLt ? CompareOp::kGt
           : op == CompareOp::kLe ? CompareOp::kGe
           : op == CompareOp::kGt ? CompareOp::kLt
           : op == CompareOp::kGe ? CompareOp::kLe
                                  : op;
    }
    if (!key) {
      return Error::Validation("Invalid condition in KeyConditionExpression: No key attribute specified");
    }
    if (!value) {
      return Error::Validation(
          "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
    }
    if (auto e = check_path(*key)) return *e;
    using Op = RangeKeyCondition::Op;
    Op r = op == CompareOp::kEq   ? Op::kEq
           : op == CompareOp::kLt ? Op::kLt
           : op == CompareOp::kLe ? Op::kLe
           : op == CompareOp::kGt ? Op::kGt
                                  : Op::kGe;
    return Term{key->elements[0].name, RangeKeyCondition{r, value->value, std::nullopt}};
  }
  if (const auto* between = std::get_if<Between>(&c.v)) {
    const Path* key = key_of(between->value);
    const ValueRef* low = value_of(between->low);
    const ValueRef* high = value_of(between->high);
    if (!key) {
      return Error::Validation("Invalid condition in KeyConditionExpression: No key attribute specified");
    }
    if (!low || !high) {
      return Error::Validation(
          "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
    }
    if (auto e = check_path(*key)) return *e;
    return Term{key->elements[0].name,
                RangeKeyCondition{RangeKeyCondition::Op::kBetween, low->value, high->value}};
  }
  if (const auto* call = std::get_if<FunctionCall>(&c.v)) {
    if (call->name != "begins_with") return InvalidOperator(call->name);
    const Path* key = key_of(call->args[0]);
    const ValueRef* value = value_of(call->args[1]);
    if (!key) {
      return Error::Validation("Invalid condition in KeyConditionExpression: No key attribute specified");
    }
    if (!value) {
      return Error::Validation(
          "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
    }
    if (auto e = check_path(*key)) return *e;
    return Term{key->elements[0].name,
                RangeKeyCondition{RangeKeyCondition::Op::kBeginsWith, value->value, std::nullopt}};
  }
  if (std::holds_alternative<In>(c.v)) return InvalidOperator("IN");
  if (std::holds_alternative<Not>(c.v)) return InvalidOperator("NOT");
  return InvalidOperator("OR");
}

// Flattens the AND tree; OR and NOT are refused by ToTerm.
void Collect(const Condition& c, std::vector<const Condition*>& out) {
  if (const auto* a = std::get_if<And>(&c.v)) {
    Collect(*a->left, out);
    Collect(*a->right, out);
  } else {
    out.push_back(&c);
  }
}

}  // namespace

Result<KeyCondition> ToKeyCondition(const Condition& resolved, const KeySchemaNames& schema) {
  std::vector<const Condition*> parts;
  Collect(resolved, parts);
  std::vector<Term> terms;
  for (const Condition* part : parts) {
    if (std::holds_alternative<Or>(part->v)) return InvalidOperator("OR");
    Result<Term> t = ToTerm(*part);
    if (!t.ok()) return t.error();
    terms.push_back(std::move(t).value());
  }
  if (terms.size() > 2) return Error::Validation("Conditions can be of length 1 or 2 only");
  if (terms.size() == 2 && terms[0].key == terms[1].key) {
    return Error::Validation("KeyConditionExpressions must only contain one condition per key");
  }
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
