#include "server/dynamodb/expr/lexer.h"

namespace skiff::dynamodb::expr {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWord(char c) { return IsAlpha(c) || IsDigit(c); }

// Length of the UTF-8 sequence starting with lead byte c (1 for ASCII or stray bytes).
size_t Utf8Length(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

}  // namespace

std::vector<Token> Lex(std::string_view in) {
  std::vector<Token> out;
  size_t i = 0;
  auto emit = [&](TokenKind k, size_t len) {
    out.push_back(Token{k, in.substr(i, len), i});
    i += len;
  };
  while (i < in.size()) {
    char c = in[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    size_t j = i + 1;
    if (IsAlpha(c)) {
      while (j < in.size() && IsWord(in[j])) ++j;
      emit(TokenKind::kIdentifier, j - i);
    } else if (IsDigit(c)) {
      while (j < in.size() && IsDigit(in[j])) ++j;
      emit(TokenKind::kInteger, j - i);
    } else if ((c == '#' || c == ':') && j < in.size() && IsWord(in[j])) {
      while (j < in.size() && IsWord(in[j])) ++j;
      emit(c == '#' ? TokenKind::kNamePlaceholder : TokenKind::kValuePlaceholder, j - i);
    } else {
      char next = j < in.size() ? in[j] : '\0';
      switch (c) {
        case '(': emit(TokenKind::kLParen, 1); break;
        case ')': emit(TokenKind::kRParen, 1); break;
        case '[': emit(TokenKind::kLBracket, 1); break;
        case ']': emit(TokenKind::kRBracket, 1); break;
        case ',': emit(TokenKind::kComma, 1); break;
        case '.': emit(TokenKind::kDot, 1); break;
        case '=': emit(TokenKind::kEq, 1); break;
        case '+': emit(TokenKind::kPlus, 1); break;
        case '-': emit(TokenKind::kMinus, 1); break;
        case '<':
          if (next == '>') emit(TokenKind::kNe, 2);
          else if (next == '=') emit(TokenKind::kLe, 2);
          else emit(TokenKind::kLt, 1);
          break;
        case '>':
          if (next == '=') emit(TokenKind::kGe, 2);
          else emit(TokenKind::kGt, 1);
          break;
        default: {
          size_t len = Utf8Length(static_cast<unsigned char>(c));
          if (i + len > in.size()) len = in.size() - i;
          emit(TokenKind::kInvalid, len);
        }
      }
    }
  }
  out.push_back(Token{TokenKind::kEnd, in.substr(in.size()), in.size()});
  return out;
}

bool IsKeyword(const Token& t, std::string_view upper_keyword) {
  if (t.kind != TokenKind::kIdentifier || t.text.size() != upper_keyword.size()) return false;
  for (size_t i = 0; i < t.text.size(); ++i) {
    char c = t.text[i];
    if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    if (c != upper_keyword[i]) return false;
  }
  return true;
}

}  // namespace skiff::dynamodb::expr
