#include "server/dynamodb/expr/resolve.h"

#include <algorithm>
#include <array>
#include <optional>

namespace skiff::dynamodb::expr {
namespace {

using Type = AttributeValue::Type;

enum Category {
  kUndefinedName,
  kUndefinedValue,
  kOverlap,
  kConflict,
  kAddDeleteType,
  kOperandCount,
  kDocumentPath,
  kOperandType,
  kNotDistinct,
  kOther,
  kCategoryCount,
};

std::string OperandTypeMessage(std::string_view function, Type t) {
  return "Incorrect operand type for operator or function; operator or function: " +
         std::string(function) + ", operand type: " + std::string(TypeName(t));
}

bool SamePath(const Operand& a, const Operand& b) {
  const Path* x = std::get_if<Path>(&a.v);
  const Path* y = std::get_if<Path>(&b.v);
  return x && y && x->elements == y->elements;
}

class Resolver {
 public:
  Resolver(const Placeholders& p, Usage& usage) : p_(p), usage_(usage) {}

  Status Finish(ExpressionKind kind) const {
    for (const auto& e : first_) {
      if (e) return InvalidExpression(kind, *e);
    }
    return Status::Ok();
  }

  void Note(Category c, std::string message) {
    if (!first_[c]) first_[c] = std::move(message);
  }

  // Returns false when a name was undefined.
  bool ResolvePath(Path& path) {
    bool ok = true;
    for (PathElement& e : path.elements) {
      if (!e.placeholder) continue;
      const auto* names = p_.names;
      auto it = names ? names->find(e.name) : NameMap::const_iterator();
      if (!names || it == names->end()) {
        Note(kUndefinedName, "An expression attribute name used in the document path is not "
                             "defined; attribute name: " + e.name);
        ok = false;
        continue;
      }
      usage_.names.insert(e.name);
      e.name = it->second;
      e.placeholder = false;
    }
    return ok;
  }

  // Returns false when the value was undefined.
  bool ResolveValue(ValueRef& v) {
    const auto* values = p_.values;
    auto it = values ? values->find(v.placeholder) : ValueMap::const_iterator();
    if (!values || it == values->end()) {
      Note(kUndefinedValue, "An expression attribute value used in expression is not defined; "
                            "attribute value: " + v.placeholder);
      return false;
    }
    usage_.values.insert(v.placeholder);
    v.value = it->second;
    resolved_values_.insert(&v);
    return true;
  }

  // The type an operand is known to have before any item is seen: that of a :value, N for
  // size(), L for list_append(). nullopt for paths and unresolved values.
  std::optional<Type> StaticType(const Operand& op) const {
    if (const auto* v = std::get_if<ValueRef>(&op.v)) {
      if (resolved_values_.count(v)) return v->value.type();
      return std::nullopt;
    }
    if (const auto* call = std::get_if<FunctionCall>(&op.v)) {
      if (call->name == "size") return Type::kN;
      if (call->name == "list_append") return Type::kL;
    }
    return std::nullopt;
  }

  void ResolveOperand(Operand& op) {
    std::visit(
        [&](auto& node) {
          using T = std::decay_t<decltype(node)>;
          if constexpr (std::is_same_v<T, Path>) {
            ResolvePath(node);
          } else if constexpr (std::is_same_v<T, ValueRef>) {
            ResolveValue(node);
          } else {
            for (Operand& a : node.args) ResolveOperand(a);
            CheckCall(node);
          }
        },
        op.v);
  }

  bool CheckCount(const FunctionCall& call, size_t want) {
    if (call.args.size() == want) return true;
    Note(kOperandCount, "Incorrect number of operands for operator or function; operator or "
                        "function: " + call.name + ", number of operands: " +
                        std::to_string(call.args.size()));
    return false;
  }

  void RequirePath(const FunctionCall& call, const Operand& arg) {
    if (!std::holds_alternative<Path>(arg.v)) {
      Note(kDocumentPath,
           "Operator or function requires a document path; operator or function: " + call.name);
    }
  }

  void RequireType(std::string_view function, const Operand& arg, std::initializer_list<Type> ok) {
    std::optional<Type> t = StaticType(arg);
    if (t && std::find(ok.begin(), ok.end(), *t) == ok.end()) {
      Note(kOperandType, OperandTypeMessage(function, *t));
    }
  }

  void RequireDistinct(std::string_view op, const Operand& first, const Operand& other) {
    if (SamePath(first, other)) {
      Note(kNotDistinct, "The first operand must be distinct from the remaining operands for this "
                         "operator or function; operator: " + std::string(op) +
                         ", first operand: " + PathToMessage(std::get<Path>(first.v)));
    }
  }

  void CheckCall(const FunctionCall& call) {
    const std::string& n = call.name;
    if (n == "attribute_exists" || n == "attribute_not_exists") {
      if (CheckCount(call, 1)) RequirePath(call, call.args[0]);
    } else if (n == "attribute_type") {
      if (!CheckCount(call, 2)) return;
      RequirePath(call, call.args[0]);
      RequireType(n, call.args[1], {Type::kS});
      RequireDistinct(n, call.args[0], call.args[1]);
      const auto* v = std::get_if<ValueRef>(&call.args[1].v);
      if (v && resolved_values_.count(v) && v->value.type() == Type::kS) {
        static constexpr std::string_view kTypes[] = {"S", "N", "B", "BOOL", "NULL",
                                                      "L", "M", "SS", "NS", "BS"};
        if (std::find(std::begin(kTypes), std::end(kTypes), v->value.s()) == std::end(kTypes)) {
          Note(kOther, "Invalid attribute type name found; type: " + v->value.s() +
                           ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
        }
      }
    } else if (n == "begins_with") {
      if (!CheckCount(call, 2)) return;
      RequireType(n, call.args[0], {Type::kS, Type::kB});
      RequireType(n, call.args[1], {Type::kS, Type::kB});
      RequireDistinct(n, call.args[0], call.args[1]);
    } else if (n == "contains") {
      if (!CheckCount(call, 2)) return;
      RequireDistinct(n, call.args[0], call.args[1]);
    } else if (n == "size") {
      if (!CheckCount(call, 1)) return;
      RequireType(n, call.args[0],
                  {Type::kS, Type::kB, Type::kSS, Type::kNS, Type::kBS, Type::kL, Type::kM});
    } else if (n == "if_not_exists") {
      if (CheckCount(call, 2)) RequirePath(call, call.args[0]);
    } else if (n == "list_append") {
      if (!CheckCount(call, 2)) return;
      RequireType(n, call.args[0], {Type::kL});
      RequireType(n, call.args[1], {Type::kL});
    }
  }

  void ResolveCondition(Condition& c) {
    std::visit(
        [&](auto& node) {
          using T = std::decay_t<decltype(node)>;
          if constexpr (std::is_same_v<T, Comparison>) {
            ResolveOperand(node.left);
            ResolveOperand(node.right);
            if (node.op != CompareOp::kEq && node.op != CompareOp::kNe) {
              // Only N, S and B are ordered; a literal of another type can never compare.
              RequireType(CompareOpText(node.op), node.left, {Type::kN, Type::kS, Type::kB});
              RequireType(CompareOpText(node.op), node.right, {Type::kN, Type::kS, Type::kB});
            }
            RequireDistinct(CompareOpText(node.op), node.left, node.right);
          } else if constexpr (std::is_same_v<T, Between>) {
            ResolveOperand(node.value);
            ResolveOperand(node.low);
            ResolveOperand(node.high);
            for (const Operand* o : {&node.value, &node.low, &node.high}) {
              RequireType("BETWEEN", *o, {Type::kN, Type::kS, Type::kB});
            }
            RequireDistinct("BETWEEN", node.value, node.low);
            RequireDistinct("BETWEEN", node.value, node.high);
            CheckBetweenBounds(node);
          } else if constexpr (std::is_same_v<T, In>) {
            ResolveOperand(node.value);
            for (Operand& o : node.list) {
              ResolveOperand(o);
              RequireDistinct("IN", node.value, o);
            }
            if (node.list.size() > kMaxInOperands) {
              Note(kOther, "The IN operator is provided with too many operands; number of "
                           "operands: " + std::to_string(node.list.size()));
            }
          } else if constexpr (std::is_same_v<T, FunctionCall>) {
            for (Operand& a : node.args) ResolveOperand(a);
            CheckCall(node);
          } else if constexpr (std::is_same_v<T, Not>) {
            ResolveCondition(*node.inner);
          } else {
            ResolveCondition(*node.left);
            ResolveCondition(*node.right);
          }
        },
        c.v);
  }

  void CheckBetweenBounds(const Between& b) {
    const auto* lo = std::get_if<ValueRef>(&b.low.v);
    const auto* hi = std::get_if<ValueRef>(&b.high.v);
    if (!lo || !hi || !resolved_values_.count(lo) || !resolved_values_.count(hi)) return;
    const AttributeValue& x = lo->value;
    const AttributeValue& y = hi->value;
    std::string operands = "lower bound operand: AttributeValue: " + DescribeForMessage(x) +
                           ", upper bound operand: AttributeValue: " + DescribeForMessage(y);
    if (x.type() != y.type()) {
      Note(kOther, "The BETWEEN operator requires same data type for lower and upper bounds; " +
                       operands);
      return;
    }
    bool reversed = (x.type() == Type::kN && y.n() < x.n()) ||
                    (x.type() == Type::kS && y.s() < x.s()) ||
                    (x.type() == Type::kB && y.b() < x.b());
    if (reversed) {
      Note(kOther, "The BETWEEN operator requires upper bound to be greater than or equal to "
                   "lower bound; " + operands);
    }
  }

  void CheckArithmetic(const SetAction& a) {
    if (!a.right) return;
    std::string op(1, a.op);
    RequireType(op, a.left, {Type::kN});
    RequireType(op, *a.right, {Type::kN});
  }

  // Two paths overlap when one is a prefix of the other (or they are equal); they conflict when
  // they first differ where one has a name and the other an index.
  void CheckPaths(const std::vector<const Path*>& paths) {
    for (size_t i = 0; i < paths.size(); ++i) {
      for (size_t j = i + 1; j < paths.size(); ++j) {
        const auto& a = paths[i]->elements;
        const auto& b = paths[j]->elements;
        size_t k = 0;
        while (k < a.size() && k < b.size() && a[k] == b[k]) ++k;
        std::string pair = "must remove or rewrite one of these paths; path one: " +
                           PathToMessage(*paths[i]) + ", path two: " + PathToMessage(*paths[j]);
        if (k == a.size() || k == b.size()) {
          Note(kOverlap, "Two document paths overlap with each other; " + pair);
        } else if (a[k].kind != b[k].kind) {
          Note(kConflict, "Two document paths conflict with each other; " + pair);
        }
      }
    }
  }

 private:
  const Placeholders& p_;
  Usage& usage_;
  std::array<std::optional<std::string>, kCategoryCount> first_;
  std::set<const ValueRef*> resolved_values_;
};

}  // namespace

Status ResolveCondition(Condition& c, ExpressionKind kind, const Placeholders& p, Usage& usage) {
  Resolver r(p, usage);
  r.ResolveCondition(c);
  return r.Finish(kind);
}

Status ResolveUpdate(UpdateExpression& u, const Placeholders& p, Usage& usage) {
  Resolver r(p, usage);
  bool names_ok = true;
  std::vector<const Path*> targets;
  for (UpdateAction& action : u.actions) {
    std::visit(
        [&](auto& a) {
          using T = std::decay_t<decltype(a)>;
          names_ok &= r.ResolvePath(a.path);
          targets.push_back(&a.path);
          if constexpr (std::is_same_v<T, SetAction>) {
            r.ResolveOperand(a.left);
            if (a.right) r.ResolveOperand(*a.right);
            r.CheckArithmetic(a);
          } else if constexpr (std::is_same_v<T, AddAction> || std::is_same_v<T, DeleteAction>) {
            constexpr bool kAdd = std::is_same_v<T, AddAction>;
            if (r.ResolveValue(a.value)) {
              Type t = a.value.value.type();
              bool ok = a.value.value.IsSet() || (kAdd && t == Type::kN);
              if (!ok) {
                r.Note(kAddDeleteType,
                       std::string("Incorrect operand type for operator or function; operator: ") +
                           (kAdd ? "ADD" : "DELETE") + ", operand type: " +
                           std::string(LongTypeName(t)));
              }
            }
          }
        },
        action);
  }
  if (names_ok) r.CheckPaths(targets);
  return r.Finish(ExpressionKind::kUpdate);
}

Status ResolveProjection(Projection& proj, const Placeholders& p, Usage& usage) {
  Resolver r(p, usage);
  bool names_ok = true;
  std::vector<const Path*> paths;
  for (Path& path : proj.paths) {
    names_ok &= r.ResolvePath(path);
    paths.push_back(&path);
  }
  if (names_ok) r.CheckPaths(paths);
  return r.Finish(ExpressionKind::kProjection);
}

Status CheckAllUsed(const Placeholders& p, const Usage& usage) {
  auto unused = [](const auto* map, const std::set<std::string>& used) {
    std::string keys;
    if (!map) return keys;
    for (const auto& [key, value] : *map) {
      if (used.count(key)) continue;
      keys += keys.empty() ? key : ", " + key;
    }
    return keys;
  };
  std::string names = unused(p.names, usage.names);
  if (!names.empty()) {
    return Error::Validation("Value provided in ExpressionAttributeNames unused in expressions: "
                             "keys: {" + names + "}");
  }
  std::string values = unused(p.values, usage.values);
  if (!values.empty()) {
    return Error::Validation("Value provided in ExpressionAttributeValues unused in expressions: "
                             "keys: {" + values + "}");
  }
  return Status::Ok();
}

Result<Condition> CompileCondition(std::string_view text, ExpressionKind kind,
                                   const Placeholders& p, Usage& usage) {
  Result<Condition> c = ParseCondition(text, kind);
  if (!c.ok()) return c;
  Status s = ResolveCondition(*c, kind, p, usage);
  if (!s.ok()) return s.error();
  return c;
}

Result<UpdateExpression> CompileUpdate(std::string_view text, const Placeholders& p, Usage& usage) {
  Result<UpdateExpression> u = ParseUpdate(text);
  if (!u.ok()) return u;
  Status s = ResolveUpdate(*u, p, usage);
  if (!s.ok()) return s.error();
  return u;
}

Result<Projection> CompileProjection(std::string_view text, const Placeholders& p, Usage& usage) {
  Result<Projection> proj = ParseProjection(text);
  if (!proj.ok()) return proj;
  Status s = ResolveProjection(*proj, p, usage);
  if (!s.ok()) return s.error();
  return proj;
}

}  // namespace skiff::dynamodb::expr
