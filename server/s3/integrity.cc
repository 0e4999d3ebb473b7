#include "server/s3/integrity.h"

#include <string>

#include "sigv4/checksum.h"

namespace skiff::s3 {

bool HasIntegrityHeader(const http::Headers& h, bool trailer_counts) {
  if (h.Has("Content-MD5")) return true;
  if (trailer_counts && h.Has("x-amz-trailer")) return true;
  for (sigv4::ChecksumAlgorithm a : kRequestChecksums) {
    if (h.Has(sigv4::ChecksumHeaderName(a))) return true;
  }
  return false;
}

ErrorReply MissingIntegrityHeader() {
  return ErrorReply(S3Error::kInvalidRequest,
                    "Missing required header for this request: Content-MD5");
}

std::optional<ErrorReply> VerifyWholeBody(const http::Headers& h, std::string_view body,
                                          bool md5_digest_fields) {
  if (const std::string* md5 = h.Find("Content-MD5")) {
    auto raw = sigv4::Base64Decode(*md5);
    if (!raw || raw->size() != 16) return ErrorReply(S3Error::kInvalidDigest);
    sigv4::Checksum sum(sigv4::ChecksumAlgorithm::kMd5);
    sum.Update(body);
    std::string got = sum.Digest();
    if (got != *raw) {
      ErrorReply r(S3Error::kBadDigest);
      if (md5_digest_fields) {
        r.Field("ExpectedDigest", *md5).Field("CalculatedDigest", sigv4::Base64Encode(got));
      }
      return r;
    }
  }
  for (sigv4::ChecksumAlgorithm a : kRequestChecksums) {
    const std::string* v = h.Find(sigv4::ChecksumHeaderName(a));
    if (!v) continue;
    sigv4::Checksum sum(a);
    sum.Update(body);
    if (sigv4::Base64Encode(sum.Digest()) != *v) {
      return ErrorReply(S3Error::kBadDigest,
                        ChecksumMismatchMessage(sigv4::ChecksumAlgorithmName(a)));
    }
  }
  return std::nullopt;
}

}  // namespace skiff::s3
