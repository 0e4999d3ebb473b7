// The streaming body pipeline of the operations that store a body as a blob (PutObject,
// UploadPart): framing (Content-Length or aws-chunked with chunk signatures and trailers), MD5 for
// the ETag, SHA-256 against x-amz-content-sha256, Content-MD5, and one x-amz-checksum-*
// algorithm; bytes go to a storage BlobWriter as they arrive, so memory stays bounded whatever
// the size.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "server/s3/context.h"
#include "sigv4/checksum.h"
#include "sigv4/chunked.h"

namespace skiff::s3 {

struct BodyPlan {
  bool chunked = false;
  sigv4::ChunkedOptions chunked_options;
  uint64_t expected_length = 0;
  std::optional<std::string> content_md5;      // base64, validated to 16 bytes
  std::optional<std::string> expected_sha256;  // lower-case hex
  sigv4::ChecksumAlgorithm checksum = sigv4::ChecksumAlgorithm::kCrc64Nvme;
  bool checksum_requested = false;  // the client named an algorithm (header or trailer)
  std::optional<std::string> checksum_expected;
  bool checksum_in_trailer = false;
  // Input, set before PlanBody: also take x-amz-checksum-algorithm when
  // x-amz-sdk-checksum-algorithm is absent (PutObject does, UploadPart does not).
  bool algorithm_header_fallback = false;
};

// Reads the request's framing and integrity headers. `default_checksum` is computed when the
// client names none. Errors: MissingContentLength, EntityTooLarge (over `max_bytes`),
// InvalidDigest, InvalidRequest for checksum headers, NotImplemented for plain HTTP chunking.
std::optional<ErrorReply> PlanBody(const RequestContext& c, uint64_t max_bytes,
                                   sigv4::ChecksumAlgorithm default_checksum, BodyPlan* plan);

class BodyReceiver {
 public:
  BodyReceiver(Ctx ctx, BodyPlan plan, uint64_t max_bytes);
  // False once an error is known (stop reading).
  bool OnBody(std::string_view data);
  // Verifies lengths, signatures and digests and closes the blob; the error otherwise (the
  // staged data is dropped then).
  std::optional<ErrorReply> Finish();
  // After a successful Finish():
  storage::BlobRef blob() const { return blob_ref_; }
  const std::string& md5_hex() const { return md5_hex_; }
  const std::string& checksum_value() const { return checksum_value_; }  // base64
  const BodyPlan& plan() const { return plan_; }

 private:
  void Consume(std::string_view data);
  ErrorReply DecoderError(sigv4::Error e);
  std::optional<ErrorReply> Verify();

  Ctx ctx_;
  BodyPlan plan_;
  uint64_t max_bytes_;
  sigv4::Checksum md5_;
  std::optional<sigv4::Checksum> sha256_;
  sigv4::Checksum checksum_;
  std::unique_ptr<storage::BlobWriter> blob_;
  std::unique_ptr<sigv4::ChunkedDecoder> decoder_;
  uint64_t received_ = 0;
  uint64_t decoded_ = 0;
  storage::BlobRef blob_ref_;
  std::string md5_hex_;
  std::string checksum_value_;
  std::optional<ErrorReply> error_;
};

}  // namespace skiff::s3
