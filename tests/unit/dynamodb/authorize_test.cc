// IAM authorization of DynamoDB requests: each operation's action and resource ARN (tables,
// indexes, every table of a batch or transaction), and the AccessDeniedException it answers.
#include "server/dynamodb/authorize.h"

#include <gtest/gtest.h>

#include "server/iam/authorizer.h"

namespace skiff::dynamodb {
namespace {

constexpr const char* kTable = "arn:aws:dynamodb:us-east-1:000000000000:table/";

common::Principal User(std::string name) {
  common::Principal p;
  p.account_id = "000000000000";
  p.arn = "arn:aws:iam::000000000000:user/" + name;
  p.user_name = std::move(name);
  p.region = "us-east-1";
  return p;
}

std::unique_ptr<RequestContext> Request(std::string op, std::string_view body,
                                        common::Principal principal = User("ci")) {
  auto ctx = std::make_unique<RequestContext>();
  ctx->operation = std::move(op);
  ctx->input.Parse(body.data(), body.size());
  EXPECT_FALSE(ctx->input.HasParseError()) << body;
  ctx->auth.principal = std::move(principal);
  return ctx;
}

std::vector<std::string> Needs(std::string op, std::string_view body) {
  std::vector<std::string> out;
  for (const Permission& p : RequiredPermissions(*Request(std::move(op), body))) {
    out.push_back(p.action + " " + p.resource);
  }
  return out;
}

using Lines = std::vector<std::string>;

TEST(DynamoDbPermissionsTest, TableOperations) {
  EXPECT_EQ(Needs("PutItem", R"({"TableName":"locks","Item":{}})"),
            Lines{"dynamodb:PutItem " + std::string(kTable) + "locks"});
  EXPECT_EQ(Needs("DescribeTable", R"({"TableName":"t"})"),
            Lines{"dynamodb:DescribeTable " + std::string(kTable) + "t"});
  EXPECT_EQ(Needs("GetItem", R"({"TableName":"arn:aws:dynamodb:eu-west-1:1:table/x"})"),
            Lines{"dynamodb:GetItem arn:aws:dynamodb:eu-west-1:1:table/x"});
  EXPECT_EQ(Needs("Query", R"({"TableName":"t","IndexName":"by-owner"})"),
            Lines{"dynamodb:Query " + std::string(kTable) + "t/index/by-owner"});
  EXPECT_EQ(Needs("Scan", R"({"TableName":"t"})"),
            Lines{"dynamodb:Scan " + std::string(kTable) + "t"});
  EXPECT_EQ(Needs("ListTables", "{}"), Lines{"dynamodb:ListTables " + std::string(kTable) + "*"});
  EXPECT_EQ(Needs("DescribeLimits", "{}"), Lines{"dynamodb:DescribeLimits "});
  EXPECT_EQ(Needs("DescribeEndpoints", "{}"), Lines{});
  EXPECT_EQ(Needs("TagResource", R"({"ResourceArn":"arn:aws:dynamodb:us-east-1:0:table/t"})"),
            Lines{"dynamodb:TagResource arn:aws:dynamodb:us-east-1:0:table/t"});
  // Malformed members are left to the operation's validation.
  EXPECT_EQ(Needs("PutItem", R"({"TableName":7})"), Lines{});
}

TEST(DynamoDbPermissionsTest, BatchesAndTransactionsNameEachTable) {
  EXPECT_EQ(Needs("BatchWriteItem", R"({"RequestItems":{"a":[],"b":[]}})"),
            (Lines{"dynamodb:BatchWriteItem " + std::string(kTable) + "a",
                   "dynamodb:BatchWriteItem " + std::string(kTable) + "b"}));
  EXPECT_EQ(Needs("BatchGetItem", R"({"RequestItems":{"a":{}}})"),
            Lines{"dynamodb:BatchGetItem " + std::string(kTable) + "a"});
  EXPECT_EQ(Needs("TransactWriteItems", R"({"TransactItems":[
      {"Put":{"TableName":"a"}},{"Update":{"TableName":"b"}},{"Delete":{"TableName":"a"}},
      {"ConditionCheck":{"TableName":"c"}},{"Put":{"TableName":"a"}}]})"),
            (Lines{"dynamodb:PutItem " + std::string(kTable) + "a",
                   "dynamodb:UpdateItem " + std::string(kTable) + "b",
                   "dynamodb:DeleteItem " + std::string(kTable) + "a",
                   "dynamodb:ConditionCheckItem " + std::string(kTable) + "c"}));
  EXPECT_EQ(Needs("TransactGetItems", R"({"TransactItems":[{"Get":{"TableName":"a"}}]})"),
            Lines{"dynamodb:GetItem " + std::string(kTable) + "a"});
}

TEST(DynamoDbAuthorizeTest, DeniedWithDynamoDbsMessage) {
  iam::Authorizer authorizer(nullptr);
  auto ctx = Request("PutItem", R"({"TableName":"locks"})");
  ctx->deps.authorizer = &authorizer;
  std::optional<ErrorReply> denied = Authorize(*ctx);
  ASSERT_TRUE(denied.has_value());
  EXPECT_EQ(denied->code(), "AccessDeniedException");
  EXPECT_EQ(denied->status(), 400);
  EXPECT_EQ(denied->message,
            "User: arn:aws:iam::000000000000:user/ci is not authorized to perform: "
            "dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/locks "
            "because no identity-based policy allows the dynamodb:PutItem action");
  EXPECT_EQ(ctx->record.policy, "implicit deny");

  common::Principal root;
  root.account_id = "000000000000";
  root.arn = "arn:aws:iam::000000000000:root";
  root.region = "us-east-1";
  auto as_root = Request("PutItem", R"({"TableName":"locks"})", root);
  as_root->deps.authorizer = &authorizer;
  EXPECT_FALSE(Authorize(*as_root).has_value());
  EXPECT_EQ(as_root->record.policy, "account root");

  auto limits = Request("DescribeLimits", "{}");
  limits->deps.authorizer = &authorizer;
  denied = Authorize(*limits);
  ASSERT_TRUE(denied.has_value());
  EXPECT_EQ(denied->message,
            "User: arn:aws:iam::000000000000:user/ci is not authorized to perform: "
            "dynamodb:DescribeLimits because no identity-based policy allows the "
            "dynamodb:DescribeLimits action");
}

TEST(DynamoDbAuthorizeTest, WithoutAuthorizerEverythingIsAllowed) {
  auto ctx = Request("DeleteTable", R"({"TableName":"t"})");
  EXPECT_FALSE(Authorize(*ctx).has_value());
}

}  // namespace
}  // namespace skiff::dynamodb
