// Start-up resources: the --init JSON, the SKIFF_BUCKETS / SKIFF_TABLES short forms, validation
// before anything is applied, and idempotent application.
#include "server/app/init.h"

#include <gtest/gtest.h>

#include "server/dynamodb/table_model.h"
#include "server/faults/faults.h"
#include "server/iam/store.h"
#include "storage/database.h"

namespace skiff::app {
namespace {

// Substring check with the whole text in the failure message (gmock is not linked).
::testing::AssertionResult Contains(const std::string& text, std::string_view part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

class InitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::DatabaseOptions options;
    options.in_memory = true;
    auto db = storage::Database::Open(options);
    ASSERT_TRUE(db.ok()) << db.status().message();
    database_ = std::move(db.value());
    targets_.database = database_.get();
    targets_.credentials = &credentials_;
    targets_.faults = &faults_;
  }
  void TearDown() override { database_->Close(); }

  std::string ApplyJson(std::string_view json) {
    InitPlan plan;
    if (std::string e = ParseInitJson(json, "init.json", &plan); !e.empty()) return e;
    return ApplyInitPlan(plan, targets_);
  }
  bool HasBucket(std::string_view name) { return database_->objects().GetBucket(name).ok(); }
  std::optional<storage::TableRecord> Table(std::string_view account, std::string_view region,
                                            std::string_view name) {
    auto t = database_->tables().GetTable(account, region, name);
    if (!t.ok()) return std::nullopt;
    return t.value();
  }

  std::unique_ptr<storage::Database> database_;
  common::CredentialStore credentials_;
  faults::Engine faults_;
  InitTargets targets_;
};

TEST(InitSpecTest, BucketsShortForm) {
  InitPlan plan;
  ASSERT_EQ(ParseBucketsSpec(" tf-state@eu-west-1:versioned, logs ,", "SKIFF_BUCKETS", &plan), "");
  ASSERT_EQ(plan.buckets.size(), 2u);
  EXPECT_EQ(plan.buckets[0].name, "tf-state");
  EXPECT_EQ(plan.buckets[0].region, "eu-west-1");
  EXPECT_EQ(plan.buckets[0].versioning, "Enabled");
  EXPECT_EQ(plan.buckets[1].name, "logs");
  EXPECT_EQ(plan.buckets[1].region, "us-east-1");
  EXPECT_EQ(plan.buckets[1].account, "000000000000");
  EXPECT_EQ(plan.buckets[1].versioning, "");
}

TEST(InitSpecTest, BucketsShortFormErrorsNameTheEntry) {
  InitPlan plan;
  EXPECT_EQ(ParseBucketsSpec("ok1,Bad_Name", "SKIFF_BUCKETS", &plan),
            "SKIFF_BUCKETS entry \"Bad_Name\": \"Bad_Name\" is not a valid bucket name");
  EXPECT_EQ(ParseBucketsSpec("bk1:encrypted", "SKIFF_BUCKETS", &plan),
            "SKIFF_BUCKETS entry \"bk1:encrypted\": unknown option \"encrypted\" (expected "
            "name[@region][:versioned])");
  EXPECT_TRUE(Contains(ParseBucketsSpec("bk1@EU West", "SKIFF_BUCKETS", &plan),
                       "region \"EU West\" is not a region name"));
}

TEST(InitSpecTest, TablesShortForm) {
  InitPlan plan;
  ASSERT_EQ(
      ParseTablesSpec("terraform-locks:LockID,orders@eu-west-1:pk:sk/N", "SKIFF_TABLES", &plan),
      "");
  ASSERT_EQ(plan.tables.size(), 2u);
  EXPECT_EQ(plan.tables[0].name, "terraform-locks");
  EXPECT_EQ(plan.tables[0].region, "us-east-1");
  EXPECT_EQ(plan.tables[0].create_table_json,
            R"({"TableName":"terraform-locks","AttributeDefinitions":[{"AttributeName":"LockID",)"
            R"("AttributeType":"S"}],"KeySchema":[{"AttributeName":"LockID","KeyType":"HASH"}],)"
            R"("BillingMode":"PAY_PER_REQUEST"})");
  EXPECT_EQ(plan.tables[1].region, "eu-west-1");
  EXPECT_TRUE(
      Contains(plan.tables[1].create_table_json, R"({"AttributeName":"sk","AttributeType":"N"})"));
}

TEST(InitSpecTest, TablesShortFormErrors) {
  InitPlan plan;
  EXPECT_EQ(
      ParseTablesSpec("locks", "SKIFF_TABLES", &plan),
      "SKIFF_TABLES entry \"locks\": expected name[@region]:HashKey[/TYPE][:RangeKey[/TYPE]]");
  EXPECT_EQ(
      ParseTablesSpec("t:a:b:c", "SKIFF_TABLES", &plan),
      "SKIFF_TABLES entry \"t:a:b:c\": expected name[@region]:HashKey[/TYPE][:RangeKey[/TYPE]]");
  EXPECT_EQ(ParseTablesSpec("t:pk/X", "SKIFF_TABLES", &plan),
            "SKIFF_TABLES entry \"t:pk/X\": hash key pk has type X (expected S, N or B)");
  EXPECT_EQ(ParseTablesSpec("t:", "SKIFF_TABLES", &plan),
            "SKIFF_TABLES entry \"t:\": hash key name is empty");
  EXPECT_TRUE(plan.tables.empty());
}

TEST(InitSpecTest, JsonErrorsNameTheEntry) {
  InitPlan plan;
  EXPECT_TRUE(Contains(ParseInitJson("{\"buckets\": [", "init.json", &plan),
                       "init.json: not valid JSON at offset"));
  EXPECT_EQ(ParseInitJson("[]", "init.json", &plan),
            "init.json: must be a JSON object with buckets, tables, credentials, users, roles and "
            "faults");
  EXPECT_EQ(ParseInitJson(R"({"bucket": []})", "init.json", &plan),
            "init.json: unknown member \"bucket\" (known: buckets, tables, credentials, users, "
            "roles, faults)");
  EXPECT_EQ(ParseInitJson(R"({"buckets": [{"name": "a1b"}, {"name": "b2", "versioned": true}]})",
                          "init.json", &plan),
            "init.json: buckets[1] \"b2\": unknown member \"versioned\" (known: name, region, "
            "account, versioning, encryption, tags)");
  EXPECT_EQ(ParseInitJson(R"({"buckets": [{"name": "bk3", "encryption": "AES512"}]})", "init.json",
                          &plan),
            "init.json: buckets[0] \"bk3\": encryption: MalformedXML: The XML you provided was not "
            "well-formed or did not validate against our published schema");
  EXPECT_EQ(
      ParseInitJson(R"({"buckets": [{"name": "bk4", "account": "123"}]})", "init.json", &plan),
      "init.json: buckets[0] \"bk4\": account \"123\" is not a 12-digit account id");
  EXPECT_EQ(ParseInitJson(R"({"tables": [{"name": "t1"}]})", "init.json", &plan),
            "init.json: tables[0] \"t1\": \"hashKey\" is required");
  EXPECT_EQ(ParseInitJson(R"({"credentials": [{"accessKeyId": "AK1"}]})", "init.json", &plan),
            "init.json: credentials[0] \"AK1\": \"secretAccessKey\" is required");
  EXPECT_TRUE(
      Contains(ParseInitJson(R"({"users": [{"name": "ci", "policies": {"p": {"Statement": 3}}}]})",
                             "init.json", &plan),
               "init.json: users[0] \"ci\": policy \"p\" is not a valid policy: "));
  EXPECT_EQ(ParseInitJson(R"({"roles": [{"name": "deployer"}]})", "init.json", &plan),
            "init.json: roles[0] \"deployer\": \"trustPolicy\" is required");
}

TEST(InitSpecTest, JsonForms) {
  InitPlan plan;
  ASSERT_EQ(ParseInitJson(R"({
      "buckets": ["plain", {"name": "tf-state", "region": "eu-west-1", "versioning": "Enabled",
                            "encryption": {"kmsKeyId": "alias/tf"}, "tags": {"team": "infra"}}],
      "tables": [{"name": "locks", "hashKey": "LockID"},
                 {"TableName": "orders", "region": "eu-west-1",
                  "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                  "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}],
      "credentials": [{"accessKeyId": "AKIDCI", "secretAccessKey": "s", "accountId": "111111111111"}],
      "users": [{"name": "ci", "accessKeys": [{"id": "AKIAUSER", "secret": "x"}],
                 "policies": {"read": {"Version": "2012-10-17", "Statement": [
                     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}}],
      "faults": [{"preset": "throttle", "match": {"service": "dynamodb"}}]
    })",
                          "init.json", &plan),
            "");
  ASSERT_EQ(plan.buckets.size(), 2u);
  EXPECT_EQ(plan.buckets[0].origin, "init.json: buckets[0] \"plain\"");
  EXPECT_EQ(plan.buckets[1].region, "eu-west-1");
  EXPECT_TRUE(Contains(plan.buckets[1].encryption, "<SSEAlgorithm>aws:kms</SSEAlgorithm>"));
  EXPECT_TRUE(Contains(plan.buckets[1].encryption, "<KMSMasterKeyID>alias/tf</KMSMasterKeyID>"));
  EXPECT_TRUE(Contains(plan.buckets[1].tagging, "<Key>team</Key><Value>infra</Value>"));
  ASSERT_EQ(plan.tables.size(), 2u);
  EXPECT_EQ(plan.tables[1].region, "eu-west-1");
  // Declared without capacity: on demand, and the Skiff-only members are gone.
  EXPECT_TRUE(Contains(plan.tables[1].create_table_json, "\"BillingMode\":\"PAY_PER_REQUEST\""));
  EXPECT_EQ(plan.tables[1].create_table_json.find("region"), std::string::npos);
  ASSERT_EQ(plan.credentials.size(), 1u);
  EXPECT_EQ(plan.credentials[0].credential.account_id, "111111111111");
  ASSERT_EQ(plan.users.size(), 1u);
  EXPECT_EQ(plan.users[0].access_keys[0].first, "AKIAUSER");
  EXPECT_EQ(plan.users[0].policies[0].first, "read");
  EXPECT_EQ(plan.faults_json, R"([{"preset":"throttle","match":{"service":"dynamodb"}}])");
}

TEST_F(InitTest, AppliesBucketsTablesCredentialsAndFaults) {
  ASSERT_EQ(ApplyJson(R"({
      "buckets": [{"name": "tf-state", "region": "eu-west-1", "versioning": true,
                   "encryption": "AES256", "tags": {"team": "infra"}}],
      "tables": [{"name": "locks", "hashKey": "LockID"},
                 {"name": "orders", "account": "111111111111", "hashKey": "pk", "rangeKey": "sk",
                  "rangeKeyType": "N"}],
      "credentials": [{"accessKeyId": "AKIDCI", "secretAccessKey": "sec", "accountId": "111111111111"}],
      "faults": {"rules": [{"id": "slow-ddb", "preset": "slow", "match": {"service": "dynamodb"}}]}
    })"),
            "");
  auto bucket = database_->objects().GetBucket("tf-state");
  ASSERT_TRUE(bucket.ok());
  EXPECT_EQ(bucket->region, "eu-west-1");
  EXPECT_EQ(bucket->owner_account, "000000000000");
  EXPECT_EQ(bucket->versioning, "Enabled");
  auto encryption = database_->objects().GetBucketConfig("tf-state", "encryption");
  ASSERT_TRUE(encryption.ok());
  EXPECT_TRUE(Contains(encryption.value(), "<SSEAlgorithm>AES256</SSEAlgorithm>"));
  EXPECT_TRUE(database_->objects().GetBucketConfig("tf-state", "tagging").ok());
  // Like CreateBucket: Block Public Access on.
  auto pab = database_->objects().GetBucketConfig("tf-state", "publicAccessBlock");
  ASSERT_TRUE(pab.ok());
  EXPECT_TRUE(Contains(pab.value(), "<BlockPublicAcls>true</BlockPublicAcls>"));

  auto locks = Table("000000000000", "us-east-1", "locks");
  ASSERT_TRUE(locks);
  EXPECT_EQ(locks->status, "ACTIVE");
  EXPECT_EQ(dynamodb::DecodeModel(locks->document).key.hash, "LockID");
  auto orders = Table("111111111111", "us-east-1", "orders");
  ASSERT_TRUE(orders);
  auto model = dynamodb::DecodeModel(orders->document);
  EXPECT_EQ(model.key.range, "sk");
  EXPECT_EQ(model.AttributeType("sk"), "N");
  EXPECT_EQ(model.billing_mode, "PAY_PER_REQUEST");

  auto cred = credentials_.Find("AKIDCI");
  ASSERT_TRUE(cred);
  EXPECT_EQ(cred->account_id, "111111111111");
  ASSERT_EQ(faults_.List().size(), 1u);
  EXPECT_EQ(faults_.List()[0].rule.id, "slow-ddb");
}

TEST_F(InitTest, SecondApplyChangesNothingAndKeepsData) {
  const char* json = R"({"buckets": [{"name": "keep", "versioning": "Enabled"}],
                         "tables": [{"name": "locks", "hashKey": "LockID"}]})";
  ASSERT_EQ(ApplyJson(json), "");
  const int64_t created = database_->objects().GetBucket("keep")->created_ms;
  const int64_t table_id = Table("000000000000", "us-east-1", "locks")->table_id;
  storage::PutObjectInput put;
  put.bucket = "keep";
  put.key = "state";
  put.etag = "d41d8cd98f00b204e9800998ecf8427e";
  put.owner_account = "000000000000";
  ASSERT_TRUE(database_->objects().PutObject(put).ok());

  ASSERT_EQ(ApplyJson(json), "");
  InitPlan env;
  ASSERT_EQ(ParseBucketsSpec("keep", "SKIFF_BUCKETS", &env), "");
  ASSERT_EQ(ParseTablesSpec("locks:LockID", "SKIFF_TABLES", &env), "");
  ASSERT_EQ(ApplyInitPlan(env, targets_), "");
  EXPECT_EQ(database_->objects().GetBucket("keep")->created_ms, created);
  EXPECT_EQ(database_->objects().GetBucket("keep")->versioning, "Enabled");
  EXPECT_TRUE(database_->objects().HeadObject("keep", "state", "").ok());
  EXPECT_EQ(Table("000000000000", "us-east-1", "locks")->table_id, table_id);
}

TEST_F(InitTest, ExistingBucketGetsDeclaredSettings) {
  ASSERT_EQ(ApplyJson(R"({"buckets": ["grow"]})"), "");
  EXPECT_EQ(database_->objects().GetBucket("grow")->versioning, "");
  ASSERT_EQ(
      ApplyJson(R"({"buckets": [{"name": "grow", "versioning": true, "encryption": "AES256"}]})"),
      "");
  EXPECT_EQ(database_->objects().GetBucket("grow")->versioning, "Enabled");
  EXPECT_TRUE(database_->objects().GetBucketConfig("grow", "encryption").ok());
}

TEST_F(InitTest, ConflictsWithExistingStateAreRefused) {
  ASSERT_EQ(ApplyJson(R"({"buckets": [{"name": "placed", "region": "us-west-2"}],
                          "tables": [{"name": "locks", "hashKey": "LockID"}]})"),
            "");
  EXPECT_EQ(ApplyJson(R"({"buckets": [{"name": "placed", "region": "eu-west-1"}]})"),
            "init.json: buckets[0] \"placed\": the bucket already exists in us-west-2 (account "
            "000000000000), not in eu-west-1 (account 000000000000)");
  // Found before anything is applied: the new bucket declared with it is not created.
  EXPECT_EQ(ApplyJson(R"({"buckets": ["fresh"],
                          "tables": [{"name": "locks", "hashKey": "id", "hashKeyType": "N"}]})"),
            "init.json: tables[0] \"locks\": table locks already exists in us-east-1 with the key "
            "LockID (S), not id (N)");
  EXPECT_FALSE(HasBucket("fresh"));
}

TEST_F(InitTest, NothingIsAppliedWhenAnyEntryIsInvalid) {
  // The table is refused by CreateTable's own validation (run against scratch state first), so
  // the bucket, credentials and faults declared before it are not applied either.
  std::string error = ApplyJson(R"({
      "buckets": ["early"],
      "credentials": [{"accessKeyId": "AKIDEARLY", "secretAccessKey": "s"}],
      "tables": [{"TableName": "bad", "AttributeDefinitions": [
                    {"AttributeName": "pk", "AttributeType": "S"}],
                  "KeySchema": [{"AttributeName": "other", "KeyType": "HASH"}]}],
      "faults": [{"preset": "throttle"}]
    })");
  EXPECT_TRUE(Contains(error, "init.json: tables[0] \"bad\": ValidationException: "));
  EXPECT_FALSE(HasBucket("early"));
  EXPECT_FALSE(credentials_.Find("AKIDEARLY"));
  EXPECT_FALSE(Table("000000000000", "us-east-1", "bad"));
  EXPECT_TRUE(faults_.List().empty());

  error = ApplyJson(R"({"buckets": ["early"], "faults": [{"preset": "no-such-preset"}]})");
  EXPECT_TRUE(Contains(error, "init.json: faults: "));
  EXPECT_FALSE(HasBucket("early"));
}

TEST_F(InitTest, DuplicatesAreRefused) {
  InitPlan plan;
  ASSERT_EQ(ParseInitJson(R"({"buckets": ["twice"]})", "init.json", &plan), "");
  ASSERT_EQ(ParseBucketsSpec("twice@eu-west-1", "SKIFF_BUCKETS", &plan), "");
  EXPECT_EQ(ApplyInitPlan(plan, targets_),
            "SKIFF_BUCKETS entry \"twice@eu-west-1\": the bucket is already declared by "
            "init.json: buckets[0] \"twice\"");
  EXPECT_FALSE(HasBucket("twice"));
}

TEST_F(InitTest, UsersNeedIam) {
  EXPECT_EQ(ApplyJson(R"({"buckets": ["b-iam"], "users": [{"name": "ci"}]})"),
            "users and roles cannot be created: IAM is not available");
  EXPECT_FALSE(HasBucket("b-iam"));
}

TEST_F(InitTest, UsersAndRolesGoThroughIam) {
  std::string error;
  auto store = iam::IamStore::Open(*database_, credentials_, &error);
  ASSERT_TRUE(store) << error;
  targets_.iam = store.get();
  const char* json = R"({
      "users": [{"name": "ci", "accessKeys": [{"id": "AKIAINITCI01", "secret": "s1"}],
                 "policies": {"read": {"Version": "2012-10-17", "Statement": [
                     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}}],
      "roles": [{"name": "deployer", "account": "111111111111",
                 "trustPolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                     "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
                     "Action": "sts:AssumeRole"}]},
                 "policies": {"all": {"Version": "2012-10-17", "Statement": [
                     {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}}]
    })";
  ASSERT_EQ(ApplyJson(json), "");
  auto key = credentials_.Find("AKIAINITCI01");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->user_name, "ci");
  EXPECT_EQ(key->arn, "arn:aws:iam::000000000000:user/ci");
  std::string document;
  EXPECT_TRUE(store->GetUserPolicy("000000000000", "ci", "read", &document).ok());
  iam::RoleInfo role;
  ASSERT_TRUE(store->GetRole("111111111111", "deployer", &role).ok());
  EXPECT_TRUE(Contains(role.trust_policy, "sts:AssumeRole"));
  EXPECT_TRUE(store->GetRolePolicy("111111111111", "deployer", "all", &document).ok());

  // Again: nothing changes, nothing fails.
  ASSERT_EQ(ApplyJson(json), "");
  std::vector<iam::AccessKeyInfo> keys;
  ASSERT_TRUE(store->ListAccessKeys("000000000000", "ci", &keys).ok());
  EXPECT_EQ(keys.size(), 1u);

  // A declared key that exists with another secret, or belongs to someone else, is an error.
  EXPECT_EQ(ApplyJson(R"({"users": [{"name": "ci", "accessKeys": [{"id": "AKIAINITCI01",
                                                                    "secret": "changed"}]}]})"),
            "init.json: users[0] \"ci\": access key AKIAINITCI01 already exists with another "
            "secret");
  EXPECT_TRUE(Contains(ApplyJson(R"({"users": [{"name": "other", "accessKeys": [
                                       {"id": "test", "secret": "x"}]}]})"),
                       "init.json: users[0] \"other\": adding access key test: "
                       "EntityAlreadyExists"));
}

TEST_F(InitTest, StartupResourcesFromConfig) {
  common::Config config;
  config.buckets_spec = "from-env@eu-central-1:versioned";
  config.tables_spec = "env-locks:LockID";
  ASSERT_EQ(ApplyStartupResources(config, targets_), "");
  EXPECT_EQ(database_->objects().GetBucket("from-env")->region, "eu-central-1");
  EXPECT_TRUE(Table("000000000000", "us-east-1", "env-locks"));

  config.init_file = "/nonexistent/init.json";
  EXPECT_EQ(ApplyStartupResources(config, targets_),
            "init file /nonexistent/init.json: cannot be read");
}

}  // namespace
}  // namespace skiff::app
