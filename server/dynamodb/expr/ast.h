// Parse trees of DynamoDB's expression languages.
//
// The parser produces trees with placeholders (#name, :value) as written; Resolve (resolve.h)
// fills in the names and values from ExpressionAttributeNames/Values. Evaluation and update
// application work on resolved trees only. Trees are move-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "server/dynamodb/expr/value.h"

namespace skiff::dynamodb::expr {

// One step of a document path: an attribute/member name or a list index.
struct PathElement {
  enum class Kind { kName, kIndex };
  Kind kind = Kind::kName;
  std::string name;          // kName: the name; before Resolve, the "#x" text if placeholder
  bool placeholder = false;  // kName written as #x (cleared by Resolve)
  uint32_t index = 0;        // kIndex

  friend bool operator==(const PathElement&, const PathElement&) = default;
};

struct Path {
  std::vector<PathElement> elements;  // never empty; the first is always a kName
  size_t offset = 0;                  // byte offset in the expression
};

// A :value placeholder; Resolve copies its AttributeValue in.
struct ValueRef {
  std::string placeholder;  // ":v"
  AttributeValue value;     // valid after Resolve
  size_t offset = 0;
};

struct Operand;

// A function call as written. Which names exist and where they may appear is checked after
// parsing (parser.cc), so that DynamoDB's error messages come out in DynamoDB's order.
struct FunctionCall {
  std::string name;  // case preserved: DynamoDB's function names are case-sensitive
  std::vector<Operand> args;
  size_t offset = 0;
};

struct Operand {
  std::variant<Path, ValueRef, FunctionCall> v;
  int parens = 0;  // how many parenthesis pairs enclosed it
};

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };
std::string_view CompareOpText(CompareOp op);

struct Condition;
using ConditionPtr = std::unique_ptr<Condition>;

struct Comparison {
  CompareOp op;
  Operand left, right;
};
struct Between {
  Operand value, low, high;
};
struct In {
  Operand value;
  std::vector<Operand> list;
};
struct Not {
  ConditionPtr inner;
};
struct And {
  ConditionPtr left, right;
};
struct Or {
  ConditionPtr left, right;
};

// A condition, filter or key condition. A FunctionCall here is a boolean function
// (attribute_exists, attribute_not_exists, attribute_type, begins_with, contains).
struct Condition {
  std::variant<Comparison, Between, In, FunctionCall, Not, And, Or> v;
  int parens = 0;
};

// SET path = left [op right]; op is '+' or '-' when right is present.
struct SetAction {
  Path path;
  Operand left;
  char op = 0;
  std::optional<Operand> right;
};
struct RemoveAction {
  Path path;
};
struct AddAction {
  Path path;
  ValueRef value;
};
struct DeleteAction {
  Path path;
  ValueRef value;
};
using UpdateAction = std::variant<SetAction, RemoveAction, AddAction, DeleteAction>;

struct UpdateExpression {
  std::vector<UpdateAction> actions;  // in the order written, across clauses
};

struct Projection {
  std::vector<Path> paths;
};

// Top-level attributes a resolved condition reads, e.g. for Query's "Filter Expression can
// only contain non-primary key attributes: Primary key attribute: sk".
std::set<std::string> ReferencedAttributes(const Condition& c);

// DynamoDB's rendering of a path in messages: [a, b, [2], c].
std::string PathToMessage(const Path& path);
const Path& ActionPath(const UpdateAction& action);

}  // namespace skiff::dynamodb::expr
