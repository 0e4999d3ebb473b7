// GetObject and HeadObject: conditional requests, ranges, response-* overrides, checksums.
#include <array>
#include <optional>
#include <string>

#include "server/common/clock.h"
#include "server/s3/context.h"
#include "server/s3/listing.h"
#include "server/s3/object_headers.h"
#include "server/s3/object_ops.h"
#include "server/s3/ranges.h"

namespace skiff::s3 {
namespace {

// GetObject's response-* query parameters and the headers they override.
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kResponseOverrides = {{
    {"response-content-type", "Content-Type"},
    {"response-content-language", "Content-Language"},
    {"response-expires", "Expires"},
    {"response-cache-control", "Cache-Control"},
    {"response-content-disposition", "Content-Disposition"},
    {"response-content-encoding", "Content-Encoding"},
}};

class BodyAdapter : public http::BodySource {
 public:
  explicit BodyAdapter(std::unique_ptr<storage::BodyReader> reader) : reader_(std::move(reader)) {}
  size_t Read(char* buffer, size_t capacity) override { return reader_->Read(buffer, capacity); }

 private:
  std::unique_ptr<storage::BodyReader> reader_;
};

Preconditions ReadPreconditions(const http::Headers& h) {
  Preconditions p;
  if (const std::string* v = h.Find("If-Match")) p.if_match = *v;
  if (const std::string* v = h.Find("If-None-Match")) p.if_none_match = *v;
  if (const std::string* v = h.Find("If-Modified-Since")) {
    p.if_modified_since_ms = common::ParseHttpDate(*v);
  }
  if (const std::string* v = h.Find("If-Unmodified-Since")) {
    p.if_unmodified_since_ms = common::ParseHttpDate(*v);
  }
  return p;
}

// GetObject?partNumber=N: the bytes of part N of a multipart object (a plain object is one
// part). A part beyond the last is 416 InvalidPartNumber.
std::optional<ErrorReply> PartRange(std::string_view text, const storage::ObjectRecord& record,
                                    RangeResult* range) {
  uint64_t n = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9' || n > 100000) {
      n = 0;
      break;
    }
    n = n * 10 + static_cast<uint64_t>(ch - '0');
  }
  if (text.empty() || n < 1 || n > 10000) {
    return ErrorReply(S3Error::kInvalidArgument,
                      "Part number must be an integer between 1 and 10000, inclusive")
        .Field("ArgumentName", "partNumber")
        .Field("ArgumentValue", std::string(text));
  }
  if (record.part_sizes.empty()) {
    if (n != 1) {
      return ErrorReply(S3Error::kInvalidPartNumber)
          .Field("PartNumberRequested", std::to_string(n))
          .Field("ActualPartCount", "1");
    }
    range->kind = RangeResult::kFull;
    return std::nullopt;
  }
  if (n > record.part_sizes.size()) {
    return ErrorReply(S3Error::kInvalidPartNumber)
        .Field("PartNumberRequested", std::to_string(n))
        .Field("ActualPartCount", std::to_string(record.part_sizes.size()));
  }
  uint64_t offset = 0;
  for (size_t i = 0; i + 1 < n; ++i) offset += record.part_sizes[i];
  range->kind = RangeResult::kPartial;
  range->offset = offset;
  range->length = record.part_sizes[n - 1];
  return std::nullopt;
}

bool IsArchived(std::string_view storage_class) {
  return storage_class == "GLACIER" || storage_class == "DEEP_ARCHIVE";
}

}  // namespace

http::StartResult GetObject(const Ctx& ctx) {
  RequestContext& c = *ctx;
  const bool head = c.head();
  if (c.query.Has("partNumber") && c.request.headers.Has("Range")) {
    return ErrorResponse(c, ErrorReply(S3Error::kInvalidRequest,
                                       "Cannot specify both Range header and partNumber query "
                                       "parameter"));
  }
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  if (auto err = CheckVersionIdParam(c)) return ErrorResponse(c, *err);

  const std::string version_id(c.query.Get("versionId"));
  std::unique_ptr<storage::ObjectHandle> handle;
  storage::ObjectRecord record;
  if (head) {
    auto got = c.store().HeadObject(bucket.name, c.target.key, version_id);
    if (!got.ok()) {
      if (got.code() == storage::Code::kNotFound && !version_id.empty()) {
        return ErrorResponse(c, ErrorReply(S3Error::kNoSuchVersion)
                                    .Field("Key", c.target.key)
                                    .Field("VersionId", version_id));
      }
      return ErrorResponse(c, StorageError(c, got.status()));
    }
    record = std::move(got.value());
  } else {
    auto opened = c.store().OpenObject(bucket.name, c.target.key, version_id);
    if (!opened.ok()) {
      if (opened.code() == storage::Code::kNotFound && !version_id.empty()) {
        return ErrorResponse(c, ErrorReply(S3Error::kNoSuchVersion)
                                    .Field("Key", c.target.key)
                                    .Field("VersionId", version_id));
      }
      return ErrorResponse(c, StorageError(c, opened.status()));
    }
    handle = std::move(opened.value());
    record = handle->record();
  }

  if (record.is_delete_marker) {
    ErrorReply r = version_id.empty() ? ErrorReply(S3Error::kNoSuchKey).Field("Key", c.target.key)
                                      : ErrorReply(S3Error::kMethodNotAllowed)
                                            .Field("Method", c.request.method)
                                            .Field("ResourceType", "DeleteMarker");
    r.Header("x-amz-delete-marker", "true");
    if (record.version_id != "null" || !bucket.versioning.empty()) {
      r.Header("x-amz-version-id", record.version_id);
    }
    return ErrorResponse(c, r);
  }

  const std::string etag = QuotedEtag(record.etag);
  const std::string last_modified = common::HttpDate(record.last_modified_ms);
  switch (EvaluateConditions(ReadPreconditions(c.request.headers), record.etag,
                             record.last_modified_ms)) {
    case ConditionOutcome::kPreconditionFailed: {
      ErrorReply r(S3Error::kPreconditionFailed);
      r.Field("Condition", c.request.headers.Has("If-Match") ? "If-Match" : "If-Unmodified-Since");
      return ErrorResponse(c, r);
    }
    case ConditionOutcome::kNotModified: {
      http::Response r;
      r.status = 304;
      r.omit_body = true;
      r.headers.Set("ETag", etag);
      r.headers.Set("Last-Modified", last_modified);
      return r;
    }
    case ConditionOutcome::kProceed:
      break;
  }

  if (!head && IsArchived(record.storage_class)) {
    ErrorReply r(S3Error::kInvalidObjectState);
    r.Field("StorageClass", record.storage_class);
    return ErrorResponse(c, r);
  }

  RangeResult range;
  if (const std::string* pn = c.query.Find("partNumber")) {
    auto part = PartRange(*pn, record, &range);
    if (part) return ErrorResponse(c, *part);
  } else if (const std::string* rh = c.request.headers.Find("Range")) {
    range = EvaluateRange(*rh, record.size);
    if (range.kind == RangeResult::kUnsatisfiable) {
      ErrorReply r(S3Error::kInvalidRange);
      r.Field("RangeRequested", *rh);
      r.Field("ActualObjectSize", std::to_string(record.size));
      r.Header("Content-Range", "bytes */" + std::to_string(record.size));
      return ErrorResponse(c, r);
    }
  }
  const bool partial = range.kind == RangeResult::kPartial;
  const uint64_t offset = partial ? range.offset : 0;
  const uint64_t length = partial ? range.length : record.size;

  http::Response r;
  r.status = partial ? 206 : 200;
  AddObjectHeaders(record, &r.headers);
  r.headers.Set("ETag", etag);
  r.headers.Set("Last-Modified", last_modified);
  r.headers.Set("Accept-Ranges", "bytes");
  if (partial) r.headers.Set("Content-Range", ContentRange(offset, length, record.size));
  if (!bucket.versioning.empty()) r.headers.Set("x-amz-version-id", record.version_id);
  // S3 sends the part count only to requests that name a part.
  if (record.parts_count > 0 && c.query.Has("partNumber")) {
    r.headers.Set("x-amz-mp-parts-count", std::to_string(record.parts_count));
  }
  // The stored checksum covers the whole object, so S3 never returns it for a range.
  if (!partial && !record.checksum_algorithm.empty() &&
      http::EqualsIgnoreCase(c.request.headers.Get("x-amz-checksum-mode"), "ENABLED")) {
    std::string name = "x-amz-checksum-";
    for (char ch : record.checksum_algorithm) {
      name += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    }
    r.headers.Set(name, record.checksum_value);
    if (!record.checksum_type.empty()) r.headers.Set("x-amz-checksum-type", record.checksum_type);
  }
  for (const auto& [param, header] : kResponseOverrides) {
    if (const std::string* v = c.query.Find(param)) r.headers.Set(std::string(header), *v);
  }
  r.headers.Set("Content-Length", std::to_string(length));
  if (head) {
    r.omit_body = true;
    return r;
  }
  r.headers.Remove("Content-Length");  // the session frames the stream itself
  if (length > 0) {
    r.stream = std::make_unique<BodyAdapter>(handle->Body(offset, length));
    r.stream_length = length;
  }
  return r;
}

}  // namespace skiff::s3
