// The Service over the real SQLite TableStore (in memory): the fake's contract checked against
// the implementation on the paths that matter most (Terraform's lock, indexes, transactions).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "service_harness.h"
#include "storage/database.h"

namespace skiff::dynamodb::testing {
namespace {

class ServiceSqlite : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::DatabaseOptions options;
    options.in_memory = true;
    auto db = storage::Database::Open(options);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db.value());
    h_ = std::make_unique<Harness>(&db_->tables());
  }
  void TearDown() override {
    h_.reset();
    if (db_) db_->Close();
  }
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<Harness> h_;
};

TEST_F(ServiceSqlite, TerraformLockCycle) {
  ASSERT_EQ(h_->CreateLockTable().status, 200);
  const std::string lock =
      R"j({"TableName":"locks","Item":{"LockID":{"S":"b/k"},"Info":{"S":"i"}},"ConditionExpression":"attribute_not_exists(LockID)"})j";
  std::atomic<int> wins{0}, held{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      Reply r = h_->Call("PutItem", lock);
      if (r.status == 200) ++wins;
      if (r.ErrorCode() == "ConditionalCheckFailedException") ++held;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(held.load(), 5);
  Reply info = h_->Call("GetItem", R"({"TableName":"locks","Key":{"LockID":{"S":"b/k"}},)"
                                   R"("ProjectionExpression":"LockID, Info","ConsistentRead":true})");
  EXPECT_EQ(info.body, R"({"Item":{"Info":{"S":"i"},"LockID":{"S":"b/k"}}})");
  EXPECT_EQ(h_->Call("DeleteItem", R"({"TableName":"locks","Key":{"LockID":{"S":"b/k"}}})").body, "{}");
  EXPECT_EQ(h_->Call("PutItem", lock).status, 200);
  Reply d = h_->Call("DescribeTable", R"({"TableName":"locks"})");
  EXPECT_EQ(d.json["Table"]["ItemCount"].GetInt(), 1);
}

TEST_F(ServiceSqlite, IndexQueryPagingAndTransactions) {
  ASSERT_EQ(h_->Call("CreateTable",
                     R"({"TableName":"events","BillingMode":"PAY_PER_REQUEST",)"
                     R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},)"
                     R"({"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"g","AttributeType":"S"}],)"
                     R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],)"
                     R"("GlobalSecondaryIndexes":[{"IndexName":"by-g","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],)"
                     R"("Projection":{"ProjectionType":"ALL"}}]})")
                .status,
            200);
  for (const char* sk : {"3", "-1", "20", "0.5"}) {
    ASSERT_EQ(h_->Call("PutItem", std::string(R"({"TableName":"events","Item":{"pk":{"S":"a"},"sk":{"N":")") +
                                      sk + R"("},"g":{"S":"same"}}})")
                  .status,
              200);
  }
  Reply q = h_->Call("Query", R"({"TableName":"events","KeyConditionExpression":"pk = :p AND sk > :z",)"
                              R"("ExpressionAttributeValues":{":p":{"S":"a"},":z":{"N":"0"}},"ScanIndexForward":false})");
  ASSERT_EQ(q.status, 200) << q.body;
  ASSERT_EQ(q.json["Count"].GetInt(), 3);
  EXPECT_STREQ(q.json["Items"][0]["sk"]["N"].GetString(), "20");
  EXPECT_STREQ(q.json["Items"][2]["sk"]["N"].GetString(), "0.5");
  // Four items share one index key: paging must break the tie with the table key.
  std::string esk;
  int seen = 0, pages = 0;
  do {
    Reply p = h_->Call("Query", R"({"TableName":"events","IndexName":"by-g","Limit":1,)"
                                R"("KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"same"}})" +
                                    esk + "}");
    ASSERT_EQ(p.status, 200) << p.body;
    seen += p.json["Count"].GetInt();
    esk.clear();
    if (p.json.HasMember("LastEvaluatedKey")) {
      const auto& k = p.json["LastEvaluatedKey"];
      esk = std::string(R"(,"ExclusiveStartKey":{"pk":{"S":"a"},"g":{"S":"same"},"sk":{"N":")") +
            k["sk"]["N"].GetString() + R"("}})";
    }
    ++pages;
  } while (!esk.empty() && pages < 10);
  EXPECT_EQ(seen, 4);
  Reply t = h_->Call("TransactWriteItems",
                     R"j({"TransactItems":[{"Delete":{"TableName":"events","Key":{"pk":{"S":"a"},"sk":{"N":"3"}}}},)j"
                     R"j({"ConditionCheck":{"TableName":"events","Key":{"pk":{"S":"a"},"sk":{"N":"20"}},)j"
                     R"j("ConditionExpression":"attribute_not_exists(pk)"}}]})j");
  EXPECT_EQ(t.ErrorCode(), "TransactionCanceledException");
  EXPECT_EQ(h_->Call("GetItem", R"({"TableName":"events","Key":{"pk":{"S":"a"},"sk":{"N":"3"}}})").json["Item"].IsObject(),
            true);  // the delete was rolled back with the failed check
  Reply del = h_->Call("DeleteTable", R"({"TableName":"events"})");
  EXPECT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(h_->Call("Scan", R"({"TableName":"events"})").ErrorCode(), "ResourceNotFoundException");
}

}  // namespace
}  // namespace skiff::dynamodb::testing
