#include "server/dynamodb/expr/value.h"

#include <gtest/gtest.h>

namespace skiff::dynamodb {
namespace {

using AV = AttributeValue;

TEST(AttributeValueTest, EqualityFollowsDynamoDB) {
  EXPECT_EQ(AV::S("a"), AV::S("a"));
  EXPECT_NE(AV::S("a"), AV::B("a"));  // same bytes, different types
  EXPECT_EQ(AV::NFromString("1.0"), AV::NFromString("1"));
  EXPECT_NE(AV::NFromString("1"), AV::S("1"));
  EXPECT_EQ(AV::SS({"b", "a"}), AV::SS({"a", "b"}));  // sets are unordered
  EXPECT_EQ(AV::NS({*Number::Parse("2"), *Number::Parse("1.0")}),
            AV::NS({*Number::Parse("1"), *Number::Parse("2")}));
  EXPECT_NE(AV::SS({"a"}), AV::SS({"a", "b"}));
  EXPECT_NE(AV::L({AV::S("a"), AV::S("b")}), AV::L({AV::S("b"), AV::S("a")}));  // lists are not
  EXPECT_EQ(AV::M({{"x", AV::Bool(true)}}), AV::M({{"x", AV::Bool(true)}}));
  EXPECT_NE(AV::M({{"x", AV::Bool(true)}}), AV::M({{"y", AV::Bool(true)}}));
  EXPECT_EQ(AV::MakeNull(), AV::MakeNull());
  EXPECT_NE(AV::Bool(false), AV::MakeNull());
}

TEST(AttributeValueTest, Types) {
  EXPECT_EQ(TypeName(AV::S("").type()), "S");
  EXPECT_EQ(TypeName(AV::NFromString("1").type()), "N");
  EXPECT_EQ(TypeName(AV::B("").type()), "B");
  EXPECT_EQ(TypeName(AV::Bool(true).type()), "BOOL");
  EXPECT_EQ(TypeName(AV::MakeNull().type()), "NULL");
  EXPECT_EQ(TypeName(AV::L({}).type()), "L");
  EXPECT_EQ(TypeName(AV::M({}).type()), "M");
  EXPECT_EQ(TypeName(AV::SS({"a"}).type()), "SS");
  EXPECT_EQ(TypeName(AV::NS({Number()}).type()), "NS");
  EXPECT_EQ(TypeName(AV::BS({"a"}).type()), "BS");
  EXPECT_EQ(LongTypeName(AV::Bool(true).type()), "BOOLEAN");
  EXPECT_TRUE(AV::BS({"a"}).IsSet());
  EXPECT_FALSE(AV::L({}).IsSet());
}

TEST(AttributeValueTest, Sizes) {
  EXPECT_EQ(AV::S("h\xc3\xa9").Size(), 3u);  // UTF-8 bytes
  EXPECT_EQ(AV::B(std::string(5, '\0')).Size(), 5u);
  EXPECT_EQ(AV::Bool(true).Size(), 1u);
  EXPECT_EQ(AV::MakeNull().Size(), 1u);
  EXPECT_EQ(AV::SS({"ab", "c"}).Size(), 3u);
  EXPECT_EQ(AV::L({AV::S("ab"), AV::Bool(false)}).Size(), 3u + 3u + 2u);
  EXPECT_EQ(AV::M({{"k", AV::S("ab")}}).Size(), 3u + 1u + 1u + 2u);
  Item item{{"name", AV::S("abc")}, {"n", AV::NFromString("123")}};
  EXPECT_EQ(ItemSize(item), 4u + 3u + 1u + 3u);
}

TEST(AttributeValueTest, DescribeForMessage) {
  EXPECT_EQ(DescribeForMessage(AV::NFromString("2.50")), "{N:2.5}");
  EXPECT_EQ(DescribeForMessage(AV::S("abc")), "{S:abc}");
}

}  // namespace
}  // namespace skiff::dynamodb
