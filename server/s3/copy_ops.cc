// CopyObject and UploadPartCopy: the copy source header, its conditions, and copying the bytes
// (chunk by chunk through a BlobWriter, so memory stays bounded).
#include <charconv>
#include <string>

#include "server/common/clock.h"
#include "server/s3/addressing.h"
#include "server/s3/listing.h"
#include "server/s3/object_headers.h"
#include "server/s3/object_ops.h"
#include "server/s3/ranges.h"
#include "server/s3/xml.h"
#include "sigv4/checksum.h"

namespace skiff::s3 {
namespace {

constexpr uint64_t kMaxCopyBytes = 5ull * 1024 * 1024 * 1024;
constexpr size_t kCopyBuffer = 1 << 20;

struct CopySource {
  std::string bucket;
  std::string key;
  std::string version_id;
  std::unique_ptr<storage::ObjectHandle> handle;
  bool versioned_bucket = false;
};

ErrorReply BadSource(std::string_view value) {
  return ErrorReply(S3Error::kInvalidArgument,
                    "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
      .Field("ArgumentName", "x-amz-copy-source")
      .Field("ArgumentValue", std::string(value));
}

// Parses x-amz-copy-source ("bucket/key" or "/bucket/key", URL-encoded, with an optional
// "?versionId=") and opens that object, applying x-amz-copy-source-if-* (all 412 on failure).
std::optional<ErrorReply> OpenSource(RequestContext& c, CopySource* src) {
  std::string_view raw = c.request.headers.Get("x-amz-copy-source");
  std::string_view path = raw;
  std::string_view query;
  if (size_t q = raw.find('?'); q != std::string_view::npos) {
    path = raw.substr(0, q);
    query = raw.substr(q + 1);
  }
  auto decoded = PercentDecode(path, /*plus_is_space=*/false);
  // A source that is not UTF-8 names no object (keys are UTF-8) and would be echoed into the
  // error document as bytes no XML parser accepts.
  if (!decoded || !IsValidUtf8(*decoded)) return BadSource(raw);
  std::string_view p = *decoded;
  if (!p.empty() && p.front() == '/') p.remove_prefix(1);
  size_t slash = p.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == p.size()) return BadSource(raw);
  src->bucket = std::string(p.substr(0, slash));
  src->key = std::string(p.substr(slash + 1));
  if (!query.empty()) {
    QueryParams params;
    if (!params.Parse(query)) return BadSource(raw);
    if (const std::string* v = params.Find("versionId")) {
      if (!WellFormedVersionId(*v)) {
        return ErrorReply(S3Error::kInvalidArgument, "Invalid version id specified")
            .Field("ArgumentName", "x-amz-copy-source")
            .Field("ArgumentValue", std::string(raw));
      }
      src->version_id = *v;
    }
  }
  auto bucket = c.store().GetBucket(src->bucket);
  if (!bucket.ok()) {
    ErrorReply r = StorageError(c, bucket.status());
    if (r.error == S3Error::kNoSuchBucket) {
      r = ErrorReply(S3Error::kNoSuchBucket).Field("BucketName", src->bucket);
    }
    return r;
  }
  // With an authorizer the source read was authorized up front (another account's bucket only
  // through its bucket policy); without one, other accounts' buckets stay closed.
  if (bucket->owner_account != c.account() && c.deps.authorizer == nullptr) {
    return ErrorReply(S3Error::kAccessDenied);
  }
  src->versioned_bucket = !bucket->versioning.empty();
  auto opened = c.store().OpenObject(src->bucket, src->key, src->version_id);
  if (!opened.ok()) {
    if (opened.code() == storage::Code::kNotFound) {
      if (!src->version_id.empty()) {
        return ErrorReply(S3Error::kNoSuchVersion)
            .Field("Key", src->key)
            .Field("VersionId", src->version_id);
      }
      return ErrorReply(S3Error::kNoSuchKey).Field("Key", src->key);
    }
    return StorageError(c, opened.status());
  }
  src->handle = std::move(opened.value());
  const storage::ObjectRecord& record = src->handle->record();
  if (record.is_delete_marker) {
    if (!src->version_id.empty()) {
      return ErrorReply(S3Error::kInvalidRequest,
                        "The source of a copy request may not specifically refer to a delete "
                        "marker by version id.");
    }
    return ErrorReply(S3Error::kNoSuchKey).Field("Key", src->key);
  }
  const http::Headers& h = c.request.headers;
  Preconditions pre;
  if (const std::string* v = h.Find("x-amz-copy-source-if-match")) pre.if_match = *v;
  if (const std::string* v = h.Find("x-amz-copy-source-if-none-match")) pre.if_none_match = *v;
  if (const std::string* v = h.Find("x-amz-copy-source-if-modified-since")) {
    pre.if_modified_since_ms = common::ParseHttpDate(*v);
  }
  if (const std::string* v = h.Find("x-amz-copy-source-if-unmodified-since")) {
    pre.if_unmodified_since_ms = common::ParseHttpDate(*v);
  }
  if (EvaluateConditions(pre, record.etag, record.last_modified_ms) != ConditionOutcome::kProceed) {
    return ErrorReply(S3Error::kPreconditionFailed);
  }
  return std::nullopt;
}

struct Copied {
  storage::BlobRef blob;
  std::string md5_hex;
  std::string checksum;  // base64
};

// Copies [offset, offset + length) of the source into a new staged blob.
storage::Result<Copied> CopyBytes(RequestContext& c, storage::ObjectHandle& source,
                                  uint64_t offset, uint64_t length,
                                  sigv4::ChecksumAlgorithm algorithm) {
  std::unique_ptr<storage::BlobWriter> writer = c.store().NewBlob();
  sigv4::Checksum md5(sigv4::ChecksumAlgorithm::kMd5), sum(algorithm);
  Copied out;
  if (length > 0) {
    std::unique_ptr<storage::BodyReader> reader = source.Body(offset, length);
    std::string buffer(kCopyBuffer, '\0');
    while (size_t n = reader->Read(buffer.data(), buffer.size())) {
      std::string_view piece(buffer.data(), n);
      md5.Update(piece);
      sum.Update(piece);
      storage::Status st = writer->Append(piece);
      if (!st.ok()) return st;
    }
    auto closed = writer->Close();
    if (!closed.ok()) return closed.status();
    out.blob = closed.value();
  } else {
    writer->Abort();
  }
  out.md5_hex = sigv4::HexEncode(md5.Digest());
  out.checksum = sigv4::Base64Encode(sum.Digest());
  return out;
}

void ChecksumElements(XmlWriter& w, std::string_view algorithm, std::string_view value,
                      std::string_view type) {
  if (algorithm.empty()) return;
  w.Element("Checksum" + std::string(algorithm), value);
  if (!type.empty()) w.Element("ChecksumType", type);
}

bool SameSettings(const storage::Attributes& a, const storage::Attributes& b,
                  std::string_view name) {
  const std::string* x = nullptr;
  const std::string* y = nullptr;
  for (const auto& [n, v] : a) {
    if (http::EqualsIgnoreCase(n, name)) x = &v;
  }
  for (const auto& [n, v] : b) {
    if (http::EqualsIgnoreCase(n, name)) y = &v;
  }
  return (x == nullptr) == (y == nullptr) && (x == nullptr || *x == *y);
}

}  // namespace

http::StartResult CopyObject(const Ctx& ctx) {
  RequestContext& c = *ctx;
  const http::Headers& h = c.request.headers;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  std::string_view metadata_directive = h.Get("x-amz-metadata-directive");
  std::string_view tagging_directive = h.Get("x-amz-tagging-directive");
  if (!metadata_directive.empty() && metadata_directive != "COPY" &&
      metadata_directive != "REPLACE") {
    return ErrorResponse(c, ErrorReply(S3Error::kInvalidArgument,
                                       "Unknown metadata directive.")
                                .Field("ArgumentName", "x-amz-metadata-directive")
                                .Field("ArgumentValue", std::string(metadata_directive)));
  }
  if (!tagging_directive.empty() && tagging_directive != "COPY" &&
      tagging_directive != "REPLACE") {
    return ErrorResponse(c, ErrorReply(S3Error::kInvalidArgument, "Unknown tagging directive.")
                                .Field("ArgumentName", "x-amz-tagging-directive")
                                .Field("ArgumentValue", std::string(tagging_directive)));
  }
  CopySource src;
  if (auto err = OpenSource(c, &src)) return ErrorResponse(c, *err);
  const storage::ObjectRecord& source = src.handle->record();
  if (source.size > kMaxCopyBytes) {
    return ErrorResponse(c, ErrorReply(S3Error::kInvalidRequest,
                                       "The specified copy source is larger than the maximum "
                                       "allowable size for a copy source: 5368709120"));
  }

  // The request's own settings (storage class, SSE, website redirect, and with REPLACE the
  // metadata); with COPY the source's representation headers and metadata carry over.
  ObjectSettings requested;
  if (auto err = CollectObjectSettings(h, &requested)) return ErrorResponse(c, *err);
  storage::Attributes attributes;
  if (metadata_directive == "REPLACE") {
    for (const auto& [n, v] : requested.attributes) {
      if (!http::EqualsIgnoreCase(n, "x-amz-tagging")) attributes.emplace_back(n, v);
    }
  } else {
    for (const auto& [n, v] : source.attributes) {
      if (http::EqualsIgnoreCase(n, "x-amz-tagging") ||
          n.starts_with("x-amz-server-side-encryption") || http::EqualsIgnoreCase(n, "x-amz-acl") ||
          http::EqualsIgnoreCase(n, "x-amz-website-redirect-location")) {
        continue;
      }
      attributes.emplace_back(n, v);
    }
    for (const auto& [n, v] : requested.attributes) {
      if (n.starts_with("x-amz-server-side-encryption") || http::EqualsIgnoreCase(n, "x-amz-acl") ||
          http::EqualsIgnoreCase(n, "x-amz-website-redirect-location")) {
        attributes.emplace_back(n, v);
      }
    }
  }
  if (tagging_directive == "REPLACE") {
    if (const std::string* t = h.Find("x-amz-tagging")) attributes.emplace_back("x-amz-tagging", *t);
  } else {
    for (const auto& [n, v] : source.attributes) {
      if (http::EqualsIgnoreCase(n, "x-amz-tagging")) attributes.emplace_back(n, v);
    }
  }

  const bool same_object = src.bucket == bucket.name && src.key == c.target.key &&
                           (src.version_id.empty() || source.is_latest);
  if (same_object && metadata_directive != "REPLACE" &&
      requested.storage_class == source.storage_class &&
      !h.Has("x-amz-server-side-encryption") && !h.Has("x-amz-website-redirect-location") &&
      SameSettings(attributes, source.attributes, "x-amz-server-side-encryption")) {
    return ErrorResponse(c, ErrorReply(S3Error::kInvalidRequest,
                                       "This copy request is illegal because it is trying to copy "
                                       "an object to itself without changing the object's "
                                       "metadata, storage class, website redirect location or "
                                       "encryption attributes."));
  }

  sigv4::ChecksumAlgorithm algorithm = sigv4::ChecksumAlgorithm::kCrc64Nvme;
  if (std::string_view a = h.Get("x-amz-checksum-algorithm"); !a.empty()) {
    auto parsed = sigv4::ParseChecksumAlgorithm(a);
    if (!parsed || *parsed == sigv4::ChecksumAlgorithm::kMd5) {
      return ErrorResponse(c, ErrorReply(S3Error::kInvalidRequest,
                                         "Checksum algorithm provided is unsupported. Please try "
                                         "again with any of the valid types: [CRC32, CRC32C, "
                                         "CRC64NVME, SHA1, SHA256]"));
    }
    algorithm = *parsed;
  } else if (auto kept = sigv4::ParseChecksumAlgorithm(source.checksum_algorithm)) {
    algorithm = *kept;
  }
  auto copied = CopyBytes(c, *src.handle, 0, source.size, algorithm);
  if (!copied.ok()) return ErrorResponse(c, StorageError(c, copied.status()));

  storage::PutObjectInput in;
  in.bucket = bucket.name;
  in.key = c.target.key;
  in.blob = copied->blob;
  in.etag = copied->md5_hex;
  in.owner_account = c.account();
  in.attributes = std::move(attributes);
  in.checksum_algorithm = std::string(sigv4::ChecksumAlgorithmName(algorithm));
  in.checksum_value = copied->checksum;
  in.checksum_type = "FULL_OBJECT";
  in.storage_class = requested.storage_class;
  in.now_ms = common::NowMillis();
  if (h.Get("If-None-Match") == "*") in.condition.if_none_match_any = true;
  auto put = c.store().PutObject(in);
  if (!put.ok()) {
    if (put.code() == storage::Code::kPreconditionFailed) {
      return ErrorResponse(c, ErrorReply(S3Error::kPreconditionFailed)
                                  .Field("Condition", "If-None-Match"));
    }
    return ErrorResponse(c, StorageError(c, put.status()));
  }

  XmlWriter w("CopyObjectResult", true);
  w.Element("LastModified", IsoTimestamp(put->last_modified_ms));
  w.Element("ETag", QuotedEtag(put->etag));
  ChecksumElements(w, put->checksum_algorithm, put->checksum_value, put->checksum_type);
  http::Response r = XmlResponse(c, w.Finish());
  if (!bucket.versioning.empty()) r.headers.Set("x-amz-version-id", put->version_id);
  if (src.versioned_bucket) r.headers.Set("x-amz-copy-source-version-id", source.version_id);
  AddSseHeaders(put->attributes, &r.headers);
  return r;
}

http::StartResult UploadPartCopy(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  uint32_t number = 0;
  storage::MultipartUpload upload;
  if (auto err = ResolvePart(c, &bucket, &number, &upload)) return ErrorResponse(c, *err);
  CopySource src;
  if (auto err = OpenSource(c, &src)) return ErrorResponse(c, *err);
  const storage::ObjectRecord& source = src.handle->record();

  uint64_t offset = 0, length = source.size;
  if (const std::string* range = c.request.headers.Find("x-amz-copy-source-range")) {
    uint64_t first = 0, last = 0;
    std::string_view v = *range;
    size_t dash = v.find('-');
    bool ok = v.starts_with("bytes=") && dash != std::string_view::npos && dash > 6 &&
              dash + 1 < v.size();
    if (ok) {
      auto [p1, e1] = std::from_chars(v.data() + 6, v.data() + dash, first);
      auto [p2, e2] = std::from_chars(v.data() + dash + 1, v.data() + v.size(), last);
      ok = e1 == std::errc() && e2 == std::errc() && p1 == v.data() + dash &&
           p2 == v.data() + v.size() && first <= last;
    }
    if (!ok) {
      return ErrorResponse(c, ErrorReply(S3Error::kInvalidArgument,
                                         "The x-amz-copy-source-range value must be of the form "
                                         "bytes=first-last where first and last are the "
                                         "zero-based offsets of the first and last bytes to copy")
                                  .Field("ArgumentName", "x-amz-copy-source-range")
                                  .Field("ArgumentValue", *range));
    }
    if (last >= source.size) {
      return ErrorResponse(c, ErrorReply(S3Error::kInvalidArgument,
                                         "Range specified is not valid for source object of "
                                         "size: " + std::to_string(source.size))
                                  .Field("ArgumentName", "x-amz-copy-source-range")
                                  .Field("ArgumentValue", *range));
    }
    offset = first;
    length = last - first + 1;
  }
  if (length > kMaxPartBytes) {
    return ErrorResponse(c, ErrorReply(S3Error::kEntityTooLarge)
                                .Field("ProposedSize", std::to_string(length))
                                .Field("MaxSizeAllowed", std::to_string(kMaxPartBytes)));
  }
  sigv4::ChecksumAlgorithm algorithm = sigv4::ChecksumAlgorithm::kCrc64Nvme;
  if (auto a = sigv4::ParseChecksumAlgorithm(upload.checksum_algorithm)) algorithm = *a;
  auto copied = CopyBytes(c, *src.handle, offset, length, algorithm);
  if (!copied.ok()) return ErrorResponse(c, StorageError(c, copied.status()));

  storage::PutPartInput in;
  in.bucket = bucket.name;
  in.key = c.target.key;
  in.upload_id = upload.upload_id;
  in.part_number = number;
  in.blob = copied->blob;
  in.etag = copied->md5_hex;
  in.checksum_value = copied->checksum;
  in.now_ms = common::NowMillis();
  auto part = Multipart(c).PutPart(in);
  if (!part.ok()) {
    if (part.code() == storage::Code::kUploadNotFound) {
      return ErrorResponse(c, ErrorReply(S3Error::kNoSuchUpload)
                                  .Field("UploadId", upload.upload_id));
    }
    return ErrorResponse(c, StorageError(c, part.status()));
  }
  XmlWriter w("CopyPartResult", true);
  w.Element("LastModified", IsoTimestamp(part->last_modified_ms));
  w.Element("ETag", QuotedEtag(part->etag));
  if (!upload.checksum_algorithm.empty()) {
    ChecksumElements(w, upload.checksum_algorithm, part->checksum_value, "");
  }
  http::Response r = XmlResponse(c, w.Finish());
  if (src.versioned_bucket) r.headers.Set("x-amz-copy-source-version-id", source.version_id);
  AddSseHeaders(upload.attributes, &r.headers);
  return r;
}

}  // namespace skiff::s3
