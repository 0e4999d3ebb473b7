// ListObjectVersions: every version and delete marker, newest first per key.
#include "server/s3/listing.h"
#include "server/s3/object_ops.h"
#include "server/s3/owner.h"
#include "server/s3/xml.h"

namespace skiff::s3 {

bool WellFormedVersionId(std::string_view id) {
  if (id == "null") return true;
  if (id.size() != 32) return false;
  for (char ch : id) {
    bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-' || ch == '+' || ch == '/';
    if (!ok) return false;
  }
  return true;
}

std::optional<ErrorReply> CheckVersionIdParam(const RequestContext& c) {
  const std::string* v = c.query.Find("versionId");
  if (v == nullptr || WellFormedVersionId(*v)) return std::nullopt;
  return ErrorReply(S3Error::kInvalidArgument, v->empty() ? "Version id cannot be the empty string"
                                                           : "Invalid version id specified")
      .Field("ArgumentName", "versionId")
      .Field("ArgumentValue", *v);
}

http::StartResult ListObjectVersions(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  // max-keys and encoding-type are validated exactly as ListObjects does.
  ListParams params;
  if (auto err = ParseListParams(c.query, /*v2=*/false, &params)) return ErrorResponse(c, *err);
  const std::string key_marker(c.query.Get("key-marker"));
  const std::string version_marker(c.query.Get("version-id-marker"));
  if (c.query.Has("version-id-marker") && key_marker.empty()) {
    return ErrorResponse(c, ErrorReply(S3Error::kInvalidArgument,
                                       "A version-id marker cannot be specified without a key "
                                       "marker.")
                                .Field("ArgumentName", "version-id-marker")
                                .Field("ArgumentValue", version_marker));
  }
  if (c.query.Has("version-id-marker") && !WellFormedVersionId(version_marker)) {
    return ErrorResponse(c, ErrorReply(S3Error::kInvalidArgument, "Invalid version id specified")
                                .Field("ArgumentName", "version-id-marker")
                                .Field("ArgumentValue", version_marker));
  }

  storage::ListOutput out;
  if (params.max_keys > 0) {
    storage::ListInput in;
    in.bucket = bucket.name;
    in.prefix = params.prefix;
    in.delimiter = params.delimiter;
    in.start_after = key_marker;
    in.versions = true;
    in.version_id_marker = version_marker;
    in.max_keys = params.max_keys;
    auto listed = c.store().List(in);
    if (!listed.ok()) return ErrorResponse(c, StorageError(c, listed.status()));
    out = std::move(listed.value());
  }

  auto enc = [&](std::string_view s) {
    return params.url_encoding ? S3UrlEncode(s) : std::string(s);
  };
  XmlWriter w("ListVersionsResult", true);
  w.Element("Name", bucket.name);
  w.Element("Prefix", enc(params.prefix));
  w.Element("KeyMarker", enc(key_marker));
  w.Element("VersionIdMarker", version_marker);
  if (out.truncated) {
    w.Element("NextKeyMarker", enc(out.next_marker));
    // A page ending on a common prefix has no version to continue after.
    if (!out.next_version_id_marker.empty()) {
      w.Element("NextVersionIdMarker", out.next_version_id_marker);
    }
  }
  w.Element("MaxKeys", std::to_string(params.requested_max_keys));
  if (!params.delimiter.empty()) w.Element("Delimiter", enc(params.delimiter));
  if (params.url_encoding) w.Element("EncodingType", "url");
  w.BoolElement("IsTruncated", out.truncated);
  for (const storage::ObjectRecord& o : out.objects) {
    w.Open(o.is_delete_marker ? "DeleteMarker" : "Version");
    w.Element("Key", enc(o.key));
    w.Element("VersionId", o.version_id);
    w.BoolElement("IsLatest", o.is_latest);
    w.Element("LastModified", IsoTimestamp(o.last_modified_ms));
    if (!o.is_delete_marker) {
      w.Element("ETag", QuotedEtag(o.etag));
      if (!o.checksum_algorithm.empty()) {
        w.Element("ChecksumAlgorithm", o.checksum_algorithm);
        if (!o.checksum_type.empty()) w.Element("ChecksumType", o.checksum_type);
      }
      w.Element("Size", std::to_string(o.size));
    }
    w.Open("Owner");
    w.Element("ID", CanonicalUserId(o.owner_account));
    w.Element("DisplayName", OwnerDisplayName(o.owner_account));
    w.Close();
    if (!o.is_delete_marker) w.Element("StorageClass", StorageClassName(o.storage_class));
    w.Close();
  }
  for (const std::string& cp : out.common_prefixes) {
    w.Open("CommonPrefixes");
    w.Element("Prefix", enc(cp));
    w.Close();
  }
  return XmlResponse(c, w.Finish());
}

}  // namespace skiff::s3
