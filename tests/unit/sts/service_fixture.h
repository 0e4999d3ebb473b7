// A Query-protocol service (STS or IAM) over an in-memory database, driven through its
// http::Handler seam with SigV4-signed (or unsigned) form bodies.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <variant>

#include "server/common/config.h"
#include "server/common/credentials.h"
#include "server/http/message.h"
#include "server/iam/authorizer.h"
#include "server/iam/store.h"
#include "server/sts/service.h"
#include "sigv4/sigv4.h"
#include "storage/database.h"

namespace skiff::sts::testing {

struct Signer {
  std::string access_key = "test";
  std::string secret = "test";
  std::string token;  // X-Amz-Security-Token, when set
  bool sign = true;
};

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::DatabaseOptions options;
    options.in_memory = true;
    auto db = storage::Database::Open(options);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db.value());
    std::string error;
    iam_ = iam::IamStore::Open(*db_, credentials_, &error);
    ASSERT_NE(iam_, nullptr) << error;
    authorizer_ = std::make_unique<iam::Authorizer>(iam_.get());
    config_.oidc_issuers = {"https://issuer.example.com"};
    sts_ = std::make_unique<Service>(ServiceOptions{
        "sts", "STS", "https://sts.amazonaws.com/doc/2011-06-15/", "2011-06-15", &credentials_,
        iam_.get(), authorizer_.get(), &config_});
    iam_service_ = std::make_unique<Service>(ServiceOptions{
        "iam", "IAM", "https://iam.amazonaws.com/doc/2010-05-08/", "2010-05-08", &credentials_,
        iam_.get(), authorizer_.get(), &config_});
  }

  // POSTs `body` to the service; signs it for `scope_service` unless signer.sign is false.
  http::Response Send(Service& service, const std::string& scope_service, const std::string& body,
                      const Signer& signer = {}) {
    http::Request r;
    r.method = "POST";
    r.target = "/";
    r.path = "/";
    r.headers.Add("Host", "localhost:4566");
    r.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    if (signer.sign) {
      std::time_t now = std::time(nullptr);
      std::tm tm{};
      gmtime_r(&now, &tm);
      char amz_date[32], day[16];
      std::strftime(amz_date, sizeof(amz_date), "%Y%m%dT%H%M%SZ", &tm);
      std::strftime(day, sizeof(day), "%Y%m%d", &tm);
      r.headers.Add("X-Amz-Date", amz_date);
      std::string signed_headers = "content-type;host;x-amz-date";
      if (!signer.token.empty()) {
        r.headers.Add("X-Amz-Security-Token", signer.token);
        signed_headers += ";x-amz-security-token";
      }
      std::string prefix = "AWS4-HMAC-SHA256 Credential=" + signer.access_key + "/" + day +
                           "/us-east-1/" + scope_service + "/aws4_request, SignedHeaders=" +
                           signed_headers + ", Signature=";
      // Sign by asking the verifier what it expects for a placeholder signature.
      http::Request probe = r;
      probe.headers.Add("Authorization", prefix + std::string(64, '0'));
      std::vector<std::pair<std::string, std::string>> headers;
      for (const auto& f : probe.headers.fields()) headers.emplace_back(f.name, f.value);
      sigv4::RequestView view{probe.method, probe.path, probe.query, headers};
      sigv4::ParseResult parsed = sigv4::Parse(view);
      EXPECT_EQ(parsed.error, sigv4::Error::kNone) << parsed.detail;
      sigv4::VerifyOptions options;
      options.s3_path_rules = false;
      sigv4::VerifyResult v =
          sigv4::Verify(parsed.auth, view, signer.secret, sigv4::HexSha256(body),
                        std::chrono::system_clock::now(), options);
      r.headers.Add("Authorization", prefix + v.expected_signature);
    }
    http::StartResult started = service.Start(r);
    if (auto* response = std::get_if<http::Response>(&started)) return std::move(*response);
    auto& exchange = std::get<std::unique_ptr<http::Exchange>>(started);
    exchange->OnBody(body);
    return exchange->Finish();
  }

  // The text of the first <name> element in `xml`, or "" when absent.
  static std::string Field(const std::string& xml, const std::string& name) {
    size_t open = xml.find("<" + name + ">");
    if (open == std::string::npos) return "";
    open += name.size() + 2;
    size_t close = xml.find("</" + name + ">", open);
    return close == std::string::npos ? "" : xml.substr(open, close - open);
  }

  common::Config config_;
  common::CredentialStore credentials_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<iam::IamStore> iam_;
  std::unique_ptr<iam::Authorizer> authorizer_;
  std::unique_ptr<Service> sts_;
  std::unique_ptr<Service> iam_service_;
};

}  // namespace skiff::sts::testing
