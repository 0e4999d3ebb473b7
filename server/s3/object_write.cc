// PutObject (the streaming body pipeline) and DeleteObject.
//
// PutObject's body flows: raw bytes -> aws-chunked decoding (when the request is streaming) ->
// MD5 (the ETag), SHA-256 (when x-amz-content-sha256 is a hex digest), the requested
// x-amz-checksum-* (CRC64NVME when none, as S3 computes by default) -> a storage BlobWriter.
// Every check happens before the object is committed, so a failed request stores nothing.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

#include "server/common/clock.h"
#include "server/s3/context.h"
#include "server/s3/listing.h"
#include "server/s3/object_headers.h"
#include "server/s3/object_ops.h"
#include "sigv4/checksum.h"
#include "sigv4/chunked.h"

namespace skiff::s3 {
namespace {

constexpr uint64_t kMaxSinglePutBytes = 5ull * 1024 * 1024 * 1024;

constexpr sigv4::ChecksumAlgorithm kRequestChecksums[] = {
    sigv4::ChecksumAlgorithm::kCrc32, sigv4::ChecksumAlgorithm::kCrc32c,
    sigv4::ChecksumAlgorithm::kCrc64Nvme, sigv4::ChecksumAlgorithm::kSha1,
    sigv4::ChecksumAlgorithm::kSha256};

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

bool IsHexSha256(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Everything PutObject decides before the body arrives.
struct PutPlan {
  storage::Bucket bucket;
  std::string key;
  ObjectSettings settings;
  storage::PutCondition condition;
  std::optional<std::string> content_md5;      // as sent (base64), validated to 16 bytes
  std::optional<std::string> expected_sha256;  // lower-case hex
  sigv4::ChecksumAlgorithm checksum = sigv4::ChecksumAlgorithm::kCrc64Nvme;
  std::optional<std::string> checksum_expected;  // base64, from the header
  bool checksum_in_trailer = false;
  bool chunked = false;
  sigv4::ChunkedOptions chunked_options;
  uint64_t expected_length = 0;
};

std::optional<ErrorReply> PlanChecksum(const http::Headers& h, PutPlan* plan) {
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
    // x-amz-trailer: "x-amz-checksum-crc32" (a comma list in general): the value comes last.
    std::string_view trailer = h.Get("x-amz-trailer");
    while (!trailer.empty() && found == 0) {
      size_t comma = trailer.find(',');
      std::string item = Lower(trailer.substr(0, comma));
      trailer = comma == std::string_view::npos ? std::string_view() : trailer.substr(comma + 1);
      while (!item.empty() && item.front() == ' ') item.erase(0, 1);
      while (!item.empty() && item.back() == ' ') item.pop_back();
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
  std::string_view sdk_alg = h.Get("x-amz-sdk-checksum-algorithm");
  if (sdk_alg.empty()) sdk_alg = h.Get("x-amz-checksum-algorithm");
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

class PutObjectExchange : public http::Exchange {
 public:
  PutObjectExchange(Ctx ctx, PutPlan plan)
      : ctx_(std::move(ctx)),
        plan_(std::move(plan)),
        md5_(sigv4::ChecksumAlgorithm::kMd5),
        checksum_(plan_.checksum) {
    if (plan_.expected_sha256) sha256_.emplace(sigv4::ChecksumAlgorithm::kSha256);
    blob_ = ctx_->store().NewBlob();
    if (!blob_) error_ = ErrorReply(S3Error::kInternalError);
    if (plan_.chunked) {
      decoder_ = std::make_unique<sigv4::ChunkedDecoder>(
          plan_.chunked_options, [this](std::string_view d) { Consume(d); });
    }
  }

  bool OnBody(std::string_view data) override {
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

  http::Response Finish() override {
    if (!error_) error_ = Verify();
    RequestContext& c = *ctx_;
    if (error_) {
      if (blob_) blob_->Abort();
      return ErrorResponse(c, *error_);
    }
    storage::BlobRef ref;
    if (decoded_ > 0) {
      auto closed = blob_->Close();
      if (!closed.ok()) return ErrorResponse(c, StorageError(c, closed.status()));
      ref = closed.value();
    } else {
      blob_->Abort();
    }
    storage::PutObjectInput in;
    in.bucket = plan_.bucket.name;
    in.key = plan_.key;
    in.blob = ref;
    in.etag = sigv4::HexEncode(md5_digest_);
    in.owner_account = c.account();
    in.attributes = plan_.settings.attributes;
    in.checksum_algorithm = std::string(sigv4::ChecksumAlgorithmName(plan_.checksum));
    in.checksum_value = checksum_value_;
    in.checksum_type = "FULL_OBJECT";
    in.storage_class = plan_.settings.storage_class;
    in.condition = plan_.condition;
    in.now_ms = common::NowMillis();
    auto put = c.store().PutObject(in);
    if (!put.ok()) return ErrorResponse(c, CommitError(put.status()));

    http::Response r;
    r.headers.Set("ETag", QuotedEtag(in.etag));
    r.headers.Set(sigv4::ChecksumHeaderName(plan_.checksum), checksum_value_);
    r.headers.Set("x-amz-checksum-type", "FULL_OBJECT");
    AddSseHeaders(in.attributes, &r.headers);
    if (!plan_.bucket.versioning.empty()) r.headers.Set("x-amz-version-id", put->version_id);
    return r;
  }

 private:
  void Consume(std::string_view data) {
    if (error_) return;
    decoded_ += data.size();
    if (decoded_ > kMaxSinglePutBytes) {
      error_ = ErrorReply(S3Error::kEntityTooLarge)
                   .Field("ProposedSize", std::to_string(plan_.expected_length))
                   .Field("MaxSizeAllowed", std::to_string(kMaxSinglePutBytes));
      return;
    }
    md5_.Update(data);
    if (sha256_) sha256_->Update(data);
    checksum_.Update(data);
    storage::Status st = blob_->Append(data);
    if (!st.ok()) error_ = StorageError(*ctx_, st);
  }

  ErrorReply DecoderError(sigv4::Error e) {
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

  std::optional<ErrorReply> Verify() {
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
    md5_digest_ = md5_.Digest();
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
      std::string got = sigv4::Base64Encode(md5_digest_);
      if (got != *plan_.content_md5) {
        return ErrorReply(S3Error::kBadDigest)
            .Field("ExpectedDigest", *plan_.content_md5)
            .Field("CalculatedDigest", got);
      }
    }
    return std::nullopt;
  }

  ErrorReply CommitError(const storage::Status& st) {
    RequestContext& c = *ctx_;
    if (st.code() == storage::Code::kPreconditionFailed) {
      if (plan_.condition.if_match_etag) {
        // A conditional write with If-Match on a missing key is 404 NoSuchKey in S3.
        auto head = c.store().HeadObject(plan_.bucket.name, plan_.key, "");
        if (head.code() == storage::Code::kNotFound || (head.ok() && head->is_delete_marker)) {
          return ErrorReply(S3Error::kNoSuchKey).Field("Key", plan_.key);
        }
        return ErrorReply(S3Error::kPreconditionFailed).Field("Condition", "If-Match");
      }
      return ErrorReply(S3Error::kPreconditionFailed).Field("Condition", "If-None-Match");
    }
    return StorageError(c, st);
  }

  Ctx ctx_;
  PutPlan plan_;
  sigv4::Checksum md5_;
  std::optional<sigv4::Checksum> sha256_;
  sigv4::Checksum checksum_;
  std::unique_ptr<storage::BlobWriter> blob_;
  std::unique_ptr<sigv4::ChunkedDecoder> decoder_;
  uint64_t received_ = 0;
  uint64_t decoded_ = 0;
  std::string checksum_value_;
  std::string md5_digest_;  // raw, set by Verify()
  std::optional<ErrorReply> error_;
};

}  // namespace

// With ACLs disabled (Object Ownership BucketOwnerEnforced, the default), S3 accepts a PUT
// without ACL or with an ACL granting only the bucket owner full control (bucket-owner-full-
// control, or private from the owner itself, which rclone sends by default) and refuses any
// other canned ACL or grant. Only the owner's requests get here (ResolveBucket).
std::optional<ErrorReply> CheckObjectAcl(RequestContext& c, const std::string& bucket) {
  const std::string* acl = c.request.headers.Find("x-amz-acl");
  bool grants = false;
  for (const auto& f : c.request.headers.fields()) {
    if (f.name.size() > 12 && http::EqualsIgnoreCase(f.name.substr(0, 12), "x-amz-grant-")) {
      grants = true;
    }
  }
  if (!grants && (!acl || *acl == "bucket-owner-full-control" || *acl == "private")) {
    return std::nullopt;
  }
  auto ownership = c.store().GetBucketConfig(bucket, kOwnershipConfig);
  if (!ownership.ok() && ownership.code() != storage::Code::kNotFound) {
    return StorageError(c, ownership.status());
  }
  if (!ownership.ok() || ownership.value() == kOwnerEnforced) {
    return ErrorReply(S3Error::kAccessControlListNotSupported);
  }
  return std::nullopt;
}

http::StartResult PutObject(const Ctx& ctx) {
  RequestContext& c = *ctx;
  const http::Headers& h = c.request.headers;
  PutPlan plan;
  if (auto err = ResolveBucket(c, &plan.bucket)) return ErrorResponse(c, *err);
  plan.key = c.target.key;
  if (auto err = CollectObjectSettings(h, &plan.settings)) return ErrorResponse(c, *err);
  if (auto err = CheckObjectAcl(c, plan.bucket.name)) return ErrorResponse(c, *err);

  const sigv4::ParsedAuth& auth = c.auth.parsed;
  const bool aws_chunked =
      StripAwsChunked(h.Get("Content-Encoding")).size() != h.Get("Content-Encoding").size();
  plan.chunked = IsStreaming(auth.payload_mode) || aws_chunked;
  if (plan.chunked) {
    const std::string* decoded = h.Find("x-amz-decoded-content-length");
    uint64_t n = 0;
    if (!decoded || decoded->empty() ||
        decoded->find_first_not_of("0123456789") != std::string::npos) {
      return ErrorResponse(c, ErrorReply(S3Error::kMissingContentLength));
    }
    auto [end, ec] = std::from_chars(decoded->data(), decoded->data() + decoded->size(), n);
    // Too many digits for 64 bits is certainly beyond the single-PUT limit.
    plan.expected_length = ec == std::errc() ? n : UINT64_MAX;
    sigv4::ChunkedOptions& o = plan.chunked_options;
    o.mode = IsStreaming(auth.payload_mode) ? auth.payload_mode
                                            : sigv4::PayloadMode::kStreamingUnsignedTrailer;
    o.signing_key = c.auth.verify.signing_key;
    o.seed_signature = auth.signature;
    o.amz_date = auth.amz_date;
    o.scope = auth.scope;
    std::string_view trailer = h.Get("x-amz-trailer");
    while (!trailer.empty()) {
      size_t comma = trailer.find(',');
      std::string_view item = trailer.substr(0, comma);
      trailer = comma == std::string_view::npos ? std::string_view() : trailer.substr(comma + 1);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (!item.empty()) o.expected_trailers.push_back(Lower(item));
    }
  } else {
    if (c.request.chunked) {
      // S3 takes HTTP-chunked bodies only when they carry aws-chunked framing.
      return ErrorResponse(
          c, ErrorReply(S3Error::kNotImplemented).Field("Header", "Transfer-Encoding"));
    }
    if (!c.request.content_length) {
      return ErrorResponse(c, ErrorReply(S3Error::kMissingContentLength));
    }
    plan.expected_length = *c.request.content_length;
    if (auth.payload_mode == sigv4::PayloadMode::kHex && IsHexSha256(auth.payload_hash)) {
      plan.expected_sha256 = Lower(auth.payload_hash);
    }
  }
  if (plan.expected_length > kMaxSinglePutBytes) {
    return ErrorResponse(c, ErrorReply(S3Error::kEntityTooLarge)
                                .Field("ProposedSize", std::to_string(plan.expected_length))
                                .Field("MaxSizeAllowed", std::to_string(kMaxSinglePutBytes)));
  }

  if (const std::string* md5 = h.Find("Content-MD5")) {
    auto raw = sigv4::Base64Decode(*md5);
    if (!raw || raw->size() != 16) return ErrorResponse(c, ErrorReply(S3Error::kInvalidDigest));
    plan.content_md5 = sigv4::Base64Encode(*raw);
  }
  if (auto err = PlanChecksum(h, &plan)) return ErrorResponse(c, *err);

  if (const std::string* inm = h.Find("If-None-Match")) {
    if (*inm != "*") {
      return ErrorResponse(c, ErrorReply(S3Error::kNotImplemented)
                                  .Field("Header", "If-None-Match")
                                  .Field("AdditionalMessage",
                                         "We don't accept the provided value of If-None-Match "
                                         "header for this API"));
    }
    plan.condition.if_none_match_any = true;
  }
  if (const std::string* im = h.Find("If-Match")) {
    std::string_view v = *im;
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    plan.condition.if_match_etag = std::string(v);
  }
  return std::unique_ptr<http::Exchange>(std::make_unique<PutObjectExchange>(ctx, std::move(plan)));
}

http::StartResult DeleteObject(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  if (auto err = CheckVersionIdParam(c)) return ErrorResponse(c, *err);
  auto result = c.store().DeleteObject(bucket.name, c.target.key, c.query.Get("versionId"),
                                       common::NowMillis());
  if (!result.ok()) return ErrorResponse(c, StorageError(c, result.status()));
  http::Response r;
  r.status = 204;
  if (result->delete_marker) r.headers.Set("x-amz-delete-marker", "true");
  if (!result->version_id.empty() && !bucket.versioning.empty()) {
    r.headers.Set("x-amz-version-id", result->version_id);
  }
  return r;
}

}  // namespace skiff::s3
