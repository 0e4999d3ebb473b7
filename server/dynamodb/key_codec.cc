#include "server/dynamodb/key_codec.h"

#include <stdexcept>

namespace skiff::dynamodb {
namespace {

constexpr unsigned char kNegative = 0x01;
constexpr unsigned char kZero = 0x02;
constexpr unsigned char kPositive = 0x03;
constexpr unsigned char kNegativeEnd = 0xFF;
constexpr int kExponentBias = -Number::kMinExponent;  // maps kMinExponent..kMaxExponent to 0..255

static_assert(Number::kMaxExponent + kExponentBias <= 255, "exponent must fit one byte");

Error Corrupt() { return Error{"InternalServerError", "corrupt number key encoding"}; }

}  // namespace

std::string EncodeNumberKey(const Number& n) {
  std::string out;
  if (n.IsZero()) {
    out.push_back(char(kZero));
    return out;
  }
  unsigned char exponent = static_cast<unsigned char>(n.exponent() + kExponentBias);
  out.reserve(n.digits().size() + 3);
  if (!n.negative()) {
    out.push_back(char(kPositive));
    out.push_back(char(exponent));
    for (char d : n.digits()) out.push_back(char(d - '0' + 1));
  } else {
    out.push_back(char(kNegative));
    out.push_back(char(255 - exponent));
    for (char d : n.digits()) out.push_back(char(10 - (d - '0')));
    out.push_back(char(kNegativeEnd));
  }
  return out;
}

Result<Number> DecodeNumberKey(std::string_view bytes) {
  if (bytes.empty()) return Corrupt();
  unsigned char sign = static_cast<unsigned char>(bytes[0]);
  if (sign == kZero) return bytes.size() == 1 ? Result<Number>(Number()) : Corrupt();
  if ((sign != kPositive && sign != kNegative) || bytes.size() < 3) return Corrupt();
  bool negative = sign == kNegative;
  std::string_view digits = bytes.substr(2);
  if (negative) {
    if (static_cast<unsigned char>(digits.back()) != kNegativeEnd) return Corrupt();
    digits.remove_suffix(1);
  }
  unsigned char e = static_cast<unsigned char>(bytes[1]);
  int exponent = (negative ? 255 - e : e) - kExponentBias;
  std::string text = negative ? "-0." : "0.";
  for (char c : digits) {
    int d = negative ? 10 - c : c - 1;
    if (d < 0 || d > 9) return Corrupt();
    text.push_back(char('0' + d));
  }
  text += "e" + std::to_string(exponent);
  return Number::Parse(text);
}

std::string EncodeKey(const AttributeValue& v) {
  switch (v.type()) {
    case AttributeValue::Type::kS: return v.s();
    case AttributeValue::Type::kB: return v.b();
    case AttributeValue::Type::kN: return EncodeNumberKey(v.n());
    default: throw std::logic_error("EncodeKey: key attributes are S, N or B");
  }
}

}  // namespace skiff::dynamodb
