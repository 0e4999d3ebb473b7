// Verify(): time checks, scope checks, then the signature itself.
#include <string>

#include "sigv4/internal.h"
#include "sigv4/sigv4.h"

namespace skiff::sigv4 {
namespace {

bool HasHeader(const RequestView& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (internal::EqualsIgnoreCase(k, name)) return true;
  }
  return false;
}

std::string FormatSeconds(std::chrono::seconds s) { return std::to_string(s.count()); }

}  // namespace

VerifyResult Verify(const ParsedAuth& auth, const RequestView& request, std::string_view secret,
                    std::string_view payload_hash, std::chrono::system_clock::time_point now,
                    const VerifyOptions& options) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  VerifyResult result;
  auto fail = [&result](Error e, std::string detail) {
    result.error = e;
    result.detail = std::move(detail);
    return result;
  };

  const auto request_time = auth.request_time;
  if (auth.kind == AuthKind::kHeader) {
    auto diff = duration_cast<seconds>(now > request_time ? now - request_time : request_time - now);
    if (diff > options.max_skew) {
      return fail(Error::kRequestTimeTooSkewed,
                  "The difference between the request time (" + auth.amz_date +
                      ") and the current time (" + internal::FormatAmzDate(now) +
                      ") is too large: " + FormatSeconds(diff) + "s, the maximum is " +
                      FormatSeconds(options.max_skew) + "s.");
    }
  } else {
    if (request_time > now + options.max_skew) {
      return fail(Error::kRequestNotYetValid,
                  "Request is not valid yet: X-Amz-Date " + auth.amz_date +
                      " is in the future (now " + internal::FormatAmzDate(now) + ").");
    }
    auto expiry = request_time + seconds(auth.expires_seconds);
    if (now > expiry) {
      return fail(Error::kPresignExpired,
                  "Request has expired: X-Amz-Expires " + std::to_string(auth.expires_seconds) +
                      ", Expires " + internal::FormatAmzDate(expiry) + ", ServerTime " +
                      internal::FormatAmzDate(now) + ".");
    }
  }

  if (auth.amz_date.size() < 8 || auth.scope.date != std::string_view(auth.amz_date).substr(0, 8)) {
    return fail(Error::kMalformedDate, "Invalid credential date \"" + auth.scope.date +
                                           "\". This date is not the same as X-Amz-Date: \"" +
                                           auth.amz_date.substr(0, 8) + "\".");
  }

  bool host_signed = false;
  for (const auto& name : auth.signed_headers) {
    if (name == "host") host_signed = true;
    if (!HasHeader(request, name)) {
      return fail(Error::kMissingSignedHeader,
                  "Header '" + name + "' is listed in SignedHeaders but is not in the request.");
    }
  }
  if (!host_signed) {
    return fail(Error::kMissingSignedHeader,
                "SignedHeaders must include 'host': host is a required signed header.");
  }

  result.canonical_request = CanonicalRequest(auth, request, payload_hash, options.s3_path_rules);
  result.string_to_sign = StringToSign(auth.amz_date, auth.scope, result.canonical_request);
  result.signing_key = SigningKey(secret, auth.scope);
  result.expected_signature = HexHmacSha256(result.signing_key, result.string_to_sign);
  if (!internal::ConstantTimeEquals(result.expected_signature, auth.signature)) {
    return fail(Error::kSignatureDoesNotMatch,
                "The request signature we calculated does not match the signature you provided. "
                "Check your key and signing method.");
  }
  return result;
}

}  // namespace skiff::sigv4
