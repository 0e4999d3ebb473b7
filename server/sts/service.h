// The AWS Query protocol front door for STS and IAM: form body, SigV4 (non-S3 rules, body hash),
// errors as <ErrorResponse> XML, and one action table per service (sts_actions.cc,
// iam_user_actions.cc, iam_role_actions.cc, iam_policy_actions.cc). Unknown actions answer
// InvalidAction after authentication, so credential errors (InvalidClientTokenId,
// SignatureDoesNotMatch, ExpiredToken) are real for every action.
#pragma once

#include <memory>
#include <string>

#include "server/common/config.h"
#include "server/common/credentials.h"
#include "server/http/message.h"

namespace skiff::iam {
class Authorizer;
class IamStore;
}  // namespace skiff::iam

namespace skiff::faults {
class Engine;
}

namespace skiff::sts {

struct ServiceOptions {
  std::string service;  // "sts" or "iam" (access log)
  std::string display;  // "STS" or "IAM" (messages)
  std::string xmlns;    // "https://sts.amazonaws.com/doc/2011-06-15/"
  std::string version;  // "2011-06-15"
  common::CredentialStore* credentials = nullptr;
  // IAM state (users, roles, policies). Null: IAM actions and AssumeRole answer ServiceFailure.
  iam::IamStore* iam = nullptr;
  // Identity-policy checks for non-root callers. Null: every authenticated caller is allowed.
  const iam::Authorizer* authorizer = nullptr;
  // --oidc-issuer (trusted JWT issuers for AssumeRoleWithWebIdentity); may be null.
  const common::Config* config = nullptr;
  faults::Engine* faults = nullptr;  // null: no fault injection
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
