#include "server/dynamodb/expr/update.h"

#include <algorithm>

#include "server/dynamodb/expr/eval.h"
#include "server/dynamodb/expr/projection.h"

namespace skiff::dynamodb::expr {
namespace {

using Type = AttributeValue::Type;

Error MissingAttribute() {
  return Error::Validation("The provided expression refers to an attribute that does not exist in the item");
}
Error IncorrectType() {
  return Error::Validation("An operand in the update expression has an incorrect data type");
}
Error InvalidPath() {
  return Error::Validation("The document path provided in the update expression is invalid for update");
}

Result<AttributeValue> EvaluateSetOperand(const Operand& op, const Item& old) {
  if (const auto* path = std::get_if<Path>(&op.v)) {
    const AttributeValue* v = FindPath(old, *path);
    if (!v) return MissingAttribute();
    return *v;
  }
  if (const auto* value = std::get_if<ValueRef>(&op.v)) return value->value;
  const auto& call = std::get<FunctionCall>(op.v);
  if (call.name == "if_not_exists") {
    const AttributeValue* v = FindPath(old, std::get<Path>(call.args[0].v));
    if (v) return *v;
    return EvaluateSetOperand(call.args[1], old);
  }
  // list_append (Resolve admits no other function in an update).
  Result<AttributeValue> a = EvaluateSetOperand(call.args[0], old);
  if (!a.ok()) return a;
  Result<AttributeValue> b = EvaluateSetOperand(call.args[1], old);
  if (!b.ok()) return b;
  if (a->type() != Type::kL || b->type() != Type::kL) return IncorrectType();
  AttributeValue::List joined = a->l();
  joined.insert(joined.end(), b->l().begin(), b->l().end());
  return AttributeValue::L(std::move(joined));
}

Result<AttributeValue> EvaluateSetValue(const SetAction& a, const Item& old) {
  Result<AttributeValue> left = EvaluateSetOperand(a.left, old);
  if (!left.ok() || !a.right) return left;
  Result<AttributeValue> right = EvaluateSetOperand(*a.right, old);
  if (!right.ok()) return right;
  if (left->type() != Type::kN || right->type() != Type::kN) return IncorrectType();
  Result<Number> n = a.op == '+' ? Number::Add(left->n(), right->n())
                                 : Number::Subtract(left->n(), right->n());
  if (!n.ok()) return n.error();
  return AttributeValue::N(std::move(n).value());
}

// Where the last element of a path lives: a top-level attribute, a map member or a list slot.
// Every step before the last must exist and have the right type, else the path is invalid.
struct Slot {
  Item* map = nullptr;                  // top level or a map value's members
  AttributeValue::List* list = nullptr;
  const PathElement* last = nullptr;

  AttributeValue* Find() const {
    if (map) {
      auto it = map->find(last->name);
      return it == map->end() ? nullptr : &it->second;
    }
    return last->index < list->size() ? &(*list)[last->index] : nullptr;
  }
  // A list index past the end appends, as DynamoDB does.
  void Assign(AttributeValue v) const {
    if (map) {
      map->insert_or_assign(last->name, std::move(v));
    } else if (last->index < list->size()) {
      (*list)[last->index] = std::move(v);
    } else {
      list->push_back(std::move(v));
    }
  }
  void Erase() const {
    if (map) {
      map->erase(last->name);
    } else if (last->index < list->size()) {
      list->erase(list->begin() + last->index);
    }
  }
};

Result<Slot> Locate(Item& item, const Path& path) {
  Slot slot;
  slot.map = &item;
  const auto& elements = path.elements;
  for (size_t i = 0; i + 1 < elements.size(); ++i) {
    slot.last = &elements[i];
    AttributeValue* v = slot.Find();
    if (!v) return InvalidPath();
    const PathElement& next = elements[i + 1];
    slot.map = nullptr;
    slot.list = nullptr;
    if (next.kind == PathElement::Kind::kName && v->type() == Type::kM) {
      slot.map = &v->m();
    } else if (next.kind == PathElement::Kind::kIndex && v->type() == Type::kL) {
      slot.list = &v->l();
    } else {
      return InvalidPath();
    }
  }
  slot.last = &elements.back();
  return slot;
}

template <typename T>
std::vector<T> Union(const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<T> out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

template <typename T>
std::vector<T> Difference(const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<T> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Status Add(Item& item, const AddAction& a) {
  Result<Slot> slot = Locate(item, a.path);
  if (!slot.ok()) return slot.error();
  AttributeValue* current = slot->Find();
  const AttributeValue& v = a.value.value;
  if (!current) {
    slot->Assign(v);
    return Status::Ok();
  }
  if (current->type() != v.type()) return IncorrectType();
  switch (v.type()) {
    case Type::kN: {
      Result<Number> sum = Number::Add(current->n(), v.n());
      if (!sum.ok()) return sum.error();
      *current = AttributeValue::N(std::move(sum).value());
      return Status::Ok();
    }
    case Type::kSS: *current = AttributeValue::SS(Union(current->ss(), v.ss())); return Status::Ok();
    case Type::kNS: *current = AttributeValue::NS(Union(current->ns(), v.ns())); return Status::Ok();
    case Type::kBS: *current = AttributeValue::BS(Union(current->bs(), v.bs())); return Status::Ok();
    default: return IncorrectType();
  }
}

Status Delete(Item& item, const DeleteAction& a) {
  Result<Slot> slot = Locate(item, a.path);
  if (!slot.ok()) return slot.error();
  AttributeValue* current = slot->Find();
  const AttributeValue& v = a.value.value;
  if (!current) return Status::Ok();
  if (current->type() != v.type()) return IncorrectType();
  AttributeValue rest;
  bool empty = false;
  switch (v.type()) {
    case Type::kSS: {
      auto left = Difference(current->ss(), v.ss());
      empty = left.empty();
      if (!empty) rest = AttributeValue::SS(std::move(left));
      break;
    }
    case Type::kNS: {
      auto left = Difference(current->ns(), v.ns());
      empty = left.empty();
      if (!empty) rest = AttributeValue::NS(std::move(left));
      break;
    }
    case Type::kBS: {
      auto left = Difference(current->bs(), v.bs());
      empty = left.empty();
      if (!empty) rest = AttributeValue::BS(std::move(left));
      break;
    }
    default: return IncorrectType();
  }
  // DynamoDB has no empty sets: deleting the last elements removes the attribute.
  if (empty) {
    slot->Erase();
  } else {
    *current = std::move(rest);
  }
  return Status::Ok();
}

// Descending element-wise order, so removals from one list go from the highest index down.
bool RemoveFirst(const Path* a, const Path* b) {
  const auto& x = a->elements;
  const auto& y = b->elements;
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (x[i] == y[i]) continue;
    if (x[i].kind != y[i].kind) return x[i].kind > y[i].kind;
    if (x[i].kind == PathElement::Kind::kIndex) return x[i].index > y[i].index;
    return x[i].name > y[i].name;
  }
  return x.size() > y.size();
}

}  // namespace

Result<UpdateOutcome> ApplyUpdate(const UpdateExpression& update, const Item& old) {
  UpdateOutcome out;
  out.item = old;
  std::vector<std::pair<const SetAction*, AttributeValue>> sets;
  std::vector<const Path*> removes;
  for (const UpdateAction& action : update.actions) {
    out.changed.insert(ActionPath(action).elements[0].name);
    if (const auto* set = std::get_if<SetAction>(&action)) {
      Result<AttributeValue> v = EvaluateSetValue(*set, old);
      if (!v.ok()) return v.error();
      sets.emplace_back(set, std::move(v).value());
    } else if (const auto* remove = std::get_if<RemoveAction>(&action)) {
      removes.push_back(&remove->path);
    }
  }
  for (auto& [set, value] : sets) {
    Result<Slot> slot = Locate(out.item, set->path);
    if (!slot.ok()) return slot.error();
    slot->Assign(std::move(value));
  }
  std::sort(removes.begin(), removes.end(), RemoveFirst);
  for (const Path* path : removes) {
    Result<Slot> slot = Locate(out.item, *path);
    if (!slot.ok()) return slot.error();
    slot->Erase();
  }
  for (const UpdateAction& action : update.actions) {
    Status s;
    if (const auto* add = std::get_if<AddAction>(&action)) s = Add(out.item, *add);
    if (const auto* del = std::get_if<DeleteAction>(&action)) s = Delete(out.item, *del);
    if (!s.ok()) return s.error();
  }
  // A value set deep inside a document can push it past DynamoDB's nesting limit.
  for (const std::string& name : out.changed) {
    auto it = out.item.find(name);
    if (it != out.item.end() && ContainerDepth(it->second) > kMaxContainerDepth) {
      return Error::Validation(kNestingTooDeep);
    }
  }
  return out;
}

Item UpdatedAttributes(const UpdateExpression& update, const Item& item) {
  Projection paths;
  for (const UpdateAction& action : update.actions) paths.paths.push_back(ActionPath(action));
  return Project(paths, item);
}

}  // namespace skiff::dynamodb::expr
