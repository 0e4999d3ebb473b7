// Query and Scan through the Service: key conditions, ordering, paging, filters, projections,
// indexes, segments and their validation messages.
#include <gtest/gtest.h>

#include <set>

#include "service_harness.h"

namespace skiff::dynamodb::testing {
namespace {

std::string Str(const rapidjson::Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

class ServiceQuery : public ::testing::Test {
 protected:
  void SetUp() override {
    Reply c = h_.Call(
        "CreateTable",
        R"({"TableName":"events","BillingMode":"PAY_PER_REQUEST",)"
        R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},)"
        R"({"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"kind","AttributeType":"S"}],)"
        R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],)"
        R"("GlobalSecondaryIndexes":[{"IndexName":"by-kind","KeySchema":[{"AttributeName":"kind","KeyType":"HASH"}],)"
        R"("Projection":{"ProjectionType":"KEYS_ONLY"}}]})");
    ASSERT_EQ(c.status, 200) << c.body;
    // a: sk -5, 1, 2, 10, 100 (kind alternates); b: sk 1.
    for (const char* sk : {"-5", "1", "2", "10", "100"}) {
      std::string kind = (std::string(sk) == "1" || std::string(sk) == "10") ? "odd" : "even";
      ASSERT_EQ(h_.Call("PutItem", std::string(R"({"TableName":"events","Item":{"pk":{"S":"a"},"sk":{"N":")") +
                                       sk + R"("},"kind":{"S":")" + kind + R"("},"v":{"S":"x"}}})")
                    .status,
                200);
    }
    ASSERT_EQ(h_.Call("PutItem", R"({"TableName":"events","Item":{"pk":{"S":"b"},"sk":{"N":"1"}}})").status, 200);
  }

  std::vector<std::string> SortKeys(const Reply& r) {
    std::vector<std::string> out;
    for (const auto& item : r.json["Items"].GetArray()) out.push_back(Str(item["sk"]["N"]));
    return out;
  }

  Reply Query(const std::string& extra) {
    return h_.Call("Query", R"({"TableName":"events","KeyConditionExpression":"pk = :p",)"
                            R"("ExpressionAttributeValues":{":p":{"S":"a"}})" + extra + "}");
  }

  Harness h_;
};

TEST_F(ServiceQuery, NumericOrderBothWays) {
  Reply r = Query("");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(SortKeys(r), (std::vector<std::string>{"-5", "1", "2", "10", "100"}));
  EXPECT_EQ(r.json["Count"].GetInt(), 5);
  EXPECT_EQ(r.json["ScannedCount"].GetInt(), 5);
  EXPECT_FALSE(r.json.HasMember("LastEvaluatedKey"));
  r = Query(R"(,"ScanIndexForward":false)");
  EXPECT_EQ(SortKeys(r), (std::vector<std::string>{"100", "10", "2", "1", "-5"}));
}

TEST_F(ServiceQuery, SortKeyConditions) {
  auto q = [&](const std::string& cond, const std::string& values) {
    return h_.Call("Query", R"({"TableName":"events","KeyConditionExpression":"pk = :p AND )" + cond +
                                R"(","ExpressionAttributeValues":{":p":{"S":"a"},)" + values + "}}");
  };
  EXPECT_EQ(SortKeys(q("sk > :x", R"(":x":{"N":"1"})")), (std::vector<std::string>{"2", "10", "100"}));
  EXPECT_EQ(SortKeys(q("sk <= :x", R"(":x":{"N":"2"})")), (std::vector<std::string>{"-5", "1", "2"}));
  EXPECT_EQ(SortKeys(q("sk BETWEEN :x AND :y", R"(":x":{"N":"1"},":y":{"N":"10"})")),
            (std::vector<std::string>{"1", "2", "10"}));
  EXPECT_EQ(SortKeys(q("sk = :x", R"(":x":{"N":"10.0"})")), (std::vector<std::string>{"10"}));
  Reply mismatch = q("sk = :x", R"(":x":{"S":"10"})");
  EXPECT_EQ(mismatch.Message(),
            "One or more parameter values were invalid: Condition parameter type does not match "
            "schema type");
  Reply missing = h_.Call("Query", R"({"TableName":"events","KeyConditionExpression":"sk = :x",)"
                                   R"("ExpressionAttributeValues":{":x":{"N":"1"}}})");
  EXPECT_EQ(missing.Message(), "Query condition missed key schema element: pk");
  Reply none = h_.Call("Query", R"({"TableName":"events"})");
  EXPECT_EQ(none.Message(),
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
            "request.");
}

TEST_F(ServiceQuery, PagingWithLimitAndExclusiveStartKey) {
  Reply p1 = Query(R"(,"Limit":2)");
  EXPECT_EQ(SortKeys(p1), (std::vector<std::string>{"-5", "1"}));
  ASSERT_TRUE(p1.json.HasMember("LastEvaluatedKey"));
  EXPECT_EQ(Str(p1.json["LastEvaluatedKey"]["sk"]["N"]), "1");
  std::string esk = R"(,"Limit":2,"ExclusiveStartKey":{"pk":{"S":"a"},"sk":{"N":"1"}})";
  Reply p2 = Query(esk);
  EXPECT_EQ(SortKeys(p2), (std::vector<std::string>{"2", "10"}));
  Reply p3 = Query(R"(,"Limit":2,"ExclusiveStartKey":{"pk":{"S":"a"},"sk":{"N":"10"}})");
  EXPECT_EQ(SortKeys(p3), (std::vector<std::string>{"100"}));
  EXPECT_FALSE(p3.json.HasMember("LastEvaluatedKey"));
  Reply bad = Query(R"(,"ExclusiveStartKey":{"pk":{"S":"a"}})");
  EXPECT_EQ(bad.Message(),
            "The provided starting key is invalid: The provided key element does not match the "
            "schema");
  Reply outside = Query(R"(,"ExclusiveStartKey":{"pk":{"S":"b"},"sk":{"N":"1"}})");
  EXPECT_EQ(outside.Message(),
            "The provided starting key is outside query boundaries based on provided conditions");
}

TEST_F(ServiceQuery, FilterProjectionAndCount) {
  Reply r = h_.Call("Query", R"({"TableName":"events","KeyConditionExpression":"pk = :p",)"
                             R"("FilterExpression":"kind = :k","ProjectionExpression":"sk",)"
                             R"("ExpressionAttributeValues":{":p":{"S":"a"},":k":{"S":"odd"}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.substr(0, r.body.find(",\"Count\"")),
            R"({"Items":[{"sk":{"N":"1"}},{"sk":{"N":"10"}}])");
  EXPECT_EQ(r.json["Count"].GetInt(), 2);
  EXPECT_EQ(r.json["ScannedCount"].GetInt(), 5);
  Reply on_key = h_.Call("Query", R"({"TableName":"events","KeyConditionExpression":"pk = :p",)"
                                  R"("FilterExpression":"size(v) > :n AND sk > :n",)"
                                  R"("ExpressionAttributeValues":{":p":{"S":"a"},":n":{"N":"0"}}})");
  EXPECT_EQ(on_key.Message(),
            "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk");
  Reply c = Query(R"(,"Select":"COUNT")");
  EXPECT_FALSE(c.json.HasMember("Items"));
  EXPECT_EQ(c.json["Count"].GetInt(), 5);
}

TEST_F(ServiceQuery, GlobalIndexKeysOnly) {
  Reply r = h_.Call("Query", R"({"TableName":"events","IndexName":"by-kind",)"
                             R"("KeyConditionExpression":"kind = :k","ExpressionAttributeValues":{":k":{"S":"odd"}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["Count"].GetInt(), 2);
  for (const auto& item : r.json["Items"].GetArray()) {
    EXPECT_TRUE(item.HasMember("pk"));
    EXPECT_TRUE(item.HasMember("sk"));
    EXPECT_TRUE(item.HasMember("kind"));
    EXPECT_FALSE(item.HasMember("v"));  // KEYS_ONLY
  }
  // A KEYS_ONLY index holds no "v": a filter on it sees nothing there.
  Reply filtered = h_.Call("Query", R"({"TableName":"events","IndexName":"by-kind","FilterExpression":"v = :x",)"
                                    R"("KeyConditionExpression":"kind = :k","ExpressionAttributeValues":{":k":{"S":"odd"},":x":{"S":"x"}}})");
  ASSERT_EQ(filtered.status, 200) << filtered.body;
  EXPECT_EQ(filtered.json["Count"].GetInt(), 0);
  EXPECT_EQ(filtered.json["ScannedCount"].GetInt(), 2);
  Reply page = h_.Call("Query", R"({"TableName":"events","IndexName":"by-kind","Limit":1,)"
                                R"("KeyConditionExpression":"kind = :k","ExpressionAttributeValues":{":k":{"S":"odd"}}})");
  ASSERT_TRUE(page.json.HasMember("LastEvaluatedKey"));
  EXPECT_EQ(page.json["LastEvaluatedKey"].MemberCount(), 3u);  // table key + index key
  Reply consistent = h_.Call("Query", R"({"TableName":"events","IndexName":"by-kind","ConsistentRead":true,)"
                                      R"("KeyConditionExpression":"kind = :k","ExpressionAttributeValues":{":k":{"S":"odd"}}})");
  EXPECT_EQ(consistent.Message(), "Consistent reads are not supported on global secondary indexes");
  Reply all = h_.Call("Query", R"({"TableName":"events","IndexName":"by-kind","Select":"ALL_ATTRIBUTES",)"
                               R"("KeyConditionExpression":"kind = :k","ExpressionAttributeValues":{":k":{"S":"odd"}}})");
  EXPECT_EQ(all.Message(),
            "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
            "supported for global secondary index by-kind because its projection type is not ALL");
  Reply unknown = h_.Call("Query", R"({"TableName":"events","IndexName":"nope",)"
                                   R"("KeyConditionExpression":"kind = :k","ExpressionAttributeValues":{":k":{"S":"odd"}}})");
  EXPECT_EQ(unknown.Message(), "The table does not have the specified index: nope");
}

TEST_F(ServiceQuery, ScanAllPagesAndSegments) {
  std::set<std::string> seen;
  std::string esk;
  int pages = 0;
  do {
    Reply r = h_.Call("Scan", R"({"TableName":"events","Limit":4)" + esk + "}");
    ASSERT_EQ(r.status, 200) << r.body;
    for (const auto& item : r.json["Items"].GetArray()) {
      seen.insert(Str(item["pk"]["S"]) + "/" + Str(item["sk"]["N"]));
    }
    esk.clear();
    if (r.json.HasMember("LastEvaluatedKey")) {
      esk = R"(,"ExclusiveStartKey":{"pk":{"S":")" + Str(r.json["LastEvaluatedKey"]["pk"]["S"]) +
            R"("},"sk":{"N":")" + Str(r.json["LastEvaluatedKey"]["sk"]["N"]) + R"("}})";
    }
    ++pages;
  } while (!esk.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 6u);
  size_t total = 0;
  for (int seg = 0; seg < 3; ++seg) {
    Reply r = h_.Call("Scan", R"({"TableName":"events","Segment":)" + std::to_string(seg) +
                                  R"(,"TotalSegments":3})");
    ASSERT_EQ(r.status, 200) << r.body;
    total += r.json["Count"].GetUint();
  }
  EXPECT_EQ(total, 6u);
  EXPECT_EQ(h_.Call("Scan", R"({"TableName":"events","Segment":3,"TotalSegments":3})").Message(),
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
            "Segment: 3 is not less than TotalSegments: 3");
  EXPECT_EQ(h_.Call("Scan", R"({"TableName":"events","TotalSegments":3})").Message(),
            "The Segment parameter is required but was not present in the request when parameter "
            "TotalSegments is present");
  Reply filtered = h_.Call("Scan", R"j({"TableName":"events","FilterExpression":"attribute_not_exists(kind)"})j");
  EXPECT_EQ(filtered.json["Count"].GetInt(), 1);
  EXPECT_EQ(filtered.json["ScannedCount"].GetInt(), 6);
  EXPECT_EQ(h_.Call("Scan", R"({"TableName":"nope"})").ErrorCode(), "ResourceNotFoundException");
}

}  // namespace
}  // namespace skiff::dynamodb::testing

namespace skiff::dynamodb::testing {
namespace {

// Index rows follow every kind of write: put, update, delete, batch and transaction.
TEST_F(ServiceQuery, IndexFollowsWrites) {
  auto odd = [&] {
    Reply r = h_.Call("Query", R"({"TableName":"events","IndexName":"by-kind","Select":"COUNT",)"
                               R"("KeyConditionExpression":"kind = :k","ExpressionAttributeValues":{":k":{"S":"odd"}}})");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json["Count"].GetInt();
  };
  EXPECT_EQ(odd(), 2);
  ASSERT_EQ(h_.Call("UpdateItem", R"({"TableName":"events","Key":{"pk":{"S":"a"},"sk":{"N":"2"}},)"
                                  R"("UpdateExpression":"SET kind = :k","ExpressionAttributeValues":{":k":{"S":"odd"}}})")
                .status,
            200);
  EXPECT_EQ(odd(), 3);
  ASSERT_EQ(h_.Call("UpdateItem", R"({"TableName":"events","Key":{"pk":{"S":"a"},"sk":{"N":"2"}},)"
                                  R"("UpdateExpression":"REMOVE kind"})")
                .status,
            200);
  EXPECT_EQ(odd(), 2);
  ASSERT_EQ(h_.Call("DeleteItem", R"({"TableName":"events","Key":{"pk":{"S":"a"},"sk":{"N":"1"}}})").status, 200);
  EXPECT_EQ(odd(), 1);
  ASSERT_EQ(h_.Call("BatchWriteItem", R"({"RequestItems":{"events":[{"PutRequest":{"Item":)"
                                      R"({"pk":{"S":"z"},"sk":{"N":"0"},"kind":{"S":"odd"}}}}]}})")
                .status,
            200);
  EXPECT_EQ(odd(), 2);
  ASSERT_EQ(h_.Call("TransactWriteItems", R"({"TransactItems":[{"Delete":{"TableName":"events",)"
                                          R"("Key":{"pk":{"S":"z"},"sk":{"N":"0"}}}}]})")
                .status,
            200);
  EXPECT_EQ(odd(), 1);
  Reply wrong = h_.Call("PutItem", R"({"TableName":"events","Item":{"pk":{"S":"a"},"sk":{"N":"7"},"kind":{"N":"1"}}})");
  EXPECT_EQ(wrong.Message(),
            "One or more parameter values were invalid: Type mismatch for Index Key kind Expected: "
            "S Actual: N IndexName: by-kind");
  Reply wrong_update = h_.Call("UpdateItem", R"({"TableName":"events","Key":{"pk":{"S":"a"},"sk":{"N":"2"}},)"
                                             R"("UpdateExpression":"SET kind = :k","ExpressionAttributeValues":{":k":{"N":"1"}}})");
  EXPECT_EQ(wrong_update.Message(), wrong.Message());
  Reply d = h_.Call("DescribeTable", R"({"TableName":"events"})");
  EXPECT_EQ(d.json["Table"]["GlobalSecondaryIndexes"][0]["ItemCount"].GetInt(), 3);
  // Index writes are part of the consumed capacity: moving an item to another index key costs a
  // delete and a put in the index.
  Reply cap = h_.Call("UpdateItem", R"({"TableName":"events","Key":{"pk":{"S":"a"},"sk":{"N":"10"}},)"
                                    R"("UpdateExpression":"SET kind = :k","ExpressionAttributeValues":{":k":{"S":"even"}},)"
                                    R"("ReturnConsumedCapacity":"INDEXES"})");
  ASSERT_EQ(cap.status, 200) << cap.body;
  EXPECT_EQ(cap.body, R"({"ConsumedCapacity":{"TableName":"events","CapacityUnits":3.0,)"
                      R"("Table":{"CapacityUnits":1.0},"GlobalSecondaryIndexes":{"by-kind":{"CapacityUnits":2.0}}}})");
  Reply plain = h_.Call("PutItem", R"({"TableName":"events","Item":{"pk":{"S":"q"},"sk":{"N":"1"}},)"
                                   R"("ReturnConsumedCapacity":"TOTAL"})");
  EXPECT_EQ(plain.body, R"({"ConsumedCapacity":{"TableName":"events","CapacityUnits":1.0}})");  // -5, 10, 100
}

}  // namespace
}  // namespace skiff::dynamodb::testing
