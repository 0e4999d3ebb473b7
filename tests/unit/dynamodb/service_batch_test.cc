// BatchGetItem, BatchWriteItem, TransactWriteItems, TransactGetItems through the Service.
#include <gtest/gtest.h>

#include "service_harness.h"

namespace skiff::dynamodb::testing {
namespace {

std::string Str(const rapidjson::Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

class ServiceBatch : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(h_.CreateLockTable("tb1").status, 200);
    ASSERT_EQ(h_.CreateLockTable("tb2").status, 200);
  }
  Reply Get(const std::string& table, const std::string& id) {
    return h_.Call("GetItem", R"({"TableName":")" + table + R"(","Key":{"LockID":{"S":")" + id + R"("}}})");
  }
  Harness h_;
};

TEST_F(ServiceBatch, WriteThenGetAcrossTables) {
  Reply w = h_.Call("BatchWriteItem",
                    R"({"RequestItems":{"tb1":[{"PutRequest":{"Item":{"LockID":{"S":"a"},"v":{"N":"1"}}}},)"
                    R"({"PutRequest":{"Item":{"LockID":{"S":"b"}}}}],)"
                    R"("tb2":[{"PutRequest":{"Item":{"LockID":{"S":"c"}}}}]},"ReturnConsumedCapacity":"TOTAL"})");
  ASSERT_EQ(w.status, 200) << w.body;
  EXPECT_EQ(w.body.substr(0, 23), R"({"UnprocessedItems":{},)");
  EXPECT_EQ(w.json["ConsumedCapacity"].Size(), 2u);
  EXPECT_EQ(w.json["ConsumedCapacity"][0]["CapacityUnits"].GetDouble(), 2.0);

  Reply g = h_.Call("BatchGetItem",
                    R"({"RequestItems":{"tb1":{"Keys":[{"LockID":{"S":"a"}},{"LockID":{"S":"zz"}}],)"
                    R"("ProjectionExpression":"v"},"tb2":{"Keys":[{"LockID":{"S":"c"}}],"ConsistentRead":true}}})");
  ASSERT_EQ(g.status, 200) << g.body;
  EXPECT_EQ(g.body, R"({"Responses":{"tb1":[{"v":{"N":"1"}}],"tb2":[{"LockID":{"S":"c"}}]},"UnprocessedKeys":{}})");

  Reply d = h_.Call("BatchWriteItem", R"({"RequestItems":{"tb1":[{"DeleteRequest":{"Key":{"LockID":{"S":"a"}}}}]}})");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(Get("tb1", "a").body, "{}");
  EXPECT_EQ(Get("tb1", "b").status, 200);
}

TEST_F(ServiceBatch, BatchValidation) {
  EXPECT_EQ(h_.Call("BatchWriteItem", R"({"RequestItems":{}})").Message(),
            "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1");
  EXPECT_EQ(h_.Call("BatchWriteItem", "{}").Message(),
            "1 validation error detected: Value null at 'requestItems' failed to satisfy "
            "constraint: Member must not be null");
  EXPECT_EQ(h_.Call("BatchWriteItem",
                    R"({"RequestItems":{"tb1":[{"PutRequest":{"Item":{"LockID":{"S":"a"}}}},)"
                    R"({"DeleteRequest":{"Key":{"LockID":{"S":"a"}}}}]}})")
                .Message(),
            "Provided list of item keys contains duplicates");
  std::string many = R"({"RequestItems":{"tb1":[)";
  for (int i = 0; i < 26; ++i) {
    many += std::string(i ? "," : "") + R"({"PutRequest":{"Item":{"LockID":{"S":"k)" +
            std::to_string(i) + R"("}}}})";
  }
  many += "]}}";
  EXPECT_EQ(h_.Call("BatchWriteItem", many).Message(),
            "1 validation error detected: Value '{tb1=[...]}' at 'requestItems' failed to satisfy "
            "constraint: Map value must satisfy constraint: [Member must have length less than or "
            "equal to 25, Member must have length greater than or equal to 1]");
  std::string split = R"({"RequestItems":{"tb1":[)";
  for (int i = 0; i < 13; ++i) {
    split += std::string(i ? "," : "") + R"({"PutRequest":{"Item":{"LockID":{"S":"k)" +
             std::to_string(i) + R"("}}}})";
  }
  split += R"(],"tb2":[)";
  for (int i = 0; i < 13; ++i) {
    split += std::string(i ? "," : "") + R"({"PutRequest":{"Item":{"LockID":{"S":"k)" +
             std::to_string(i) + R"("}}}})";
  }
  split += "]}}";
  EXPECT_EQ(h_.Call("BatchWriteItem", split).Message(),
            "Too many items requested for the BatchWriteItem call");
  EXPECT_EQ(h_.Call("BatchWriteItem", R"({"RequestItems":{"tb1":[]}})").Message(),
            "1 validation error detected: Value '{tb1=[]}' at 'requestItems' failed to satisfy "
            "constraint: Map value must satisfy constraint: [Member must have length less than or "
            "equal to 25, Member must have length greater than or equal to 1]");
  EXPECT_EQ(h_.Call("BatchWriteItem", R"({"RequestItems":{"nope":[{"PutRequest":{"Item":{"LockID":{"S":"a"}}}}]}})")
                .ErrorCode(),
            "ResourceNotFoundException");
  EXPECT_EQ(h_.Call("BatchWriteItem", R"({"RequestItems":{"tb1":[{"PutRequest":{"Item":{"X":{"S":"a"}}}}]}})")
                .Message(),
            "One or more parameter values were invalid: Missing the key LockID in the item");
  EXPECT_EQ(h_.Call("BatchGetItem",
                    R"({"RequestItems":{"tb1":{"Keys":[{"LockID":{"S":"a"}},{"LockID":{"S":"a"}}]}}})")
                .Message(),
            "Provided list of item keys contains duplicates");
  // Nothing of a refused batch was written.
  EXPECT_EQ(Get("tb1", "k0").body, "{}");
}

TEST_F(ServiceBatch, TransactWriteCommitsAll) {
  ASSERT_EQ(h_.Call("PutItem", R"({"TableName":"tb1","Item":{"LockID":{"S":"n"},"c":{"N":"1"}}})").status, 200);
  Reply r = h_.Call(
      "TransactWriteItems",
      R"({"TransactItems":[)"
      R"({"Put":{"TableName":"tb1","Item":{"LockID":{"S":"p"}}}},)"
      R"({"Update":{"TableName":"tb1","Key":{"LockID":{"S":"n"}},"UpdateExpression":"SET c = c + :one",)"
      R"("ExpressionAttributeValues":{":one":{"N":"1"}}}},)"
      R"({"ConditionCheck":{"TableName":"tb2","Key":{"LockID":{"S":"absent"}},)"
      R"j("ConditionExpression":"attribute_not_exists(LockID)"}}],"ReturnConsumedCapacity":"TOTAL"})j");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(h_.Call("GetItem", R"({"TableName":"tb1","Key":{"LockID":{"S":"n"}}})").json["Item"]["c"]["N"]), "2");
  EXPECT_EQ(Get("tb1", "p").json["Item"].MemberCount(), 1u);
}

TEST_F(ServiceBatch, TransactWriteCancelsAll) {
  ASSERT_EQ(h_.Call("PutItem", R"({"TableName":"tb1","Item":{"LockID":{"S":"held"},"o":{"S":"x"}}})").status, 200);
  Reply r = h_.Call(
      "TransactWriteItems",
      R"({"TransactItems":[)"
      R"({"Put":{"TableName":"tb1","Item":{"LockID":{"S":"new"}}}},)"
      R"j({"Put":{"TableName":"tb1","Item":{"LockID":{"S":"held"}},"ConditionExpression":"attribute_not_exists(LockID)",)j"
      R"("ReturnValuesOnConditionCheckFailure":"ALL_OLD"}}]})");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.ErrorCode(), "TransactionCanceledException");
  EXPECT_EQ(r.Message(),
            "Transaction cancelled, please refer cancellation reasons for specific reasons [None, "
            "ConditionalCheckFailed]");
  ASSERT_TRUE(r.json.HasMember("CancellationReasons")) << r.body;
  EXPECT_EQ(Str(r.json["CancellationReasons"][0]["Code"]), "None");
  EXPECT_EQ(Str(r.json["CancellationReasons"][1]["Code"]), "ConditionalCheckFailed");
  EXPECT_EQ(Str(r.json["CancellationReasons"][1]["Message"]), "The conditional request failed");
  EXPECT_EQ(Str(r.json["CancellationReasons"][1]["Item"]["o"]["S"]), "x");
  EXPECT_EQ(Get("tb1", "new").body, "{}");  // nothing applied

  Reply bad_update = h_.Call(
      "TransactWriteItems",
      R"({"TransactItems":[{"Update":{"TableName":"tb1","Key":{"LockID":{"S":"held"}},)"
      R"("UpdateExpression":"SET o = o + :one","ExpressionAttributeValues":{":one":{"N":"1"}}}}]})");
  EXPECT_EQ(bad_update.ErrorCode(), "TransactionCanceledException");
  EXPECT_EQ(Str(bad_update.json["CancellationReasons"][0]["Code"]), "ValidationError");
}

TEST_F(ServiceBatch, TransactWriteClientRequestToken) {
  const std::string add = R"({"TransactItems":[{"Update":{"TableName":"tb1",)"
                          R"("Key":{"LockID":{"S":"idem"}},"UpdateExpression":"ADD n :one",)"
                          R"("ExpressionAttributeValues":{":one":{"N":"1"}}}}],)";
  const std::string first = add + R"("ClientRequestToken":"tok-1"})";
  Reply r1 = h_.Call("TransactWriteItems", first);
  ASSERT_EQ(r1.status, 200) << r1.body;
  // The same request again (members in another order) is answered alike and not applied.
  Reply r2 = h_.Call("TransactWriteItems",
                     R"({"ClientRequestToken":"tok-1",)" + add.substr(1, add.size() - 2) + "}");
  ASSERT_EQ(r2.status, 200) << r2.body;
  EXPECT_EQ(r2.body, r1.body);
  EXPECT_EQ(Get("tb1", "idem").body, R"({"Item":{"LockID":{"S":"idem"},"n":{"N":"1"}}})");
  // Another request under the same token is refused and changes nothing.
  Reply other = h_.Call("TransactWriteItems", add + R"("ReturnConsumedCapacity":"TOTAL",)"
                                                    R"("ClientRequestToken":"tok-1"})");
  EXPECT_EQ(other.ErrorCode(), "IdempotentParameterMismatchException");
  EXPECT_EQ(other.Message(),
            "DynamoDB rejected the request because you retried a request with a different payload "
            "but with an idempotent token that was already used.");
  EXPECT_EQ(Get("tb1", "idem").body, R"({"Item":{"LockID":{"S":"idem"},"n":{"N":"1"}}})");
  // Tokens are per region (as tables are): another region's table of that name is missing.
  SignOptions eu;
  eu.region = "eu-west-1";
  EXPECT_EQ(h_.Call("TransactWriteItems", first, eu).ErrorCode(), "ResourceNotFoundException");
  // A canceled transaction does not use up its token.
  const std::string guarded = R"({"TransactItems":[{"Put":{"TableName":"tb1",)"
                              R"("Item":{"LockID":{"S":"g"}},)"
                              R"j("ConditionExpression":"attribute_exists(LockID)"}}],)j"
                              R"("ClientRequestToken":"tok-2"})";
  EXPECT_EQ(h_.Call("TransactWriteItems", guarded).ErrorCode(), "TransactionCanceledException");
  ASSERT_EQ(h_.Call("PutItem", R"({"TableName":"tb1","Item":{"LockID":{"S":"g"}}})").status, 200);
  EXPECT_EQ(h_.Call("TransactWriteItems", guarded).status, 200);
}

TEST_F(ServiceBatch, TransactUpdateOverItemSizeLimit) {
  std::string big(400 * 1024 - 50, 'x');
  ASSERT_EQ(h_.Call("PutItem", R"({"TableName":"tb1","Item":{"LockID":{"S":"big"},"b":{"S":")" +
                                   big + R"("}}})")
                .status,
            200);
  Reply r = h_.Call("TransactWriteItems",
                    R"({"TransactItems":[{"Update":{"TableName":"tb1","Key":{"LockID":{"S":"big"}},)"
                    R"("UpdateExpression":"SET w = :w","ExpressionAttributeValues":{":w":{"S":")" +
                        std::string(100, 'y') + R"("}}}}]})");
  EXPECT_EQ(r.ErrorCode(), "TransactionCanceledException");
  ASSERT_TRUE(r.json.HasMember("CancellationReasons")) << r.body;
  EXPECT_EQ(Str(r.json["CancellationReasons"][0]["Code"]), "ValidationError");
  EXPECT_EQ(Str(r.json["CancellationReasons"][0]["Message"]),
            "Item size to update has exceeded the maximum allowed size");
}

TEST_F(ServiceBatch, TransactValidation) {
  EXPECT_EQ(h_.Call("TransactWriteItems",
                    R"({"TransactItems":[{"Put":{"TableName":"tb1","Item":{"LockID":{"S":"a"}}}},)"
                    R"({"Delete":{"TableName":"tb1","Key":{"LockID":{"S":"a"}}}}]})")
                .Message(),
            "Transaction request cannot include multiple operations on one item");
  EXPECT_EQ(h_.Call("TransactWriteItems", R"({"TransactItems":[]})").ErrorCode(), "ValidationException");
  EXPECT_EQ(h_.Call("TransactWriteItems", R"({"TransactItems":[{}]})").Message(),
            "TransactItems can only contain one of Check, Put, Update or Delete");
  EXPECT_EQ(h_.Call("TransactWriteItems",
                    R"({"TransactItems":[{"Put":{"TableName":"nope","Item":{"LockID":{"S":"a"}}}}]})")
                .ErrorCode(),
            "ResourceNotFoundException");
}

TEST_F(ServiceBatch, TransactGet) {
  ASSERT_EQ(h_.Call("PutItem", R"({"TableName":"tb1","Item":{"LockID":{"S":"a"},"v":{"S":"1"},"w":{"S":"2"}}})").status, 200);
  Reply r = h_.Call("TransactGetItems",
                    R"({"TransactItems":[{"Get":{"TableName":"tb1","Key":{"LockID":{"S":"a"}},"ProjectionExpression":"w"}},)"
                    R"({"Get":{"TableName":"tb2","Key":{"LockID":{"S":"missing"}}}}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"Responses":[{"Item":{"w":{"S":"2"}}},{}]})");
}

}  // namespace
}  // namespace skiff::dynamodb::testing
