#include "server/dynamodb/expr/ast.h"

namespace skiff::dynamodb::expr {

std::string_view CompareOpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "<>";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
  }
  return "?";
}

namespace {

void Collect(const Operand& op, std::set<std::string>& out) {
  if (const auto* path = std::get_if<Path>(&op.v)) {
    out.insert(path->elements[0].name);
  } else if (const auto* call = std::get_if<FunctionCall>(&op.v)) {
    for (const Operand& a : call->args) Collect(a, out);
  }
}

void Collect(const Condition& c, std::set<std::string>& out) {
  std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, Comparison>) {
          Collect(node.left, out);
          Collect(node.right, out);
        } else if constexpr (std::is_same_v<T, Between>) {
          Collect(node.value, out);
          Collect(node.low, out);
          Collect(node.high, out);
        } else if constexpr (std::is_same_v<T, In>) {
          Collect(node.value, out);
          for (const Operand& o : node.list) Collect(o, out);
        } else if constexpr (std::is_same_v<T, FunctionCall>) {
          for (const Operand& a : node.args) Collect(a, out);
        } else if constexpr (std::is_same_v<T, Not>) {
          Collect(*node.inner, out);
        } else {
          Collect(*node.left, out);
          Collect(*node.right, out);
        }
      },
      c.v);
}

}  // namespace

std::set<std::string> ReferencedAttributes(const Condition& c) {
  std::set<std::string> out;
  Collect(c, out);
  return out;
}

std::string PathToMessage(const Path& path) {
  std::string out = "[";
  for (size_t i = 0; i < path.elements.size(); ++i) {
    if (i) out += ", ";
    const PathElement& e = path.elements[i];
    out += e.kind == PathElement::Kind::kName ? e.name : "[" + std::to_string(e.index) + "]";
  }
  return out + "]";
}

const Path& ActionPath(const UpdateAction& action) {
  return std::visit([](const auto& a) -> const Path& { return a.path; }, action);
}

}  // namespace skiff::dynamodb::expr
