// DynamoDB's Number: an exact decimal with at most 38 significant digits and a magnitude
// between 1E-130 and 9.9999999999999999999999999999999999999E+125 (or zero). Never a double.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/dynamodb/expr/result.h"

namespace skiff::dynamodb {

class Number {
 public:
  static constexpr int kMaxDigits = 38;
  // Bounds of exponent() (see below): 1E-130 is 0.1 x 10^-129; 9.9..9E+125 is 0.99..9 x 10^126.
  static constexpr int kMinExponent = -129;
  static constexpr int kMaxExponent = 126;

  Number() = default;  // zero

  // Parses DynamoDB's number syntax: optional sign, digits with an optional decimal point
  // (".5" and "5." are fine), optional exponent ("1e+5", "-17.4E37"). No spaces, NaN or
  // Infinity. Errors carry DynamoDB's exact ValidationException messages.
  static Result<Number> Parse(std::string_view text);
  static Number FromInteger(int64_t value);

  // The form DynamoDB returns: plain notation, no exponent, no leading or trailing zeros
  // ("1.50" -> "1.5", "1e2" -> "100", "-0" -> "0").
  std::string ToString() const;

  // Exact sum and difference. Fails like DynamoDB when the result cannot be stored.
  static Result<Number> Add(const Number& a, const Number& b);
  static Result<Number> Subtract(const Number& a, const Number& b);

  bool IsZero() const { return digits_.empty(); }
  bool negative() const { return negative_; }
  // The value is (negative ? -1 : 1) * 0.<digits> * 10^exponent, where digits has no leading
  // or trailing zeros ("" for zero, whose exponent is 0).
  const std::string& digits() const { return digits_; }
  int exponent() const { return exponent_; }

  // DynamoDB's storage size of the number in bytes (see value.h for the item-size rules).
  size_t StorageSize() const;

  friend bool operator==(const Number& a, const Number& b) = default;
  friend std::strong_ordering operator<=>(const Number& a, const Number& b);

 private:
  // Builds a checked Number from a sign, a digit string that may have leading/trailing zeros,
  // and the exponent of the first digit's left side (value = 0.<raw> * 10^exponent).
  static Result<Number> Normalize(bool negative, std::string raw, long exponent, bool arithmetic);

  bool negative_ = false;
  std::string digits_;
  int exponent_ = 0;
};

}  // namespace skiff::dynamodb
