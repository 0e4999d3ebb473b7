// The compatibility table is derived from the dispatch tables: every operation Skiff answers is a
// supported row, every 501 route and every name missing from a table is not.
#include "server/app/compat.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "server/app/aws_operations.h"
#include "server/dynamodb/operation_names.h"
#include "server/s3/routes.h"

namespace skiff::app {
namespace {

const CompatService& Find(const std::vector<CompatService>& table, std::string_view service) {
  for (const CompatService& s : table) {
    if (s.service == service) return s;
  }
  ADD_FAILURE() << "no service " << service;
  return table.front();
}

const CompatRow* Row(const CompatService& s, std::string_view operation) {
  for (const CompatRow& r : s.rows) {
    if (r.operation == operation) return &r;
  }
  return nullptr;
}

TEST(AwsOperations, ModelsAreSortedAndComplete) {
  ASSERT_EQ(AwsServiceModels().size(), 4u);
  EXPECT_FALSE(BotocoreVersion().empty());
  for (const AwsServiceModel& m : AwsServiceModels()) {
    SCOPED_TRACE(std::string(m.service));
    ASSERT_FALSE(m.operations.empty());
    EXPECT_TRUE(std::is_sorted(m.operations.begin(), m.operations.end(),
                               [](const auto& a, const auto& b) { return a.name < b.name; }));
  }
}

TEST(Compat, RowsAreSortedUniqueAndCounted) {
  for (const CompatService& s : CompatibilityTable()) {
    SCOPED_TRACE(std::string(s.service));
    EXPECT_EQ(s.rows.size(), s.in_model + s.skiff_only);
    EXPECT_TRUE(std::adjacent_find(s.rows.begin(), s.rows.end(), [](const auto& a, const auto& b) {
                  return a.operation >= b.operation;
                }) == s.rows.end());
    size_t supported =
        std::count_if(s.rows.begin(), s.rows.end(), [](const CompatRow& r) { return r.supported; });
    EXPECT_EQ(supported, s.supported + s.skiff_only);
  }
}

TEST(Compat, EveryS3RouteIsARowWithItsHandlersStatus) {
  const auto table = CompatibilityTable();
  const CompatService& s3 = Find(table, "s3");
  for (const s3::Route& route : s3::RouteTable()) {
    SCOPED_TRACE(std::string(route.operation));
    const CompatRow* row = Row(s3, route.operation);
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->supported, route.handler != s3::Handler::kNotImplemented);
  }
  EXPECT_TRUE(Row(s3, "GetObject")->supported);
  EXPECT_FALSE(Row(s3, "PutBucketInventoryConfiguration")->supported);
  // A deprecated name with the same request as a served operation is served by its route.
  const CompatRow* old_name = Row(s3, "GetBucketLifecycle");
  ASSERT_NE(old_name, nullptr);
  EXPECT_TRUE(old_name->supported);
  EXPECT_NE(old_name->note.find("GetBucketLifecycleConfiguration"), std::string::npos);
  // Not deprecated and without a route of its own: not supported, whatever it reaches.
  const CompatRow* directory = Row(s3, "ListDirectoryBuckets");
  ASSERT_NE(directory, nullptr);
  EXPECT_FALSE(directory->supported);
  EXPECT_NE(directory->note.find("ListBuckets"), std::string::npos);
  // Skiff-only operations are listed, and said to be.
  const CompatRow* post = Row(s3, "PostObject");
  ASSERT_NE(post, nullptr);
  EXPECT_TRUE(post->supported);
  EXPECT_NE(post->note.find("not in botocore"), std::string::npos);
}

TEST(Compat, DynamoDbRowsFollowTheOperationTable) {
  const auto table = CompatibilityTable();
  const CompatService& ddb = Find(table, "dynamodb");
  for (std::string_view name : dynamodb::OperationNames()) {
    const CompatRow* row = Row(ddb, name);
    ASSERT_NE(row, nullptr) << name;
    EXPECT_TRUE(row->supported) << name;
  }
  EXPECT_EQ(ddb.supported + ddb.skiff_only, dynamodb::OperationNames().size());
  ASSERT_NE(Row(ddb, "CreateBackup"), nullptr);
  EXPECT_FALSE(Row(ddb, "CreateBackup")->supported);
}

TEST(Compat, StsAndIamRowsFollowTheActionTables) {
  const auto table = CompatibilityTable();
  EXPECT_TRUE(Row(Find(table, "sts"), "AssumeRole")->supported);
  EXPECT_FALSE(Row(Find(table, "sts"), "GetFederationToken")->supported);
  EXPECT_TRUE(Row(Find(table, "iam"), "CreateUser")->supported);
  EXPECT_FALSE(Row(Find(table, "iam"), "CreateGroup")->supported);
}

TEST(Compat, MarkdownHasOneTableRowPerOperation) {
  const std::string doc = CompatibilityMarkdown();
  EXPECT_EQ(doc.rfind("# Compatibility\n", 0), 0u);
  EXPECT_NE(doc.find(std::string(BotocoreVersion())), std::string::npos);
  size_t rows = 0;
  for (const CompatService& s : CompatibilityTable()) rows += s.rows.size();
  size_t found = 0;
  for (size_t at = doc.find("\n| `"); at != std::string::npos; at = doc.find("\n| `", at + 1)) {
    ++found;
  }
  EXPECT_EQ(found, rows);
  EXPECT_NE(doc.find("| `GetObject` | supported |  |\n"), std::string::npos);
  EXPECT_NE(doc.find("| `GetBucketAbac` | not supported |  |\n"), std::string::npos);
}

}  // namespace
}  // namespace skiff::app
