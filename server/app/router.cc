#include "server/app/router.h"

#include "sigv4/sigv4.h"

namespace skiff::app {
namespace {

constexpr std::string_view kAdminPrefix = "/_skiff/";
constexpr std::string_view kDynamoDbTargetPrefix = "DynamoDB_20120810.";

// "AKID/20150830/us-east-1/sts/aws4_request" -> {"us-east-1", "sts"}.
ScopeHint ParseScope(std::string_view credential) {
  for (int skip = 0; skip < 2; ++skip) {
    size_t slash = credential.find('/');
    if (slash == std::string_view::npos) return {};
    credential.remove_prefix(slash + 1);
  }
  size_t slash = credential.find('/');
  if (slash == std::string_view::npos) return {};
  ScopeHint hint;
  hint.region = std::string(credential.substr(0, slash));
  credential.remove_prefix(slash + 1);
  hint.service = std::string(credential.substr(0, credential.find('/')));
  return hint;
}

}  // namespace

std::string_view DestinationName(Destination d) {
  switch (d) {
    case Destination::kAdmin:
      return "admin";
    case Destination::kS3:
      return "s3";
    case Destination::kDynamoDb:
      return "dynamodb";
    case Destination::kSts:
      return "sts";
    case Destination::kIam:
      return "iam";
  }
  return "s3";
}

ScopeHint CredentialScope(const http::Request& request) {
  std::string_view authorization = request.headers.Get("Authorization");
  if (!authorization.empty()) {
    size_t at = authorization.find("Credential=");
    if (at == std::string_view::npos) return {};
    std::string_view rest = authorization.substr(at + 11);
    return ParseScope(rest.substr(0, rest.find_first_of(", ")));
  }
  std::string_view query = request.query;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t eq = param.find('=');
    if (eq == std::string_view::npos || param.substr(0, eq) != "X-Amz-Credential") continue;
    auto decoded = sigv4::UriDecode(param.substr(eq + 1));
    return decoded ? ParseScope(*decoded) : ScopeHint{};
  }
  return {};
}

Destination Classify(const http::Request& request) {
  if (request.path.starts_with(kAdminPrefix)) return Destination::kAdmin;
  if (request.headers.Get("X-Amz-Target").starts_with(kDynamoDbTargetPrefix)) {
    return Destination::kDynamoDb;
  }
  std::string service = CredentialScope(request).service;
  if (service == "sts") return Destination::kSts;
  if (service == "iam") return Destination::kIam;
  if (service.empty() && request.method == "POST" && request.path == "/" &&
      request.headers.Get("Authorization").empty() &&
      request.headers.Get("Content-Type").starts_with("application/x-www-form-urlencoded")) {
    return Destination::kSts;
  }
  return Destination::kS3;
}

http::StartResult Router::Start(http::Request& request) {
  switch (Classify(request)) {
    case Destination::kAdmin:
      return targets_.admin->Start(request);
    case Destination::kDynamoDb:
      return targets_.dynamodb->Start(request);
    case Destination::kSts:
      return targets_.sts->Start(request);
    case Destination::kIam:
      return targets_.iam->Start(request);
    case Destination::kS3:
      break;
  }
  return targets_.s3->Start(request);
}

}  // namespace skiff::app
