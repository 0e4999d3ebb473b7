// aws-chunked body decoding (Content-Encoding: aws-chunked), incremental: bytes go in as the
// network delivers them, decoded payload comes out through a callback. Verifies every chunk
// signature (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]), the trailer signature, and the
// trailing x-amz-checksum-* value. Memory use is bounded by the chunk-header line length, not
// by the chunk size.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/checksum.h"
#include "sigv4/sigv4.h"

namespace skiff::sigv4 {

struct ChunkedOptions {
  PayloadMode mode = PayloadMode::kStreamingSigned;
  // For signed modes: from VerifyResult / ParsedAuth of the request.
  std::string signing_key;
  std::string seed_signature;  // the request's Authorization signature
  std::string amz_date;
  Scope scope;
  // Lower-case trailer header names announced in x-amz-trailer (e.g. "x-amz-checksum-crc32").
  std::vector<std::string> expected_trailers;
  // x-amz-decoded-content-length when the request sent it: the decoded payload must have exactly
  // this many bytes (kDecodedLengthMismatch, reported as soon as it is exceeded).
  std::optional<uint64_t> decoded_content_length;
};

// Framing: "<hex-size>;chunk-signature=<sig>\r\n<data>\r\n" per chunk (no extension in
// STREAMING-UNSIGNED-PAYLOAD-TRAILER), a final zero-size chunk, then either "\r\n" or trailer
// lines ("x-amz-checksum-crc32:<b64>\r\n", plus "x-amz-trailer-signature:<sig>\r\n" when
// signed) and "\r\n". A chunk's bytes reach the sink before its signature (which follows the
// data) can be checked: callers must stage the output and discard it if Feed/Finish fail.
class ChunkedDecoder {
 public:
  using Sink = std::function<void(std::string_view decoded)>;
  ChunkedDecoder(ChunkedOptions options, Sink sink);
  ~ChunkedDecoder();

  // Feeds raw body bytes. Returns kNone or the first error (after which it stays failed).
  Error Feed(std::string_view data);
  // Call at end of body. Checks the final chunk and trailer were seen and the trailing
  // checksum matches.
  Error Finish();

  uint64_t decoded_length() const;
  // Trailer fields received ("x-amz-checksum-crc32" -> base64 value).
  const std::vector<std::pair<std::string, std::string>>& trailers() const;
  const std::string& error_detail() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::sigv4
