// Drives dynamodb::Service the way the HTTP session does (Start, body, Finish) with requests
// signed by sigv4's own functions (sigv4 is verified against external vectors elsewhere).
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <memory>
#include <string>

#include "server/common/config.h"
#include "server/common/credentials.h"
#include "server/dynamodb/service.h"
#include "server/http/message.h"
#include "service_fake_table_store.h"

namespace skiff::dynamodb::testing {

struct Reply {
  int status = 0;
  http::Headers headers;
  std::string body;
  rapidjson::Document json;
  // "__type" after '#', or "" on success.
  std::string ErrorCode() const;
  std::string Message() const;  // "message" (or "Message")
};

struct SignOptions {
  std::string region = "us-east-1";
  std::string access_key = "test";
  std::string secret = "test";
  std::chrono::system_clock::time_point time = std::chrono::system_clock::now();
  bool sign = true;
  bool tamper_body_after_signing = false;
  std::string content_type = "application/x-amz-json-1.0";
};

class Harness {
 public:
  Harness();
  // Against another TableStore (the SQLite one); store() then must not be used.
  explicit Harness(storage::TableStore* tables);
  // With a server configuration (e.g. table_transition_ms); `config` must outlive the Harness.
  explicit Harness(const common::Config* config);
  // POST / with X-Amz-Target DynamoDB_20120810.<op> and `body`.
  Reply Call(std::string_view op, std::string_view body, const SignOptions& options = {});
  // Raw: target header value as given (may be empty = absent).
  Reply CallTarget(std::string_view target, std::string_view body, const SignOptions& options);
  http::Request BuildRequest(std::string_view target, std::string_view body,
                             const SignOptions& options);
  Reply Send(http::Request& request, std::string_view body);

  FakeTableStore& store() { return store_; }
  common::CredentialStore& credentials() { return credentials_; }

  // Shorthands.
  Reply CreateLockTable(std::string_view name = "locks");

 private:
  FakeTableStore store_;
  common::CredentialStore credentials_;
  std::unique_ptr<Service> service_;
};

}  // namespace skiff::dynamodb::testing
