// Parse(): the Authorization header or the presigned X-Amz-* query parameters.
#include <charconv>
#include <map>
#include <vector>

#include "sigv4/internal.h"
#include "sigv4/sigv4.h"

namespace skiff::sigv4 {
namespace {

using internal::EqualsIgnoreCase;
using internal::TrimWhitespace;

constexpr int64_t kMaxPresignSeconds = 604800;  // one week, as S3 and the SDKs enforce
constexpr std::string_view kCredentialShape =
    "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"";

const std::string* FindHeader(const RequestView& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (EqualsIgnoreCase(k, name)) return &v;
  }
  return nullptr;
}

ParseResult Fail(Error e, std::string detail) {
  ParseResult r;
  r.error = e;
  r.detail = std::move(detail);
  return r;
}

// Query parameters as decoded key -> decoded value (first occurrence wins for duplicates).
std::map<std::string, std::string, std::less<>> DecodeQuery(std::string_view query) {
  std::map<std::string, std::string, std::less<>> out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view piece = query.substr(start, amp - start);
    start = amp + 1;
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string key = internal::LenientUriDecode(piece.substr(0, eq));
    std::string value = eq == std::string_view::npos
                            ? std::string()
                            : internal::LenientUriDecode(piece.substr(eq + 1));
    out.emplace(std::move(key), std::move(value));
  }
  return out;
}

// "AKID/20130524/us-east-1/s3/aws4_request".
Error ParseCredential(std::string_view credential, ParsedAuth& auth, std::string& detail) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (parts.size() <= 5) {
    size_t slash = credential.find('/', start);
    if (slash == std::string_view::npos) {
      parts.push_back(credential.substr(start));
      break;
    }
    parts.push_back(credential.substr(start, slash - start));
    start = slash + 1;
  }
  size_t n = parts.size();
  if (n != 5) {
    detail = "the Credential is mal-formed; " + std::string(kCredentialShape) + ".";
    return Error::kMalformedCredential;
  }
  auto digits = [](std::string_view s) {
    if (s.size() != 8) return false;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  if (parts[0].empty()) {
    detail = "the Credential is mal-formed; " + std::string(kCredentialShape) + ".";
    return Error::kMalformedCredential;
  }
  if (!digits(parts[1])) {
    detail = "Invalid credential date \"" + std::string(parts[1]) + "\": it must be yyyyMMdd.";
    return Error::kMalformedCredential;
  }
  if (parts[2].empty() || parts[3].empty()) {
    detail = "the Credential is mal-formed; " + std::string(kCredentialShape) + ".";
    return Error::kMalformedCredential;
  }
  if (parts[4] != internal::kTerminator) {
    detail = "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
             std::string(parts[4]) + "'.";
    return Error::kMalformedCredential;
  }
  auth.access_key = std::string(parts[0]);
  auth.scope.date = std::string(parts[1]);
  auth.scope.region = std::string(parts[2]);
  auth.scope.service = std::string(parts[3]);
  return Error::kNone;
}

void SplitSignedHeaders(std::string_view list, std::vector<std::string>& out) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t semi = list.find(';', start);
    if (semi == std::string_view::npos) semi = list.size();
    std::string_view name = TrimWhitespace(list.substr(start, semi - start));
    if (!name.empty()) out.push_back(internal::AsciiLower(name));
    start = semi + 1;
  }
}

// x-amz-content-sha256 -> payload mode. Absent: kHex with an empty hash (caller computes).
// Some presigners put it in the query (X-Amz-Content-Sha256) instead; the header wins.
Error ParsePayload(const RequestView& request, ParsedAuth& auth, std::string& detail,
                   const std::string* query_value = nullptr) {
  const std::string* value = FindHeader(request, "x-amz-content-sha256");
  if (value == nullptr) value = query_value;
  if (value == nullptr) return Error::kNone;
  std::string_view v = TrimWhitespace(*value);
  auth.payload_hash = std::string(v);
  if (v == "UNSIGNED-PAYLOAD") {
    auth.payload_mode = PayloadMode::kUnsigned;
  } else if (v == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") {
    auth.payload_mode = PayloadMode::kStreamingSigned;
  } else if (v == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") {
    auth.payload_mode = PayloadMode::kStreamingSignedTrailer;
  } else if (v == "STREAMING-UNSIGNED-PAYLOAD-TRAILER") {
    auth.payload_mode = PayloadMode::kStreamingUnsignedTrailer;
  } else if (v.size() == 64 && internal::IsLowerHex(internal::AsciiLower(v))) {
    auth.payload_mode = PayloadMode::kHex;
  } else {
    detail =
        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a "
        "valid sha256 value.";
    return Error::kInvalidContentSha256;
  }
  return Error::kNone;
}

ParseResult ParseHeaderAuth(const RequestView& request, std::string_view value) {
  value = TrimWhitespace(value);
  size_t sp = value.find_first_of(" \t");
  std::string_view algorithm = value.substr(0, sp);
  if (algorithm != internal::kAlgorithm) {
    if (algorithm == "AWS") {
      return Fail(Error::kUnsupportedAlgorithm,
                  "Signature Version 2 (\"AWS AccessKeyId:Signature\") is not supported; "
                  "use AWS4-HMAC-SHA256.");
    }
    return Fail(Error::kUnsupportedAlgorithm,
                "Unsupported Authorization Type \"" + std::string(algorithm) + "\".");
  }
  std::string_view rest = sp == std::string_view::npos ? std::string_view() : value.substr(sp);

  // Components are separated by ',' with optional whitespace; AWS also accepts them separated
  // by whitespace alone. Each is Name=value.
  std::optional<std::string_view> credential, signed_headers, signature;
  size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && (rest[i] == ',' || rest[i] == ' ' || rest[i] == '\t')) ++i;
    size_t end = i;
    while (end < rest.size() && rest[end] != ',' && rest[end] != ' ' && rest[end] != '\t') ++end;
    std::string_view token = rest.substr(i, end - i);
    i = end;
    if (token.empty()) continue;
    size_t eq = token.find('=');
    if (eq == std::string_view::npos) {
      return Fail(Error::kMalformedAuthorization,
                  "Authorization header requires 'Name=value' components, got '" +
                      std::string(token) + "'.");
    }
    std::string_view name = token.substr(0, eq), v = token.substr(eq + 1);
    if (name == "Credential") {
      credential = v;
    } else if (name == "SignedHeaders") {
      signed_headers = v;
    } else if (name == "Signature") {
      signature = v;
    } else {
      return Fail(Error::kMalformedAuthorization,
                  "Authorization header has an unknown component '" + std::string(name) + "'.");
    }
  }
  std::string missing;
  if (!credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!missing.empty()) {
    missing.pop_back();
    return Fail(Error::kMalformedAuthorization, missing);
  }

  ParseResult result;
  ParsedAuth& auth = result.auth;
  auth.kind = AuthKind::kHeader;
  if (Error e = ParseCredential(*credential, auth, result.detail); e != Error::kNone) {
    result.error = e;
    return result;
  }
  SplitSignedHeaders(*signed_headers, auth.signed_headers);
  if (auth.signed_headers.empty()) {
    return Fail(Error::kMalformedAuthorization, "SignedHeaders must not be empty.");
  }
  auth.signature = std::string(*signature);

  if (const std::string* amz_date = FindHeader(request, "x-amz-date")) {
    auto t = internal::ParseAmzDate(TrimWhitespace(*amz_date));
    if (!t) {
      return Fail(Error::kMalformedDate,
                  "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\", got '" +
                      *amz_date + "'.");
    }
    auth.amz_date = std::string(TrimWhitespace(*amz_date));
    auth.request_time = *t;
  } else if (const std::string* date = FindHeader(request, "date")) {
    auto t = internal::ParseHttpDate(*date);
    if (!t) {
      return Fail(Error::kMalformedDate,
                  "AWS authentication requires a valid Date or x-amz-date header");
    }
    auth.request_time = *t;
    auth.amz_date = internal::FormatAmzDate(*t);
  } else {
    return Fail(Error::kMissingDate,
                "AWS authentication requires a valid Date or x-amz-date header");
  }
  if (const std::string* token = FindHeader(request, "x-amz-security-token")) {
    auth.security_token = *token;
  }
  if (Error e = ParsePayload(request, auth, result.detail); e != Error::kNone) {
    result.error = e;
  }
  return result;
}

ParseResult ParsePresigned(const RequestView& request,
                           const std::map<std::string, std::string, std::less<>>& q) {
  auto get = [&q](std::string_view k) -> const std::string* {
    auto it = q.find(k);
    return it == q.end() ? nullptr : &it->second;
  };
  const std::string* algorithm = get("X-Amz-Algorithm");
  if (*algorithm != internal::kAlgorithm) {
    return Fail(Error::kUnsupportedAlgorithm,
                "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\", got \"" + *algorithm +
                    "\".");
  }
  const std::string* credential = get("X-Amz-Credential");
  const std::string* date = get("X-Amz-Date");
  const std::string* signed_headers = get("X-Amz-SignedHeaders");
  const std::string* signature = get("X-Amz-Signature");
  const std::string* expires = get("X-Amz-Expires");
  if (!credential || !date || !signed_headers || !signature || !expires) {
    return Fail(Error::kMalformedAuthorization,
                "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
                "X-Amz-Expires parameters.");
  }

  ParseResult result;
  ParsedAuth& auth = result.auth;
  auth.kind = AuthKind::kPresigned;
  if (Error e = ParseCredential(*credential, auth, result.detail); e != Error::kNone) {
    result.error = e;
    return result;
  }
  auto t = internal::ParseAmzDate(*date);
  if (!t) {
    return Fail(Error::kMalformedDate,
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  }
  auth.amz_date = *date;
  auth.request_time = *t;

  int64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(expires->data(), expires->data() + expires->size(), seconds);
  if (ec != std::errc() || ptr != expires->data() + expires->size() || expires->empty()) {
    return Fail(Error::kPresignExpiresInvalid, "X-Amz-Expires should be a number");
  }
  if (seconds < 0) {
    return Fail(Error::kPresignExpiresInvalid, "X-Amz-Expires must be non-negative");
  }
  if (seconds < 1) {
    return Fail(Error::kPresignExpiresInvalid, "X-Amz-Expires must be at least 1 second");
  }
  if (seconds > kMaxPresignSeconds) {
    return Fail(Error::kPresignExpiresInvalid,
                "X-Amz-Expires must be less than a week (in seconds) that is 604800");
  }
  auth.expires_seconds = seconds;

  SplitSignedHeaders(*signed_headers, auth.signed_headers);
  if (auth.signed_headers.empty()) {
    return Fail(Error::kMalformedAuthorization, "X-Amz-SignedHeaders must not be empty.");
  }
  auth.signature = *signature;
  if (const std::string* token = get("X-Amz-Security-Token")) {
    auth.security_token = *token;
  } else if (const std::string* header_token = FindHeader(request, "x-amz-security-token")) {
    auth.security_token = *header_token;
  }
  if (Error e = ParsePayload(request, auth, result.detail, get("X-Amz-Content-Sha256"));
      e != Error::kNone) {
    result.error = e;
  }
  return result;
}

}  // namespace

ParseResult Parse(const RequestView& request) {
  const std::string* authorization = FindHeader(request, "authorization");
  auto query = DecodeQuery(request.query);
  bool has_query_auth = query.contains("X-Amz-Algorithm");
  if (authorization != nullptr && has_query_auth) {
    return Fail(Error::kMalformedAuthorization,
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
                "Signature query string parameter or the Authorization header should be "
                "specified");
  }
  if (authorization != nullptr) return ParseHeaderAuth(request, *authorization);
  if (has_query_auth) return ParsePresigned(request, query);
  if (query.contains("Signature") && query.contains("AWSAccessKeyId")) {
    return Fail(Error::kUnsupportedAlgorithm,
                "Query-string authentication version 2 is not supported; use "
                "X-Amz-Algorithm=AWS4-HMAC-SHA256.");
  }
  return Fail(Error::kMissingAuthentication, "Request is missing Authentication Token");
}

}  // namespace skiff::sigv4
