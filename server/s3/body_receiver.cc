#include "server/s3/body_receiver.h"

#include <charconv>

#include "server/s3/integrity.h"
#include "server/s3/object_headers.h"

namespace skiff::s3 {
namespace {

size_t DigestSize(sigv4::ChecksumAlgorithm a) {
  switch (a) {
    case sigv4::ChecksumAlgorithm::kCrc32:
    case sigv4::ChecksumAlgorithm::kCrc32c:
      return 4;
    case sigv4::ChecksumAlgorithm::kCrc64Nvme:
      return 8;
    case sigv4::ChecksumAlgorithm::kSha1:
      return 20;
    case sigv4::ChecksumAlgorithm::kSha256:
      return 32;
    case sigv4::ChecksumAlgorithm::kMd5:
      return 16;
  }
  return 0;
}

bool IsStreaming(sigv4::PayloadMode m) {
  return m == sigv4::PayloadMode::kStreamingSigned ||
         m == sigv4::PayloadMode::kStreamingSignedTrailer ||
         m == sigv4::PayloadMode::kStreamingUnsignedTrailer;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view item) {
  while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
  while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
  return item;
}

std::optional<ErrorReply> PlanChecksum(const http::Headers& h, BodyPlan* plan) {
  int found = 0;
  for (sigv4::ChecksumAlgorithm a : kRequestChecksums) {
    const std::string name = sigv4::ChecksumHeaderName(a);
    const std::string* v = h.Find(name);
    if (!v) continue;
    if (++found > 1) {
      return ErrorReply(S3Error::kInvalidRequest,
                        "Expecting a single x-amz-checksum- header. Multiple checksum Types are "
                        "not allowed.");
    }
    auto raw = sigv4::Base64Decode(*v);
    if (!raw || raw->size() != DigestSize(a)) {
      return ErrorReply(S3Error::kInvalidRequest, "Value for " + name + " header is invalid.");
    }
    plan->checksum = a;
    plan->checksum_expected = *v;
  }
  if (found == 0) {
    std::string_view trailer = h.Get("x-amz-trailer");
    while (!trailer.empty() && found == 0) {
      size_t comma = trailer.find(',');
      std::string item = Lower(Trim(trailer.substr(0, comma)));
      trailer = comma == std::string_view::npos ? std::string_view() : trailer.substr(comma + 1);
      for (sigv4::ChecksumAlgorithm a : kRequestChecksums) {
        if (item == sigv4::ChecksumHeaderName(a)) {
          plan->checksum = a;
          plan->checksum_in_trailer = true;
          ++found;
          break;
        }
      }
    }
  }
  plan->checksum_requested = found > 0;
  std::string_view sdk_alg = h.Get("x-amz-sdk-checksum-algorithm");
  if (sdk_alg.empty() && plan->algorithm_header_fallback) {
    sdk_alg = h.Get("x-amz-checksum-algorithm");
  }
  if (!sdk_alg.empty()) {
    auto a = sigv4::ParseChecksumAlgorithm(sdk_alg);
    if (!a || *a == sigv4::ChecksumAlgorithm::kMd5) {
      return ErrorReply(S3Error::kInvalidRequest,
                        "Checksum algorithm provided is unsupported. Please try again with any "
                        "of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
    }
    if (found == 0) {
      return ErrorReply(S3Error::kInvalidRequest,
                        "x-amz-sdk-checksum-algorithm specified, but no corresponding "
                        "x-amz-checksum-* or x-amz-trailer headers were found.");
    }
    if (*a != plan->checksum) {
      return ErrorReply(S3Error::kInvalidRequest,
                        "Value for x-amz-sdk-checksum-algorithm header is invalid.");
    }
  }
  return std::nullopt;
}

ErrorReply TooLarge(uint64_t proposed, uint64_t max) {
  return ErrorReply(S3Error::kEntityTooLarge)
      .Field("ProposedSize", std::to_string(proposed))
      .Field("MaxSizeAllowed", std::to_string(max));
}

}  // namespace

std::optional<ErrorReply> PlanBody(const RequestContext& c, uint64_t max_bytes,
                                   sigv4::ChecksumAlgorithm default_checksum, BodyPlan* plan) {
  const http::Headers& h = c.request.headers;
  const sigv4::ParsedAuth& auth = c.auth.parsed;
  plan->checksum = default_checksum;
  const bool aws_chunked =
      StripAwsChunked(h.Get("Content-Encoding")).size() != h.Get("Content-Encoding").size();
  plan->chunked = IsStreaming(auth.payload_mode) || aws_chunked;
  if (plan->chunked) {
    const std::string* decoded = h.Find("x-amz-decoded-content-length");
    uint64_t n = 0;
    if (!decoded || decoded->empty() ||
        decoded->find_first_not_of("0123456789") != std::string::npos) {
      return ErrorReply(S3Error::kMissingContentLength);
    }
    auto [end, ec] = std::from_chars(decoded->data(), decoded->data() + decoded->size(), n);
    plan->expected_length = ec == std::errc() ? n : UINT64_MAX;
    sigv4::ChunkedOptions& o = plan->chunked_options;
    o.mode = IsStreaming(auth.payload_mode) ? auth.payload_mode
                                            : sigv4::PayloadMode::kStreamingUnsignedTrailer;
    o.signing_key = c.auth.verify.signing_key;
    o.seed_signature = auth.signature;
    o.amz_date = auth.amz_date;
    o.scope = auth.scope;
    std::string_view trailer = h.Get("x-amz-trailer");
    while (!trailer.empty()) {
      size_t comma = trailer.find(',');
      std::string_view item = Trim(trailer.substr(0, comma));
      trailer = comma == std::string_view::npos ? std::string_view() : trailer.substr(comma + 1);
      if (!item.empty()) o.expected_trailers.push_back(Lower(item));
    }
  } else {
    if (c.request.chunked) {
      return ErrorReply(S3Error::kNotImplemented).Field("Header", "Transfer-Encoding");
    }
    if (!c.request.content_length) return ErrorReply(S3Error::kMissingContentLength);
    plan->expected_length = *c.request.content_length;
    std::string_view hash = auth.payload_hash;
    if (auth.payload_mode == sigv4::PayloadMode::kHex && hash.size() == 64 &&
        hash.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos) {
      plan->expected_sha256 = Lower(hash);
    }
  }
  if (plan->expected_length > max_bytes) return TooLarge(plan->expected_length, max_bytes);
  if (const std::string* md5 = h.Find("Content-MD5")) {
    auto raw = sigv4::Base64Decode(*md5);
    if (!raw || raw->size() != 16) return ErrorReply(S3Error::kInvalidDigest);
    plan->content_md5 = sigv4::Base64Encode(*raw);
  }
  return PlanChecksum(h, plan);
}

BodyReceiver::BodyReceiver(Ctx ctx, BodyPlan plan, uint64_t max_bytes)
    : ctx_(std::move(ctx)),
      plan_(std::move(plan)),
      max_bytes_(max_bytes),
      md5_(sigv4::ChecksumAlgorithm::kMd5),
      checksum_(plan_.checksum) {
  if (plan_.expected_sha256) sha256_.emplace(sigv4::ChecksumAlgorithm::kSha256);
  blob_ = ctx_->store().NewBlob();
  if (!blob_) error_ = ErrorReply(S3Error::kInternalError);
  if (plan_.chunked) {
    decoder_ = std::make_unique<sigv4::ChunkedDecoder>(plan_.chunked_options,
                                                       [this](std::string_view d) { Consume(d); });
  }
}

bool BodyReceiver::OnBody(std::string_view data) {
  if (error_) return false;
  received_ += data.size();
  if (decoder_) {
    sigv4::Error e = decoder_->Feed(data);
    if (e != sigv4::Error::kNone && !error_) error_ = DecoderError(e);
  } else {
    Consume(data);
  }
  return !error_;
}

std::optional<ErrorReply> BodyReceiver::Finish() {
  if (!error_) error_ = Verify();
  if (!error_ && decoded_ > 0) {
    auto closed = blob_->Close();
    if (closed.ok()) {
      blob_ref_ = closed.value();
    } else {
      error_ = StorageError(*ctx_, closed.status());
    }
  }
  if (error_ || decoded_ == 0) {
    if (blob_) blob_->Abort();
  }
  return error_;
}

void BodyReceiver::Consume(std::string_view data) {
  if (error_) return;
  decoded_ += data.size();
  if (decoded_ > max_bytes_) {
    error_ = TooLarge(plan_.expected_length, max_bytes_);
    return;
  }
  md5_.Update(data);
  if (sha256_) sha256_->Update(data);
  checksum_.Update(data);
  storage::Status st = blob_->Append(data);
  if (!st.ok()) error_ = StorageError(*ctx_, st);
}

ErrorReply BodyReceiver::DecoderError(sigv4::Error e) {
  ctx_->record.error_detail = decoder_->error_detail();
  if (e == sigv4::Error::kTrailerChecksumMismatch) {
    return ErrorReply(S3Error::kBadDigest,
                      ChecksumMismatchMessage(sigv4::ChecksumAlgorithmName(plan_.checksum)));
  }
  ErrorReply r(FromSigV4(e, false));
  if (r.error == S3Error::kSignatureDoesNotMatch) {
    r.Field("AWSAccessKeyId", ctx_->auth.parsed.access_key);
  }
  return r;
}

std::optional<ErrorReply> BodyReceiver::Verify() {
  if (decoder_) {
    sigv4::Error e = decoder_->Finish();
    if (e != sigv4::Error::kNone) return DecoderError(e);
  } else if (received_ != plan_.expected_length) {
    return ErrorReply(S3Error::kIncompleteBody);
  }
  if (decoded_ != plan_.expected_length) return ErrorReply(S3Error::kIncompleteBody);
  if (sha256_) {
    std::string got = sigv4::HexEncode(sha256_->Digest());
    if (got != *plan_.expected_sha256) {
      return ErrorReply(S3Error::kXAmzContentSHA256Mismatch)
          .Field("ClientComputedContentSHA256", *plan_.expected_sha256)
          .Field("S3ComputedContentSHA256", got);
    }
  }
  std::string md5 = md5_.Digest();
  md5_hex_ = sigv4::HexEncode(md5);
  checksum_value_ = sigv4::Base64Encode(checksum_.Digest());
  std::optional<std::string> expected = plan_.checksum_expected;
  if (plan_.checksum_in_trailer && decoder_) {
    const std::string name = sigv4::ChecksumHeaderName(plan_.checksum);
    for (const auto& [n, v] : decoder_->trailers()) {
      if (http::EqualsIgnoreCase(n, name)) expected = v;
    }
    if (!expected) return ErrorReply(S3Error::kMalformedTrailerError);
  }
  if (expected && *expected != checksum_value_) {
    return ErrorReply(S3Error::kBadDigest,
                      ChecksumMismatchMessage(sigv4::ChecksumAlgorithmName(plan_.checksum)));
  }
  if (plan_.content_md5) {
    std::string got = sigv4::Base64Encode(md5);
    if (got != *plan_.content_md5) {
      return ErrorReply(S3Error::kBadDigest)
          .Field("ExpectedDigest", *plan_.content_md5)
          .Field("CalculatedDigest", got);
    }
  }
  return std::nullopt;
}

}  // namespace skiff::s3
