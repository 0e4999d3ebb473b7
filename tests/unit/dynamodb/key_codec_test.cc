#include "server/dynamodb/key_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace skiff::dynamodb {
namespace {

Number N(std::string_view s) { return Number::Parse(s).value(); }

// A random valid number: 1..38 digits, any sign, exponent across the whole range, plus a few
// values clustered around common prefixes so shared-prefix cases are frequent.
Number RandomNumber(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> len(1, 38), digit(0, 9), coin(0, 1);
  std::uniform_int_distribution<int> exp(Number::kMinExponent, Number::kMaxExponent);
  std::uniform_int_distribution<int> small_exp(-3, 3);
  if (std::uniform_int_distribution<int>(0, 20)(rng) == 0) return Number();
  int n = coin(rng) ? len(rng) : std::uniform_int_distribution<int>(1, 3)(rng);
  std::string digits;
  for (int i = 0; i < n; ++i) digits.push_back(char('0' + (i == 0 ? 1 + digit(rng) % 9 : digit(rng))));
  int e = coin(rng) ? exp(rng) : small_exp(rng);
  std::string text = std::string(coin(rng) ? "-" : "") + "0." + digits + "e" + std::to_string(e);
  return N(text);
}

TEST(KeyCodecTest, NumberOrderMatchesNumericOrder) {
  std::mt19937_64 rng(20260817);
  std::vector<Number> numbers;
  for (int i = 0; i < 5000; ++i) numbers.push_back(RandomNumber(rng));
  for (const char* s : {"0", "1", "-1", "0.1", "0.12", "-0.1", "-0.12", "1e-130", "-1e-130",
                        "9.9999999999999999999999999999999999999E+125",
                        "-9.9999999999999999999999999999999999999E+125", "10", "9", "-10", "-9"}) {
    numbers.push_back(N(s));
  }
  std::vector<Number> by_value = numbers;
  std::sort(by_value.begin(), by_value.end());
  std::vector<Number> by_encoding = numbers;
  std::sort(by_encoding.begin(), by_encoding.end(), [](const Number& a, const Number& b) {
    return EncodeNumberKey(a) < EncodeNumberKey(b);  // std::string compares like memcmp
  });
  ASSERT_EQ(by_value.size(), by_encoding.size());
  for (size_t i = 0; i < by_value.size(); ++i) {
    ASSERT_EQ(by_value[i], by_encoding[i]) << i << ": " << by_value[i].ToString() << " vs "
                                           << by_encoding[i].ToString();
  }
  // Equal values encode identically, different values differently.
  for (size_t i = 1; i < by_value.size(); ++i) {
    EXPECT_EQ(by_value[i - 1] == by_value[i],
              EncodeNumberKey(by_value[i - 1]) == EncodeNumberKey(by_value[i]));
  }
}

TEST(KeyCodecTest, NumberRoundTrips) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    Number n = RandomNumber(rng);
    Result<Number> back = DecodeNumberKey(EncodeNumberKey(n));
    ASSERT_TRUE(back.ok()) << n.ToString();
    EXPECT_EQ(*back, n);
  }
  EXPECT_FALSE(DecodeNumberKey("").ok());
  EXPECT_FALSE(DecodeNumberKey("\x07").ok());
  EXPECT_FALSE(DecodeNumberKey(std::string("\x01\x10\x05", 3)).ok());  // negative, no end byte
}

TEST(KeyCodecTest, StringsAndBinaryAreTheirBytes) {
  EXPECT_EQ(EncodeKey(AttributeValue::S("abc")), "abc");
  EXPECT_EQ(EncodeKey(AttributeValue::B(std::string("\x00\xff", 2))), std::string("\x00\xff", 2));
  EXPECT_LT(EncodeKey(AttributeValue::S("Z")), EncodeKey(AttributeValue::S("a")));
  EXPECT_LT(EncodeKey(AttributeValue::S("a")), EncodeKey(AttributeValue::S("\xc3\xa9")));
  EXPECT_EQ(EncodeKey(AttributeValue::NFromString("1.50")), EncodeNumberKey(N("1.5")));
  EXPECT_THROW(EncodeKey(AttributeValue::Bool(true)), std::logic_error);
}

}  // namespace
}  // namespace skiff::dynamodb
