#include "server/s3/object_headers.h"

#include <algorithm>
#include <array>
#include <set>

#include "server/s3/config_docs.h"

namespace skiff::s3 {
namespace {

// Stored and returned as sent.
constexpr std::array<std::string_view, 5> kRepresentationHeaders = {
    "Content-Disposition", "Content-Language", "Cache-Control", "Expires",
    "x-amz-website-redirect-location"};

constexpr std::array<std::string_view, 12> kStorageClasses = {
    "STANDARD",        "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER",         "DEEP_ARCHIVE",       "OUTPOSTS",    "GLACIER_IR", "SNOW",
    "EXPRESS_ONEZONE", "FSX_OPENZFS"};

constexpr std::array<std::string_view, 7> kCannedAcls = {
    "private",       "public-read",       "public-read-write",        "authenticated-read",
    "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control"};

constexpr std::string_view kMetaPrefix = "x-amz-meta-";
constexpr std::string_view kSse = "x-amz-server-side-encryption";
constexpr std::string_view kSseKmsKey = "x-amz-server-side-encryption-aws-kms-key-id";
constexpr std::string_view kSseContext = "x-amz-server-side-encryption-context";
constexpr std::string_view kSseBucketKey = "x-amz-server-side-encryption-bucket-key-enabled";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && http::EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

const std::string* FindAttribute(const storage::Attributes& attrs, std::string_view name) {
  for (const auto& [n, v] : attrs) {
    if (http::EqualsIgnoreCase(n, name)) return &v;
  }
  return nullptr;
}

ErrorReply InvalidArgument(std::string message, std::string_view name, std::string_view value) {
  ErrorReply r(S3Error::kInvalidArgument, std::move(message));
  r.Field("ArgumentName", std::string(name));
  r.Field("ArgumentValue", std::string(value));
  return r;
}

}  // namespace

std::string StripAwsChunked(std::string_view content_encoding) {
  std::string out;
  std::string_view rest = content_encoding;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty() || http::EqualsIgnoreCase(item, "aws-chunked")) continue;
    if (!out.empty()) out += ',';
    out.append(item);
  }
  return out;
}

std::optional<ErrorReply> CollectObjectSettings(const http::Headers& headers, ObjectSettings* out) {
  storage::Attributes& attrs = out->attributes;
  attrs.clear();
  std::string_view content_type = headers.Get("Content-Type");
  attrs.emplace_back("Content-Type", content_type.empty() ? std::string(kDefaultContentType)
                                                          : std::string(content_type));
  if (headers.Has("Content-Encoding")) {
    std::string enc = StripAwsChunked(headers.Get("Content-Encoding"));
    if (!enc.empty()) attrs.emplace_back("Content-Encoding", std::move(enc));
  }
  for (std::string_view name : kRepresentationHeaders) {
    if (const std::string* v = headers.Find(name)) attrs.emplace_back(std::string(name), *v);
  }

  size_t metadata_bytes = 0;
  for (const auto& f : headers.fields()) {
    if (!StartsWithIgnoreCase(f.name, kMetaPrefix)) continue;
    metadata_bytes += f.name.size() - kMetaPrefix.size() + f.value.size();
    std::string name = Lower(f.name);
    if (const std::string* existing = FindAttribute(attrs, name)) {
      // Repeated metadata headers are joined with commas, as HTTP folds them.
      for (auto& [n, v] : attrs) {
        if (&v == existing) v += "," + f.value;
      }
      continue;
    }
    attrs.emplace_back(std::move(name), f.value);
  }
  if (metadata_bytes > kMaxUserMetadataBytes) {
    ErrorReply r(S3Error::kMetadataTooLarge);
    r.Field("Size", std::to_string(metadata_bytes));
    r.Field("MaxSizeAllowed", std::to_string(kMaxUserMetadataBytes));
    return r;
  }

  out->storage_class.clear();
  if (const std::string* sc = headers.Find("x-amz-storage-class")) {
    if (std::find(kStorageClasses.begin(), kStorageClasses.end(), *sc) == kStorageClasses.end()) {
      return ErrorReply(S3Error::kInvalidStorageClass).Field("StorageClassRequested", *sc);
    }
    if (*sc != "STANDARD") out->storage_class = *sc;
  }

  if (headers.Has("x-amz-server-side-encryption-customer-algorithm")) {
    // SSE-C needs key handling Skiff does not do; refuse rather than store plaintext silently.
    return ErrorReply(S3Error::kNotImplemented)
        .Field("Header", "x-amz-server-side-encryption-customer-algorithm");
  }
  std::string_view sse = headers.Get(kSse);
  if (headers.Has(kSse)) {
    if (sse != "AES256" && sse != "aws:kms" && sse != "aws:kms:dsse") {
      return InvalidArgument("The encryption method specified is not supported", kSse, sse);
    }
  }
  const bool kms = sse == "aws:kms" || sse == "aws:kms:dsse";
  if (!kms && headers.Has(kSseKmsKey)) {
    return InvalidArgument(
        "Server Side Encryption with AWS KMS managed key requires HTTP header "
        "x-amz-server-side-encryption : aws:kms",
        kSseKmsKey, headers.Get(kSseKmsKey));
  }
  // S3 encrypts every new object; without a request header it applies SSE-S3.
  attrs.emplace_back(std::string(kSse), sse.empty() ? "AES256" : std::string(sse));
  if (kms) {
    if (const std::string* key = headers.Find(kSseKmsKey)) {
      attrs.emplace_back(std::string(kSseKmsKey), *key);
    }
    if (const std::string* c = headers.Find(kSseContext)) {
      attrs.emplace_back(std::string(kSseContext), *c);
    }
    if (const std::string* bk = headers.Find(kSseBucketKey)) {
      attrs.emplace_back(std::string(kSseBucketKey), Lower(*bk));
    }
  }

  if (const std::string* acl = headers.Find("x-amz-acl")) {
    if (std::find(kCannedAcls.begin(), kCannedAcls.end(), *acl) == kCannedAcls.end()) {
      return ErrorReply(S3Error::kInvalidArgument);
    }
    attrs.emplace_back("x-amz-acl", *acl);
  }
  if (const std::string* tagging = headers.Find("x-amz-tagging")) {
    // Validated as PutObjectTagging validates its document (limits, aws: prefix); a header that
    // does not decode, or repeats a key, gets S3's InvalidArgument instead.
    auto tags = DecodeTagQuery(*tagging);
    std::set<std::string_view> keys;
    bool duplicate = false;
    if (tags) {
      for (const auto& [k, v] : *tags) duplicate = duplicate || !keys.insert(k).second;
    }
    if (!tags || duplicate) {
      return InvalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then "
                             "URLEncoded URL query parameters without tag name duplicates.",
                             "x-amz-tagging", *tagging);
    }
    if (auto err = CheckTags(*tags, 10)) return err;
    attrs.emplace_back("x-amz-tagging", *tagging);
  }
  return std::nullopt;
}

void AddSseHeaders(const storage::Attributes& attributes, http::Headers* out) {
  for (std::string_view name : {kSse, kSseKmsKey, kSseContext, kSseBucketKey}) {
    if (const std::string* v = FindAttribute(attributes, name)) out->Set(std::string(name), *v);
  }
}

void AddObjectHeaders(const storage::ObjectRecord& record, http::Headers* out) {
  for (const auto& [name, value] : record.attributes) {
    if (http::EqualsIgnoreCase(name, "x-amz-acl") || http::EqualsIgnoreCase(name, kSseContext)) {
      continue;  // not returned on GET/HEAD
    }
    if (http::EqualsIgnoreCase(name, "x-amz-tagging")) {
      if (value.empty()) continue;
      size_t count = static_cast<size_t>(std::count(value.begin(), value.end(), '&')) + 1;
      out->Set("x-amz-tagging-count", std::to_string(count));
      continue;
    }
    out->Set(name, value);
  }
  if (!record.storage_class.empty() && record.storage_class != "STANDARD") {
    out->Set("x-amz-storage-class", record.storage_class);
  }
}

}  // namespace skiff::s3
