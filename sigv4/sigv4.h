// Pure AWS Signature Version 4: parse, canonicalize, sign, verify.
// No sockets, no configuration, no clock reads (callers pass `now`), no S3 or DynamoDB
// vocabulary: failures are sigv4::Error values that each protocol maps to its own codes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skiff::sigv4 {

enum class Error {
  kNone = 0,
  kMissingAuthentication,     // neither Authorization header nor X-Amz-Algorithm query
  kUnsupportedAlgorithm,      // not AWS4-HMAC-SHA256 (e.g. SigV2 "AWS AKID:sig")
  kMalformedAuthorization,    // header/query present but unparsable (missing Credential=, ...)
  kMalformedCredential,       // Credential=AKID/date/region/service/aws4_request malformed
  kMissingDate,               // no X-Amz-Date / Date
  kMalformedDate,             // X-Amz-Date not yyyymmddThhmmssZ, or scope date != request date
  kMissingSignedHeader,       // a header named in SignedHeaders is absent, or Host not signed
  kRequestTimeTooSkewed,      // |now - X-Amz-Date| > 15 minutes (header auth)
  kRequestNotYetValid,        // presigned: X-Amz-Date in the future beyond skew
  kPresignExpired,            // presigned: now > X-Amz-Date + X-Amz-Expires
  kPresignExpiresInvalid,     // X-Amz-Expires not a number, < 1 or > 604800
  kInvalidAccessKeyId,        // used by callers when the key is unknown
  kSignatureDoesNotMatch,
  kContentSha256Mismatch,     // hex x-amz-content-sha256 != SHA-256 of the received body
  kInvalidContentSha256,      // x-amz-content-sha256 neither hex, UNSIGNED-PAYLOAD nor STREAMING-*
  kMalformedChunk,            // aws-chunked framing broken
  kChunkSignatureMismatch,    // a chunk (or trailer) signature does not verify
  kDecodedLengthMismatch,     // x-amz-decoded-content-length != decoded bytes
  kMissingTrailer,            // x-amz-trailer announced but not sent
  kTrailerChecksumMismatch,   // the trailing x-amz-checksum-* does not match the payload
  kIncompleteBody,            // body ended before the final chunk
};

// Short stable name for logs and tests ("SignatureDoesNotMatch", ...).
std::string_view ErrorName(Error e);

// Raw request as received: path and query still percent-encoded exactly as on the wire,
// header names in any case.
struct RequestView {
  std::string_view method;
  std::string_view path;   // "/bucket/key%20x"
  std::string_view query;  // "list-type=2&prefix=a" (no leading '?')
  std::vector<std::pair<std::string, std::string>> headers;
};

enum class AuthKind { kHeader, kPresigned };

// How the payload is covered, from x-amz-content-sha256 (or the default for the service).
enum class PayloadMode {
  kHex,                        // hex SHA-256 of the body, verified against the received bytes
  kUnsigned,                   // UNSIGNED-PAYLOAD
  kStreamingSigned,            // STREAMING-AWS4-HMAC-SHA256-PAYLOAD
  kStreamingSignedTrailer,     // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
  kStreamingUnsignedTrailer,   // STREAMING-UNSIGNED-PAYLOAD-TRAILER
};

struct Scope {
  std::string date;     // yyyymmdd
  std::string region;   // "us-east-1"
  std::string service;  // "s3", "dynamodb", "sts", "iam"
  std::string ToString() const;  // date/region/service/aws4_request
};

// Result of Parse(): everything needed to look up the secret and verify.
struct ParsedAuth {
  AuthKind kind = AuthKind::kHeader;
  std::string access_key;
  Scope scope;
  std::vector<std::string> signed_headers;  // lower-case, as listed
  std::string signature;                    // hex, as provided
  std::string amz_date;                     // yyyymmddThhmmssZ
  std::chrono::system_clock::time_point request_time;
  int64_t expires_seconds = 0;              // presigned only
  std::optional<std::string> security_token;
  PayloadMode payload_mode = PayloadMode::kHex;
  // The x-amz-content-sha256 value as sent (header; for presigned URLs also the
  // X-Amz-Content-Sha256 query parameter). Empty when absent: the caller supplies the hash.
  std::string payload_hash;
};

struct ParseResult {
  Error error = Error::kNone;
  std::string detail;  // human-readable reason, for messages and the journal
  ParsedAuth auth;
};

// Parses the Authorization header (or the X-Amz-* presigned query parameters). Both at once is
// kMalformedAuthorization, as AWS refuses it; SigV2 (header or query) is kUnsupportedAlgorithm.
// Without X-Amz-Date the Date header (RFC 1123) dates the request; amz_date is then its
// yyyymmddThhmmssZ form. `detail` carries AWS's wording where AWS has one.
// `service_default_payload`: when x-amz-content-sha256 is absent (DynamoDB, STS), the payload
// hash must be computed from the body by the caller; Parse then leaves payload_hash empty and
// payload_mode kHex.
ParseResult Parse(const RequestView& request);

struct VerifyOptions {
  // S3 does not normalize the path and does not double-encode it; every other service does both.
  bool s3_path_rules = true;
  std::chrono::seconds max_skew{15 * 60};
};

struct VerifyResult {
  Error error = Error::kNone;
  std::string detail;
  std::string canonical_request;  // always filled once computed (for SignatureDoesNotMatch)
  std::string string_to_sign;
  std::string expected_signature;
  std::string signing_key;        // raw 32 bytes, for streaming chunk verification
};

// Checks, in order: clock skew (header: |now - request time| > max_skew; presigned: not yet
// valid beyond max_skew, or expired), credential-scope date == X-Amz-Date date, every signed
// header present and host among them, then the signature.
// Verifies the signature of `request` with `secret`. `payload_hash` is what goes in the last line
// of the canonical request: the x-amz-content-sha256 value when present (hex or the literal
// STREAMING-/UNSIGNED- string), "UNSIGNED-PAYLOAD" for presigned S3 URLs, otherwise the hex
// SHA-256 of the body computed by the caller. Comparison is constant-time.
VerifyResult Verify(const ParsedAuth& auth, const RequestView& request, std::string_view secret,
                    std::string_view payload_hash, std::chrono::system_clock::time_point now,
                    const VerifyOptions& options = {});

// Derives the signing key (HMAC chain). Cached: repeated calls with the same arguments are cheap.
std::string SigningKey(std::string_view secret, const Scope& scope);

// Builds canonical request / string to sign / signature (exposed for tests, the load generator
// and STS-issued credentials).
std::string CanonicalRequest(const ParsedAuth& auth, const RequestView& request,
                             std::string_view payload_hash, bool s3_path_rules);
std::string StringToSign(std::string_view amz_date, const Scope& scope,
                         std::string_view canonical_request);
std::string HexHmacSha256(std::string_view key, std::string_view data);
std::string HexSha256(std::string_view data);

// Percent-decoding of a URI component ('+' stays '+'). Returns nullopt on a bad escape.
std::optional<std::string> UriDecode(std::string_view s);
// AWS URI encoding (unreserved A-Za-z0-9-._~ kept); `encode_slash` false keeps '/'.
std::string UriEncode(std::string_view s, bool encode_slash);

}  // namespace skiff::sigv4
