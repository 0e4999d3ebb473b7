// The legacy conditional parameters (Expected, AttributeUpdates, KeyConditions, QueryFilter,
// ScanFilter, ConditionalOperator), translated into expressions.
#include <gtest/gtest.h>

#include "service_harness.h"

namespace skiff::dynamodb::testing {
namespace {

class ServiceLegacy : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(h_.Call("CreateTable",
                      R"({"TableName":"things","BillingMode":"PAY_PER_REQUEST",)"
                      R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],)"
                      R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]})")
                  .status,
              200);
    for (const char* sk : {"1", "2", "3"}) {
      ASSERT_EQ(h_.Call("PutItem", std::string(R"({"TableName":"things","Item":{"pk":{"S":"a"},"sk":{"N":")") +
                                       sk + R"("},"tags":{"SS":["x","y)" + sk + R"("]},"v":{"N":")" + sk + R"("}}})")
                    .status,
                200);
    }
  }
  Harness h_;
};

TEST_F(ServiceLegacy, ExpectedGuardsWrites) {
  const std::string key = R"("Key":{"pk":{"S":"a"},"sk":{"N":"1"}})";
  Reply ok = h_.Call("DeleteItem", R"({"TableName":"things",)" + key +
                                       R"(,"Expected":{"v":{"Value":{"N":"1"}},"gone":{"Exists":false}}})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  Reply absent = h_.Call("PutItem", R"({"TableName":"things","Item":{"pk":{"S":"a"},"sk":{"N":"2"}},)"
                                    R"("Expected":{"pk":{"Exists":false}}})");
  EXPECT_EQ(absent.ErrorCode(), "ConditionalCheckFailedException");
  Reply or_op = h_.Call("PutItem", R"({"TableName":"things","Item":{"pk":{"S":"a"},"sk":{"N":"2"},"v":{"N":"9"}},)"
                                   R"("Expected":{"v":{"ComparisonOperator":"GT","AttributeValueList":[{"N":"5"}]},)"
                                   R"("tags":{"ComparisonOperator":"NOT_CONTAINS","AttributeValueList":[{"S":"zz"}]}},)"
                                   R"("ConditionalOperator":"OR"})");
  EXPECT_EQ(or_op.status, 200) << or_op.body;
  Reply between = h_.Call("PutItem", R"({"TableName":"things","Item":{"pk":{"S":"a"},"sk":{"N":"2"}},)"
                                     R"("Expected":{"v":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"},{"N":"5"}]}}})");
  EXPECT_EQ(between.ErrorCode(), "ConditionalCheckFailedException");  // v is 9 now
}

TEST_F(ServiceLegacy, ExpectedValidationMessages) {
  const std::string put = R"({"TableName":"things","Item":{"pk":{"S":"a"},"sk":{"N":"5"}},"Expected":)";
  EXPECT_EQ(h_.Call("PutItem", put + R"({"a":{}}})").Message(),
            "One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: a");
  EXPECT_EQ(h_.Call("PutItem", put + R"({"a":{"Exists":true}}})").Message(),
            "One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: a");
  EXPECT_EQ(h_.Call("PutItem", put + R"({"a":{"Exists":false,"Value":{"S":"x"}}}})").Message(),
            "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a");
  EXPECT_EQ(h_.Call("PutItem", put + R"({"a":{"ComparisonOperator":"LT"}}})").Message(),
            "One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a");
  EXPECT_EQ(h_.Call("PutItem", put + R"({"a":{"Exists":true,"ComparisonOperator":"LT"}}})").Message(),
            "One or more parameter values were invalid: Exists and ComparisonOperator cannot be used together for Attribute: a");
  EXPECT_EQ(h_.Call("PutItem", put + R"({"a":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"x"},{"S":"y"}]}}})").Message(),
            "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator");
  EXPECT_EQ(h_.Call("PutItem", put + R"j({"a":{"Value":{"S":"x"}}},"ConditionExpression":"attribute_exists(b)"})j").Message(),
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}");
}

TEST_F(ServiceLegacy, AttributeUpdates) {
  Reply r = h_.Call("UpdateItem", R"({"TableName":"things","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},)"
                                  R"("AttributeUpdates":{"v":{"Action":"ADD","Value":{"N":"10"}},"w":{"Value":{"S":"new"}},)"
                                  R"("tags":{"Action":"DELETE","Value":{"SS":["x"]}}},"ReturnValues":"ALL_NEW"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"Attributes":{"pk":{"S":"a"},"sk":{"N":"1"},"tags":{"SS":["y1"]},"v":{"N":"11"},"w":{"S":"new"}}})");
  Reply remove = h_.Call("UpdateItem", R"({"TableName":"things","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},)"
                                       R"("AttributeUpdates":{"w":{"Action":"DELETE"}},"ReturnValues":"UPDATED_OLD"})");
  EXPECT_EQ(remove.body, R"({"Attributes":{"w":{"S":"new"}}})");
  EXPECT_EQ(h_.Call("UpdateItem", R"({"TableName":"things","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},)"
                                  R"("AttributeUpdates":{"w":{"Action":"PUT"}}})")
                .Message(),
            "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified");
}

TEST_F(ServiceLegacy, KeyConditionsAndFilters) {
  Reply q = h_.Call("Query", R"({"TableName":"things","KeyConditions":{"pk":{"ComparisonOperator":"EQ",)"
                             R"("AttributeValueList":[{"S":"a"}]},"sk":{"ComparisonOperator":"GE","AttributeValueList":[{"N":"2"}]}},)"
                             R"("QueryFilter":{"tags":{"ComparisonOperator":"CONTAINS","AttributeValueList":[{"S":"y3"}]}}})");
  ASSERT_EQ(q.status, 200) << q.body;
  EXPECT_EQ(q.json["Count"].GetInt(), 1);
  EXPECT_EQ(q.json["ScannedCount"].GetInt(), 2);
  Reply ne = h_.Call("Query", R"({"TableName":"things","KeyConditions":{"pk":{"ComparisonOperator":"NE",)"
                              R"("AttributeValueList":[{"S":"a"}]}}})");
  EXPECT_EQ(ne.Message(), "Attempted conditional constraint is not an indexable operation");
  Reply s = h_.Call("Scan", R"({"TableName":"things","ScanFilter":{"v":{"ComparisonOperator":"IN",)"
                            R"("AttributeValueList":[{"N":"1"},{"N":"3"}]}}})");
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_EQ(s.json["Count"].GetInt(), 2);
  Reply nul = h_.Call("Scan", R"({"TableName":"things","ScanFilter":{"missing":{"ComparisonOperator":"NULL"}}})");
  EXPECT_EQ(nul.json["Count"].GetInt(), 3);
}

}  // namespace
}  // namespace skiff::dynamodb::testing
