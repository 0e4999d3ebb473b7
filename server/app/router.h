// Sends each request to the service it is addressed to. The decision uses only the request line
// and headers (never the body), so it is made before any byte of the body is read.
#pragma once

#include <string>
#include <string_view>

#include "server/http/message.h"

namespace skiff::app {

enum class Destination { kAdmin, kS3, kDynamoDb, kSts, kIam };

std::string_view DestinationName(Destination d);

// In order: a path under /_skiff/ -> admin; X-Amz-Target "DynamoDB_20120810.*" -> DynamoDB;
// a SigV4 credential scope (Authorization header or X-Amz-Credential query parameter) whose
// service is "sts" or "iam" -> STS / IAM; an unsigned POST of a form to "/" -> STS (the
// unsigned AssumeRoleWithWebIdentity; S3 has no such request); everything else -> S3.
Destination Classify(const http::Request& request);

// Region and service of the SigV4 credential scope ("" when the request has none). Unverified:
// for routing and logging only.
struct ScopeHint {
  std::string region;
  std::string service;
};
ScopeHint CredentialScope(const http::Request& request);

class Router : public http::Handler {
 public:
  struct Targets {
    http::Handler* admin = nullptr;
    http::Handler* s3 = nullptr;
    http::Handler* dynamodb = nullptr;
    http::Handler* sts = nullptr;
    http::Handler* iam = nullptr;
  };
  // Every target must be set and outlive the Router.
  explicit Router(Targets targets) : targets_(targets) {}
  http::StartResult Start(http::Request& request) override;
  // The header could not be read, so the request cannot be classified: S3, the default
  // destination, answers.
  http::Response HeaderTooLarge() override { return targets_.s3->HeaderTooLarge(); }

 private:
  Targets targets_;
};

}  // namespace skiff::app
