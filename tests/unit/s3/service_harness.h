// Drives s3::Service the way the HTTP session does (Start, body, Finish) over real storage
// (in-memory SQLite) with requests signed here the way SDKs sign them (SigV4 header auth).
// Shared by the in-process service tests.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "server/common/config.h"
#include "server/common/credentials.h"
#include "server/http/message.h"
#include "server/s3/service.h"
#include "storage/database.h"

namespace skiff::s3::testing {

struct Reply {
  int status = 0;
  http::Headers headers;
  std::string body;
  bool omit_body = false;
  std::string Header(std::string_view n) const { return std::string(headers.Get(n)); }
  bool Has(std::string_view xml) const { return body.find(xml) != std::string::npos; }
};

// x-amz-date form (YYYYMMDDTHHMMSSZ, UTC) of `t`.
std::string AmzDate(std::chrono::system_clock::time_point t);

struct Options {
  std::string region = "us-east-1";
  std::string access_key = "test";
  std::string secret = "test";
  std::string payload_hash = "UNSIGNED-PAYLOAD";
  std::map<std::string, std::string> headers;
  bool sign = true;
  bool tamper = false;
  std::string host = "localhost:4566";
  std::string service = "s3";
  bool http_chunked = false;  // Transfer-Encoding: chunked, no Content-Length
};

// Fixture base: a Service over a fresh in-memory database, with the default "test" credential and
// a second account ("other"/"othersecret", 111111111111).
class ServiceHarness : public ::testing::Test {
 protected:
  void SetUp() override;

  // Sends `method target` with `body` (signed unless o.sign is false) and returns the reply with
  // any streamed body read in full. Expects the request-id headers and Server: AmazonS3 on every
  // reply.
  Reply Send(std::string method, std::string target, std::string body = "", Options o = Options());

  Options With(std::map<std::string, std::string> headers);
  Options InRegion(std::string region);

  common::Config config_;
  common::CredentialStore credentials_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<Service> service_;
};

}  // namespace skiff::s3::testing
