#include "server/dynamodb/expr/parser.h"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>

#include "server/dynamodb/expr/lexer.h"
#include "server/dynamodb/expr/reserved_words.h"

namespace skiff::dynamodb::expr {
namespace {

// Thrown inside the parser only; caught at the entry points.
struct SyntaxError {
  size_t token;
};
// An error DynamoDB reports as soon as it sees it (no backtracking may hide it).
struct ImmediateError {
  std::string detail;
};

constexpr std::array<std::string_view, 5> kBooleanFunctions = {
    "attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains"};
constexpr std::array<std::string_view, 2> kUpdateFunctions = {"if_not_exists", "list_append"};

bool Contains(const auto& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// Post-parse findings, reported in DynamoDB's order: first invalid function name, then a
// function used in the wrong place, then a reserved word, then a repeated update clause.
struct Findings {
  std::optional<std::string> bad_function;
  std::optional<std::string> misused_function;
  std::optional<std::pair<size_t, std::string>> reserved;  // (offset, word as written)
  std::optional<std::string> repeated_clause;

  std::optional<std::string> First() const {
    if (bad_function) return bad_function;
    if (misused_function) return misused_function;
    if (reserved) return "Attribute name is a reserved keyword; reserved keyword: " + reserved->second;
    return repeated_clause;
  }
};

class Parser {
 public:
  Parser(std::string_view text, ExpressionKind kind) : text_(text), kind_(kind) {}

  // Runs one of the Parse* members below, turning parse failures into DynamoDB's messages.
  template <typename T, typename F>
  Result<T> Run(F parse) {
    // The size check comes before lexing, so a huge request costs nothing here.
    if (text_.size() > kMaxExpressionBytes) {
      return InvalidExpression(kind_, "Expression size has exceeded the maximum allowed size; "
                                      "expression size: " + std::to_string(text_.size()));
    }
    tokens_ = Lex(text_);
    // Whitespace alone counts as empty.
    if (tokens_.size() == 1) return InvalidExpression(kind_, "The expression can not be empty;");
    try {
      T tree = (this->*parse)();
      if (std::optional<std::string> f = findings_.First()) return InvalidExpression(kind_, *f);
      return tree;
    } catch (const SyntaxError& e) {
      return InvalidExpression(kind_, SyntaxMessage(e.token));
    } catch (const ImmediateError& e) {
      return InvalidExpression(kind_, e.detail);
    }
  }

  Condition ParseConditionTop() {
    ConditionPtr c = ParseOr();
    if (Peek().kind != TokenKind::kEnd) Fail();
    CheckConditionFunctions(*c);
    return std::move(*c);
  }

  Projection ParseProjectionTop() {
    Projection p;
    p.paths.push_back(ParsePath());
    while (Accept(TokenKind::kComma)) p.paths.push_back(ParsePath());
    if (Peek().kind != TokenKind::kEnd) Fail();
    return p;
  }

  UpdateExpression ParseUpdateTop() {
    UpdateExpression u;
    std::array<bool, 4> seen{};
    static constexpr std::array<std::string_view, 4> kClauses = {"SET", "REMOVE", "ADD", "DELETE"};
    do {
      size_t clause = ClauseAt(Peek());
      if (clause == kClauses.size()) Fail();
      if (seen[clause] && !findings_.repeated_clause) {
        findings_.repeated_clause = "The \"" + std::string(kClauses[clause]) +
                                    "\" section can only be used once in an update expression;";
      }
      seen[clause] = true;
      ++pos_;
      do {
        u.actions.push_back(ParseUpdateAction(clause));
      } while (Accept(TokenKind::kComma));
      if (Peek().kind != TokenKind::kEnd && ClauseAt(Peek()) == kClauses.size()) Fail();
    } while (Peek().kind != TokenKind::kEnd);
    for (const UpdateAction& a : u.actions) {
      if (const auto* set = std::get_if<SetAction>(&a)) {
        CheckUpdateFunctions(set->left);
        if (set->right) CheckUpdateFunctions(*set->right);
      }
    }
    return u;
  }

 private:
  class DepthGuard {
   public:
    explicit DepthGuard(Parser* p) : p_(p) {
      if (++p_->depth_ > kMaxNestingDepth) p_->Fail();
    }
    ~DepthGuard() { --p_->depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Parser* p_;
  };

  // Counts one operator or function against DynamoDB's limit. Backtracking may count an
  // operand twice; the count is reset before each attempt (see ParsePredicate).
  void CountOperator() {
    if (++operators_ > kMaxOperators) {
      throw ImmediateError{"The expression contains too many operators; operator count: " +
                           std::to_string(operators_)};
    }
  }

  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  [[noreturn]] void Fail() const { throw SyntaxError{pos_}; }
  bool Accept(TokenKind k) {
    if (Peek().kind != k) return false;
    ++pos_;
    return true;
  }
  void Expect(TokenKind k) {
    if (!Accept(k)) Fail();
  }
  bool AcceptKeyword(std::string_view kw) {
    if (!IsKeyword(Peek(), kw)) return false;
    ++pos_;
    return true;
  }

  // DynamoDB quotes the offending token and the text from the previous token through the next.
  std::string SyntaxMessage(size_t i) const {
    const Token& t = tokens_[i];
    bool end = t.kind == TokenKind::kEnd;
    size_t start = i > 0 ? tokens_[i - 1].offset : t.offset;
    size_t stop = t.offset + t.text.size();
    if (end && i > 0) stop = tokens_[i - 1].offset + tokens_[i - 1].text.size();
    if (!end && tokens_[i + 1].kind != TokenKind::kEnd) {
      stop = tokens_[i + 1].offset + tokens_[i + 1].text.size();
    }
    std::string token = end ? "<EOF>" : std::string(t.text);
    return "Syntax error; token: \"" + token + "\", near: \"" +
           std::string(text_.substr(start, stop - start)) + "\"";
  }

  bool IsGrammarKeyword(const Token& t) const {
    if (kind_ == ExpressionKind::kUpdate) return ClauseAt(t) < 4;
    if (kind_ == ExpressionKind::kProjection) return false;
    for (std::string_view kw : {"AND", "OR", "NOT", "BETWEEN", "IN"}) {
      if (IsKeyword(t, kw)) return true;
    }
    return false;
  }

  static size_t ClauseAt(const Token& t) {
    static constexpr std::array<std::string_view, 4> kClauses = {"SET", "REMOVE", "ADD", "DELETE"};
    for (size_t i = 0; i < kClauses.size(); ++i) {
      if (IsKeyword(t, kClauses[i])) return i;
    }
    return kClauses.size();
  }

  void NoteName(const Token& t) {
    if (IsReservedWord(t.text) && (!findings_.reserved || findings_.reserved->first > t.offset)) {
      findings_.reserved = std::make_pair(t.offset, std::string(t.text));
    }
  }

  PathElement NameElement() {
    const Token& t = Peek();
    PathElement e;
    if (t.kind == TokenKind::kNamePlaceholder) {
      e.placeholder = true;
    } else if (t.kind == TokenKind::kIdentifier && !IsGrammarKeyword(t)) {
      NoteName(t);
    } else {
      Fail();
    }
    e.name = std::string(t.text);
    ++pos_;
    return e;
  }

  Path ParsePath() {
    Path p;
    p.offset = Peek().offset;
    p.elements.push_back(NameElement());
    while (true) {
      if (Accept(TokenKind::kDot)) {
        p.elements.push_back(NameElement());
      } else if (Accept(TokenKind::kLBracket)) {
        const Token& t = Peek();
        if (t.kind != TokenKind::kInteger) Fail();
        uint64_t v = 0;
        for (char c : t.text) {
          v = v * 10 + uint64_t(c - '0');
          if (v > std::numeric_limits<uint32_t>::max()) Fail();
        }
        ++pos_;
        Expect(TokenKind::kRBracket);
        PathElement e;
        e.kind = PathElement::Kind::kIndex;
        e.index = uint32_t(v);
        p.elements.push_back(std::move(e));
      } else {
        break;
      }
    }
    if (p.elements.size() > kMaxPathElements) {
      throw ImmediateError{"The document path has too many nesting levels; nesting levels: " +
                           std::to_string(p.elements.size())};
    }
    return p;
  }

  FunctionCall ParseCall(Operand (Parser::*arg)()) {
    DepthGuard guard(this);
    CountOperator();
    FunctionCall call;
    call.name = std::string(Peek().text);
    call.offset = Peek().offset;
    pos_ += 2;  // name and '('
    call.args.push_back((this->*arg)());
    while (Accept(TokenKind::kComma)) call.args.push_back((this->*arg)());
    Expect(TokenKind::kRParen);
    return call;
  }

  // Condition operands: a path, a :value, a function call, or any of them in parentheses.
  Operand ParseOperand() {
    DepthGuard guard(this);
    const Token& t = Peek();
    if (t.kind == TokenKind::kLParen) {
      ++pos_;
      Operand inner = ParseOperand();
      Expect(TokenKind::kRParen);
      if (++inner.parens > 1) throw ImmediateError{"The expression has redundant parentheses;"};
      return inner;
    }
    if (t.kind == TokenKind::kValuePlaceholder) {
      ++pos_;
      return Operand{ValueRef{std::string(t.text), AttributeValue(), t.offset}};
    }
    if (t.kind == TokenKind::kIdentifier && Peek(1).kind == TokenKind::kLParen) {
      return Operand{ParseCall(&Parser::ParseOperand)};
    }
    return Operand{ParsePath()};
  }

  // Update operands: no parentheses, no arithmetic inside function arguments.
  Operand ParseSetOperand() {
    const Token& t = Peek();
    if (t.kind == TokenKind::kValuePlaceholder) {
      ++pos_;
      return Operand{ValueRef{std::string(t.text), AttributeValue(), t.offset}};
    }
    if (t.kind == TokenKind::kIdentifier && Peek(1).kind == TokenKind::kLParen) {
      return Operand{ParseCall(&Parser::ParseSetOperand)};
    }
    return Operand{ParsePath()};
  }

  ValueRef ParseValueRef() {
    const Token& t = Peek();
    if (t.kind != TokenKind::kValuePlaceholder) Fail();
    ++pos_;
    return ValueRef{std::string(t.text), AttributeValue(), t.offset};
  }

  UpdateAction ParseUpdateAction(size_t clause) {
    switch (clause) {
      case 0: {
        SetAction a;
        a.path = ParsePath();
        Expect(TokenKind::kEq);
        a.left = ParseSetOperand();
        if (Peek().kind == TokenKind::kPlus || Peek().kind == TokenKind::kMinus) {
          CountOperator();
          a.op = Peek().kind == TokenKind::kPlus ? '+' : '-';
          ++pos_;
          a.right = ParseSetOperand();
        }
        return a;
      }
      case 1: return RemoveAction{ParsePath()};
      case 2: {
        Path p = ParsePath();
        return AddAction{std::move(p), ParseValueRef()};
      }
      default: {
        Path p = ParsePath();
        return DeleteAction{std::move(p), ParseValueRef()};
      }
    }
  }

  static ConditionPtr Make(auto node) {
    auto c = std::make_unique<Condition>();
    c->v = std::move(node);
    return c;
  }

  ConditionPtr ParseOr() {
    ConditionPtr left = ParseAnd();
    while (AcceptKeyword("OR")) {
      CountOperator();
      left = Make(Or{std::move(left), ParseAnd()});
    }
    return left;
  }

  ConditionPtr ParseAnd() {
    ConditionPtr left = ParseNot();
    while (AcceptKeyword("AND")) {
      CountOperator();
      left = Make(And{std::move(left), ParseNot()});
    }
    return left;
  }

  ConditionPtr ParseNot() {
    DepthGuard guard(this);
    if (AcceptKeyword("NOT")) {
      CountOperator();
      return Make(Not{ParseNot()});
    }
    return ParsePredicate();
  }

  bool AtComparison() const {
    switch (Peek().kind) {
      case TokenKind::kEq: case TokenKind::kNe: case TokenKind::kLt:
      case TokenKind::kLe: case TokenKind::kGt: case TokenKind::kGe:
        return true;
      default:
        return IsKeyword(Peek(), "BETWEEN") || IsKeyword(Peek(), "IN");
    }
  }

  ConditionPtr ParsePredicate() {
    if (Peek().kind == TokenKind::kLParen) {
      // "(" opens either a parenthesized operand, "(a) BETWEEN ...", or a parenthesized
      // condition, "(a = b)". Try the operand reading first and fall back.
      size_t save = pos_;
      int operators = operators_;
      try {
        Operand op = ParseOperand();
        if (AtComparison()) return ParseComparison(std::move(op));
      } catch (const SyntaxError&) {
      }
      pos_ = save;
      operators_ = operators;
      Expect(TokenKind::kLParen);
      ConditionPtr inner = ParseOr();
      Expect(TokenKind::kRParen);
      if (++inner->parens > 1) throw ImmediateError{"The expression has redundant parentheses;"};
      return inner;
    }
    Operand op = ParseOperand();
    if (AtComparison()) return ParseComparison(std::move(op));
    if (auto* call = std::get_if<FunctionCall>(&op.v)) return Make(std::move(*call));
    Fail();
  }

  ConditionPtr ParseComparison(Operand left) {
    CountOperator();
    const Token& t = Peek();
    if (AcceptKeyword("BETWEEN")) {
      Operand low = ParseOperand();
      if (!AcceptKeyword("AND")) Fail();
      Operand high = ParseOperand();
      return Make(Between{std::move(left), std::move(low), std::move(high)});
    }
    if (AcceptKeyword("IN")) {
      Expect(TokenKind::kLParen);
      In in{std::move(left), {}};
      in.list.push_back(ParseOperand());
      while (Accept(TokenKind::kComma)) in.list.push_back(ParseOperand());
      Expect(TokenKind::kRParen);
      return Make(std::move(in));
    }
    CompareOp op = t.kind == TokenKind::kEq   ? CompareOp::kEq
                   : t.kind == TokenKind::kNe ? CompareOp::kNe
                   : t.kind == TokenKind::kLt ? CompareOp::kLt
                   : t.kind == TokenKind::kLe ? CompareOp::kLe
                   : t.kind == TokenKind::kGt ? CompareOp::kGt
                                              : CompareOp::kGe;
    ++pos_;
    Operand right = ParseOperand();
    return Make(Comparison{op, std::move(left), std::move(right)});
  }

  void Note(std::optional<std::string>& slot, std::string_view what, const std::string& name) {
    if (!slot) slot = std::string(what) + "; function: " + name;
  }

  // Function names are case-sensitive: "attRIbute_exIsts" is an invalid function name.
  void CheckCall(const FunctionCall& call, bool as_condition) {
    const std::string& n = call.name;
    bool boolean = Contains(kBooleanFunctions, n);
    if (!boolean && n != "size") {
      if (Contains(kUpdateFunctions, n)) {
        Note(findings_.misused_function, "The function is not allowed in a condition expression", n);
      } else {
        Note(findings_.bad_function, "Invalid function name", n);
      }
    } else if (boolean != as_condition) {
      Note(findings_.misused_function,
           "The function is not allowed to be used this way in an expression", n);
    }
    for (const Operand& a : call.args) CheckOperandFunctions(a);
  }

  void CheckOperandFunctions(const Operand& op) {
    if (const auto* call = std::get_if<FunctionCall>(&op.v)) CheckCall(*call, false);
  }

  void CheckConditionFunctions(const Condition& c) {
    std::visit(
        [&](const auto& node) {
          using T = std::decay_t<decltype(node)>;
          if constexpr (std::is_same_v<T, Comparison>) {
            CheckOperandFunctions(node.left);
            CheckOperandFunctions(node.right);
          } else if constexpr (std::is_same_v<T, Between>) {
            CheckOperandFunctions(node.value);
            CheckOperandFunctions(node.low);
            CheckOperandFunctions(node.high);
          } else if constexpr (std::is_same_v<T, In>) {
            CheckOperandFunctions(node.value);
            for (const Operand& o : node.list) CheckOperandFunctions(o);
          } else if constexpr (std::is_same_v<T, FunctionCall>) {
            CheckCall(node, true);
          } else if constexpr (std::is_same_v<T, Not>) {
            CheckConditionFunctions(*node.inner);
          } else {
            CheckConditionFunctions(*node.left);
            CheckConditionFunctions(*node.right);
          }
        },
        c.v);
  }

  void CheckUpdateFunctions(const Operand& op) {
    const auto* call = std::get_if<FunctionCall>(&op.v);
    if (!call) return;
    if (Contains(kBooleanFunctions, call->name) || call->name == "size") {
      Note(findings_.misused_function, "The function is not allowed in an update expression",
           call->name);
    } else if (!Contains(kUpdateFunctions, call->name)) {
      Note(findings_.bad_function, "Invalid function name", call->name);
    }
    for (const Operand& a : call->args) CheckUpdateFunctions(a);
  }

  std::string_view text_;
  ExpressionKind kind_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  int operators_ = 0;
  Findings findings_;
};

}  // namespace

std::string_view ExpressionLabel(ExpressionKind kind) {
  switch (kind) {
    case ExpressionKind::kCondition: return "ConditionExpression";
    case ExpressionKind::kFilter: return "FilterExpression";
    case ExpressionKind::kKeyCondition: return "KeyConditionExpression";
    case ExpressionKind::kUpdate: return "UpdateExpression";
    case ExpressionKind::kProjection: return "ProjectionExpression";
  }
  return "Expression";
}

Error InvalidExpression(ExpressionKind kind, std::string_view detail) {
  return Error::Validation("Invalid " + std::string(ExpressionLabel(kind)) + ": " + std::string(detail));
}

Result<Condition> ParseCondition(std::string_view text, ExpressionKind kind) {
  Parser p(text, kind);
  return p.Run<Condition>(&Parser::ParseConditionTop);
}

Result<UpdateExpression> ParseUpdate(std::string_view text) {
  Parser p(text, ExpressionKind::kUpdate);
  return p.Run<UpdateExpression>(&Parser::ParseUpdateTop);
}

Result<Projection> ParseProjection(std::string_view text) {
  Parser p(text, ExpressionKind::kProjection);
  return p.Run<Projection>(&Parser::ParseProjectionTop);
}

}  // namespace skiff::dynamodb::expr
