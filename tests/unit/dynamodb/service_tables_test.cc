// CreateTable / DescribeTable / ListTables / UpdateTable / DeleteTable and the table settings
// operations, through the Service.
#include <gtest/gtest.h>

#include "server/common/clock.h"
#include "service_harness.h"

namespace skiff::dynamodb::testing {
namespace {

constexpr const char* kProvisioned =
    R"({"TableName":"orders","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},)"
    R"({"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"g","AttributeType":"S"}],)"
    R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],)"
    R"("ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":7},)"
    R"("GlobalSecondaryIndexes":[{"IndexName":"by-g","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],)"
    R"("Projection":{"ProjectionType":"ALL"},"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}],)"
    R"("LocalSecondaryIndexes":[{"IndexName":"by-g-local","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},)"
    R"({"AttributeName":"g","KeyType":"RANGE"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["x"]}}],)"
    R"("Tags":[{"Key":"team","Value":"core"}],)"
    R"("StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"},)"
    R"("SSESpecification":{"Enabled":true,"SSEType":"KMS","KMSMasterKeyId":"abcd"},)"
    R"("TableClass":"STANDARD_INFREQUENT_ACCESS","DeletionProtectionEnabled":true})";

std::string Str(const rapidjson::Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

TEST(ServiceTables, CreateOnDemandAndDescribe) {
  Harness h;
  Reply c = h.CreateLockTable();
  ASSERT_EQ(c.status, 200) << c.body;
  const auto& td = c.json["TableDescription"];
  EXPECT_EQ(Str(td["TableName"]), "locks");
  EXPECT_EQ(Str(td["TableStatus"]), "ACTIVE");
  EXPECT_EQ(Str(td["TableArn"]), "arn:aws:dynamodb:us-east-1:000000000000:table/locks");
  EXPECT_EQ(Str(td["TableId"]).size(), 36u);
  EXPECT_EQ(Str(td["BillingModeSummary"]["BillingMode"]), "PAY_PER_REQUEST");
  EXPECT_TRUE(td["BillingModeSummary"].HasMember("LastUpdateToPayPerRequestDateTime"));
  EXPECT_EQ(td["ProvisionedThroughput"]["ReadCapacityUnits"].GetInt(), 0);
  EXPECT_EQ(td["ProvisionedThroughput"]["WriteCapacityUnits"].GetInt(), 0);
  EXPECT_EQ(td["ProvisionedThroughput"]["NumberOfDecreasesToday"].GetInt(), 0);
  EXPECT_EQ(td["ItemCount"].GetInt(), 0);
  EXPECT_EQ(td["TableSizeBytes"].GetInt(), 0);
  EXPECT_TRUE(td["CreationDateTime"].IsNumber());
  EXPECT_FALSE(td["DeletionProtectionEnabled"].GetBool());
  EXPECT_FALSE(td.HasMember("StreamSpecification"));
  EXPECT_FALSE(td.HasMember("SSEDescription"));

  Reply d = h.Call("DescribeTable", R"({"TableName":"locks"})");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(Str(d.json["Table"]["TableId"]), Str(td["TableId"]));
  EXPECT_EQ(Str(d.json["Table"]["KeySchema"][0]["AttributeName"]), "LockID");
  EXPECT_EQ(Str(d.json["Table"]["KeySchema"][0]["KeyType"]), "HASH");
  EXPECT_EQ(Str(d.json["Table"]["AttributeDefinitions"][0]["AttributeType"]), "S");
}

TEST(ServiceTables, CreateFullShape) {
  Harness h;
  Reply c = h.Call("CreateTable", kProvisioned);
  ASSERT_EQ(c.status, 200) << c.body;
  Reply d = h.Call("DescribeTable", R"({"TableName":"orders"})");
  const auto& t = d.json["Table"];
  EXPECT_FALSE(t.HasMember("BillingModeSummary"));
  EXPECT_EQ(t["ProvisionedThroughput"]["ReadCapacityUnits"].GetInt(), 5);
  EXPECT_EQ(t["ProvisionedThroughput"]["WriteCapacityUnits"].GetInt(), 7);
  const auto& gsi = t["GlobalSecondaryIndexes"][0];
  EXPECT_EQ(Str(gsi["IndexName"]), "by-g");
  EXPECT_EQ(Str(gsi["IndexStatus"]), "ACTIVE");
  EXPECT_EQ(Str(gsi["IndexArn"]), "arn:aws:dynamodb:us-east-1:000000000000:table/orders/index/by-g");
  EXPECT_EQ(gsi["ProvisionedThroughput"]["ReadCapacityUnits"].GetInt(), 1);
  EXPECT_EQ(gsi["ItemCount"].GetInt(), 0);
  EXPECT_EQ(gsi["IndexSizeBytes"].GetInt(), 0);
  const auto& lsi = t["LocalSecondaryIndexes"][0];
  EXPECT_EQ(Str(lsi["Projection"]["ProjectionType"]), "INCLUDE");
  EXPECT_EQ(Str(lsi["Projection"]["NonKeyAttributes"][0]), "x");
  EXPECT_FALSE(lsi.HasMember("IndexStatus"));
  EXPECT_EQ(Str(t["StreamSpecification"]["StreamViewType"]), "NEW_AND_OLD_IMAGES");
  EXPECT_TRUE(t["StreamSpecification"]["StreamEnabled"].GetBool());
  std::string label = Str(t["LatestStreamLabel"]);
  EXPECT_EQ(Str(t["LatestStreamArn"]),
            "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/" + label);
  EXPECT_EQ(Str(t["SSEDescription"]["Status"]), "ENABLED");
  EXPECT_EQ(Str(t["SSEDescription"]["SSEType"]), "KMS");
  EXPECT_EQ(Str(t["SSEDescription"]["KMSMasterKeyArn"]),
            "arn:aws:kms:us-east-1:000000000000:key/abcd");
  EXPECT_EQ(Str(t["TableClassSummary"]["TableClass"]), "STANDARD_INFREQUENT_ACCESS");
  EXPECT_TRUE(t["DeletionProtectionEnabled"].GetBool());

  // Tables with LSIs report item collections when asked.
  ASSERT_EQ(h.Call("UpdateTable", R"({"TableName":"orders","BillingMode":"PAY_PER_REQUEST"})").status, 200);
  Reply put = h.Call("PutItem", R"({"TableName":"orders","Item":{"pk":{"S":"p"},"sk":{"N":"1"}},)"
                                R"("ReturnItemCollectionMetrics":"SIZE"})");
  EXPECT_EQ(put.body,
            R"({"ItemCollectionMetrics":{"ItemCollectionKey":{"pk":{"S":"p"}},"SizeEstimateRangeGB":[0.0,1.0]}})");

  Reply tags = h.Call("ListTagsOfResource",
                      R"({"ResourceArn":"arn:aws:dynamodb:us-east-1:000000000000:table/orders"})");
  ASSERT_EQ(tags.status, 200) << tags.body;
  EXPECT_EQ(tags.body, R"({"Tags":[{"Key":"team","Value":"core"}]})");
}

TEST(ServiceTables, AlreadyExistsAndRegionsAreSeparate) {
  Harness h;
  ASSERT_EQ(h.CreateLockTable().status, 200);
  Reply again = h.CreateLockTable();
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(again.ErrorCode(), "ResourceInUseException");
  EXPECT_EQ(again.Message(), "Table already exists: locks");
  SignOptions eu;
  eu.region = "eu-west-1";
  Reply d = h.Call("DescribeTable", R"({"TableName":"locks"})", eu);
  EXPECT_EQ(d.ErrorCode(), "ResourceNotFoundException");
  EXPECT_EQ(d.Message(), "Requested resource not found: Table: locks not found");
  Reply other_account;
  common::Credential c;
  c.access_key = "AKIDOTHER";
  c.secret = "s";
  c.account_id = "111111111111";
  h.credentials().Put(c);
  SignOptions o;
  o.access_key = "AKIDOTHER";
  o.secret = "s";
  EXPECT_EQ(h.Call("DescribeTable", R"({"TableName":"locks"})", o).ErrorCode(),
            "ResourceNotFoundException");
  EXPECT_EQ(h.CreateLockTable().status, 400);
  EXPECT_EQ(h.Call("CreateTable",
                   R"({"TableName":"locks","BillingMode":"PAY_PER_REQUEST",)"
                   R"("AttributeDefinitions":[{"AttributeName":"LockID","AttributeType":"S"}],)"
                   R"("KeySchema":[{"AttributeName":"LockID","KeyType":"HASH"}]})",
                   eu)
                .status,
            200);
}

struct BadCreate {
  const char* body;
  const char* message;
};

TEST(ServiceTables, CreateValidationMessages) {
  const std::string keys_s =
      R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],)"
      R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}])";
  const BadCreate cases[] = {
      {R"({"BillingMode":"PAY_PER_REQUEST"})",
       "The parameter 'TableName' is required but was not present in the request"},
      {R"({"TableName":"a!","BillingMode":"PAY_PER_REQUEST",)" R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]})",
       "2 validation errors detected: Value 'a!' at 'tableName' failed to satisfy constraint: "
       "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a!' at "
       "'tableName' failed to satisfy constraint: Member must have length greater than or equal "
       "to 3"},
      {R"({"TableName":"abc;"})",
       "3 validation errors detected: Value 'abc;' at 'tableName' failed to satisfy constraint: "
       "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value null at "
       "'attributeDefinitions' failed to satisfy constraint: Member must not be null; Value null "
       "at 'keySchema' failed to satisfy constraint: Member must not be null"},
      {R"({"TableName":"abc","AttributeDefinitions":[],"KeySchema":[],"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}})",
       "1 validation error detected: Value '[]' at 'keySchema' failed to satisfy constraint: "
       "Member must have length greater than or equal to 1"},
      {R"({"TableName":"abc","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"X"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]})",
       "1 validation error detected: Value 'X' at 'attributeDefinitions.1.member.attributeType' "
       "failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]"},
      {R"({"TableName":"abc",)" R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]})",
       "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits "
       "must both be specified when BillingMode is PROVISIONED"},
      {R"({"TableName":"abc","BillingMode":"PAY_PER_REQUEST","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1},)" R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]})",
       "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
       "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"},
      {R"({"TableName":"abc","ProvisionedThroughput":{"ReadCapacityUnits":0,"WriteCapacityUnits":1},)" R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]})",
       "1 validation error detected: Value '0' at 'provisionedThroughput.readCapacityUnits' "
       "failed to satisfy constraint: Member must have value greater than or equal to 1"},
      {R"({"TableName":"abc","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"x","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]})",
       "One or more parameter values were invalid: Some index key attributes are not defined in "
       "AttributeDefinitions. Keys: [pk], AttributeDefinitions: [x]"},
      {R"({"TableName":"abc","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"x","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]})",
       "One or more parameter values were invalid: Number of attributes in KeySchema does not "
       "exactly match number of attributes defined in AttributeDefinitions"},
      {R"({"TableName":"abc","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"RANGE"}]})",
       "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"},
      {R"({"TableName":"abc","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"HASH"}]})",
       "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"},
      {R"({"TableName":"abc","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"pk","KeyType":"RANGE"}]})",
       "Both the Hash Key and the Range Key element in the KeySchema have the same name"},
      {R"({"TableName":"abc","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"g","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"LocalSecondaryIndexes":[{"IndexName":"lsi","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"g","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]})",
       "One or more parameter values were invalid: Table KeySchema does not have a range key, "
       "which is required when specifying a LocalSecondaryIndex"},
      {R"({"TableName":"abc","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1},"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"g","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"GlobalSecondaryIndexes":[{"IndexName":"gsi","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]})",
       "One or more parameter values were invalid: ProvisionedThroughput is not specified for "
       "index: gsi"},
      {R"({"TableName":"abc","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"g","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"GlobalSecondaryIndexes":[{"IndexName":"gsi","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY","NonKeyAttributes":["a"]}}]})",
       "One or more parameter values were invalid: ProjectionType is KEYS_ONLY, but "
       "NonKeyAttributes is specified"},
      {R"({"TableName":"abc","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"g","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"GlobalSecondaryIndexes":[{"IndexName":"gsi","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}},{"IndexName":"gsi","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]})",
       "One or more parameter values were invalid: Duplicate index name: gsi"},
  };
  (void)keys_s;
  Harness h;
  for (const auto& c : cases) {
    Reply r = h.Call("CreateTable", c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_EQ(r.ErrorCode(), "ValidationException") << c.body;
    EXPECT_EQ(r.Message(), c.message) << c.body;
  }
  EXPECT_EQ(h.Call("ListTables", "{}").body, R"({"TableNames":[]})");
}

TEST(ServiceTables, ListTablesPagination) {
  Harness h;
  for (const char* name : {"ccc", "aaa", "bbb"}) ASSERT_EQ(h.CreateLockTable(name).status, 200);
  EXPECT_EQ(h.Call("ListTables", "{}").body, R"({"TableNames":["aaa","bbb","ccc"]})");
  EXPECT_EQ(h.Call("ListTables", R"({"Limit":2})").body,
            R"({"TableNames":["aaa","bbb"],"LastEvaluatedTableName":"bbb"})");
  EXPECT_EQ(h.Call("ListTables", R"({"Limit":2,"ExclusiveStartTableName":"bbb"})").body,
            R"({"TableNames":["ccc"]})");
  Reply bad = h.Call("ListTables", R"({"Limit":101})");
  EXPECT_EQ(bad.Message(),
            "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 100");
  bad = h.Call("ListTables", R"({"Limit":0})");
  EXPECT_EQ(bad.ErrorCode(), "ValidationException");
}

TEST(ServiceTables, DeleteTableAndProtection) {
  Harness h;
  ASSERT_EQ(h.Call("CreateTable", kProvisioned).status, 200);
  Reply protectedr = h.Call("DeleteTable", R"({"TableName":"orders"})");
  EXPECT_EQ(protectedr.ErrorCode(), "ValidationException");
  EXPECT_EQ(protectedr.Message(),
            "Resource cannot be deleted as it is currently protected against deletion. Disable "
            "deletion protection first.");
  ASSERT_EQ(h.Call("UpdateTable", R"({"TableName":"orders","DeletionProtectionEnabled":false})").status,
            200);
  Reply del = h.Call("DeleteTable", R"({"TableName":"orders"})");
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(Str(del.json["TableDescription"]["TableStatus"]), "DELETING");
  EXPECT_EQ(Str(del.json["TableDescription"]["GlobalSecondaryIndexes"][0]["IndexStatus"]),
            "DELETING");
  EXPECT_EQ(h.Call("DescribeTable", R"({"TableName":"orders"})").ErrorCode(),
            "ResourceNotFoundException");
  EXPECT_EQ(h.Call("DeleteTable", R"({"TableName":"orders"})").Message(),
            "Requested resource not found: Table: orders not found");
}

TEST(ServiceTables, UpdateTableBillingThroughputStream) {
  Harness h;
  ASSERT_EQ(h.CreateLockTable().status, 200);
  Reply none = h.Call("UpdateTable", R"({"TableName":"locks"})");
  EXPECT_EQ(none.Message(),
            "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
            "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, "
            "MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, "
            "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is "
            "required");
  EXPECT_EQ(h.Call("UpdateTable", R"({"TableName":"locks","DeletionProtectionEnabled":true,)"
                                  R"("SSESpecification":{"Enabled":true}})")
                .Message(),
            "One or more parameter values were invalid: Server-Side Encryption modification must "
            "be the only operation in the request");
  EXPECT_EQ(h.Call("UpdateTable", R"({"TableName":"locks","TableClass":"GLACIER"})").Message(),
            "Invalid table-class parameter provided. Please try again with a valid table-class "
            "value: [STANDARD, STANDARD_INFREQUENT_ACCESS].");
  EXPECT_EQ(h.Call("UpdateTable", R"({"TableName":"locks","StreamSpecification":{"StreamEnabled":false}})")
                .Message(),
            "Table has no stream to disable: TableName: locks");
  EXPECT_EQ(h.Call("UpdateTable", R"({"TableName":"locks","StreamSpecification":{"StreamEnabled":true}})")
                .Message(),
            "One or more parameter values were invalid: If stream is being enabled then "
            "UpdateViewType is required");
  EXPECT_EQ(h.Call("UpdateTable", R"({"TableName":"locks","SSESpecification":{"Enabled":false,"SSEType":"KMS"}})")
                .Message(),
            "One or more parameter values were invalid: SSEType can not be specified if Enabled is false");
  EXPECT_EQ(h.Call("UpdateTable", R"({"TableName":"locks","SSESpecification":{"Enabled":false}})").Message(),
            "One or more parameter values were invalid: Table is already encrypted by default");
  ASSERT_EQ(h.Call("UpdateTable", R"({"TableName":"locks","SSESpecification":{"Enabled":true}})").status, 200);
  EXPECT_EQ(h.Call("UpdateTable", R"({"TableName":"locks","SSESpecification":{"Enabled":true}})").Message(),
            "One or more parameter values were invalid: Table is already encrypted with given "
            "KMSMasterKeyId. Use KMSMasterKeyId parameter if you want to change Master Key");
  Reply ppr = h.Call("UpdateTable",
                     R"({"TableName":"locks","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}})");
  EXPECT_EQ(ppr.ErrorCode(), "ValidationException");
  Reply to_prov = h.Call("UpdateTable",
                         R"({"TableName":"locks","BillingMode":"PROVISIONED",)"
                         R"("ProvisionedThroughput":{"ReadCapacityUnits":3,"WriteCapacityUnits":4}})");
  ASSERT_EQ(to_prov.status, 200) << to_prov.body;
  const auto& td = to_prov.json["TableDescription"];
  EXPECT_EQ(Str(td["BillingModeSummary"]["BillingMode"]), "PROVISIONED");
  // The one timestamp the summary has is the last switch to or from on-demand.
  EXPECT_TRUE(td["BillingModeSummary"].HasMember("LastUpdateToPayPerRequestDateTime"));
  EXPECT_EQ(td["BillingModeSummary"].MemberCount(), 2u);
  EXPECT_EQ(td["ProvisionedThroughput"]["ReadCapacityUnits"].GetInt(), 3);
  EXPECT_TRUE(td["ProvisionedThroughput"].HasMember("LastIncreaseDateTime"));
  Reply same = h.Call("UpdateTable",
                      R"({"TableName":"locks","ProvisionedThroughput":{"ReadCapacityUnits":3,"WriteCapacityUnits":4}})");
  EXPECT_EQ(same.Message(),
            "The provisioned throughput for the table will not change. The requested value equals "
            "the current value. Current ReadCapacityUnits provisioned for the table: 3. Requested "
            "ReadCapacityUnits: 3. Current WriteCapacityUnits provisioned for the table: 4. "
            "Requested WriteCapacityUnits: 4. Refer to the Amazon DynamoDB Developer Guide for "
            "current limits and how to request higher limits.");
  Reply down = h.Call("UpdateTable",
                      R"({"TableName":"locks","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}})");
  EXPECT_EQ(down.json["TableDescription"]["ProvisionedThroughput"]["NumberOfDecreasesToday"].GetInt(), 1);
  Reply stream = h.Call("UpdateTable",
                        R"({"TableName":"locks","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}})");
  ASSERT_EQ(stream.status, 200) << stream.body;
  EXPECT_TRUE(stream.json["TableDescription"].HasMember("LatestStreamArn"));
  Reply again = h.Call("UpdateTable",
                       R"({"TableName":"locks","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}})");
  EXPECT_EQ(again.Message(), "Table already has an enabled stream: TableName: locks");
  EXPECT_EQ(h.Call("UpdateTable", R"({"TableName":"nope","BillingMode":"PROVISIONED"})").ErrorCode(),
            "ResourceNotFoundException");
}

TEST(ServiceTables, TimeToLive) {
  Harness h;
  ASSERT_EQ(h.CreateLockTable().status, 200);
  EXPECT_EQ(h.Call("DescribeTimeToLive", R"({"TableName":"locks"})").body,
            R"({"TimeToLiveDescription":{"TimeToLiveStatus":"DISABLED"}})");
  Reply on = h.Call("UpdateTimeToLive",
                    R"({"TableName":"locks","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}})");
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_EQ(on.body, R"({"TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}})");
  EXPECT_EQ(h.Call("DescribeTimeToLive", R"({"TableName":"locks"})").body,
            R"({"TimeToLiveDescription":{"TimeToLiveStatus":"ENABLED","AttributeName":"exp"}})");
  EXPECT_EQ(h.Call("UpdateTimeToLive",
                   R"({"TableName":"locks","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}})")
                .Message(),
            "TimeToLive is already enabled");
  // Items written now carry their expiry to storage.
  ASSERT_EQ(h.Call("PutItem", R"({"TableName":"locks","Item":{"LockID":{"S":"a"},"exp":{"N":"100"}}})").status,
            200);
  auto deleted = h.store().DeleteExpired(200, 10);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted.value(), 1u);
  EXPECT_EQ(h.Call("UpdateTimeToLive", R"({"TableName":"locks","TimeToLiveSpecification":{"Enabled":true}})")
                .Message(),
            "1 validation error detected: Value null at 'timeToLiveSpecification.attributeName' "
            "failed to satisfy constraint: Member must not be null");
}

TEST(ServiceTables, ContinuousBackups) {
  Harness h;
  ASSERT_EQ(h.CreateLockTable().status, 200);
  EXPECT_EQ(h.Call("DescribeContinuousBackups", R"({"TableName":"locks"})").body,
            R"({"ContinuousBackupsDescription":{"ContinuousBackupsStatus":"ENABLED",)"
            R"("PointInTimeRecoveryDescription":{"PointInTimeRecoveryStatus":"DISABLED"}}})");
  Reply on = h.Call("UpdateContinuousBackups",
                    R"({"TableName":"locks","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true}})");
  ASSERT_EQ(on.status, 200) << on.body;
  const auto& pitr = on.json["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"];
  EXPECT_EQ(Str(pitr["PointInTimeRecoveryStatus"]), "ENABLED");
  EXPECT_TRUE(pitr.HasMember("EarliestRestorableDateTime"));
  EXPECT_EQ(pitr["RecoveryPeriodInDays"].GetInt(), 35);
  Reply missing = h.Call("DescribeContinuousBackups", R"({"TableName":"nope"})");
  EXPECT_EQ(missing.ErrorCode(), "TableNotFoundException");
  EXPECT_EQ(missing.Message(), "Table not found: nope");
}

TEST(ServiceTables, Tags) {
  Harness h;
  ASSERT_EQ(h.CreateLockTable().status, 200);
  const std::string arn = "arn:aws:dynamodb:us-east-1:000000000000:table/locks";
  ASSERT_EQ(h.Call("TagResource", R"({"ResourceArn":")" + arn +
                                      R"(","Tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]})")
                .status,
            200);
  ASSERT_EQ(h.Call("TagResource", R"({"ResourceArn":")" + arn + R"(","Tags":[{"Key":"a","Value":"3"}]})")
                .status,
            200);
  EXPECT_EQ(h.Call("ListTagsOfResource", R"({"ResourceArn":")" + arn + R"("})").body,
            R"({"Tags":[{"Key":"a","Value":"3"},{"Key":"b","Value":"2"}]})");
  ASSERT_EQ(h.Call("UntagResource", R"({"ResourceArn":")" + arn + R"(","TagKeys":["a"]})").status, 200);
  EXPECT_EQ(h.Call("ListTagsOfResource", R"({"ResourceArn":")" + arn + R"("})").body,
            R"({"Tags":[{"Key":"b","Value":"2"}]})");
  Reply missing = h.Call("ListTagsOfResource",
                         R"({"ResourceArn":"arn:aws:dynamodb:us-east-1:000000000000:table/nope"})");
  EXPECT_EQ(missing.ErrorCode(), "ResourceNotFoundException");
  EXPECT_EQ(missing.Message(),
            "Requested resource not found: ResourcArn: "
            "arn:aws:dynamodb:us-east-1:000000000000:table/nope not found");
  EXPECT_EQ(h.Call("ListTagsOfResource", R"({"ResourceArn":"nonsense"})").Message(),
            "One or more parameter values were invalid: ARNs must start with 'arn:': nonsense");
  EXPECT_EQ(h.Call("ListTagsOfResource", R"({"ResourceArn":"arn:aws:s3:::bucket"})").Message(),
            "One or more parameter values were invalid: Provided Arn is not a DynamoDB resource "
            "arn: arn:aws:s3:::bucket");
  EXPECT_EQ(h.Call("ListTagsOfResource", R"({"ResourceArn":")" + arn + R"(/index/x"})").Message(),
            "One or more parameter values were invalid: Invalid resource arn provided, only table "
            "or stream is accepted. Provided resource arn: " + arn + "/index/x");
  EXPECT_EQ(h.Call("ListTagsOfResource",
                   R"({"ResourceArn":"arn:aws:dynamodb:eu-west-1:000000000000:table/locks"})")
                .Message(),
            "Invalid TableArn: Invalid ResourceArn provided as input "
            "arn:aws:dynamodb:eu-west-1:000000000000:table/locks");
  EXPECT_EQ(h.Call("TagResource", R"({"ResourceArn":")" + arn + R"(","Tags":[{"Key":"aws:x","Value":"1"}]})")
                .Message(),
            "Tag Key cannot be prefixed with aws:, Key: aws:x");
  EXPECT_EQ(h.Call("TagResource", R"({"ResourceArn":")" + arn + R"(","Tags":[{"Key":"k"}]})").Message(),
            "The Tag Value provided is invalid, Value: null");
  EXPECT_EQ(h.Call("TagResource", R"({"ResourceArn":")" + arn +
                                      R"(","Tags":[{"Key":"k","Value":"1"},{"Key":"k","Value":"2"}]})")
                .Message(),
            "Duplicate Tag Keys provided as input: Duplicate Tag Key found k");
  EXPECT_EQ(h.Call("TagResource", R"({"ResourceArn":")" + arn + R"(","Tags":[]})").Message(),
            "Atleast one Tag needs to be provided as Input.");
  EXPECT_EQ(h.Call("UntagResource", R"({"ResourceArn":")" + arn + R"(","TagKeys":[]})").Message(),
            "Atleast one Tag Key needs to be provided as Input.");
}

TEST(ServiceTables, EndpointsAndLimits) {
  Harness h;
  EXPECT_EQ(h.Call("DescribeEndpoints", "{}").body,
            R"({"Endpoints":[{"Address":"localhost:4566","CachePeriodInMinutes":1440}]})");
  Reply l = h.Call("DescribeLimits", "{}");
  ASSERT_EQ(l.status, 200);
  EXPECT_EQ(l.json["TableMaxWriteCapacityUnits"].GetInt(), 40000);
}

TEST(ServiceTables, GsiAddedLaterIsBackfilled) {
  Harness h;
  ASSERT_EQ(h.Call("CreateTable",
                   R"({"TableName":"items","BillingMode":"PAY_PER_REQUEST",)"
                   R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],)"
                   R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]})")
                .status,
            200);
  ASSERT_EQ(h.Call("PutItem", R"({"TableName":"items","Item":{"pk":{"S":"1"},"g":{"S":"x"}}})").status, 200);
  ASSERT_EQ(h.Call("PutItem", R"({"TableName":"items","Item":{"pk":{"S":"2"}}})").status, 200);
  Reply u = h.Call("UpdateTable",
                   R"({"TableName":"items","AttributeDefinitions":[{"AttributeName":"g","AttributeType":"S"}],)"
                   R"("GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"by-g",)"
                   R"("KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}}]})");
  ASSERT_EQ(u.status, 200) << u.body;
  Reply d = h.Call("DescribeTable", R"({"TableName":"items"})");
  EXPECT_EQ(d.json["Table"]["ItemCount"].GetInt(), 2);
  EXPECT_EQ(d.json["Table"]["GlobalSecondaryIndexes"][0]["ItemCount"].GetInt(), 1);
  Reply del = h.Call("UpdateTable",
                     R"({"TableName":"items","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"by-g"}}]})");
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_FALSE(del.json["TableDescription"].HasMember("GlobalSecondaryIndexes"));
}

}  // namespace
}  // namespace skiff::dynamodb::testing

namespace skiff::dynamodb::testing {
namespace {

// Transitional statuses end at status_until_ms; DescribeTable and every other reader settle them.
TEST(ServiceTableStatus, TransitionsSettleWhenDue) {
  Harness h;
  ASSERT_EQ(h.CreateLockTable().status, 200);
  auto record = h.store().GetTable("000000000000", "us-east-1", "locks");
  ASSERT_TRUE(record.ok());
  storage::TableRecord r = record.value();
  r.status = "CREATING";
  r.status_until_ms = common::NowMillis() + 3600 * 1000;
  ASSERT_TRUE(h.store().UpdateTable(r).ok());
  EXPECT_EQ(Str(h.Call("DescribeTable", R"({"TableName":"locks"})").json["Table"]["TableStatus"]),
            "CREATING");
  r.status_until_ms = 1;
  ASSERT_TRUE(h.store().UpdateTable(r).ok());
  EXPECT_EQ(Str(h.Call("DescribeTable", R"({"TableName":"locks"})").json["Table"]["TableStatus"]),
            "ACTIVE");
  EXPECT_EQ(h.store().GetTable("000000000000", "us-east-1", "locks").value().status_until_ms, 0);
  r.status = "DELETING";
  ASSERT_TRUE(h.store().UpdateTable(r).ok());
  EXPECT_EQ(h.Call("DescribeTable", R"({"TableName":"locks"})").ErrorCode(),
            "ResourceNotFoundException");
  EXPECT_FALSE(h.store().GetTable("000000000000", "us-east-1", "locks").ok());
}

// Moves the table's transition end into the past, as if the transition time had elapsed.
void EndTransition(Harness& h, const std::string& name) {
  auto record = h.store().GetTable("000000000000", "us-east-1", name);
  ASSERT_TRUE(record.ok());
  storage::TableRecord r = record.value();
  r.status_until_ms = 1;
  ASSERT_TRUE(h.store().UpdateTable(r).ok());
}

TEST(ServiceTableStatus, TransitionTimeDrivesCreateUpdateDelete) {
  common::Config config;
  config.table_transition_ms = 3600 * 1000;
  Harness h(&config);
  Reply created = h.CreateLockTable();
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(Str(created.json["TableDescription"]["TableStatus"]), "CREATING");
  // Items wait for the table; so do changes to it.
  Reply early = h.Call("PutItem", R"({"TableName":"locks","Item":{"LockID":{"S":"a"}}})");
  EXPECT_EQ(early.ErrorCode(), "ResourceNotFoundException");
  EXPECT_EQ(early.Message(), "Requested resource not found");
  Reply busy = h.Call("UpdateTable", R"({"TableName":"locks","BillingMode":"PROVISIONED",)"
                                     R"("ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}})");
  EXPECT_EQ(busy.ErrorCode(), "ResourceInUseException");
  EXPECT_EQ(busy.Message(),
            "Attempt to change a resource which is still in use: Table is being created: locks");
  EXPECT_EQ(h.Call("DeleteTable", R"({"TableName":"locks"})").ErrorCode(), "ResourceInUseException");
  EndTransition(h, "locks");
  EXPECT_EQ(Str(h.Call("DescribeTable", R"({"TableName":"locks"})").json["Table"]["TableStatus"]),
            "ACTIVE");

  Reply updated = h.Call("UpdateTable", R"({"TableName":"locks","BillingMode":"PROVISIONED",)"
                                        R"("ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(Str(updated.json["TableDescription"]["TableStatus"]), "UPDATING");
  // An UPDATING table takes items but no second update.
  EXPECT_EQ(h.Call("PutItem", R"({"TableName":"locks","Item":{"LockID":{"S":"a"}}})").status, 200);
  EXPECT_EQ(h.Call("UpdateTable", R"({"TableName":"locks","BillingMode":"PAY_PER_REQUEST"})").Message(),
            "Attempt to change a resource which is still in use: Table is being updated: locks");
  EndTransition(h, "locks");
  EXPECT_EQ(Str(h.Call("DescribeTable", R"({"TableName":"locks"})").json["Table"]["TableStatus"]),
            "ACTIVE");

  Reply deleted = h.Call("DeleteTable", R"({"TableName":"locks"})");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(Str(deleted.json["TableDescription"]["TableStatus"]), "DELETING");
  EXPECT_EQ(Str(h.Call("DescribeTable", R"({"TableName":"locks"})").json["Table"]["TableStatus"]),
            "DELETING");
  EXPECT_EQ(h.Call("DeleteTable", R"({"TableName":"locks"})").status, 200);  // still DELETING
  EXPECT_EQ(h.Call("GetItem", R"({"TableName":"locks","Key":{"LockID":{"S":"a"}}})").ErrorCode(),
            "ResourceNotFoundException");
  EXPECT_EQ(h.Call("ListTables", "{}").body, R"({"TableNames":["locks"]})");
  EndTransition(h, "locks");
  EXPECT_EQ(h.Call("ListTables", "{}").body, R"({"TableNames":[]})");
  EXPECT_EQ(h.Call("DescribeTable", R"({"TableName":"locks"})").ErrorCode(),
            "ResourceNotFoundException");
  EXPECT_EQ(h.CreateLockTable().status, 200);
}

}  // namespace
}  // namespace skiff::dynamodb::testing
