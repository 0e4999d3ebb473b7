// Tokens of DynamoDB's expression languages (condition, filter, key condition, update,
// projection). Keywords are plain identifiers here; the parser matches them case-insensitively.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace skiff::dynamodb::expr {

enum class TokenKind {
  kEnd,               // after the last token; text is empty, offset is the input size
  kIdentifier,        // [A-Za-z_][A-Za-z0-9_]*: names, keywords, function names
  kNamePlaceholder,   // #[A-Za-z0-9_]+
  kValuePlaceholder,  // :[A-Za-z0-9_]+
  kInteger,           // [0-9]+ (list indexes)
  kLParen, kRParen, kLBracket, kRBracket, kComma, kDot,
  kEq, kNe, kLt, kLe, kGt, kGe, kPlus, kMinus,
  kInvalid,           // one character (a whole UTF-8 sequence) outside the language
};

struct Token {
  TokenKind kind;
  std::string_view text;  // a view into the lexed input
  size_t offset;          // byte offset in the input
};

// Never fails: bad characters become kInvalid tokens, which the parser reports as syntax
// errors at the right position. The result always ends with one kEnd token.
std::vector<Token> Lex(std::string_view input);

// Case-insensitive comparison of an identifier token with an upper-case keyword.
bool IsKeyword(const Token& t, std::string_view upper_keyword);

}  // namespace skiff::dynamodb::expr
