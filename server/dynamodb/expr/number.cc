#include "server/dynamodb/expr/number.h"

#include <algorithm>
#include <cstdlib>

namespace skiff::dynamodb {
namespace {

constexpr char kNotNumeric[] = "The parameter cannot be converted to a numeric value";
constexpr char kTooManyDigits[] = "Attempting to store more than 38 significant digits in a Number";
constexpr char kOverflow[] =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
constexpr char kUnderflow[] =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Error NotNumeric(std::string_view text) {
  // DynamoDB omits the ": <value>" suffix when the value is empty.
  if (text.empty()) return Error::Validation(kNotNumeric);
  return Error::Validation(std::string(kNotNumeric) + ": " + std::string(text));
}

// Magnitude comparison of two normalized numbers.
int CompareMagnitude(const Number& a, const Number& b) {
  if (a.IsZero() || b.IsZero()) return int(!a.IsZero()) - int(!b.IsZero());
  if (a.exponent() != b.exponent()) return a.exponent() < b.exponent() ? -1 : 1;
  int c = a.digits().compare(b.digits());  // no trailing zeros: a prefix is the smaller value
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// Digit strings of equal length, most significant first.
std::string AddDigits(const std::string& a, const std::string& b) {
  std::string out(a.size() + 1, '0');
  int carry = 0;
  for (size_t i = a.size(); i-- > 0;) {
    int d = (a[i] - '0') + (b[i] - '0') + carry;
    out[i + 1] = char('0' + d % 10);
    carry = d / 10;
  }
  out[0] = char('0' + carry);
  return out;
}

// a >= b, equal lengths.
std::string SubtractDigits(const std::string& a, const std::string& b) {
  std::string out(a.size(), '0');
  int borrow = 0;
  for (size_t i = a.size(); i-- > 0;) {
    int d = (a[i] - '0') - (b[i] - '0') - borrow;
    borrow = d < 0;
    if (d < 0) d += 10;
    out[i] = char('0' + d);
  }
  return out;
}

}  // namespace

Result<Number> Number::Normalize(bool negative, std::string raw, long exponent, bool arithmetic) {
  size_t first = raw.find_first_not_of('0');
  if (first == std::string::npos) return Number();  // any zero, "-0" and "0e1000" included
  size_t last = raw.find_last_not_of('0');
  exponent -= long(first);
  std::string digits = raw.substr(first, last - first + 1);
  if (digits.size() > size_t(kMaxDigits)) {
    // DynamoDB reports an inexact sum or difference as an overflow, not as a precision error
    // (observed against DynamoDB: 1e50 + 1 fails with the overflow message).
    return Error::Validation(arithmetic ? kOverflow : kTooManyDigits);
  }
  if (exponent > kMaxExponent) return Error::Validation(kOverflow);
  if (exponent < kMinExponent) return Error::Validation(kUnderflow);
  Number n;
  n.negative_ = negative;
  n.digits_ = std::move(digits);
  n.exponent_ = int(exponent);
  return n;
}

Result<Number> Number::Parse(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::string raw;
  long int_digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (IsDigit(c)) {
      raw.push_back(c);
      if (!seen_point) ++int_digits;
      // Leading zeros carry no information; drop them early so "000...0001" stays small.
      if (raw == "0" && !seen_point) {
        raw.clear();
        --int_digits;
      }
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  bool any_digit = false;
  for (size_t j = 0; j < i; ++j) any_digit |= IsDigit(text[j]);
  if (!any_digit) return NotNumeric(text);
  long exp = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    if (i >= text.size() || !IsDigit(text[i])) return NotNumeric(text);
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      // Saturate: anything past a billion is out of range whatever the mantissa.
      if (exp < 1000000000) exp = exp * 10 + (text[i] - '0');
    }
    if (exp_negative) exp = -exp;
  }
  if (i != text.size()) return NotNumeric(text);
  if (raw.size() > 100000) return Error::Validation(kTooManyDigits);
  return Normalize(negative, std::move(raw), int_digits + exp, /*arithmetic=*/false);
}

Number Number::FromInteger(int64_t value) {
  bool negative = value < 0;
  uint64_t magnitude = negative ? uint64_t(0) - uint64_t(value) : uint64_t(value);
  std::string raw = std::to_string(magnitude);
  long exponent = long(raw.size());
  return std::move(Normalize(negative, std::move(raw), exponent, false)).value();
}

std::string Number::ToString() const {
  if (IsZero()) return "0";
  std::string out = negative_ ? "-" : "";
  long n = long(digits_.size());
  if (exponent_ <= 0) {
    out += "0.";
    out.append(size_t(-exponent_), '0');
    out += digits_;
  } else if (exponent_ >= n) {
    out += digits_;
    out.append(size_t(exponent_ - n), '0');
  } else {
    out += digits_.substr(0, size_t(exponent_));
    out += '.';
    out += digits_.substr(size_t(exponent_));
  }
  return out;
}

Result<Number> Number::Add(const Number& a, const Number& b) {
  if (a.IsZero()) return b;
  if (b.IsZero()) return a;
  // Align both coefficients on the lowest power of ten either one uses. Exponents are bounded
  // (kMinExponent..kMaxExponent), so the strings stay a few hundred digits at most.
  long low = std::min(long(a.exponent_) - long(a.digits_.size()),
                      long(b.exponent_) - long(b.digits_.size()));
  long high = std::max(a.exponent_, b.exponent_);
  auto aligned = [&](const Number& n) {
    std::string s(size_t(high - n.exponent_), '0');
    s += n.digits_;
    s.append(size_t(high - low) - s.size(), '0');
    return s;
  };
  std::string x = aligned(a);
  std::string y = aligned(b);
  if (a.negative_ == b.negative_) {
    return Normalize(a.negative_, AddDigits(x, y), high + 1, /*arithmetic=*/true);
  }
  int c = CompareMagnitude(a, b);
  if (c == 0) return Number();
  if (c > 0) return Normalize(a.negative_, SubtractDigits(x, y), high, true);
  return Normalize(b.negative_, SubtractDigits(y, x), high, true);
}

Result<Number> Number::Subtract(const Number& a, const Number& b) {
  Number negated = b;
  if (!negated.IsZero()) negated.negative_ = !negated.negative_;
  return Add(a, negated);
}

size_t Number::StorageSize() const {
  // DynamoDB stores numbers as base-100 digit pairs aligned on the decimal point plus one byte
  // ("approximately 1 byte per two significant digits, plus 1 byte"), and one more byte for a
  // negative number (as dynalite measured against DynamoDB's size limits).
  if (IsZero()) return 1;
  auto pair_of = [](long power) { return power >= 0 ? power / 2 : -((-power + 1) / 2); };
  long top = long(exponent_) - 1;                           // power of ten of the first digit
  long bottom = long(exponent_) - long(digits_.size());      // ... of the last digit
  return size_t(pair_of(top) - pair_of(bottom) + 1) + 1 + (negative_ ? 1 : 0);
}

std::strong_ordering operator<=>(const Number& a, const Number& b) {
  bool a_neg = a.negative_ && !a.IsZero();
  bool b_neg = b.negative_ && !b.IsZero();
  if (a_neg != b_neg) return a_neg ? std::strong_ordering::less : std::strong_ordering::greater;
  int c = CompareMagnitude(a, b);
  if (a_neg) c = -c;
  return c < 0 ? std::strong_ordering::less
               : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
}

}  // namespace skiff::dynamodb
