// Object sub-resources: tagging (Put/Get/DeleteObjectTagging), ACL (Put/GetObjectAcl) and
// GetObjectAttributes. Tags live in the object's "x-amz-tagging" attribute in the header's form
// (URL-encoded query string), so x-amz-tagging on PutObject and PutObjectTagging store alike;
// the ACL lives in "x-amz-acl" (a canned name, or the AccessControlPolicy document as PUT).
// Tagging and ACL changes update the version in place, as S3 does: no new version is made.
#include <charconv>
#include <string>

#include "server/common/clock.h"
#include "server/s3/config_common.h"
#include "server/s3/config_docs.h"
#include "server/s3/xml.h"
#include "sigv4/checksum.h"

namespace skiff::s3 {
namespace {

constexpr size_t kMaxObjectTags = 10;
constexpr std::string_view kTaggingAttr = "x-amz-tagging";
constexpr std::string_view kAclAttr = "x-amz-acl";

// The addressed version (versionId= or the current one). Missing -> NoSuchKey / NoSuchVersion;
// a delete marker -> NoSuchKey (current) or MethodNotAllowed (by version id), as S3 answers.
std::optional<ErrorReply> LoadVersion(RequestContext& c, const storage::Bucket& bucket,
                                      storage::ObjectRecord* record) {
  const std::string version_id(c.query.Get("versionId"));
  auto got = c.store().HeadObject(bucket.name, c.target.key, version_id);
  if (!got.ok()) {
    if (got.code() == storage::Code::kNotFound && !version_id.empty()) {
      return ErrorReply(S3Error::kNoSuchVersion)
          .Field("Key", c.target.key)
          .Field("VersionId", version_id);
    }
    return StorageError(c, got.status());
  }
  if (got->is_delete_marker) {
    ErrorReply r = version_id.empty() ? ErrorReply(S3Error::kNoSuchKey).Field("Key", c.target.key)
                                      : ErrorReply(S3Error::kMethodNotAllowed)
                                            .Field("Method", c.request.method)
                                            .Field("ResourceType", "DeleteMarker");
    r.Header("x-amz-delete-marker", "true");
    if (!bucket.versioning.empty()) r.Header("x-amz-version-id", got->version_id);
    return r;
  }
  *record = std::move(got.value());
  return std::nullopt;
}

const std::string* FindAttr(const storage::Attributes& attrs, std::string_view name) {
  for (const auto& [n, v] : attrs) {
    if (http::EqualsIgnoreCase(n, name)) return &v;
  }
  return nullptr;
}

// Replaces (or, with `value` nullopt, removes) one attribute.
storage::Attributes WithAttr(storage::Attributes attrs, std::string_view name,
                             std::optional<std::string> value) {
  std::erase_if(attrs, [&](const auto& a) { return http::EqualsIgnoreCase(a.first, name); });
  if (value) attrs.emplace_back(std::string(name), std::move(*value));
  return attrs;
}

void AddVersionHeader(const storage::Bucket& bucket, const storage::ObjectRecord& record,
                      http::Response* r) {
  if (!bucket.versioning.empty()) r->headers.Set("x-amz-version-id", record.version_id);
}

http::Response Update(RequestContext& c, const storage::Bucket& bucket,
                      const storage::ObjectRecord& record, const storage::Attributes& attrs,
                      int status) {
  storage::Status st =
      c.store().UpdateObjectAttributes(bucket.name, c.target.key, record.version_id, attrs);
  if (!st.ok()) return ErrorResponse(c, StorageError(c, st));
  http::Response r;
  r.status = status;
  AddVersionHeader(bucket, record, &r);
  return r;
}

bool ParseCount(std::string_view text, uint32_t* out) {
  if (text.empty()) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && p == text.data() + text.size();
}

}  // namespace

http::StartResult PutObjectTagging(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  return ReceiveBody(ctx, false, [bucket](RequestContext& rc, std::string body) {
    TagList tags;
    if (auto err = ParseTagging(body, kMaxObjectTags, &tags)) return ErrorResponse(rc, *err);
    storage::ObjectRecord record;
    if (auto err = LoadVersion(rc, bucket, &record)) return ErrorResponse(rc, *err);
    return Update(rc, bucket, record,
                  WithAttr(record.attributes, kTaggingAttr, EncodeTagQuery(tags)), 200);
  });
}

http::StartResult GetObjectTagging(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  storage::ObjectRecord record;
  if (auto err = LoadVersion(c, bucket, &record)) return ErrorResponse(c, *err);
  TagList tags;
  if (const std::string* stored = FindAttr(record.attributes, kTaggingAttr)) {
    auto decoded = DecodeTagQuery(*stored);
    if (decoded) tags = std::move(*decoded);
  }
  http::Response r = XmlResponse(c, RenderTagging(tags));
  AddVersionHeader(bucket, record, &r);
  return r;
}

http::StartResult DeleteObjectTagging(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  storage::ObjectRecord record;
  if (auto err = LoadVersion(c, bucket, &record)) return ErrorResponse(c, *err);
  return Update(c, bucket, record, WithAttr(record.attributes, kTaggingAttr, std::nullopt), 204);
}

http::StartResult PutObjectAcl(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  const std::string* canned = c.request.headers.Find("x-amz-acl");
  if (canned && !IsCannedAclName(*canned)) {
    return ErrorResponse(c, ErrorReply(S3Error::kInvalidArgument));
  }
  for (const auto& f : c.request.headers.fields()) {
    if (f.name.size() > 12 && http::EqualsIgnoreCase(f.name.substr(0, 12), "x-amz-grant-")) {
      return ErrorResponse(c,
                           ErrorReply(S3Error::kNotImplemented).Field("Header", "x-amz-grant-*"));
    }
  }
  std::optional<std::string> canned_value;
  if (canned) canned_value = *canned;
  return ReceiveBody(ctx, false, [bucket, canned_value](RequestContext& rc, std::string body) {
    ErrorReply err;
    auto ownership = BucketOwnership(rc, bucket.name, &err);
    if (!ownership) return ErrorResponse(rc, err);
    const bool enforced = *ownership == kOwnerEnforced;
    std::string stored;
    if (canned_value) {
      // With ACLs disabled, only the owner-only canned ACLs are accepted.
      if (enforced && *canned_value != "bucket-owner-full-control" && *canned_value != "private") {
        return ErrorResponse(rc, ErrorReply(S3Error::kAccessControlListNotSupported));
      }
      stored = *canned_value;
    } else {
      const ConfigKind* kind = FindConfigKind("acl");
      if (auto bad = NormalizeConfig(*kind, body, &stored)) return ErrorResponse(rc, *bad);
      if (enforced && !IsOwnerOnlyAcl(stored, bucket.owner_account)) {
        return ErrorResponse(rc, ErrorReply(S3Error::kAccessControlListNotSupported));
      }
    }
    storage::ObjectRecord record;
    if (auto e = LoadVersion(rc, bucket, &record)) return ErrorResponse(rc, *e);
    return Update(rc, bucket, record, WithAttr(record.attributes, kAclAttr, stored), 200);
  });
}

http::StartResult GetObjectAcl(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  storage::ObjectRecord record;
  if (auto err = LoadVersion(c, bucket, &record)) return ErrorResponse(c, *err);
  const std::string* stored = FindAttr(record.attributes, kAclAttr);
  http::Response r = XmlResponse(
      c, RenderAcl(stored ? std::string_view(*stored) : std::string_view(), record.owner_account));
  AddVersionHeader(bucket, record, &r);
  return r;
}

http::StartResult GetObjectAttributes(const Ctx& ctx) {
  RequestContext& c = *ctx;
  const http::Headers& h = c.request.headers;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  bool etag = false, checksum = false, parts = false, storage_class = false, size = false;
  bool any = false;
  for (std::string_view header : h.All("x-amz-object-attributes")) {
    while (!header.empty()) {
      size_t comma = header.find(',');
      std::string_view item = header.substr(0, comma);
      header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (item.empty()) continue;
      any = true;
      if (item == "ETag") etag = true;
      else if (item == "Checksum") checksum = true;
      else if (item == "ObjectParts") parts = true;
      else if (item == "StorageClass") storage_class = true;
      else if (item == "ObjectSize") size = true;
      else {
        return ErrorResponse(c, ErrorReply(S3Error::kInvalidArgument,
                                           "Invalid attribute name specified.")
                                    .Field("ArgumentName", "x-amz-object-attributes")
                                    .Field("ArgumentValue", std::string(item)));
      }
    }
  }
  if (!any) {
    return ErrorResponse(c, ErrorReply(S3Error::kInvalidRequest,
                                       "The x-amz-object-attributes header specifying the "
                                       "attributes to be retrieved is either missing or empty"));
  }
  uint32_t max_parts = 1000, marker = 0;
  if (const std::string* v = h.Find("x-amz-max-parts")) {
    if (!ParseCount(*v, &max_parts)) {
      return ErrorResponse(c, ErrorReply(S3Error::kInvalidArgument,
                                         "Unable to parse header x-amz-max-parts")
                                  .Field("ArgumentName", "x-amz-max-parts")
                                  .Field("ArgumentValue", *v));
    }
  }
  if (const std::string* v = h.Find("x-amz-part-number-marker")) {
    if (!ParseCount(*v, &marker)) {
      return ErrorResponse(c, ErrorReply(S3Error::kInvalidArgument,
                                         "Unable to parse header x-amz-part-number-marker")
                                  .Field("ArgumentName", "x-amz-part-number-marker")
                                  .Field("ArgumentValue", *v));
    }
  }
  storage::ObjectRecord record;
  if (auto err = LoadVersion(c, bucket, &record)) return ErrorResponse(c, *err);

  XmlWriter w("GetObjectAttributesResponse", true);
  if (etag) w.Element("ETag", record.etag);
  if (checksum && !record.checksum_algorithm.empty()) {
    w.Open("Checksum");
    w.Element("Checksum" + record.checksum_algorithm, record.checksum_value);
    if (!record.checksum_type.empty()) w.Element("ChecksumType", record.checksum_type);
    w.Close();
  }
  if (parts && record.parts_count > 0) {
    w.Open("ObjectParts");
    w.Element("PartsCount", std::to_string(record.parts_count));
    w.Element("PartNumberMarker", std::to_string(marker));
    uint32_t last = marker;
    uint32_t listed = 0;
    bool truncated = false;
    for (uint32_t n = marker + 1; n <= record.part_sizes.size(); ++n) {
      if (listed == max_parts) {
        truncated = true;
        break;
      }
      last = n;
      ++listed;
    }
    w.Element("NextPartNumberMarker", std::to_string(last));
    w.Element("MaxParts", std::to_string(max_parts));
    w.BoolElement("IsTruncated", truncated);
    // S3 lists the parts only for objects uploaded with an additional checksum. Per-part
    // checksum values are not kept by storage, so a Part carries its number and size only.
    for (uint32_t n = marker + 1; !record.checksum_algorithm.empty() && n <= last; ++n) {
      w.Open("Part");
      w.Element("PartNumber", std::to_string(n));
      w.Element("Size", std::to_string(record.part_sizes[n - 1]));
      w.Close();
    }
    w.Close();
  }
  if (storage_class) {
    w.Element("StorageClass", record.storage_class.empty() ? "STANDARD" : record.storage_class);
  }
  if (size) w.Element("ObjectSize", std::to_string(record.size));
  http::Response r = XmlResponse(c, w.Finish());
  r.headers.Set("Last-Modified", common::HttpDate(record.last_modified_ms));
  AddVersionHeader(bucket, record, &r);
  return r;
}

}  // namespace skiff::s3
