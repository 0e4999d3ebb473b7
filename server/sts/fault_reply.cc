#include "server/sts/fault_reply.h"

#include <array>
#include <string>

#include "server/iam/authorizer.h"

namespace skiff::sts {
namespace {

struct KnownError {
  std::string_view code;
  int status;
  std::string_view message;  // "" -> the code itself
};

// The common Query-protocol errors, then STS's and IAM's own (codes and statuses from their
// service models).
constexpr std::array<KnownError, 38> kKnownErrors = {{
    {"AccessDenied", 403, "Access denied"},
    {"ExpiredToken", 403, "The security token included in the request is expired"},
    {"IncompleteSignature", 400, ""},
    {"InternalFailure", 500,
     "The request processing has failed because of an unknown error, exception or failure."},
    {"InvalidAction", 400, ""},
    {"InvalidClientTokenId", 403, "The security token included in the request is invalid."},
    {"InvalidParameterValue", 400, ""},
    {"MissingAuthenticationToken", 403, "Request is missing Authentication Token"},
    {"OptInRequired", 403, ""},
    {"RequestExpired", 400, ""},
    {"ServiceUnavailable", 503, "Service is unable to handle request."},
    {"SignatureDoesNotMatch", 403,
     "The request signature we calculated does not match the signature you provided. Check "
     "your AWS Secret Access Key and signing method. Consult the service documentation for "
     "details."},
    {"Throttling", 400, "Rate exceeded"},
    {"ValidationError", 400, ""},
    // STS
    {"ExpiredTokenException", 400, "Token expired"},
    {"IDPCommunicationError", 400, ""},
    {"IDPRejectedClaim", 403, ""},
    {"InvalidIdentityToken", 400, ""},
    {"MalformedPolicyDocument", 400, ""},
    {"PackedPolicyTooLarge", 400, ""},
    {"RegionDisabledException", 403, ""},
    // IAM
    {"ConcurrentModification", 409, ""},
    {"DeleteConflict", 409, ""},
    {"EntityAlreadyExists", 409, ""},
    {"EntityTemporarilyUnmodifiable", 409, ""},
    {"FeatureDisabled", 404, ""},
    {"InvalidInput", 400, ""},
    {"LimitExceeded", 409, ""},
    {"NoSuchEntity", 404, ""},
    {"NotSupportedService", 404, ""},
    {"PasswordPolicyViolation", 400, ""},
    {"PolicyEvaluation", 500, ""},
    {"PolicyNotAttachable", 400, ""},
    {"ReportExpired", 410, ""},
    {"ReportInProgress", 404, ""},
    {"ReportNotPresent", 410, ""},
    {"ServiceFailure", 500, ""},
    {"UnmodifiableEntity", 400, ""},
}};

const KnownError* FindKnown(std::string_view code) {
  for (const auto& e : kKnownErrors) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

faults::Target MakeTarget(const Call& call) {
  faults::Target t;
  t.service = call.options.service;
  t.operation = call.record.operation;
  t.region = call.principal.region;
  t.account = call.principal.account_id;
  t.access_key = call.principal.access_key;
  t.method = call.request.method;
  t.request_date = std::string(call.request.headers.Get("X-Amz-Date"));
  return t;
}

}  // namespace

QueryError FaultError(const faults::Action& action) {
  const KnownError* known = FindKnown(action.error_code);
  QueryError e;
  e.code = action.error_code;
  e.status = action.status != 0 ? action.status : (known ? known->status : 400);
  e.type = e.status >= 500 ? "Receiver" : "Sender";
  e.message = action.message;
  if (e.message.empty() && known) e.message = std::string(known->message);
  if (e.message.empty()) e.message = action.error_code;
  e.detail = "fault injected";
  return e;
}

http::Response WithFaults(const Call& call, const ErrorFn& error,
                          const std::function<http::Response()>& run) {
  faults::Engine* engine = call.options.faults;
  if (engine == nullptr || engine->size() == 0) return run();
  std::optional<faults::Fired> fired = engine->Match(MakeTarget(call));
  if (!fired) return run();
  faults::Action& action = fired->action;
  call.record.fault_rule = fired->rule_id;
  if (action.error_code == "AccessDenied" && action.message.empty() &&
      !call.principal.arn.empty()) {
    // STS and IAM word an identity-policy denial without a resource for these actions.
    std::string iam_action = call.options.service + ":" + call.record.operation;
    action.message = iam::DenialMessage(
        call.principal.arn, iam_action, "",
        "because no identity-based policy allows the " + iam_action + " action", false);
  }
  http::Response r;
  if (action.reset_connection) {
    call.record.error_detail = "fault: connection reset";
    r.status = 0;
    r.reset_connection = true;
  } else if (action.StopsRequest()) {
    r = error(FaultError(action));
  } else {
    r = run();
  }
  r.delay += action.latency;
  return r;
}

}  // namespace skiff::sts
