// The S3 REST/XML protocol as an http::Handler: routing, authentication, operations, errors.
#pragma once

#include <memory>

#include "server/common/config.h"
#include "server/common/credentials.h"
#include "server/http/message.h"
#include "storage/object_store.h"

namespace skiff::faults {
class Engine;
}
namespace skiff::iam {
class Authorizer;
}

namespace skiff::s3 {

struct ServiceDeps {
  storage::ObjectStore* objects = nullptr;
  common::CredentialStore* credentials = nullptr;
  const common::Config* config = nullptr;
  faults::Engine* faults = nullptr;  // null: no fault injection
  const iam::Authorizer* authorizer = nullptr;  // null: every request is allowed
};

class Service : public http::Handler {
 public:
  explicit Service(ServiceDeps deps);
  ~Service() override;
  http::StartResult Start(http::Request& request) override;
  // S3 answers a header section over its limit with 400 RequestHeaderSectionTooLarge.
  http::Response HeaderTooLarge() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::s3
