#include "server/dynamodb/expression_params.h"

#include <gtest/gtest.h>

namespace skiff::dynamodb {
namespace {

std::string NamesError(const char* json) {
  rapidjson::Document doc;
  doc.Parse(json);
  Result<expr::NameMap> r = ExpressionAttributeNamesFromJson(doc);
  return r.ok() ? "ok" : r.error().type + ": " + r.error().message;
}

std::string ValuesError(const char* json) {
  rapidjson::Document doc;
  doc.Parse(json);
  Result<expr::ValueMap> r = ExpressionAttributeValuesFromJson(doc);
  return r.ok() ? "ok" : r.error().type + ": " + r.error().message;
}

TEST(ExpressionParamsTest, Names) {
  rapidjson::Document doc;
  doc.Parse(R"({"#a":"a","#b_1":"x.y"})");
  Result<expr::NameMap> r = ExpressionAttributeNamesFromJson(doc);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("#b_1"), "x.y");
  EXPECT_EQ(NamesError("{}"), "ValidationException: ExpressionAttributeNames must not be empty");
  EXPECT_EQ(NamesError(R"({"a":"a"})"),
            "ValidationException: ExpressionAttributeNames contains invalid key: Syntax error; key: \"a\"");
  EXPECT_EQ(NamesError(R"({"#":"a"})"),
            "ValidationException: ExpressionAttributeNames contains invalid key: Syntax error; key: \"#\"");
  EXPECT_EQ(NamesError(R"({"#a":1})"), "SerializationException: NUMBER_VALUE cannot be converted to String");
}

TEST(ExpressionParamsTest, Values) {
  rapidjson::Document doc;
  doc.Parse(R"({":a":{"S":"x"},":n":{"N":"1.0"}})");
  Result<expr::ValueMap> r = ExpressionAttributeValuesFromJson(doc);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at(":n"), AttributeValue::NFromString("1"));
  EXPECT_EQ(ValuesError("{}"), "ValidationException: ExpressionAttributeValues must not be empty");
  // Keys are checked before values.
  EXPECT_EQ(ValuesError(R"({":b":{"a":""},"b":{"S":"a"}})"),
            "ValidationException: ExpressionAttributeValues contains invalid key: Syntax error; key: \"b\"");
  EXPECT_EQ(ValuesError(R"({":b":{}})"),
            "ValidationException: ExpressionAttributeValues contains invalid value: Supplied "
            "AttributeValue is empty, must contain exactly one of the supported datatypes for key :b");
  EXPECT_EQ(ValuesError(R"({":b":{"SS":[]}})"),
            "ValidationException: ExpressionAttributeValues contains invalid value: One or more "
            "parameter values were invalid: An string set  may not be empty for key :b");
  EXPECT_EQ(ValuesError(R"({":b":{"S":"a","N":"b"}})"),
            "ValidationException: ExpressionAttributeValues contains invalid value: Supplied "
            "AttributeValue has more than one datatypes set, must contain exactly one of the "
            "supported datatypes for key :b");
  EXPECT_EQ(ValuesError(R"({":b":{"NS":["1","b"]}})"),
            "ValidationException: ExpressionAttributeValues contains invalid value: The parameter "
            "cannot be converted to a numeric value: b for key :b");
  EXPECT_EQ(ValuesError(R"({":b":{"N":1}})"), "SerializationException: NUMBER_VALUE cannot be converted to String");
}

}  // namespace
}  // namespace skiff::dynamodb
