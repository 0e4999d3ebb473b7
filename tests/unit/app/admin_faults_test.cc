// /_skiff/faults: list, add, delete one, clear, and the errors.
#include "server/app/admin_faults.h"

#include <gtest/gtest.h>

#include <string>

namespace skiff::app {
namespace {

http::Response Call(faults::Engine& engine, std::string method, std::string path,
                    std::string_view body = "") {
  http::Request r;
  r.method = std::move(method);
  r.target = path;
  r.path = std::move(path);
  return HandleFaultsRequest(engine, r, body);
}

TEST(AdminFaultsTest, AddListDeleteClear) {
  faults::Engine engine;
  http::Response r = Call(engine, "GET", "/_skiff/faults");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(r.body, R"({"rules":[]})");

  r = Call(engine, "POST", "/_skiff/faults",
           R"([{"id":"a","preset":"throttle"},{"preset":"slow","match":{"service":"s3"}}])");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"ids":["a","fault-1"]})");

  r = Call(engine, "GET", "/_skiff/faults");
  EXPECT_EQ(r.body, R"({"rules":[{"id":"a","match":{},"preset":"throttle","trigger":"always",)"
                    R"("matched":0,"fired":0},{"id":"fault-1","match":{"service":"s3"},)"
                    R"("preset":"slow","trigger":"always","matched":0,"fired":0}]})");

  r = Call(engine, "DELETE", "/_skiff/faults/a");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"removed":1})");
  r = Call(engine, "DELETE", "/_skiff/faults/a");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":"NoSuchFaultRule","message":"No fault rule with id a"})");

  r = Call(engine, "DELETE", "/_skiff/faults");
  EXPECT_EQ(r.body, R"({"removed":1})");
  EXPECT_EQ(engine.size(), 0u);
}

TEST(AdminFaultsTest, BadRuleIs400AndAddsNothing) {
  faults::Engine engine;
  http::Response r =
      Call(engine, "POST", "/_skiff/faults", R"([{"preset":"slow"},{"action":{"status":503}}])");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"error":"InvalidFaultRule","message":"rules[1]: action.status needs an )"
                    R"(action.error_code to go with it"})");
  EXPECT_EQ(engine.size(), 0u);
}

TEST(AdminFaultsTest, MethodsAndPaths) {
  faults::Engine engine;
  http::Response r = Call(engine, "PUT", "/_skiff/faults");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.Get("Allow"), "GET, HEAD, POST, DELETE");
  r = Call(engine, "GET", "/_skiff/faults/x");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.Get("Allow"), "DELETE");
  r = Call(engine, "GET", "/_skiff/faultsx");
  EXPECT_EQ(r.status, 404);
  // A trailing slash is the collection itself.
  r = Call(engine, "GET", "/_skiff/faults/");
  EXPECT_EQ(r.status, 200);
}

}  // namespace
}  // namespace skiff::app
