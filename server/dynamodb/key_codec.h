// Order-preserving encoding of DynamoDB key values.
//
// For two key values of the same type, memcmp order of their encodings equals DynamoDB's order:
// S by UTF-8 bytes, B by bytes, N numerically. Storage keeps the encodings in indexed BLOB
// columns so Query ranges and ordering come straight from SQLite. The formats are written to
// disk: never change them without a migration.
#pragma once

#include <string>
#include <string_view>

#include "server/dynamodb/expr/result.h"
#include "server/dynamodb/expr/value.h"

namespace skiff::dynamodb {

// N: one sign byte (0x01 negative, 0x02 zero, 0x03 positive); then, for non-zero values, one
// exponent byte (exponent() + 129, so 0..255) and one byte per digit (digit + 1). Negative
// numbers invert the exponent byte and digits (255 - e, 10 - digit) and end with 0xFF, so that
// a shorter digit string (-0.1) sorts after a longer one sharing its prefix (-0.12).
std::string EncodeNumberKey(const Number& n);
Result<Number> DecodeNumberKey(std::string_view bytes);

// S and B encode as their raw bytes, N as above. Other types cannot be keys: a logic error.
std::string EncodeKey(const AttributeValue& v);

}  // namespace skiff::dynamodb
