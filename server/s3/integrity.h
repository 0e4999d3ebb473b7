// Integrity headers on requests whose whole body is read into memory before it is used
// (configuration documents, object sub-resources, DeleteObjects): Content-MD5 and the
// x-amz-checksum-* headers. Streamed bodies go through BodyReceiver instead.
#pragma once

#include <optional>
#include <string_view>

#include "server/http/message.h"
#include "server/s3/errors.h"
#include "sigv4/checksum.h"

namespace skiff::s3 {

// The algorithms a request may name in an x-amz-checksum-* header or trailer.
inline constexpr sigv4::ChecksumAlgorithm kRequestChecksums[] = {
    sigv4::ChecksumAlgorithm::kCrc32, sigv4::ChecksumAlgorithm::kCrc32c,
    sigv4::ChecksumAlgorithm::kCrc64Nvme, sigv4::ChecksumAlgorithm::kSha1,
    sigv4::ChecksumAlgorithm::kSha256};

// Whether `h` carries Content-MD5 or an x-amz-checksum-* header; with `trailer_counts`, an
// x-amz-trailer counts too (DeleteObjects takes one).
bool HasIntegrityHeader(const http::Headers& h, bool trailer_counts);

// S3's refusal of a request that must carry an integrity header and has none: InvalidRequest
// "Missing required header for this request: Content-MD5".
ErrorReply MissingIntegrityHeader();

// Checks `body` against Content-MD5 (malformed: InvalidDigest; mismatch: BadDigest, with the
// ExpectedDigest and CalculatedDigest fields when `md5_digest_fields`) and then against every
// x-amz-checksum-* header present (BadDigest with S3's checksum mismatch message).
std::optional<ErrorReply> VerifyWholeBody(const http::Headers& h, std::string_view body,
                                          bool md5_digest_fields);

}  // namespace skiff::s3
