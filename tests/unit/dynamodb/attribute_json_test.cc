#include "server/dynamodb/attribute_json.h"

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>


namespace skiff::dynamodb {
namespace {

Result<AttributeValue> Parse(const char* json) {
  rapidjson::Document doc;
  doc.Parse(json);
  EXPECT_FALSE(doc.HasParseError()) << json;
  return AttributeValueFromJson(doc);
}

std::string ErrorOf(const char* json) {
  Result<AttributeValue> r = Parse(json);
  return r.ok() ? "ok" : r.error().type + ": " + r.error().message;
}

std::string RoundTrip(const char* json) {
  Result<AttributeValue> r = Parse(json);
  if (!r.ok()) return "error: " + r.error().message;
  rapidjson::Document doc;
  rapidjson::Value v = AttributeValueToJson(*r, doc.GetAllocator());
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return buf.GetString();
}

TEST(AttributeJsonTest, RoundTripsEveryType) {
  EXPECT_EQ(RoundTrip(R"({"S":"hello"})"), R"({"S":"hello"})");
  EXPECT_EQ(RoundTrip(R"({"N":"1.50"})"), R"({"N":"1.5"})");
  EXPECT_EQ(RoundTrip(R"({"B":"aGk="})"), R"({"B":"aGk="})");
  EXPECT_EQ(RoundTrip(R"({"BOOL":false})"), R"({"BOOL":false})");
  EXPECT_EQ(RoundTrip(R"({"NULL":true})"), R"({"NULL":true})");
  EXPECT_EQ(RoundTrip(R"({"L":[{"S":"a"},{"N":"1"}]})"), R"({"L":[{"S":"a"},{"N":"1"}]})");
  EXPECT_EQ(RoundTrip(R"({"M":{"b":{"S":"x"},"a":{"L":[]}}})"), R"({"M":{"a":{"L":[]},"b":{"S":"x"}}})");
  EXPECT_EQ(RoundTrip(R"({"SS":["b","a"]})"), R"({"SS":["a","b"]})");
  EXPECT_EQ(RoundTrip(R"({"NS":["10","9","1e1x"]})"), "error: The parameter cannot be converted to a numeric value: 1e1x");
  EXPECT_EQ(RoundTrip(R"({"NS":["10","9"]})"), R"({"NS":["9","10"]})");
  EXPECT_EQ(RoundTrip(R"({"BS":["Yg==","YQ=="]})"), R"({"BS":["YQ==","Yg=="]})");
  EXPECT_EQ(RoundTrip(R"({"S":"a","Unknown":1})"), R"({"S":"a"})");
}

TEST(AttributeJsonTest, ValidationMessages) {
  const std::string v = "ValidationException: ";
  const std::string p = v + "One or more parameter values were invalid: ";
  EXPECT_EQ(ErrorOf("{}"), v + "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  EXPECT_EQ(ErrorOf(R"({"a":""})"), v + "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  EXPECT_EQ(ErrorOf(R"({"M":{"a":{}}})"), v + "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  EXPECT_EQ(ErrorOf(R"({"L":[{}]})"), v + "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  EXPECT_EQ(ErrorOf(R"({"S":"a","N":"1"})"), v + "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
  EXPECT_EQ(ErrorOf(R"({"NULL":false})"), p + "Null attribute value types must have the value of true");
  EXPECT_EQ(ErrorOf(R"({"SS":[]})"), p + "An string set  may not be empty");
  EXPECT_EQ(ErrorOf(R"({"NS":[]})"), p + "An number set  may not be empty");
  EXPECT_EQ(ErrorOf(R"({"BS":[]})"), p + "Binary sets should not be empty");
  EXPECT_EQ(ErrorOf(R"({"SS":["a","a"]})"), p + "Input collection [a, a] contains duplicates.");
  EXPECT_EQ(ErrorOf(R"({"BS":["Yg==","Yg=="]})"), p + "Input collection [Yg==, Yg==]of type BS contains duplicates.");
  EXPECT_EQ(ErrorOf(R"({"NS":["1","1.0"]})"), v + "Input collection contains duplicates");
  EXPECT_EQ(ErrorOf(R"({"N":""})"), v + "The parameter cannot be converted to a numeric value");
  EXPECT_EQ(ErrorOf(R"({"N":"b"})"), v + "The parameter cannot be converted to a numeric value: b");
  EXPECT_EQ(ErrorOf(R"({"N":"1e126"})"), v + "Number overflow. Attempting to store a number with magnitude larger than supported range");
  EXPECT_EQ(ErrorOf(R"({"N":"123456789012345678901234567890123456789"})"), v + "Attempting to store more than 38 significant digits in a Number");
}

TEST(AttributeJsonTest, SerializationErrors) {
  EXPECT_EQ(ErrorOf(R"({"N":123})"), "SerializationException: NUMBER_VALUE cannot be converted to String");
  EXPECT_EQ(ErrorOf(R"({"S":true})"), "SerializationException: TRUE_VALUE cannot be converted to String");
  EXPECT_EQ(ErrorOf(R"({"B":"abc"})"), "SerializationException: Base64 encoded length is expected a multiple of 4 bytes but found: 3");
  EXPECT_EQ(ErrorOf(R"({"B":"ab!c"})"), "SerializationException: Invalid Base64 character found in the supplied value");
  EXPECT_EQ(ErrorOf(R"({"L":{}})"), "SerializationException: Start of structure or map found where not expected.");
}

std::string DeepMap(int containers) {
  std::string json = R"({"S":"leaf"})";
  for (int i = 0; i < containers; ++i) json = R"({"M":{"n":)" + json + "}}";
  return json;
}

TEST(AttributeJsonTest, NestingLimit) {
  // Captured against DynamoDB: 31 containers (leaf at level 32) are stored, 32 are refused.
  Result<AttributeValue> ok = Parse(DeepMap(31).c_str());
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ContainerDepth(*ok), 31);
  EXPECT_EQ(ErrorOf(DeepMap(32).c_str()),
            "ValidationException: Nesting Levels have exceeded supported limits: Attributes in the "
            "item have nested levels beyond supported limit");
  std::string lists = R"({"S":"x"})";
  for (int i = 0; i < 5000; ++i) lists = R"({"L":[)" + lists + "]}";
  rapidjson::Document doc;
  doc.Parse(lists.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_FALSE(AttributeValueFromJson(doc).ok());  // refused without deep recursion
}

TEST(AttributeJsonTest, Items) {
  rapidjson::Document doc;
  doc.Parse(R"({"id":{"S":"1"},"n":{"N":"2"}})");
  Result<Item> item = ItemFromJson(doc);
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(item->size(), 2u);
  EXPECT_EQ(item->at("n"), AttributeValue::NFromString("2"));
  rapidjson::Document out;
  rapidjson::Value json = ItemToJson(*item, out.GetAllocator());
  EXPECT_TRUE(json.HasMember("id"));
  EXPECT_EQ(*ItemFromJson(json), *item);
}

}  // namespace
}  // namespace skiff::dynamodb
