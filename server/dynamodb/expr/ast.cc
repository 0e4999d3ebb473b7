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
