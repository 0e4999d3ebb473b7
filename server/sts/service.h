// The AWS Query protocol front door for STS and IAM: form body, SigV4 (non-S3 rules, body hash),
// errors as <ErrorResponse> XML. STS GetCallerIdentity is served; every other action answers
// 501 NotImplemented after authentication (never a fake success), so credential errors
// (InvalidClientTokenId, SignatureDoesNotMatch, ExpiredToken) are real for both services.
#pragma once

#include <memory>
#include <string>

#include "server/common/credentials.h"
#include "server/http/message.h"

namespace skiff::sts {

struct ServiceOptions {
  std::string service;  // "sts" or "iam" (access log)
  std::string display;  // "STS" or "IAM" (messages)
  std::string xmlns;    // "https://sts.amazonaws.com/doc/2011-06-15/"
  std::string version;  // "2011-06-15"
  common::CredentialStore* credentials = nullptr;
};

class Service : public http::Handler {
 public:
  explicit Service(ServiceOptions options);
  ~Service() override;
  http::StartResult Start(http::Request& request) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::sts
