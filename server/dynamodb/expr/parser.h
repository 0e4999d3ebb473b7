// Recursive-descent parsers for DynamoDB's expression languages.
//
// Parsing checks everything that needs no ExpressionAttributeNames/Values: syntax (with
// DynamoDB's "token"/"near" report), redundant parentheses, function names and where they may
// appear, reserved words, repeated update clauses. Resolve (resolve.h) does the rest.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "server/dynamodb/expr/ast.h"
#include "server/dynamodb/expr/result.h"

namespace skiff::dynamodb::expr {

enum class ExpressionKind { kCondition, kFilter, kKeyCondition, kUpdate, kProjection };

// "ConditionExpression", "FilterExpression", "KeyConditionExpression", "UpdateExpression",
// "ProjectionExpression".
std::string_view ExpressionLabel(ExpressionKind kind);
// ValidationException "Invalid <label>: <detail>".
Error InvalidExpression(ExpressionKind kind, std::string_view detail);

// DynamoDB's limit on an expression string, in bytes.
inline constexpr size_t kMaxExpressionBytes = 4096;
// Parenthesis/NOT/function nesting the parser accepts. DynamoDB publishes no figure; the cap
// keeps recursion bounded (Alternator learnt this the hard way, its issue #14477). Deeper input
// is reported as a syntax error at the token that went too deep.
inline constexpr int kMaxNestingDepth = 200;
// DynamoDB's maximum depth of a document path.
inline constexpr size_t kMaxPathElements = 32;
// DynamoDB's maximum number of operators and functions in one expression.
inline constexpr int kMaxOperators = 300;
// DynamoDB's maximum number of operands on the right of IN.
inline constexpr size_t kMaxInOperands = 100;

// kind is kCondition, kFilter or kKeyCondition (it only chooses the label of messages).
Result<Condition> ParseCondition(std::string_view text, ExpressionKind kind);
Result<UpdateExpression> ParseUpdate(std::string_view text);
Result<Projection> ParseProjection(std::string_view text);

}  // namespace skiff::dynamodb::expr
