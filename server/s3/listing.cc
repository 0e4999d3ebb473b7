#include "server/s3/listing.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <ctime>

#include "server/s3/addressing.h"
#include "server/s3/owner.h"
#include "server/s3/xml.h"

namespace skiff::s3 {
namespace {

ErrorReply InvalidArgument(std::string message, std::string name, std::string value) {
  ErrorReply r(S3Error::kInvalidArgument, std::move(message));
  r.Field("ArgumentName", std::move(name));
  r.Field("ArgumentValue", std::move(value));
  return r;
}

}  // namespace

std::string EncodeContinuationToken(std::string_view last) {
  std::string out(4 * ((last.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(last.data()),
                          static_cast<int>(last.size()));
  out.resize(static_cast<size_t>(n));
  // URL-safe alphabet without padding: the token survives clients that put it in a query
  // string unescaped ('+' would decode to a space there).
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> DecodeContinuationToken(std::string_view token) {
  std::string b64(token);
  for (char& c : b64) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
    if (c == '+' || c == '/' || c == '=') continue;
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return std::nullopt;
    }
  }
  if (b64.empty() || b64.size() % 4 == 1) return std::nullopt;
  size_t pad = (4 - b64.size() % 4) % 4;
  b64.append(pad, '=');
  std::string out(b64.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0 || static_cast<size_t>(n) < pad) return std::nullopt;
  // EVP_DecodeBlock counts the bytes of '=' padding too.
  out.resize(static_cast<size_t>(n) - pad);
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<ErrorReply> ParseListParams(const QueryParams& query, bool v2, ListParams* out) {
  ListParams p;
  p.v2 = v2;
  p.prefix = query.Get("prefix");
  p.delimiter = query.Get("delimiter");
  if (const std::string* mk = query.Find("max-keys")) {
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(mk->data(), mk->data() + mk->size(), v);
    if (mk->empty() || ec != std::errc() || ptr != mk->data() + mk->size() || v > INT32_MAX) {
      return InvalidArgument("Provided max-keys not an integer or within integer range", "max-keys",
                             *mk);
    }
    if (v < 0) {
      return InvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647",
                             "maxKeys", *mk);
    }
    p.requested_max_keys = static_cast<size_t>(v);
    p.max_keys = std::min(p.requested_max_keys, kMaxListKeys);
  }
  if (const std::string* enc = query.Find("encoding-type")) {
    if (*enc != "url") {
      return InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", *enc);
    }
    p.url_encoding = true;
  }
  if (v2) {
    p.fetch_owner = query.Get("fetch-owner") == "true";
    if (const std::string* sa = query.Find("start-after")) {
      p.start_after = *sa;
      p.has_start_after = true;
    }
    p.resume_after = p.start_after;
    if (const std::string* tok = query.Find("continuation-token")) {
      p.continuation_token = *tok;
      p.has_continuation_token = true;
      auto decoded = DecodeContinuationToken(*tok);
      if (!decoded) {
        return InvalidArgument("The continuation token provided is incorrect", "continuation-token",
                               *tok);
      }
      // The token names the last key returned; it is always past start-after.
      p.resume_after = std::move(*decoded);
    }
  } else {
    p.marker = query.Get("marker");
    p.resume_after = p.marker;
  }
  *out = std::move(p);
  return std::nullopt;
}

std::string QuotedEtag(std::string_view etag) {
  std::string q = "\"";
  q.append(etag);
  q += '"';
  return q;
}

std::string_view StorageClassName(std::string_view stored) {
  return stored.empty() ? std::string_view("STANDARD") : stored;
}

std::string IsoTimestamp(int64_t epoch_ms) {
  std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  const int year = tm.tm_year + 1900;
  const int millis = static_cast<int>(epoch_ms % 1000);
  if (year < 0 || year > 9999 || millis < 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
    return buf;
  }
  // Every listed object has one of these: digits by hand instead of snprintf.
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&out](size_t at, int value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) {
      out[at + static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
    }
  };
  put(0, year, 4);
  put(5, tm.tm_mon + 1, 2);
  put(8, tm.tm_mday, 2);
  put(11, tm.tm_hour, 2);
  put(14, tm.tm_min, 2);
  put(17, tm.tm_sec, 2);
  put(20, millis, 3);
  return out;
}

std::string RenderListResult(const ListParams& p, std::string_view bucket,
                             const storage::ListOutput& out) {
  auto enc = [&](std::string_view s) { return p.url_encoding ? S3UrlEncode(s) : std::string(s); };
  XmlWriter w("ListBucketResult", true);
  w.Element("Name", bucket);
  w.Element("Prefix", enc(p.prefix));
  if (p.v2) {
    if (p.has_continuation_token) w.Element("ContinuationToken", p.continuation_token);
    if (out.truncated) {
      w.Element("NextContinuationToken", EncodeContinuationToken(out.next_marker));
    }
    w.Element("KeyCount", std::to_string(out.objects.size() + out.common_prefixes.size()));
    w.Element("MaxKeys", std::to_string(p.requested_max_keys));
    if (!p.delimiter.empty()) w.Element("Delimiter", enc(p.delimiter));
    if (p.url_encoding) w.Element("EncodingType", "url");
    w.BoolElement("IsTruncated", out.truncated);
    if (p.has_start_after) w.Element("StartAfter", enc(p.start_after));
  } else {
    w.Element("Marker", enc(p.marker));
    // S3 sends NextMarker only when a delimiter was given; without one, clients continue from
    // the last key.
    if (out.truncated && !p.delimiter.empty()) w.Element("NextMarker", enc(out.next_marker));
    w.Element("MaxKeys", std::to_string(p.requested_max_keys));
    if (!p.delimiter.empty()) w.Element("Delimiter", enc(p.delimiter));
    if (p.url_encoding) w.Element("EncodingType", "url");
    w.BoolElement("IsTruncated", out.truncated);
  }
  const bool with_owner = !p.v2 || p.fetch_owner;
  for (const storage::ObjectRecord& o : out.objects) {
    w.Open("Contents");
    w.Element("Key", enc(o.key));
    w.Element("LastModified", IsoTimestamp(o.last_modified_ms));
    w.Element("ETag", QuotedEtag(o.etag));
    if (!o.checksum_algorithm.empty()) {
      w.Element("ChecksumAlgorithm", o.checksum_algorithm);
      if (!o.checksum_type.empty()) w.Element("ChecksumType", o.checksum_type);
    }
    w.Element("Size", std::to_string(o.size));
    if (with_owner) {
      w.Open("Owner");
      w.Element("ID", CanonicalUserId(o.owner_account));
      w.Element("DisplayName", OwnerDisplayName(o.owner_account));
      w.Close();
    }
    w.Element("StorageClass", StorageClassName(o.storage_class));
    w.Close();
  }
  for (const std::string& cp : out.common_prefixes) {
    w.Open("CommonPrefixes");
    w.Element("Prefix", enc(cp));
    w.Close();
  }
  return w.Finish();
}

}  // namespace skiff::s3
