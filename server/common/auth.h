// Glue between a received request and sigv4: parse, look up the secret, verify. Returns a
// sigv4::Error that each protocol renders its own way (S3 XML, DynamoDB JSON, STS XML).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "server/common/credentials.h"
#include "server/common/principal.h"
#include "server/common/request_log.h"
#include "server/http/message.h"
#include "sigv4/sigv4.h"

namespace skiff::common {

struct AuthOutcome {
  sigv4::Error error = sigv4::Error::kNone;
  std::string detail;          // why, for the message and the journal
  Principal principal;         // filled when the key was found (even if the signature failed)
  sigv4::ParsedAuth parsed;
  sigv4::VerifyResult verify;  // canonical request, string to sign, signing key
  bool invalid_token = false;
  bool expired_token = false;
  bool ok() const { return error == sigv4::Error::kNone; }
};

// Builds the sigv4 view of a request (path/query as on the wire, all headers).
sigv4::RequestView ToSigV4View(const http::Request& request);

// Authenticates `request`. `payload_hash`: the hex SHA-256 of the body for services whose
// requests carry no x-amz-content-sha256 (DynamoDB, STS, IAM), or "" to use the header (S3).
// With neither, presigned requests use "UNSIGNED-PAYLOAD" and header-signed ones the hash of an
// empty body (S3 callers that require the header check for it before calling).
// Unknown key -> kInvalidAccessKeyId. Temporary credentials need the matching
// X-Amz-Security-Token: a wrong or missing token sets `invalid_token`, an expired credential sets
// `expired_token` (callers render InvalidToken / ExpiredToken); `error` is then
// kInvalidAccessKeyId so that a caller ignoring the flags still refuses the request.
struct AuthOptions {
  bool s3_path_rules = true;
  std::string payload_hash;
};
AuthOutcome Authenticate(const http::Request& request, const CredentialStore& credentials,
                         std::chrono::system_clock::time_point now, const AuthOptions& options);

// Copies what authentication learned into the journal record: method, account and access key id,
// and for kSignatureDoesNotMatch the canonical request and string to sign Skiff computed plus the
// signature the client sent. Never a secret: the session token (signed as a header or a query
// parameter) is replaced by "<redacted>" in the canonical request, and the secret, the signing
// key and the Authorization header are not copied. Call once per request where the outcome is
// known.
void NoteAuth(RequestRecord& record, const http::Request& request, const AuthOutcome& outcome);

}  // namespace skiff::common
