// Object metadata carried in headers: what PutObject stores from the request and what
// GetObject / HeadObject send back. Stored attribute names are the response header names
// ("Content-Type", "x-amz-meta-color", "x-amz-server-side-encryption", ...).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "server/http/message.h"
#include "server/s3/errors.h"
#include "storage/object_store.h"

namespace skiff::s3 {

inline constexpr size_t kMaxUserMetadataBytes = 2048;
inline constexpr std::string_view kDefaultContentType = "binary/octet-stream";

struct ObjectSettings {
  storage::Attributes attributes;
  std::string storage_class;  // "" for STANDARD
};

// Validates and collects everything PutObject stores from the request headers: Content-Type
// (default binary/octet-stream), the other representation headers, x-amz-meta-* (names
// lower-cased; 2 KB total of names and values), storage class, SSE settings (AES256 by default,
// as S3 applies it to every new object), canned ACL, tagging and website redirect.
std::optional<ErrorReply> CollectObjectSettings(const http::Headers& headers, ObjectSettings* out);

// Content-Encoding without the aws-chunked transfer coding ("aws-chunked,gzip" -> "gzip").
std::string StripAwsChunked(std::string_view content_encoding);

// Representation headers, user metadata, SSE, storage class (when not STANDARD) and tag count
// of a stored object. ETag, Last-Modified and lengths are the caller's.
void AddObjectHeaders(const storage::ObjectRecord& record, http::Headers* out);

// Only the SSE headers (PutObject's response echoes them).
void AddSseHeaders(const storage::Attributes& attributes, http::Headers* out);

}  // namespace skiff::s3
