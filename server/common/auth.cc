#include "server/common/auth.h"

#include <utility>

namespace skiff::common {
namespace {

// SHA-256 of the empty string: the payload hash of a request without a body.
constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Replaces every occurrence of `secret` in `text` with "<redacted>".
void Redact(std::string& text, std::string_view secret) {
  if (secret.empty()) return;
  constexpr std::string_view kMark = "<redacted>";
  for (size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + kMark.size())) {
    text.replace(at, secret.size(), kMark);
  }
}

}  // namespace

void NoteAuth(RequestRecord& record, const http::Request& request, const AuthOutcome& outcome) {
  record.method = request.method;
  record.access_key = outcome.principal.access_key;
  record.account = outcome.principal.account_id;
  if (outcome.error != sigv4::Error::kSignatureDoesNotMatch) return;
  record.canonical_request = outcome.verify.canonical_request;
  record.string_to_sign = outcome.verify.string_to_sign;
  record.provided_signature = outcome.parsed.signature;
  if (const auto& token = outcome.parsed.security_token) {
    // As a header line the value is trimmed; in the canonical query it is URI-encoded.
    Redact(record.canonical_request, *token);
    Redact(record.canonical_request, sigv4::UriEncode(*token, true));
  }
}

sigv4::RequestView ToSigV4View(const http::Request& request) {
  sigv4::RequestView view;
  view.method = request.method;
  view.path = request.path;
  view.query = request.query;
  view.headers.reserve(request.headers.fields().size());
  for (const auto& f : request.headers.fields()) view.headers.emplace_back(f.name, f.value);
  return view;
}

AuthOutcome Authenticate(const http::Request& request, const CredentialStore& credentials,
                         std::chrono::system_clock::time_point now, const AuthOptions& options) {
  AuthOutcome out;
  sigv4::RequestView view = ToSigV4View(request);
  sigv4::ParseResult parsed = sigv4::Parse(view);
  if (parsed.error != sigv4::Error::kNone) {
    out.error = parsed.error;
    out.detail = std::move(parsed.detail);
    return out;
  }
  out.parsed = std::move(parsed.auth);
  const sigv4::ParsedAuth& auth = out.parsed;
  out.principal.access_key = auth.access_key;
  out.principal.region = auth.scope.region;
  out.principal.service = auth.scope.service;

  std::optional<Credential> credential = credentials.Find(auth.access_key);
  if (!credential) {
    out.error = sigv4::Error::kInvalidAccessKeyId;
    out.detail = "access key \"" + auth.access_key + "\" is not known";
    return out;
  }
  out.principal.account_id = credential->account_id;
  out.principal.arn = credential->arn;
  out.principal.user_name = credential->user_name;

  // Temporary credentials are only valid with their session token; a token sent with long-term
  // keys is rejected too, as AWS does (it cannot belong to them).
  if (!credential->session_token.empty() || auth.security_token.has_value()) {
    if (!auth.security_token || credential->session_token.empty() ||
        *auth.security_token != credential->session_token) {
      out.invalid_token = true;
      out.error = sigv4::Error::kInvalidAccessKeyId;
      out.detail = auth.security_token ? "the security token does not match the access key"
                                       : "temporary credentials need X-Amz-Security-Token";
      return out;
    }
    if (credential->expires && now >= *credential->expires) {
      out.expired_token = true;
      out.error = sigv4::Error::kInvalidAccessKeyId;
      out.detail = "the temporary credentials have expired";
      return out;
    }
  }

  std::string_view payload_hash = options.payload_hash;
  if (payload_hash.empty()) payload_hash = auth.payload_hash;
  if (payload_hash.empty()) {
    payload_hash = auth.kind == sigv4::AuthKind::kPresigned ? std::string_view("UNSIGNED-PAYLOAD")
                                                            : kEmptySha256;
  }
  sigv4::VerifyOptions verify_options;
  verify_options.s3_path_rules = options.s3_path_rules;
  out.verify = sigv4::Verify(auth, view, credential->secret, payload_hash, now, verify_options);
  if (out.verify.error != sigv4::Error::kNone) {
    out.error = out.verify.error;
    out.detail = out.verify.detail;
  }
  return out;
}

}  // namespace skiff::common
