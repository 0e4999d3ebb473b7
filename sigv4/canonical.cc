// Canonical request and string to sign, as AWS builds them on the server side.
#include <algorithm>
#include <vector>

#include "sigv4/internal.h"
#include "sigv4/sigv4.h"

namespace skiff::sigv4 {
namespace {

using internal::AsciiLower;
using internal::EqualsIgnoreCase;
using internal::LenientUriDecode;

// S3: the path is signed as the client's SDK saw the key: no dot-segment removal, no slash
// merging, one level of encoding. Decoding first makes "%7E" and "~" (or "%2f" and "%2F")
// canonicalize the same way the client's encoder would have written them.
std::string S3CanonicalUri(std::string_view path) {
  if (path.empty()) return "/";
  return UriEncode(LenientUriDecode(path), /*encode_slash=*/false);
}

// Every other service: RFC 3986 dot-segment removal plus empty-segment removal, then the
// already-encoded wire path is encoded once more ("double encoding"), as the SDKs do.
std::string NormalizedCanonicalUri(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(start, slash - start);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    start = slash + 1;
  }
  std::string normalized = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) normalized.push_back('/');
    normalized.append(segments[i]);
  }
  // A trailing slash (or a final "." / ".." segment that denotes a directory) is kept.
  bool trailing = !path.empty() && (path.back() == '/' || path.ends_with("/.") ||
                                    path.ends_with("/..") || path == "." || path == "..");
  if (trailing && normalized.size() > 1) normalized.push_back('/');
  return UriEncode(normalized, /*encode_slash=*/false);
}

std::string CanonicalQuery(std::string_view query, bool exclude_signature) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view piece = query.substr(start, amp - start);
    start = amp + 1;
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string key = LenientUriDecode(piece.substr(0, eq));
    std::string value =
        eq == std::string_view::npos ? std::string() : LenientUriDecode(piece.substr(eq + 1));
    if (exclude_signature && key == "X-Amz-Signature") continue;
    params.emplace_back(UriEncode(key, true), UriEncode(value, true));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out.push_back('&');
    out.append(k).append("=").append(v);
  }
  return out;
}

// Trims the value and collapses every run of whitespace (including obs-fold line breaks)
// into one space.
void AppendCanonicalValue(std::string_view value, std::string& out) {
  value = internal::TrimWhitespace(value);
  bool in_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      in_space = true;
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
}

}  // namespace

std::string CanonicalRequest(const ParsedAuth& auth, const RequestView& request,
                             std::string_view payload_hash, bool s3_path_rules) {
  std::string out;
  out.reserve(512);
  out.append(request.method).push_back('\n');
  out.append(s3_path_rules ? S3CanonicalUri(request.path) : NormalizedCanonicalUri(request.path));
  out.push_back('\n');
  out.append(CanonicalQuery(request.query, auth.kind == AuthKind::kPresigned));
  out.push_back('\n');

  std::vector<std::string> names;
  names.reserve(auth.signed_headers.size());
  for (const auto& name : auth.signed_headers) names.push_back(AsciiLower(name));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  for (const auto& name : names) {
    out.append(name).push_back(':');
    bool first = true;
    for (const auto& [hname, hvalue] : request.headers) {
      if (!EqualsIgnoreCase(hname, name)) continue;
      if (!first) out.push_back(',');
      first = false;
      AppendCanonicalValue(hvalue, out);
    }
    out.push_back('\n');
  }
  out.push_back('\n');

  for (size_t i = 0; i < auth.signed_headers.size(); ++i) {
    if (i > 0) out.push_back(';');
    out.append(auth.signed_headers[i]);
  }
  out.push_back('\n');
  out.append(payload_hash);
  return out;
}

std::string StringToSign(std::string_view amz_date, const Scope& scope,
                         std::string_view canonical_request) {
  std::string out;
  out.reserve(160);
  out.append(internal::kAlgorithm).push_back('\n');
  out.append(amz_date).push_back('\n');
  out.append(scope.ToString()).push_back('\n');
  out.append(HexSha256(canonical_request));
  return out;
}

}  // namespace skiff::sigv4
