// ListObjects (v1) and ListObjectsV2: parameter validation and the ListBucketResult document.
// Pure: no storage calls, so both halves are unit-tested on their own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "server/s3/errors.h"
#include "server/s3/routes.h"
#include "storage/object_store.h"

namespace skiff::s3 {

inline constexpr size_t kMaxListKeys = 1000;

struct ListParams {
  bool v2 = false;
  std::string prefix;
  std::string delimiter;
  std::string marker;              // v1
  std::string start_after;         // v2
  std::string continuation_token;  // v2, as sent (opaque)
  bool has_continuation_token = false;
  bool has_start_after = false;
  size_t max_keys = kMaxListKeys;            // capped at 1000, as S3 does
  size_t requested_max_keys = kMaxListKeys;  // echoed in MaxKeys
  bool url_encoding = false;
  bool fetch_owner = false;
  // The exclusive key bound for storage: the decoded token, else start-after / marker.
  std::string resume_after;
};

// Validates and decodes the query. Errors are InvalidArgument with ArgumentName/ArgumentValue.
std::optional<ErrorReply> ParseListParams(const QueryParams& query, bool v2, ListParams* out);

// Opaque continuation tokens: URL-safe base64 of the last key or prefix returned.
std::string EncodeContinuationToken(std::string_view last);
std::optional<std::string> DecodeContinuationToken(std::string_view token);

std::string RenderListResult(const ListParams& params, std::string_view bucket,
                             const storage::ListOutput& out);

// S3's ETag in XML and headers: the hex digest in double quotes.
std::string QuotedEtag(std::string_view etag);

// Storage class as S3 reports it ("" -> STANDARD).
std::string_view StorageClassName(std::string_view stored);

// "2026-11-22T11:24:54.000Z". Pure; equivalent to common::IsoDate.
std::string IsoTimestamp(int64_t epoch_ms);

}  // namespace skiff::s3
