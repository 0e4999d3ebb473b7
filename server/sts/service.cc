#include "server/sts/service.h"

#include <chrono>
#include <map>
#include <string_view>
#include <utility>

#include "server/common/auth.h"
#include "server/common/request_log.h"
#include "sigv4/sigv4.h"

namespace skiff::sts {
namespace {

// Query-protocol bodies are small forms; AWS rejects far smaller ones than this.
constexpr size_t kMaxBodyBytes = 64 * 1024;

struct QueryError {
  int status;
  std::string_view type;  // "Sender" or "Receiver"
  std::string_view code;
  std::string message;
};

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// application/x-www-form-urlencoded pairs ('+' is a space); later duplicates win.
std::map<std::string, std::string> ParseForm(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string part(text.substr(0, amp));
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    for (char& c : part) {
      if (c == '+') c = ' ';
    }
    size_t eq = part.find('=');
    auto name = sigv4::UriDecode(part.substr(0, eq));
    auto value = sigv4::UriDecode(eq == std::string::npos ? "" : part.substr(eq + 1));
    if (name && value && !name->empty()) out[*name] = *value;
  }
  return out;
}

// SigV4 and credential failures, as STS and IAM word them.
QueryError AuthError(const common::AuthOutcome& auth) {
  if (auth.expired_token) {
    return {403, "Sender", "ExpiredToken", "The security token included in the request is expired"};
  }
  if (auth.invalid_token) {
    return {403, "Sender", "InvalidClientTokenId",
            "The security token included in the request is invalid."};
  }
  using sigv4::Error;
  switch (auth.error) {
    case Error::kMissingAuthentication:
      return {403, "Sender", "MissingAuthenticationToken", "Request is missing Authentication Token"};
    case Error::kInvalidAccessKeyId:
      return {403, "Sender", "InvalidClientTokenId",
              "The security token included in the request is invalid."};
    case Error::kSignatureDoesNotMatch:
      return {403, "Sender", "SignatureDoesNotMatch",
              "The request signature we calculated does not match the signature you provided. "
              "Check your AWS Secret Access Key and signing method. Consult the service "
              "documentation for details."};
    case Error::kRequestTimeTooSkewed:
    case Error::kPresignExpired:
    case Error::kRequestNotYetValid:
      return {403, "Sender", "SignatureDoesNotMatch",
              auth.detail.empty() ? std::string("Signature expired") : auth.detail};
    default:
      return {400, "Sender", "IncompleteSignature",
              auth.detail.empty() ? std::string(sigv4::ErrorName(auth.error)) : auth.detail};
  }
}

}  // namespace

struct Service::Impl {
  ServiceOptions options;

  http::Response Error(common::RequestRecord& record, const QueryError& e) const {
    http::Response r;
    r.status = e.status;
    r.headers.Set("Content-Type", "text/xml");
    r.body = "<ErrorResponse xmlns=\"" + options.xmlns + "\">\n  <Error>\n    <Type>" +
             std::string(e.type) + "</Type>\n    <Code>" + std::string(e.code) +
             "</Code>\n    <Message>" + XmlEscape(e.message) + "</Message>\n  </Error>\n  <RequestId>" +
             record.request_id + "</RequestId>\n</ErrorResponse>\n";
    record.error_code = std::string(e.code);
    return r;
  }

  http::Response Ok(const common::RequestRecord& record, std::string_view action,
                    const std::string& result) const {
    http::Response r;
    r.headers.Set("Content-Type", "text/xml");
    std::string name(action);
    r.body = "<" + name + "Response xmlns=\"" + options.xmlns + "\">\n  <" + name + "Result>\n" +
             result + "  </" + name + "Result>\n  <ResponseMetadata>\n    <RequestId>" +
             record.request_id + "</RequestId>\n  </ResponseMetadata>\n</" + name + "Response>\n";
    return r;
  }

  http::Response Handle(const http::Request& request, const std::string& body,
                        common::RequestRecord& record) const {
    std::map<std::string, std::string> params = ParseForm(request.query);
    if (request.method == "POST") {
      for (auto& [k, v] : ParseForm(body)) params[k] = v;
    }
    record.operation = params.count("Action") ? params["Action"] : "Unknown";

    common::AuthOptions auth_options;
    auth_options.s3_path_rules = false;
    auth_options.payload_hash = sigv4::HexSha256(body);
    common::AuthOutcome auth = common::Authenticate(request, *options.credentials,
                                                    std::chrono::system_clock::now(), auth_options);
    common::NoteAuth(record, request, auth);
    record.principal = auth.principal.arn.empty() ? "anonymous" : auth.principal.arn;
    record.region = auth.principal.region;
    if (!auth.ok() || auth.invalid_token || auth.expired_token) {
      record.error_detail = auth.detail;
      return Error(record, AuthError(auth));
    }

    auto action = params.find("Action");
    if (action == params.end() || action->second.empty()) {
      return Error(record, {400, "Sender", "MissingAction", "Missing Action"});
    }
    if (options.service == "sts" && action->second == "GetCallerIdentity") {
      const common::Principal& p = auth.principal;
      // UserId: the account id for the root, the access key's user id otherwise (AWS uses an
      // opaque AIDA… id; the access key is the stable stand-in here).
      std::string user_id = p.user_name.empty() ? p.account_id : p.access_key;
      return Ok(record, action->second,
                "    <Arn>" + XmlEscape(p.arn) + "</Arn>\n    <UserId>" + XmlEscape(user_id) +
                    "</UserId>\n    <Account>" + p.account_id + "</Account>\n");
    }
    return Error(record, {501, "Receiver", "NotImplemented",
                          options.display + " " + action->second +
                              " is not implemented by Skiff yet"});
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
                                "The request processing has failed because of an unknown error."});
    }
    r.headers.Set("x-amzn-RequestId", record->request_id);
    record->status = r.status;
    r.on_complete = [record](bool) { common::LogAccess(*record); };
    return r;
  };
  auto too_large = [impl, record]() {
    http::Response r = impl->Error(*record, {413, "Sender", "RequestEntityTooLarge",
                                             "Request body is too large"});
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
