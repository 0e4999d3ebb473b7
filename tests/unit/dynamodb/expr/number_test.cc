#include "server/dynamodb/expr/number.h"

#include <gtest/gtest.h>

namespace skiff::dynamodb {
namespace {

std::string Canon(std::string_view s) {
  Result<Number> n = Number::Parse(s);
  return n.ok() ? n->ToString() : "error: " + n.error().message;
}

Number N(std::string_view s) {
  Result<Number> n = Number::Parse(s);
  EXPECT_TRUE(n.ok()) << s;
  return n.ok() ? n.value() : Number();
}

std::string Sum(std::string_view a, std::string_view b) {
  Result<Number> r = Number::Add(N(a), N(b));
  return r.ok() ? r->ToString() : "error: " + r.error().message;
}

std::string Diff(std::string_view a, std::string_view b) {
  Result<Number> r = Number::Subtract(N(a), N(b));
  return r.ok() ? r->ToString() : "error: " + r.error().message;
}

TEST(NumberTest, CanonicalForms) {
  EXPECT_EQ(Canon("1.50"), "1.5");
  EXPECT_EQ(Canon("1e2"), "100");
  EXPECT_EQ(Canon("-0"), "0");
  EXPECT_EQ(Canon("+3"), "3");
  EXPECT_EQ(Canon(".123"), "0.123");
  EXPECT_EQ(Canon("5."), "5");
  EXPECT_EQ(Canon("0001.23"), "1.23");
  EXPECT_EQ(Canon("1e+5"), "100000");
  EXPECT_EQ(Canon("0e1000"), "0");
  EXPECT_EQ(Canon("-17e5"), "-1700000");
  EXPECT_EQ(Canon("-7.1234"), "-7.1234");
  EXPECT_EQ(Canon("1E-5"), "0.00001");
  EXPECT_EQ(Canon("123.456e1"), "1234.56");
  EXPECT_EQ(Canon("0.000"), "0");
  EXPECT_EQ(Canon("100"), "100");
  EXPECT_EQ(Canon("-17.4E37"), "-174" + std::string(36, '0'));
}

TEST(NumberTest, InvalidSyntax) {
  const std::string prefix = "error: The parameter cannot be converted to a numeric value";
  EXPECT_EQ(Canon(""), prefix);
  for (const char* s : {"NaN", "Infinity", "-Infinity", "dog", " 1", "1 ", "1e", "e5", "1..2",
                        "--1", "+", ".", "1e+", "0x10", "1,5"}) {
    EXPECT_EQ(Canon(s), prefix + ": " + s) << s;
  }
}

TEST(NumberTest, Limits) {
  const std::string digits = "error: Attempting to store more than 38 significant digits in a Number";
  const std::string over =
      "error: Number overflow. Attempting to store a number with magnitude larger than supported range";
  const std::string under =
      "error: Number underflow. Attempting to store a number with magnitude smaller than supported "
      "range";
  EXPECT_EQ(Canon("123456789012345678901234567890123456789"), digits);
  EXPECT_EQ(Canon("-1.23456789012345678901234567890123456789"), digits);
  EXPECT_EQ(Canon("12345678901234567890123456789012345678"), "12345678901234567890123456789012345678");
  // Trailing zeros are not significant.
  EXPECT_EQ(Canon("1.000000000000000000000000000000000000000000"), "1");
  EXPECT_EQ(Canon("1e126"), over);
  EXPECT_EQ(Canon("-1e126"), over);
  EXPECT_EQ(Canon("11e125"), over);
  EXPECT_EQ(Canon("1e-131"), under);
  EXPECT_EQ(Canon("-1e-131"), under);
  EXPECT_EQ(Canon("0.9e-130"), under);
  EXPECT_EQ(Canon("1e999999999999999999"), over);
  EXPECT_EQ(Canon("1e125"), "1" + std::string(125, '0'));
  EXPECT_EQ(Canon("9.9999999999999999999999999999999999999E+125"),
            "99999999999999999999999999999999999999" + std::string(88, '0'));
  EXPECT_EQ(Canon("1e-130"), "0." + std::string(129, '0') + "1");
}

TEST(NumberTest, Comparison) {
  EXPECT_EQ(N("1.0"), N("1"));
  EXPECT_LT(N("-2"), N("-1"));
  EXPECT_LT(N("-1"), N("0"));
  EXPECT_LT(N("0"), N("0.001"));
  EXPECT_LT(N("0.1"), N("0.12"));
  EXPECT_LT(N("-0.12"), N("-0.1"));
  EXPECT_LT(N("99"), N("100"));
  EXPECT_GT(N("1e100"), N("9.99e99"));
  EXPECT_EQ(N("-0"), N("0"));
}

TEST(NumberTest, AddAndSubtract) {
  EXPECT_EQ(Sum("1", "10000000000000000000000"), "10000000000000000000001");
  EXPECT_EQ(Diff("10000000000000000000000", "1"), "9999999999999999999999");
  EXPECT_EQ(Sum("0.1", "0.2"), "0.3");
  EXPECT_EQ(Sum("-5", "3"), "-2");
  EXPECT_EQ(Sum("5", "-5"), "0");
  EXPECT_EQ(Sum("9.99", "0.01"), "10");
  EXPECT_EQ(Diff("1", "1.5"), "-0.5");
  EXPECT_EQ(Diff("-1", "-1.5"), "0.5");
  EXPECT_EQ(Sum("0", "-7"), "-7");
  EXPECT_EQ(Diff("0", "7"), "-7");
  EXPECT_EQ(Sum("123.456", "876.544"), "1000");
  const std::string over =
      "error: Number overflow. Attempting to store a number with magnitude larger than supported range";
  EXPECT_EQ(Sum("9e125", "9e125"), over);
  EXPECT_EQ(Diff("9e125", "-9e125"), over);
  // 1e50 - 1 needs 50 significant digits; DynamoDB reports it as an overflow.
  EXPECT_EQ(Diff("1e50", "1"), over);
  EXPECT_EQ(Sum("1e50", "1"), over);
  EXPECT_EQ(Diff("1.5e-130", "1.4e-130"),
            "error: Number underflow. Attempting to store a number with magnitude smaller than "
            "supported range");
}

TEST(NumberTest, FromIntegerAndStorageSize) {
  EXPECT_EQ(Number::FromInteger(0).ToString(), "0");
  EXPECT_EQ(Number::FromInteger(-120).ToString(), "-120");
  EXPECT_EQ(Number::FromInteger(INT64_MIN).ToString(), "-9223372036854775808");
  EXPECT_EQ(N("0").StorageSize(), 1u);
  EXPECT_EQ(N("1").StorageSize(), 2u);
  EXPECT_EQ(N("10").StorageSize(), 2u);
  EXPECT_EQ(N("100").StorageSize(), 2u);
  EXPECT_EQ(N("123").StorageSize(), 3u);
  EXPECT_EQ(N("0.1").StorageSize(), 2u);
  EXPECT_EQ(N("1.1").StorageSize(), 3u);
  EXPECT_EQ(N("123.4").StorageSize(), 4u);  // pairs 1|23|.4
  EXPECT_EQ(N("1234").StorageSize(), 3u);   // pairs 12|34
  EXPECT_EQ(N("-1").StorageSize(), 3u);
  EXPECT_EQ(N("12345678901234567890123456789012345678").StorageSize(), 20u);
}

}  // namespace
}  // namespace skiff::dynamodb
