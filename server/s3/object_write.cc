// PutObject and DeleteObject.
//
// PutObject's body goes through the BodyReceiver pipeline (body_receiver.h): aws-chunked
// decoding, MD5 (the ETag), SHA-256, the requested x-amz-checksum-* (CRC64NVME when none, as S3
// computes by default) -> a storage BlobWriter. Every check happens before the object is
// committed, so a failed request stores nothing.
#include <cstdint>
#include <optional>
#include <string>

#include "server/common/clock.h"
#include "server/s3/body_receiver.h"
#include "server/s3/context.h"
#include "server/s3/listing.h"
#include "server/s3/object_headers.h"
#include "server/s3/object_ops.h"
#include "sigv4/checksum.h"

namespace skiff::s3 {
namespace {

constexpr uint64_t kMaxSinglePutBytes = 5ull * 1024 * 1024 * 1024;

// Everything PutObject decides before the body arrives.
struct PutPlan {
  storage::Bucket bucket;
  std::string key;
  ObjectSettings settings;
  storage::PutCondition condition;
  BodyPlan body;
};

class PutObjectExchange : public http::Exchange {
 public:
  PutObjectExchange(Ctx ctx, PutPlan plan)
      : ctx_(ctx),
        plan_(std::move(plan)),
        receiver_(ctx, std::move(plan_.body), kMaxSinglePutBytes) {}

  bool OnBody(std::string_view data) override { return receiver_.OnBody(data); }

  http::Response Finish() override {
    RequestContext& c = *ctx_;
    if (auto err = receiver_.Finish()) return ErrorResponse(c, *err);
    const sigv4::ChecksumAlgorithm algorithm = receiver_.plan().checksum;
    storage::PutObjectInput in;
    in.bucket = plan_.bucket.name;
    in.key = plan_.key;
    in.blob = receiver_.blob();
    in.etag = receiver_.md5_hex();
    in.owner_account = c.account();
    in.attributes = plan_.settings.attributes;
    in.checksum_algorithm = std::string(sigv4::ChecksumAlgorithmName(algorithm));
    in.checksum_value = receiver_.checksum_value();
    in.checksum_type = "FULL_OBJECT";
    in.storage_class = plan_.settings.storage_class;
    in.condition = plan_.condition;
    in.now_ms = common::NowMillis();
    auto put = c.store().PutObject(in);
    if (!put.ok()) return ErrorResponse(c, CommitError(put.status()));

    http::Response r;
    r.headers.Set("ETag", QuotedEtag(in.etag));
    r.headers.Set(sigv4::ChecksumHeaderName(algorithm), in.checksum_value);
    r.headers.Set("x-amz-checksum-type", "FULL_OBJECT");
    AddSseHeaders(in.attributes, &r.headers);
    if (!plan_.bucket.versioning.empty()) r.headers.Set("x-amz-version-id", put->version_id);
    return r;
  }

 private:
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
  PutPlan plan_;  // plan_.body is moved into receiver_
  BodyReceiver receiver_;
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

  // PutObject alone also takes x-amz-checksum-algorithm for x-amz-sdk-checksum-algorithm.
  plan.body.algorithm_header_fallback = true;
  if (auto err =
          PlanBody(c, kMaxSinglePutBytes, sigv4::ChecksumAlgorithm::kCrc64Nvme, &plan.body)) {
    return ErrorResponse(c, *err);
  }

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
