// DocumentStore: put/replace, get, delete, list order, clear per kind, persistence, and
// independence from Database::Reset.
#include <gtest/gtest.h>

#include "storage/documents.h"
#include "tests/unit/storage/store_fixture.h"

namespace skiff::storage {
namespace {

using testing::OpenOrDie;
using testing::TempDir;

DatabaseOptions InMemory() {
  DatabaseOptions options;
  options.in_memory = true;
  return options;
}

TEST(DocumentsTest, PutReplacesAndGetReturnsLatest) {
  std::unique_ptr<Database> db = OpenOrDie(InMemory());
  DocumentStore& docs = db->documents();
  ASSERT_TRUE(docs.Put({"user", "111111111111", "alice", R"({"v":1})"}).ok());
  ASSERT_TRUE(docs.Put({"user", "111111111111", "alice", R"({"v":2})"}).ok());
  Result<Document> got = docs.Get("user", "111111111111", "alice");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->body, R"({"v":2})");
  EXPECT_EQ(got->kind, "user");
  EXPECT_EQ(got->account, "111111111111");
  EXPECT_EQ(got->name, "alice");
  // The key is the whole triple: another account or kind is another document.
  EXPECT_EQ(docs.Get("user", "222222222222", "alice").code(), Code::kNotFound);
  EXPECT_EQ(docs.Get("role", "111111111111", "alice").code(), Code::kNotFound);
}

TEST(DocumentsTest, DeleteReportsMissingDocuments) {
  std::unique_ptr<Database> db = OpenOrDie(InMemory());
  DocumentStore& docs = db->documents();
  ASSERT_TRUE(docs.Put({"user", "a", "x", "{}"}).ok());
  EXPECT_TRUE(docs.Delete("user", "a", "x").ok());
  EXPECT_EQ(docs.Delete("user", "a", "x").code(), Code::kNotFound);
  EXPECT_EQ(docs.Get("user", "a", "x").code(), Code::kNotFound);
}

TEST(DocumentsTest, ListIsOrderedByAccountThenNameAndClearIsPerKind) {
  std::unique_ptr<Database> db = OpenOrDie(InMemory());
  DocumentStore& docs = db->documents();
  ASSERT_TRUE(docs.Put({"user", "b", "zed", "1"}).ok());
  ASSERT_TRUE(docs.Put({"user", "a", "bob", "2"}).ok());
  ASSERT_TRUE(docs.Put({"user", "a", "Alice", "3"}).ok());
  ASSERT_TRUE(docs.Put({"role", "a", "admin", "4"}).ok());
  Result<std::vector<Document>> users = docs.List("user");
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 3u);
  EXPECT_EQ((*users)[0].name, "Alice");  // byte order: upper case first
  EXPECT_EQ((*users)[1].name, "bob");
  EXPECT_EQ((*users)[2].account, "b");
  EXPECT_EQ((*users)[2].body, "1");

  ASSERT_TRUE(docs.Clear("user").ok());
  EXPECT_TRUE(docs.List("user")->empty());
  ASSERT_EQ(docs.List("role")->size(), 1u);
}

TEST(DocumentsTest, SurviveReopenAndDatabaseReset) {
  TempDir dir;
  DatabaseOptions options;
  options.directory = dir.path();
  {
    std::unique_ptr<Database> db = OpenOrDie(options);
    ASSERT_TRUE(db->documents().Put({"policy", "000000000000", "p", R"({"a":"b"})"}).ok());
    // Reset belongs to S3 and DynamoDB data; documents are cleared by their owners.
    ASSERT_TRUE(db->Reset("").ok());
  }
  std::unique_ptr<Database> db = OpenOrDie(options);
  Result<Document> got = db->documents().Get("policy", "000000000000", "p");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->body, R"({"a":"b"})");
}

}  // namespace
}  // namespace skiff::storage
