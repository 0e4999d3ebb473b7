// PutItem / GetItem / DeleteItem / UpdateItem through the Service, Terraform's lock path first
// (/work/shared/terraform-wire.md §2.2, §4.1).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "service_harness.h"

namespace skiff::dynamodb::testing {
namespace {

class ServiceItems : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(h_.CreateLockTable().status, 200); }
  Reply Put(const std::string& body) { return h_.Call("PutItem", body); }
  Reply Get(const std::string& body) { return h_.Call("GetItem", body); }
  Harness h_;
};

constexpr const char* kLock =
    R"({"TableName":"locks","Item":{"LockID":{"S":"bucket/state.tfstate"},)"
    R"j("Info":{"S":"{\"ID\":\"1\"}"}},"ConditionExpression":"attribute_not_exists(LockID)"})j";
constexpr const char* kLockKey = R"({"LockID":{"S":"bucket/state.tfstate"}})";

TEST_F(ServiceItems, TerraformLockCycle) {
  Reply lock = Put(kLock);
  ASSERT_EQ(lock.status, 200) << lock.body;
  EXPECT_EQ(lock.body, "{}");

  Reply held = Put(kLock);
  EXPECT_EQ(held.status, 400);
  EXPECT_EQ(held.body,
            R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",)"
            R"("message":"The conditional request failed"})");

  Reply info = Get(std::string(R"({"TableName":"locks","Key":)") + kLockKey +
                   R"(,"ProjectionExpression":"LockID, Info","ConsistentRead":true})");
  ASSERT_EQ(info.status, 200) << info.body;
  EXPECT_EQ(info.body,
            R"({"Item":{"Info":{"S":"{\"ID\":\"1\"}"},"LockID":{"S":"bucket/state.tfstate"}}})");

  Reply unlock = h_.Call("DeleteItem", std::string(R"({"TableName":"locks","Key":)") + kLockKey + "}");
  ASSERT_EQ(unlock.status, 200) << unlock.body;
  EXPECT_EQ(unlock.body, "{}");
  EXPECT_EQ(Get(std::string(R"({"TableName":"locks","Key":)") + kLockKey +
                R"(,"ProjectionExpression":"LockID, Info","ConsistentRead":true})")
                .body,
            "{}");
  EXPECT_EQ(Put(kLock).status, 200);
}

TEST_F(ServiceItems, TerraformDigestItem) {
  ASSERT_EQ(Put(R"({"TableName":"locks","Item":{"LockID":{"S":"bucket/state.tfstate-md5"},)"
                R"("Digest":{"S":"0123456789abcdef0123456789abcdef"}}})")
                .status,
            200);
  Reply got = Get(R"({"TableName":"locks","Key":{"LockID":{"S":"bucket/state.tfstate-md5"}},)"
                  R"("ProjectionExpression":"LockID, Digest","ConsistentRead":true})");
  EXPECT_EQ(got.body, R"({"Item":{"Digest":{"S":"0123456789abcdef0123456789abcdef"},)"
                      R"("LockID":{"S":"bucket/state.tfstate-md5"}}})");
  // Overwritten unconditionally, deleted with the workspace.
  ASSERT_EQ(Put(R"({"TableName":"locks","Item":{"LockID":{"S":"bucket/state.tfstate-md5"},)"
                R"("Digest":{"S":"ffffffffffffffffffffffffffffffff"}}})")
                .status,
            200);
  EXPECT_EQ(h_.Call("DeleteItem", R"({"TableName":"locks","Key":{"LockID":{"S":"bucket/state.tfstate-md5"}}})").status,
            200);
}

TEST_F(ServiceItems, ConcurrentLockersExactlyOneWins) {
  std::atomic<int> wins{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      Reply r = h_.Call("PutItem", kLock);
      if (r.status == 200) ++wins;
      if (r.ErrorCode() == "ConditionalCheckFailedException") ++conflicts;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), 7);
}

TEST_F(ServiceItems, KeyValidationMessages) {
  Reply missing = Put(R"({"TableName":"locks","Item":{"Info":{"S":"x"}}})");
  EXPECT_EQ(missing.ErrorCode(), "ValidationException");
  EXPECT_EQ(missing.Message(), "One or more parameter values were invalid: Missing the key LockID in the item");
  Reply mismatch = Put(R"({"TableName":"locks","Item":{"LockID":{"N":"1"}}})");
  EXPECT_EQ(mismatch.Message(),
            "One or more parameter values were invalid: Type mismatch for key LockID expected: S "
            "actual: N");
  Reply empty = Put(R"({"TableName":"locks","Item":{"LockID":{"S":""}}})");
  EXPECT_EQ(empty.Message(),
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            "cannot contain an empty string value. Key: LockID");
  for (const char* key : {R"({"LockID":{"N":"1"}})", R"({"Other":{"S":"a"}})",
                          R"({"LockID":{"S":"a"},"Extra":{"S":"b"}})"}) {
    Reply r = Get(std::string(R"({"TableName":"locks","Key":)") + key + "}");
    EXPECT_EQ(r.ErrorCode(), "ValidationException") << key;
    EXPECT_EQ(r.Message(), "The provided key element does not match the schema") << key;
    r = h_.Call("DeleteItem", std::string(R"({"TableName":"locks","Key":)") + key + "}");
    EXPECT_EQ(r.Message(), "The provided key element does not match the schema") << key;
  }
  Reply no_item = Put(R"({"TableName":"locks"})");
  EXPECT_EQ(no_item.Message(),
            "1 validation error detected: Value null at 'item' failed to satisfy constraint: "
            "Member must not be null");
  Reply no_table = Put(R"({"TableName":"nope","Item":{"LockID":{"S":"a"}}})");
  EXPECT_EQ(no_table.ErrorCode(), "ResourceNotFoundException");
  EXPECT_EQ(no_table.Message(), "Requested resource not found");
  Reply bad_value = Put(R"({"TableName":"locks","Item":{"LockID":{"S":"a"},"n":{"N":"abc"}}})");
  EXPECT_EQ(bad_value.ErrorCode(), "ValidationException");
  Reply bad_json = Put(R"({"TableName":"locks","Item":{"LockID":{"S":5}}})");
  EXPECT_EQ(bad_json.ErrorCode(), "SerializationException");
}

TEST_F(ServiceItems, ItemSizeLimit) {
  std::string big(400 * 1024, 'x');
  Reply r = Put(R"({"TableName":"locks","Item":{"LockID":{"S":"a"},"blob":{"S":")" + big + R"("}}})");
  EXPECT_EQ(r.ErrorCode(), "ValidationException");
  EXPECT_EQ(r.Message(), "Item size has exceeded the maximum allowed size");
  std::string fits(400 * 1024 - 20, 'x');
  EXPECT_EQ(Put(R"({"TableName":"locks","Item":{"LockID":{"S":"a"},"blob":{"S":")" + fits + R"("}}})").status,
            200);
  // Growing a stored item past the limit is refused in UpdateItem's own words, and nothing changes.
  Reply grow = h_.Call("UpdateItem", R"({"TableName":"locks","Key":{"LockID":{"S":"a"}},)"
                                     R"("UpdateExpression":"SET w = :w",)"
                                     R"("ExpressionAttributeValues":{":w":{"S":")" +
                                         std::string(100, 'y') + R"("}}})");
  EXPECT_EQ(grow.ErrorCode(), "ValidationException");
  EXPECT_EQ(grow.Message(), "Item size to update has exceeded the maximum allowed size");
  Reply after = Get(R"({"TableName":"locks","Key":{"LockID":{"S":"a"}},"ProjectionExpression":"w"})");
  EXPECT_EQ(after.body, R"({"Item":{}})");
}

TEST_F(ServiceItems, ReturnValuesAndConditionFailureItem) {
  ASSERT_EQ(Put(R"({"TableName":"locks","Item":{"LockID":{"S":"k"},"v":{"N":"1"}}})").status, 200);
  Reply old = Put(R"({"TableName":"locks","Item":{"LockID":{"S":"k"},"v":{"N":"2"}},"ReturnValues":"ALL_OLD"})");
  EXPECT_EQ(old.body, R"({"Attributes":{"LockID":{"S":"k"},"v":{"N":"1"}}})");
  Reply bad_rv = Put(R"({"TableName":"locks","Item":{"LockID":{"S":"k"}},"ReturnValues":"ALL_NEW"})");
  EXPECT_EQ(bad_rv.Message(), "ReturnValues can only be ALL_OLD or NONE");
  Reply failed = Put(R"({"TableName":"locks","Item":{"LockID":{"S":"k"}},)"
                     R"("ConditionExpression":"v = :one","ExpressionAttributeValues":{":one":{"N":"1"}},)"
                     R"("ReturnValuesOnConditionCheckFailure":"ALL_OLD"})");
  EXPECT_EQ(failed.ErrorCode(), "ConditionalCheckFailedException");
  ASSERT_TRUE(failed.json.HasMember("Item")) << failed.body;
  EXPECT_EQ(std::string(failed.json["Item"]["v"]["N"].GetString()), "2");
  Reply cap = Put(R"({"TableName":"locks","Item":{"LockID":{"S":"k"}},"ReturnConsumedCapacity":"TOTAL"})");
  EXPECT_EQ(cap.body, R"({"ConsumedCapacity":{"TableName":"locks","CapacityUnits":1.0}})");
  Reply del = h_.Call("DeleteItem", R"({"TableName":"locks","Key":{"LockID":{"S":"k"}},"ReturnValues":"ALL_OLD"})");
  EXPECT_EQ(del.body, R"({"Attributes":{"LockID":{"S":"k"}}})");
}

TEST_F(ServiceItems, ExpressionPlaceholderRules) {
  Reply unused = Put(R"({"TableName":"locks","Item":{"LockID":{"S":"k"}},)"
                     R"j("ConditionExpression":"attribute_not_exists(LockID)",)j"
                     R"("ExpressionAttributeNames":{"#x":"y"}})");
  EXPECT_EQ(unused.Message(),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}");
  Reply without = Put(R"({"TableName":"locks","Item":{"LockID":{"S":"k"}},)"
                      R"("ExpressionAttributeValues":{":v":{"S":"y"}}})");
  EXPECT_EQ(without.Message(),
            "ExpressionAttributeValues can only be specified when using expressions");
  Reply empty = Put(R"({"TableName":"locks","Item":{"LockID":{"S":"k"}},)"
                    R"("ConditionExpression":"a = :v","ExpressionAttributeValues":{}})");
  EXPECT_EQ(empty.Message(), "ExpressionAttributeValues must not be empty");
  Reply invalid = Put(R"({"TableName":"locks","Item":{"LockID":{"S":"k"}},)"
                      R"("ConditionExpression":"a = :v","ExpressionAttributeValues":{":v":{}}})");
  EXPECT_EQ(invalid.Message(),
            "ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, "
            "must contain exactly one of the supported datatypes for key :v");
  Reply syntax = Put(R"({"TableName":"locks","Item":{"LockID":{"S":"k"}},"ConditionExpression":"a = = b"})");
  EXPECT_EQ(syntax.ErrorCode(), "ValidationException");
  EXPECT_TRUE(syntax.Message().starts_with("Invalid ConditionExpression: ")) << syntax.Message();
  Reply both = Get(R"({"TableName":"locks","Key":{"LockID":{"S":"k"}},"AttributesToGet":["a"],)"
                   R"("ProjectionExpression":"a"})");
  EXPECT_EQ(both.Message(),
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {AttributesToGet} Expression parameters: "
            "{ProjectionExpression}");
}

TEST_F(ServiceItems, GetItemProjectionsAndCapacity) {
  ASSERT_EQ(Put(R"({"TableName":"locks","Item":{"LockID":{"S":"k"},"a":{"S":"1"},"b":{"M":{"c":{"N":"2"},"d":{"N":"3"}}}}})").status,
            200);
  EXPECT_EQ(Get(R"({"TableName":"locks","Key":{"LockID":{"S":"k"}},"AttributesToGet":["a","zzz"]})").body,
            R"({"Item":{"a":{"S":"1"}}})");
  EXPECT_EQ(Get(R"({"TableName":"locks","Key":{"LockID":{"S":"k"}},"ProjectionExpression":"#b.c",)"
                R"("ExpressionAttributeNames":{"#b":"b"}})")
                .body,
            R"({"Item":{"b":{"M":{"c":{"N":"2"}}}}})");
  EXPECT_EQ(Get(R"({"TableName":"locks","Key":{"LockID":{"S":"k"}},"ReturnConsumedCapacity":"TOTAL"})").json
                ["ConsumedCapacity"]["CapacityUnits"].GetDouble(),
            0.5);
  EXPECT_EQ(Get(R"({"TableName":"locks","Key":{"LockID":{"S":"k"}},"ConsistentRead":true,"ReturnConsumedCapacity":"INDEXES"})").json
                ["ConsumedCapacity"]["Table"]["CapacityUnits"].GetDouble(),
            1.0);
}

TEST_F(ServiceItems, UpdateItem) {
  Reply created = h_.Call("UpdateItem",
                          R"({"TableName":"locks","Key":{"LockID":{"S":"u"}},)"
                          R"("UpdateExpression":"SET n = :one, s = :s","ExpressionAttributeValues":{":one":{"N":"1"},":s":{"S":"x"}},)"
                          R"("ReturnValues":"ALL_NEW"})");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.body, R"({"Attributes":{"LockID":{"S":"u"},"n":{"N":"1"},"s":{"S":"x"}}})");
  Reply inc = h_.Call("UpdateItem",
                      R"({"TableName":"locks","Key":{"LockID":{"S":"u"}},)"
                      R"("UpdateExpression":"ADD n :one REMOVE s","ExpressionAttributeValues":{":one":{"N":"1"}},)"
                      R"("ReturnValues":"UPDATED_OLD"})");
  EXPECT_EQ(inc.body, R"({"Attributes":{"n":{"N":"1"},"s":{"S":"x"}}})");
  Reply now = h_.Call("UpdateItem",
                      R"({"TableName":"locks","Key":{"LockID":{"S":"u"}},)"
                      R"("UpdateExpression":"SET n = n + :one","ExpressionAttributeValues":{":one":{"N":"1"}},)"
                      R"("ConditionExpression":"n = :two","ReturnValues":"UPDATED_NEW"})");
  // n is 2 here: ADD made it 2, the condition holds.
  ASSERT_EQ(now.status, 400) << now.body;  // :two is undefined
  EXPECT_EQ(now.ErrorCode(), "ValidationException");
  now = h_.Call("UpdateItem",
                R"({"TableName":"locks","Key":{"LockID":{"S":"u"}},)"
                R"("UpdateExpression":"SET n = n + :one","ExpressionAttributeValues":{":one":{"N":"1"},":two":{"N":"2"}},)"
                R"("ConditionExpression":"n = :two","ReturnValues":"UPDATED_NEW"})");
  EXPECT_EQ(now.body, R"({"Attributes":{"n":{"N":"3"}}})");
  Reply cond = h_.Call("UpdateItem",
                       R"({"TableName":"locks","Key":{"LockID":{"S":"u"}},)"
                       R"("UpdateExpression":"SET n = :one","ExpressionAttributeValues":{":one":{"N":"1"}},)"
                       R"j("ConditionExpression":"attribute_not_exists(LockID)"})j");
  EXPECT_EQ(cond.ErrorCode(), "ConditionalCheckFailedException");
  Reply key = h_.Call("UpdateItem",
                      R"({"TableName":"locks","Key":{"LockID":{"S":"u"}},)"
                      R"("UpdateExpression":"SET LockID = :v","ExpressionAttributeValues":{":v":{"S":"z"}}})");
  EXPECT_EQ(key.Message(),
            "One or more parameter values were invalid: Cannot update attribute LockID. This "
            "attribute is part of the key");
  Reply missing_attr = h_.Call("UpdateItem",
                               R"({"TableName":"locks","Key":{"LockID":{"S":"u"}},)"
                               R"("UpdateExpression":"SET n = nope + :one","ExpressionAttributeValues":{":one":{"N":"1"}}})");
  EXPECT_EQ(missing_attr.Message(),
            "The provided expression refers to an attribute that does not exist in the item");
  Reply nested = h_.Call("UpdateItem",
                         R"({"TableName":"locks","Key":{"LockID":{"S":"u"}},)"
                         R"("UpdateExpression":"SET m = :m","ExpressionAttributeValues":{":m":{"M":{"a":{"N":"1"},"b":{"N":"2"}}}}})");
  ASSERT_EQ(nested.status, 200) << nested.body;
  nested = h_.Call("UpdateItem",
                   R"({"TableName":"locks","Key":{"LockID":{"S":"u"}},)"
                   R"("UpdateExpression":"SET m.a = :v","ExpressionAttributeValues":{":v":{"N":"5"}},)"
                   R"("ReturnValues":"UPDATED_OLD"})");
  EXPECT_EQ(nested.body, R"({"Attributes":{"m":{"M":{"a":{"N":"1"}}}}})");
  // Without an UpdateExpression the item is created with its key only.
  ASSERT_EQ(h_.Call("UpdateItem", R"({"TableName":"locks","Key":{"LockID":{"S":"bare"}}})").status, 200);
  EXPECT_EQ(Get(R"({"TableName":"locks","Key":{"LockID":{"S":"bare"}}})").body,
            R"({"Item":{"LockID":{"S":"bare"}}})");
}

TEST_F(ServiceItems, StorageFailureDuringWriteIs500) {
  // The next storage call (the table read) fails as a full disk would.
  h_.store().FailNext({storage::Code::kFull, "disk full"});
  Reply r = Put(R"({"TableName":"locks","Item":{"LockID":{"S":"a"}}})");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.ErrorCode(), "InternalServerError");
}

}  // namespace
}  // namespace skiff::dynamodb::testing
