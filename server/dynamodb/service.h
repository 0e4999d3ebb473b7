// The DynamoDB JSON 1.0 protocol as an http::Handler: body, authentication, operations, errors.
//
// Construct once per process and hand requests whose X-Amz-Target starts with "DynamoDB_20120810."
// to Start(). Tables live per (account, region) of the request's SigV4 credential scope.
#pragma once

#include <memory>

#include "server/common/config.h"
#include "server/common/credentials.h"
#include "server/http/message.h"
#include "storage/table_store.h"

namespace skiff::faults {
class Engine;
}
namespace skiff::iam {
class Authorizer;
}

namespace skiff::dynamodb {

struct ServiceDeps {
  storage::TableStore* tables = nullptr;
  common::CredentialStore* credentials = nullptr;
  const common::Config* config = nullptr;  // may be null (defaults)
  faults::Engine* faults = nullptr;        // null: no fault injection
  const iam::Authorizer* authorizer = nullptr;  // null: every request is allowed
};

// DynamoDB's limit on a request body.
inline constexpr size_t kMaxRequestBytes = 16 * 1024 * 1024;

class Service : public http::Handler {
 public:
  explicit Service(ServiceDeps deps);
  ~Service() override;
  // Always an Exchange: the body is read whole (16 MB limit) before authentication, because
  // DynamoDB signs the body's SHA-256 without an x-amz-content-sha256 header.
  http::StartResult Start(http::Request& request) override;
  // Forgets the TransactWriteItems ClientRequestTokens seen so far (admin reset of dynamodb).
  void ForgetRequestTokens();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::dynamodb
