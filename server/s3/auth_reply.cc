// Authentication failures rendered as S3 renders them, with the diagnostic elements real S3
// adds (SignatureDoesNotMatch's canonical request and string to sign, skew times, ...).
#include <chrono>
#include <cstdio>
#include <string>

#include "server/common/clock.h"
#include "server/s3/context.h"
#include "server/s3/listing.h"

namespace skiff::s3 {
namespace {

// "41 57 53 34 ..." as in S3's StringToSignBytes / CanonicalRequestBytes.
std::string HexBytes(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 3);
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (!out.empty()) out += ' ';
    out += kHex[u >> 4];
    out += kHex[u & 0xf];
  }
  return out;
}

// "2026-11-22T11:24:54Z": the ServerTime / Expires format in S3's auth errors.
std::string IsoSeconds(int64_t epoch_ms) {
  std::string s = IsoTimestamp(epoch_ms);  // ...:54.000Z
  return s.substr(0, 19) + "Z";
}

int64_t ToMillis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// X-Amz-Expires as sent (0 when absent or not a number).
int64_t ExpiresParameter(const RequestContext& ctx) {
  std::string_view v = ctx.query.Get("X-Amz-Expires");
  int64_t n = 0;
  for (char ch : v) {
    if (ch < '0' || ch > '9' || n > 1'000'000'000) return n;
    n = n * 10 + (ch - '0');
  }
  return n;
}

}  // namespace

ErrorReply AuthErrorReply(const RequestContext& ctx) {
  const common::AuthOutcome& a = ctx.auth;
  // A request that failed to parse has no ParsedAuth: tell presigned URLs by their parameters.
  const bool presigned = a.parsed.kind == sigv4::AuthKind::kPresigned ||
                         ctx.query.Has("X-Amz-Algorithm") || ctx.query.Has("X-Amz-Credential") ||
                         ctx.query.Has("X-Amz-Signature");
  if (a.invalid_token) {
    ErrorReply r(S3Error::kInvalidToken);
    if (a.parsed.security_token) r.Field("Token-0", *a.parsed.security_token);
    return r;
  }
  if (a.expired_token) {
    ErrorReply r(S3Error::kExpiredToken);
    if (a.parsed.security_token) r.Field("Token-0", *a.parsed.security_token);
    return r;
  }
  ErrorReply r(FromSigV4(a.error, presigned));
  using sigv4::Error;
  switch (a.error) {
    case Error::kInvalidAccessKeyId:
      r.Field("AWSAccessKeyId", a.parsed.access_key);
      break;
    case Error::kSignatureDoesNotMatch:
      r.Field("AWSAccessKeyId", a.parsed.access_key);
      r.Field("StringToSign", a.verify.string_to_sign);
      r.Field("SignatureProvided", a.parsed.signature);
      r.Field("StringToSignBytes", HexBytes(a.verify.string_to_sign));
      r.Field("CanonicalRequest", a.verify.canonical_request);
      r.Field("CanonicalRequestBytes", HexBytes(a.verify.canonical_request));
      break;
    case Error::kChunkSignatureMismatch:
      r.Field("AWSAccessKeyId", a.parsed.access_key);
      break;
    case Error::kRequestTimeTooSkewed:
      r.Field("RequestTime", a.parsed.amz_date);
      r.Field("ServerTime", IsoSeconds(common::NowMillis()));
      r.Field("MaxAllowedSkewMilliseconds", "900000");
      break;
    case Error::kPresignExpired: {
      r.message = "Request has expired";
      r.Field("X-Amz-Expires", std::to_string(a.parsed.expires_seconds));
      int64_t expires_ms = ToMillis(a.parsed.request_time) + a.parsed.expires_seconds * 1000;
      r.Field("Expires", IsoSeconds(expires_ms));
      r.Field("ServerTime", IsoSeconds(common::NowMillis()));
      break;
    }
    case Error::kRequestNotYetValid:
      r.message = "Request is not valid yet";
      break;
    case Error::kPresignExpiresInvalid:
      r.message = ExpiresParameter(ctx) > 0
                      ? "X-Amz-Expires must be less than a week (in seconds) that is 604800"
                      : "X-Amz-Expires must be non-negative";
      break;
    case Error::kMissingDate:
    case Error::kMalformedDate:
      r.message = "AWS authentication requires a valid Date or x-amz-date header";
      break;
    case Error::kMissingSignedHeader:
      r.message = "There were headers present in the request which were not signed";
      break;
    case Error::kUnsupportedAlgorithm:
      r.message =
          "The authorization mechanism you have provided is not supported. Please use "
          "AWS4-HMAC-SHA256.";
      break;
    case Error::kInvalidContentSha256:
      r.message =
          "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
          "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
          "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, "
          "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.";
      r.Field("ArgumentName", "x-amz-content-sha256");
      r.Field("ArgumentValue", std::string(ctx.request.headers.Get("x-amz-content-sha256")));
      break;
    case Error::kMalformedAuthorization:
    case Error::kMalformedCredential:
      if (!presigned && !a.detail.empty()) {
        r.message = "The authorization header is malformed; " + a.detail;
      } else if (presigned && !a.detail.empty()) {
        r.message = a.detail;
      }
      break;
    default:
      break;
  }
  return r;
}

std::optional<ErrorReply> CheckS3Signing(const RequestContext& ctx) {
  const sigv4::ParsedAuth& a = ctx.auth.parsed;
  if (a.scope.service != "s3") {
    const std::string service = "\"" + a.scope.service + "\"";
    if (a.kind == sigv4::AuthKind::kPresigned) {
      return ErrorReply(S3Error::kAuthorizationQueryParametersError,
                        "Error parsing the X-Amz-Credential parameter; incorrect service " +
                            service + ". This endpoint belongs to \"s3\".");
    }
    return ErrorReply(S3Error::kAuthorizationHeaderMalformed,
                      "The authorization header is malformed; incorrect service " + service +
                          ". This endpoint belongs to \"s3\".");
  }
  if (a.kind == sigv4::AuthKind::kHeader && !ctx.request.headers.Has("x-amz-content-sha256")) {
    // S3, unlike the other services, needs the payload hash header on header-signed requests.
    return ErrorReply(S3Error::kInvalidRequest,
                      "Missing required header for this request: x-amz-content-sha256");
  }
  return std::nullopt;
}

}  // namespace skiff::s3
