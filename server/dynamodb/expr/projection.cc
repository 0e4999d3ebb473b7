#include "server/dynamodb/expr/projection.h"

#include <map>
#include <optional>

namespace skiff::dynamodb::expr {
namespace {

using Type = AttributeValue::Type;

// The projection under construction: either a whole value or some members/elements of one.
struct Node {
  std::optional<AttributeValue> whole;
  std::map<std::string, Node> members;
  std::map<uint32_t, Node> elements;

  AttributeValue Build() const {
    if (whole) return *whole;
    if (!elements.empty()) {
      AttributeValue::List list;
      for (const auto& [index, node] : elements) list.push_back(node.Build());
      return AttributeValue::L(std::move(list));
    }
    Item map;
    for (const auto& [name, node] : members) map.emplace(name, node.Build());
    return AttributeValue::M(std::move(map));
  }
};

void Insert(std::map<std::string, Node>& top, const Path& path, const Item& item) {
  auto found = item.find(path.elements[0].name);
  if (found == item.end()) return;
  // Walk the item first: nothing is added for a path that does not resolve.
  const AttributeValue* v = &found->second;
  for (size_t i = 1; i < path.elements.size(); ++i) {
    const PathElement& e = path.elements[i];
    if (e.kind == PathElement::Kind::kName) {
      if (v->type() != Type::kM) return;
      auto m = v->m().find(e.name);
      if (m == v->m().end()) return;
      v = &m->second;
    } else {
      if (v->type() != Type::kL || e.index >= v->l().size()) return;
      v = &v->l()[e.index];
    }
  }
  Node* node = &top[path.elements[0].name];
  for (size_t i = 1; i < path.elements.size(); ++i) {
    const PathElement& e = path.elements[i];
    node = e.kind == PathElement::Kind::kName ? &node->members[e.name] : &node->elements[e.index];
  }
  node->whole = *v;
}

}  // namespace

Item Project(const Projection& projection, const Item& item) {
  std::map<std::string, Node> top;
  for (const Path& path : projection.paths) Insert(top, path, item);
  Item out;
  for (const auto& [name, node] : top) out.emplace(name, node.Build());
  return out;
}

}  // namespace skiff::dynamodb::expr
