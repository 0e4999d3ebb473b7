// The exception boundary and storage-failure translation, with a store that misbehaves.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

#include "server/common/credentials.h"
#include "server/s3/service.h"
#include "sigv4/sigv4.h"

namespace skiff::s3 {
namespace {

using storage::Code;
using storage::Result;
using storage::Status;

// Every call throws or fails with `code_`.
class BrokenStore : public storage::ObjectStore {
 public:
  bool throw_ = true;
  Code code_ = Code::kBusy;

  Status Fail() {
    if (throw_) throw std::runtime_error("disk on fire");
    return {code_, "injected"};
  }
  Status CreateBucket(const storage::Bucket&) override { return Fail(); }
  Result<storage::Bucket> GetBucket(std::string_view) override { return Fail(); }
  Result<std::vector<storage::Bucket>> ListBuckets() override { return Fail(); }
  Status DeleteBucket(std::string_view) override { return Fail(); }
  Status SetBucketVersioning(std::string_view, std::string_view) override { return Fail(); }
  Status PutBucketConfig(std::string_view, std::string_view, std::string_view) override {
    return Fail();
  }
  Result<std::string> GetBucketConfig(std::string_view, std::string_view) override {
    return Fail();
  }
  Status DeleteBucketConfig(std::string_view, std::string_view) override { return Fail(); }
  std::unique_ptr<storage::BlobWriter> NewBlob() override { return nullptr; }
  Result<storage::ObjectRecord> PutObject(const storage::PutObjectInput&) override {
    return Fail();
  }
  Result<storage::ObjectRecord> HeadObject(std::string_view, std::string_view,
                                           std::string_view) override {
    return Fail();
  }
  Result<std::unique_ptr<storage::ObjectHandle>> OpenObject(std::string_view, std::string_view,
                                                            std::string_view) override {
    return Fail();
  }
  Result<storage::DeleteObjectResult> DeleteObject(std::string_view, std::string_view,
                                                   std::string_view, int64_t) override {
    return Fail();
  }
  Status UpdateObjectAttributes(std::string_view, std::string_view, std::string_view,
                                const storage::Attributes&) override {
    return Fail();
  }
  Result<storage::ListOutput> List(const storage::ListInput&) override { return Fail(); }
};

http::Request SignedGet(std::string path) {
  http::Request req;
  req.method = "GET";
  req.path = path;
  req.target = path;
  req.headers.Add("Host", "localhost");
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y%m%dT%H%M%SZ", &tm);
  req.headers.Add("x-amz-date", date);
  req.headers.Add("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  sigv4::ParsedAuth a;
  a.access_key = "test";
  a.scope = {std::string(date, 8), "us-east-1", "s3"};
  a.signed_headers = {"host", "x-amz-content-sha256", "x-amz-date"};
  a.amz_date = date;
  sigv4::RequestView view{req.method, req.path, req.query, {}};
  for (const auto& f : req.headers.fields()) view.headers.emplace_back(f.name, f.value);
  std::string sig = sigv4::HexHmacSha256(
      sigv4::SigningKey("test", a.scope),
      sigv4::StringToSign(date, a.scope,
                          sigv4::CanonicalRequest(a, view, "UNSIGNED-PAYLOAD", true)));
  req.headers.Add("Authorization", "AWS4-HMAC-SHA256 Credential=test/" + a.scope.ToString() +
                                       ", SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                                       "Signature=" +
                                       sig);
  return req;
}

TEST(Boundary, ExceptionBecomesInternalError) {
  BrokenStore store;
  common::CredentialStore creds;
  Service service({&store, &creds, nullptr});
  http::Request req = SignedGet("/some-bucket/key");
  http::StartResult result = service.Start(req);
  auto* r = std::get_if<http::Response>(&result);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find("<Code>InternalError</Code>"), std::string::npos) << r->body;
  EXPECT_FALSE(r->headers.Get("x-amz-request-id").empty());
  ASSERT_TRUE(r->on_complete);
  r->on_complete(true);
}

TEST(Boundary, BusyStorageIsSlowDown) {
  BrokenStore store;
  store.throw_ = false;
  common::CredentialStore creds;
  Service service({&store, &creds, nullptr});
  http::Request req = SignedGet("/some-bucket/key");
  http::StartResult result = service.Start(req);
  auto* r = std::get_if<http::Response>(&result);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("<Code>SlowDown</Code>"), std::string::npos) << r->body;
}

}  // namespace
}  // namespace skiff::s3
