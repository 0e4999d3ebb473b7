// Honest answers for services Skiff routes but does not implement yet: 501 NotImplemented in the
// service's own error shape, so SDKs surface a readable error instead of a parse failure.
#pragma once

#include <string>

#include "server/http/message.h"

namespace skiff::app {

// Query-protocol services (STS, IAM): 501 <ErrorResponse><Error><Code>NotImplemented</Code>...
class QueryNotImplemented : public http::Handler {
 public:
  // `service`: "sts" or "iam" (the access log name); `display`: "STS"; `xmlns`: the API's
  // namespace, e.g. "https://sts.amazonaws.com/doc/2011-06-15/".
  QueryNotImplemented(std::string service, std::string display, std::string xmlns)
      : service_(std::move(service)), display_(std::move(display)), xmlns_(std::move(xmlns)) {}
  http::StartResult Start(http::Request& request) override;

 private:
  std::string service_;
  std::string display_;
  std::string xmlns_;
};

}  // namespace skiff::app
