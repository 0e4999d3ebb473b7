#include "server/sts/service.h"

#include <chrono>
#include <string_view>
#include <utility>

#include "server/common/auth.h"
#include "server/common/request_log.h"
#include "server/iam/authorizer.h"
#include "server/iam/request_keys.h"
#include "server/sts/fault_reply.h"
#include "server/sts/query.h"
#include "sigv4/sigv4.h"

namespace skiff::sts {
namespace {

// Query-protocol bodies are small forms; AWS rejects far smaller ones than this.
constexpr size_t kMaxBodyBytes = 64 * 1024;

// SigV4 and credential failures, as STS and IAM word them.
QueryError AuthError(const common::AuthOutcome& auth) {
  if (auth.expired_token) {
    return {403, "Sender", "ExpiredToken", "The security token included in the request is expired",
            ""};
  }
  if (auth.invalid_token) {
    return {403, "Sender", "InvalidClientTokenId",
            "The security token included in the request is invalid.", ""};
  }
  using sigv4::Error;
  switch (auth.error) {
    case Error::kMissingAuthentication:
      return {403, "Sender", "MissingAuthenticationToken", "Request is missing Authentication Token",
              ""};
    case Error::kInvalidAccessKeyId:
      return {403, "Sender", "InvalidClientTokenId",
              "The security token included in the request is invalid.", ""};
    case Error::kSignatureDoesNotMatch:
      return {403, "Sender", "SignatureDoesNotMatch",
              "The request signature we calculated does not match the signature you provided. "
              "Check your AWS Secret Access Key and signing method. Consult the service "
              "documentation for details.",
              ""};
    case Error::kRequestTimeTooSkewed:
    case Error::kPresignExpired:
    case Error::kRequestNotYetValid:
      return {403, "Sender", "SignatureDoesNotMatch",
              auth.detail.empty() ? std::string("Signature expired") : auth.detail, ""};
    default:
      return {400, "Sender", "IncompleteSignature",
              auth.detail.empty() ? std::string(sigv4::ErrorName(auth.error)) : auth.detail, ""};
  }
}

// No SigV4 at all: neither an Authorization header nor a presigned credential.
bool IsUnsigned(const http::Request& request) {
  return request.headers.Get("Authorization").empty() &&
         request.query.find("X-Amz-Credential=") == std::string::npos;
}

const ActionSpec* FindAction(const std::vector<ActionSpec>& table, std::string_view name) {
  for (const ActionSpec& spec : table) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// IAM's AccessDenied names the resource without the quotes S3 and DynamoDB put around it.
std::string Unquoted(std::string message, const std::string& resource) {
  std::string quoted = "\"" + resource + "\"";
  if (size_t at = message.find(quoted); at != std::string::npos) {
    message.replace(at, quoted.size(), resource);
  }
  return message;
}

}  // namespace

struct Service::Impl {
  ServiceOptions options;

  http::Response Error(common::RequestRecord& record, const QueryError& e) const {
    http::Response r;
    r.status = e.status;
    r.headers.Set("Content-Type", "text/xml");
    r.body = "<ErrorResponse xmlns=\"" + options.xmlns + "\">\n  <Error>\n    <Type>" + e.type +
             "</Type>\n    <Code>" + e.code + "</Code>\n    <Message>" + XmlEscape(e.message) +
             "</Message>\n  </Error>\n  <RequestId>" + record.request_id +
             "</RequestId>\n</ErrorResponse>\n";
    record.error_code = e.code;
    if (!e.detail.empty()) record.error_detail = e.detail;
    return r;
  }

  http::Response Ok(const common::RequestRecord& record, std::string_view action,
                    const std::optional<std::string>& result) const {
    http::Response r;
    r.headers.Set("Content-Type", "text/xml");
    std::string name(action);
    r.body = "<" + name + "Response xmlns=\"" + options.xmlns + "\">\n";
    if (result) r.body += "  <" + name + "Result>\n" + *result + "  </" + name + "Result>\n";
    r.body += "  <ResponseMetadata>\n    <RequestId>" + record.request_id +
              "</RequestId>\n  </ResponseMetadata>\n</" + name + "Response>\n";
    return r;
  }

  // Identity policies of a non-root caller must allow iam:<Action> on the action's resource.
  std::optional<QueryError> Authorize(const ActionSpec& spec, const Call& call) const {
    if (spec.resource == nullptr) return std::nullopt;
    std::string resource = spec.resource(call);
    call.record.resource = resource;
    if (options.authorizer == nullptr || IsRoot(call.principal)) return std::nullopt;
    iam::RequestFacts facts;
    facts.action = options.service + ":" + std::string(spec.name);
    facts.resource = resource;
    facts.principal_arn = call.principal.arn;
    facts.principal_account = call.principal.account_id;
    iam::AddGlobalConditionKeys(call.principal, call.request, call.principal.account_id, &facts);
    iam::Decision d = options.authorizer->Authorize(call.principal, facts, nullptr, "");
    call.record.policy = d.decided_by;
    if (d.allowed) return std::nullopt;
    return AccessDenied(Unquoted(d.message, resource));
  }

  http::Response Handle(const http::Request& request, const std::string& body,
                        common::RequestRecord& record) const {
    Params params = ParseForm(request.query);
    if (request.method == "POST") {
      for (auto& [k, v] : ParseForm(body)) params[k] = v;
    }
    auto action = params.find("Action");
    record.operation = action != params.end() ? action->second : "Unknown";
    const ActionSpec* spec =
        action == params.end()
            ? nullptr
            : FindAction(options.service == "iam" ? IamActions() : StsActions(), action->second);

    common::Principal principal;
    if (spec != nullptr && spec->allow_unsigned && IsUnsigned(request)) {
      principal.anonymous = true;
      record.principal = "anonymous";
    } else {
      common::AuthOptions auth_options;
      auth_options.s3_path_rules = false;
      auth_options.payload_hash = sigv4::HexSha256(body);
      common::AuthOutcome auth = common::Authenticate(
          request, *options.credentials, std::chrono::system_clock::now(), auth_options);
      common::NoteAuth(record, request, auth);
      record.principal = auth.principal.arn.empty() ? "anonymous" : auth.principal.arn;
      record.region = auth.principal.region;
      if (!auth.ok() || auth.invalid_token || auth.expired_token) {
        record.error_detail = auth.detail;
        return Error(record, AuthError(auth));
      }
      principal = std::move(auth.principal);
    }

    if (action == params.end() || action->second.empty()) {
      return Error(record, {400, "Sender", "MissingAction", "Missing Action", ""});
    }
    if (spec == nullptr) {
      return Error(record, {400, "Sender", "InvalidAction",
                            "Could not find operation " + action->second + " for version " +
                                options.version,
                            ""});
    }
    if (options.service == "iam" && options.iam == nullptr) {
      return Error(record, {500, "Receiver", "ServiceFailure", "IAM state is not available.", ""});
    }
    // From here the action and the caller are known: the one place for per-action hooks.
    Call call{options, request, params, principal, record, std::chrono::system_clock::now()};
    if (std::optional<QueryError> denied = Authorize(*spec, call)) return Error(record, *denied);
    return WithFaults(call, [&](const QueryError& e) { return Error(record, e); }, [&] {
      Outcome outcome = spec->run(call);
      if (outcome.error) return Error(record, *outcome.error);
      return Ok(record, spec->name, outcome.result);
    });
  }
};

Service::Service(ServiceOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

Service::~Service() = default;

http::StartResult Service::Start(http::Request& request) {
  auto record = std::make_shared<common::RequestRecord>();
  record->request_id = common::NewUuid();
  record->service = impl_->options.service;
  record->method = request.method;
  const Impl* impl = impl_.get();
  http::Request copy = request;
  auto finish = [impl, record, copy](std::string body) {
    http::Response r;
    try {
      r = impl->Handle(copy, body, *record);
    } catch (const std::exception& e) {
      common::Log(common::LogLevel::kError, std::string("sts: ") + e.what());
      r = impl->Error(*record, {500, "Receiver", "InternalFailure",
                                "The request processing has failed because of an unknown error.",
                                e.what()});
    }
    r.headers.Set("x-amzn-RequestId", record->request_id);
    record->status = r.status;
    r.on_complete = [record](bool) { common::LogAccess(*record); };
    return r;
  };
  auto too_large = [impl, record]() {
    http::Response r = impl->Error(*record, {413, "Sender", "RequestEntityTooLarge",
                                             "Request body is too large", ""});
    r.headers.Set("x-amzn-RequestId", record->request_id);
    record->status = r.status;
    r.close = true;
    r.on_complete = [record](bool) { common::LogAccess(*record); };
    return r;
  };
  return std::unique_ptr<http::Exchange>(
      std::make_unique<http::BufferedExchange>(kMaxBodyBytes, finish, too_large));
}

}  // namespace skiff::sts
