#include "server/s3/routes.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>

namespace skiff::s3 {
namespace {

void AddRequirement(std::string_view req, QueryParams* q) {
  if (req.empty()) return;
  size_t eq = req.find('=');
  if (eq == std::string_view::npos) {
    q->Add(std::string(req), "");
  } else {
    q->Add(std::string(req.substr(0, eq)), std::string(req.substr(eq + 1)));
  }
}

// Every row is reachable: the smallest request satisfying a row is routed to that row, i.e. no
// earlier row shadows it and no two rows claim the same request.
TEST(RouteTable, EveryRowOwnsItsMinimalRequest) {
  for (const Route& r : RouteTable()) {
    SCOPED_TRACE(std::string(r.operation));
    QueryParams q;
    AddRequirement(r.query1, &q);
    AddRequirement(r.query2, &q);
    http::Headers h;
    if (!r.header.empty()) h.Add(std::string(r.header), "src/key");
    const Route* m = MatchRoute(r.method, r.scope, q, h);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m, &r) << "routed to " << m->operation;
  }
}

TEST(RouteTable, NoDuplicateRequirementsOrOperations) {
  std::set<std::tuple<std::string_view, int, std::string_view, std::string_view, std::string_view>>
      seen;
  std::set<std::string_view> ops;
  for (const Route& r : RouteTable()) {
    EXPECT_TRUE(
        seen.insert({r.method, static_cast<int>(r.scope), r.query1, r.query2, r.header}).second)
        << r.operation;
    EXPECT_TRUE(ops.insert(r.operation).second) << r.operation;
  }
}

const Route* Route1(std::string_view method, Scope scope, std::string_view query,
                    std::string_view header = "") {
  QueryParams q;
  EXPECT_TRUE(q.Parse(query));
  http::Headers h;
  if (!header.empty()) h.Add(std::string(header), "x");
  return MatchRoute(method, scope, q, h);
}

TEST(RouteMatch, Examples) {
  EXPECT_EQ(Route1("GET", Scope::kService, "")->operation, "ListBuckets");
  EXPECT_EQ(Route1("GET", Scope::kBucket, "list-type=2&prefix=a")->operation, "ListObjectsV2");
  EXPECT_EQ(Route1("GET", Scope::kBucket, "list-type=1")->operation, "ListObjects");
  EXPECT_EQ(Route1("GET", Scope::kBucket, "prefix=a&x-id=ListObjects")->operation, "ListObjects");
  EXPECT_EQ(Route1("GET", Scope::kBucket, "location")->operation, "GetBucketLocation");
  EXPECT_EQ(Route1("GET", Scope::kBucket, "versioning")->handler, Handler::kGetBucketVersioning);
  EXPECT_EQ(Route1("GET", Scope::kBucket, "metrics")->handler, Handler::kNotImplemented);
  EXPECT_EQ(Route1("PUT", Scope::kBucket, "")->operation, "CreateBucket");
  EXPECT_EQ(Route1("PUT", Scope::kBucket, "cors")->handler, Handler::kPutBucketConfig);
  EXPECT_EQ(Route1("PUT", Scope::kBucket, "inventory")->handler, Handler::kNotImplemented);
  EXPECT_EQ(Route1("PUT", Scope::kObject, "x-id=PutObject")->operation, "PutObject");
  EXPECT_EQ(Route1("PUT", Scope::kObject, "", "x-amz-copy-source")->operation, "CopyObject");
  EXPECT_EQ(Route1("PUT", Scope::kObject, "partNumber=1&uploadId=u")->operation, "UploadPart");
  EXPECT_EQ(
      Route1("PUT", Scope::kObject, "partNumber=1&uploadId=u", "X-Amz-Copy-Source")->operation,
      "UploadPartCopy");
  EXPECT_EQ(Route1("GET", Scope::kObject, "response-content-type=a")->operation, "GetObject");
  EXPECT_EQ(Route1("GET", Scope::kObject, "uploadId=u")->operation, "ListParts");
  EXPECT_EQ(Route1("DELETE", Scope::kObject, "")->operation, "DeleteObject");
  EXPECT_EQ(Route1("POST", Scope::kBucket, "delete")->operation, "DeleteObjects");
  EXPECT_EQ(Route1("GET", Scope::kBucket, "analytics&id=x")->operation,
            "GetBucketAnalyticsConfiguration");
  EXPECT_EQ(Route1("GET", Scope::kBucket, "analytics")->operation,
            "ListBucketAnalyticsConfigurations");
  EXPECT_EQ(Route1("PUT", Scope::kService, ""), nullptr);
  EXPECT_EQ(Route1("POST", Scope::kObject, ""), nullptr);
  EXPECT_EQ(Route1("PATCH", Scope::kObject, ""), nullptr);
}

TEST(QueryParams, DecodesPlusAndPercent) {
  QueryParams q;
  ASSERT_TRUE(q.Parse("prefix=a+b%2Bc&delimiter=%2F&empty&x=%E2%82%AC"));
  EXPECT_EQ(q.Get("prefix"), "a b+c");
  EXPECT_EQ(q.Get("delimiter"), "/");
  EXPECT_TRUE(q.Has("empty"));
  EXPECT_EQ(q.Get("empty"), "");
  EXPECT_EQ(q.Get("x"), "\xE2\x82\xAC");
  EXPECT_FALSE(q.Has("missing"));
  EXPECT_FALSE(q.Parse("a=%zz"));
}

}  // namespace
}  // namespace skiff::s3
