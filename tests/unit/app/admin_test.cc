// The /_skiff/* dispatcher: admin token, 404/405, credentials, reset, state, journal, metrics.
#include "server/app/admin.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "server/common/clock.h"
#include "storage/database.h"

namespace skiff::app {
namespace {

constexpr const char* kToken = "s3cret-admin-token";

class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::DatabaseOptions options;
    options.in_memory = true;
    auto db = storage::Database::Open(options);
    ASSERT_TRUE(db.ok()) << db.status().message();
    database_ = std::move(db.value());
    Make("");
  }

  void Make(std::string token) {
    AdminDeps deps;
    deps.version = "1.2.3";
    deps.services = {{"s3", "available"}};
    deps.admin_token = std::move(token);
    deps.database = database_.get();
    deps.credentials = &credentials_;
    deps.journal = &journal_;
    deps.metrics = &metrics_;
    deps.reset_hooks.emplace_back("iam", [this] {
      ++iam_resets_;
      return std::string();
    });
    admin_ = std::make_unique<AdminHandler>(std::move(deps));
  }

  http::Response Call(std::string method, std::string target, std::string body = "",
                      std::string authorization = "") {
    http::Request r;
    r.method = std::move(method);
    r.target = target;
    size_t q = target.find('?');
    r.path = target.substr(0, q);
    r.query = q == std::string::npos ? "" : target.substr(q + 1);
    if (!authorization.empty()) r.headers.Add("Authorization", authorization);
    if (!body.empty()) r.content_length = body.size();
    http::StartResult started = admin_->Start(r);
    if (auto* response = std::get_if<http::Response>(&started)) return std::move(*response);
    auto& exchange = std::get<std::unique_ptr<http::Exchange>>(started);
    exchange->OnBody(body);
    return exchange->Finish();
  }

  static rapidjson::Document Json(const http::Response& r) {
    rapidjson::Document doc;
    doc.Parse(r.body.c_str());
    EXPECT_FALSE(doc.HasParseError()) << r.body;
    return doc;
  }

  std::unique_ptr<storage::Database> database_;
  common::CredentialStore credentials_;
  Journal journal_{100};
  Metrics metrics_;
  int iam_resets_ = 0;
  std::unique_ptr<AdminHandler> admin_;
};

TEST_F(AdminTest, HealthReportsVersionAndServices) {
  http::Response r = Call("GET", "/_skiff/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  auto doc = Json(r);
  EXPECT_STREQ(doc["version"].GetString(), "1.2.3");
  EXPECT_STREQ(doc["services"]["s3"].GetString(), "available");
  EXPECT_FALSE(r.headers.Get("x-amz-request-id").empty());
}

TEST_F(AdminTest, UnknownEndpointIs404AndWrongMethodIs405WithAllow) {
  http::Response r = Call("GET", "/_skiff/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_STREQ(Json(r)["error"].GetString(), "NotFound");
  EXPECT_EQ(Call("GET", "/_skiff/state/extra").status, 404);

  r = Call("DELETE", "/_skiff/metrics");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.Get("Allow"), "GET, HEAD");
  EXPECT_STREQ(Json(r)["error"].GetString(), "MethodNotAllowed");
  r = Call("GET", "/_skiff/reset");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.Get("Allow"), "POST");
  r = Call("PUT", "/_skiff/credentials");
  EXPECT_EQ(r.headers.Get("Allow"), "GET, POST, DELETE");
  // No fault engine wired: /_skiff/faults does not exist.
  EXPECT_EQ(Call("GET", "/_skiff/faults").status, 404);
}

TEST_F(AdminTest, TokenIsRequiredEverywhereButHealth) {
  Make(kToken);
  EXPECT_EQ(Call("GET", "/_skiff/health").status, 200);
  for (const char* path : {"/_skiff/journal", "/_skiff/state", "/_skiff/metrics",
                           "/_skiff/credentials", "/_skiff/nope"}) {
    http::Response r = Call("GET", path);
    EXPECT_EQ(r.status, 401) << path;
    EXPECT_STREQ(Json(r)["error"].GetString(), "Unauthorized");
    EXPECT_EQ(r.headers.Get("WWW-Authenticate"), "Bearer realm=\"skiff\"");
    EXPECT_EQ(Call("GET", path, "", "Bearer wrong").status, 401) << path;
    EXPECT_EQ(Call("GET", path, "", std::string("Basic ") + kToken).status, 401) << path;
  }
  EXPECT_EQ(Call("POST", "/_skiff/reset").status, 401);
  EXPECT_EQ(iam_resets_, 0);
  EXPECT_EQ(Call("GET", "/_skiff/state", "", std::string("Bearer ") + kToken).status, 200);
  EXPECT_EQ(Call("GET", "/_skiff/state", "", std::string("bearer ") + kToken).status, 200);
}

TEST(AdminTokenTest, ComparesWholeTokens) {
  EXPECT_TRUE(AdminHandler::TokenMatches("", ""));
  EXPECT_TRUE(AdminHandler::TokenMatches("anything", ""));
  EXPECT_TRUE(AdminHandler::TokenMatches("Bearer abc", "abc"));
  EXPECT_FALSE(AdminHandler::TokenMatches("Bearer ab", "abc"));
  EXPECT_FALSE(AdminHandler::TokenMatches("Bearer abcd", "abc"));
  EXPECT_FALSE(AdminHandler::TokenMatches("Bearer abc ", "abc"));
  EXPECT_FALSE(AdminHandler::TokenMatches("abc", "abc"));
  EXPECT_FALSE(AdminHandler::TokenMatches("", "abc"));
}

TEST_F(AdminTest, CredentialsAreAddedListedAndRemovedWithoutSecrets) {
  http::Response r = Call("POST", "/_skiff/credentials",
                          R"({"accessKeyId":"AKIAADMINTEST","secretAccessKey":"TopSecretValue",)"
                          R"("accountId":"111122223333","userName":"ci-user"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.body.find("TopSecretValue"), std::string::npos);
  auto doc = Json(r);
  EXPECT_STREQ(doc["arn"].GetString(), "arn:aws:iam::111122223333:user/ci-user");
  auto stored = credentials_.Find("AKIAADMINTEST");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->secret, "TopSecretValue");

  r = Call("GET", "/_skiff/credentials");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("TopSecretValue"), std::string::npos);
  doc = Json(r);
  ASSERT_TRUE(doc["credentials"].IsArray());
  EXPECT_EQ(doc["credentials"].Size(), 2u);  // the default test key and the new one
  for (const auto& c : doc["credentials"].GetArray()) {
    EXPECT_FALSE(c.HasMember("secretAccessKey"));
    EXPECT_FALSE(c.HasMember("sessionToken"));
  }

  EXPECT_EQ(Call("GET", "/_skiff/credentials/AKIAADMINTEST").status, 200);
  EXPECT_EQ(Call("DELETE", "/_skiff/credentials/AKIAADMINTEST").status, 200);
  EXPECT_FALSE(credentials_.Find("AKIAADMINTEST"));
  r = Call("DELETE", "/_skiff/credentials/AKIAADMINTEST");
  EXPECT_EQ(r.status, 404);
  EXPECT_STREQ(Json(r)["error"].GetString(), "NoSuchAccessKey");
  EXPECT_EQ(Call("DELETE", "/_skiff/credentials").status, 400);
}

TEST_F(AdminTest, TemporaryCredentialsShowTheirExpiry) {
  http::Response r = Call("POST", "/_skiff/credentials",
                          R"({"accessKeyId":"ASIATEMP","secretAccessKey":"s","sessionToken":"tok",)"
                          R"("expiration":"2030-01-01T00:00:00Z"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.body.find("\"tok\""), std::string::npos);
  auto doc = Json(r);
  EXPECT_TRUE(doc["temporary"].GetBool());
  EXPECT_STREQ(doc["expiration"].GetString(), "2030-01-01T00:00:00.000Z");
  EXPECT_EQ(credentials_.Find("ASIATEMP")->session_token, "tok");
}

TEST_F(AdminTest, BadCredentialsAreRefusedAndChangeNothing) {
  for (const char* body : {
           "not json", "[]", R"({"secretAccessKey":"s"})",
           R"({"accessKeyId":"A","secretAccessKey":""})",
           R"({"accessKeyId":"A/B","secretAccessKey":"s"})",
           R"({"accessKeyId":"A","secretAccessKey":"s","accountId":"123"})",
           R"({"accessKeyId":"A","secretAccessKey":"s","userName":"bad name"})",
           R"({"accessKeyId":"A","secretAccessKey":"s","expiration":"tomorrow"})",
           R"({"accessKeyId":"A","secretAccessKey":"s","expiration":"2999-01-01T00:00:00Z"})",
           R"({"accessKeyId":"A","secretAccessKey":"s","sessionToken":""})",
           R"({"accessKeyId":"A","secretAccessKey":"s","extra":1})",
           R"({"accessKeyId":5,"secretAccessKey":"s"})"}) {
    http::Response r = Call("POST", "/_skiff/credentials", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_STREQ(Json(r)["error"].GetString(), "InvalidParameter") << body;
  }
  EXPECT_EQ(credentials_.List().size(), 1u);
}

TEST_F(AdminTest, ResetOfCredentialsUndoesWhatTheApiAdded) {
  ASSERT_EQ(Call("POST", "/_skiff/credentials", R"({"accessKeyId":"NEWKEY","secretAccessKey":"s"})")
                .status,
            201);
  ASSERT_EQ(Call("POST", "/_skiff/credentials",
                 R"({"accessKeyId":"test","secretAccessKey":"changed","accountId":"111122223333"})")
                .status,
            201);
  http::Response r = Call("POST", "/_skiff/reset?service=credentials");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{\"reset\":[\"credentials\"]}");
  EXPECT_FALSE(credentials_.Find("NEWKEY"));
  ASSERT_TRUE(credentials_.Find("test"));
  EXPECT_EQ(credentials_.Find("test")->secret, "test");
  EXPECT_EQ(credentials_.Find("test")->account_id, "000000000000");
}

TEST_F(AdminTest, ResetEmptiesStorageAndCallsHooks) {
  storage::Bucket bucket;
  bucket.name = "reset-me";
  bucket.owner_account = "000000000000";
  bucket.region = "eu-west-1";
  ASSERT_TRUE(database_->objects().CreateBucket(bucket).ok());
  common::RequestRecord record;
  record.service = "s3";
  journal_.Add(record, 1, 0);

  http::Response r = Call("POST", "/_skiff/reset?service=dynamodb");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(database_->objects().GetBucket("reset-me").ok());
  EXPECT_EQ(journal_.size(), 1u);

  r = Call("POST", "/_skiff/reset");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body,
            "{\"reset\":[\"s3\",\"dynamodb\",\"iam\",\"faults\",\"credentials\",\"journal\"]}");
  EXPECT_FALSE(database_->objects().GetBucket("reset-me").ok());
  EXPECT_EQ(journal_.size(), 0u);
  EXPECT_EQ(iam_resets_, 1);

  r = Call("POST", "/_skiff/reset?service=everything");
  EXPECT_EQ(r.status, 400);
  EXPECT_STREQ(Json(r)["error"].GetString(), "InvalidParameter");
  EXPECT_EQ(Call("POST", "/_skiff/reset?scope=s3").status, 400);
  EXPECT_EQ(iam_resets_, 1);
}

TEST_F(AdminTest, StateCountsObjectsAndItems) {
  storage::Bucket bucket;
  bucket.name = "state-bucket";
  bucket.owner_account = "111122223333";
  bucket.region = "eu-west-1";
  bucket.versioning = "Enabled";
  ASSERT_TRUE(database_->objects().CreateBucket(bucket).ok());
  storage::TableRecord table;
  table.account_id = "000000000000";
  table.region = "us-east-2";
  table.name = "locks";
  table.document = "{}";
  table.status = "ACTIVE";
  ASSERT_TRUE(database_->tables().CreateTable(&table).ok());

  http::Response r = Call("GET", "/_skiff/state");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = Json(r);
  ASSERT_EQ(doc["buckets"].Size(), 1u);
  const auto& b = doc["buckets"][0];
  EXPECT_STREQ(b["name"].GetString(), "state-bucket");
  EXPECT_STREQ(b["region"].GetString(), "eu-west-1");
  EXPECT_STREQ(b["owner"].GetString(), "111122223333");
  EXPECT_STREQ(b["versioning"].GetString(), "Enabled");
  EXPECT_EQ(b["objects"].GetUint64(), 0u);
  ASSERT_EQ(doc["tables"].Size(), 1u);
  const auto& t = doc["tables"][0];
  EXPECT_STREQ(t["name"].GetString(), "locks");
  EXPECT_STREQ(t["account"].GetString(), "000000000000");
  EXPECT_STREQ(t["region"].GetString(), "us-east-2");
  EXPECT_EQ(t["items"].GetUint64(), 0u);
}

TEST_F(AdminTest, JournalEndpointFiltersAndClears) {
  for (int i = 0; i < 3; ++i) {
    common::RequestRecord record;
    record.service = i == 2 ? "dynamodb" : "s3";
    record.operation = "Op" + std::to_string(i);
    record.status = i == 1 ? 404 : 200;
    journal_.Add(record, common::NowMillis(), 0);
  }
  http::Response r = Call("GET", "/_skiff/journal?service=s3&status=4xx");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = Json(r);
  ASSERT_EQ(doc["entries"].Size(), 1u);
  EXPECT_STREQ(doc["entries"][0]["operation"].GetString(), "Op1");
  EXPECT_EQ(doc["capacity"].GetUint64(), 100u);

  r = Call("GET", "/_skiff/journal?limit=1");
  ASSERT_EQ(Json(r)["entries"].Size(), 1u);
  EXPECT_STREQ(Json(r)["entries"][0]["operation"].GetString(), "Op2");

  EXPECT_EQ(Json(Call("GET", "/_skiff/journal?since=2000-01-01T00:00:00Z"))["entries"].Size(), 3u);
  EXPECT_EQ(Json(Call("GET", "/_skiff/journal?since=2999-01-01T00:00:00Z"))["entries"].Size(), 0u);

  for (const char* bad : {"?status=abc", "?limit=0", "?limit=x", "?since=soon", "?colour=red",
                          "?service=%zz"}) {
    r = Call("GET", std::string("/_skiff/journal") + bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_STREQ(Json(r)["error"].GetString(), "InvalidParameter") << bad;
  }

  EXPECT_EQ(Call("DELETE", "/_skiff/journal").status, 200);
  EXPECT_EQ(journal_.size(), 0u);
}

TEST_F(AdminTest, MetricsArePrometheusText) {
  common::RequestRecord record;
  record.service = "s3";
  record.operation = "PutObject";
  record.status = 200;
  metrics_.Observe(record, 0.001);
  http::Response r = Call("GET", "/_skiff/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(
      r.body.find("skiff_requests_total{service=\"s3\",operation=\"PutObject\",status=\"200\"} 1"),
      std::string::npos);
}

TEST_F(AdminTest, FaultsEndpointIsDelegated) {
  AdminDeps deps;
  deps.faults = [](const http::Request& request, std::string_view body) {
    http::Response r;
    r.status = 202;
    r.body = request.method + " " + request.path + " " + std::string(body);
    return r;
  };
  admin_ = std::make_unique<AdminHandler>(std::move(deps));
  EXPECT_EQ(Call("POST", "/_skiff/faults", "{\"preset\":\"throttle\"}").body,
            "POST /_skiff/faults {\"preset\":\"throttle\"}");
  EXPECT_EQ(Call("DELETE", "/_skiff/faults/r1").body, "DELETE /_skiff/faults/r1 ");
}

}  // namespace
}  // namespace skiff::app
