// Bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation.
#include <algorithm>
#include <array>
#include <charconv>
#include <string>

#include "server/common/clock.h"
#include "server/s3/bucket_names.h"
#include "server/s3/context.h"
#include "server/s3/listing.h"
#include "server/s3/owner.h"
#include "server/s3/request_bodies.h"
#include "server/s3/xml.h"

namespace skiff::s3 {
namespace {

constexpr size_t kMaxConfigurationBody = 64 * 1024;
constexpr std::string_view kUsEast1 = "us-east-1";
constexpr std::string_view kDefaultPublicAccessBlock =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PublicAccessBlockConfiguration "
    "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><BlockPublicAcls>true</BlockPublicAcls>"
    "<IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy>"
    "<RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>";

constexpr std::array<std::string_view, 8> kCannedAcls = {
    "private",       "public-read",       "public-read-write",         "authenticated-read",
    "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write"};

bool HasGrantHeader(const http::Headers& h) {
  for (const auto& f : h.fields()) {
    if (f.name.size() > 12 && http::EqualsIgnoreCase(f.name.substr(0, 12), "x-amz-grant-")) {
      return true;
    }
  }
  return false;
}

bool IsCannedAcl(std::string_view v) {
  return std::find(kCannedAcls.begin(), kCannedAcls.end(), v) != kCannedAcls.end();
}

ErrorReply InvalidArgument(std::string message, std::string name, std::string value) {
  ErrorReply r(S3Error::kInvalidArgument, std::move(message));
  r.Field("ArgumentName", std::move(name));
  r.Field("ArgumentValue", std::move(value));
  return r;
}

std::string IncompatibleConstraintMessage(std::string_view constraint) {
  return "The " + std::string(constraint) +
         " location constraint is incompatible for the region specific endpoint this request "
         "was sent to.";
}

http::Response CreateBucketWithBody(RequestContext& ctx, const std::string& body) {
  std::string constraint;
  if (!ParseLocationConstraint(body, &constraint)) {
    return ErrorResponse(ctx, ErrorReply(S3Error::kMalformedXML));
  }
  const std::string& region = ctx.region();
  // "EU" is S3's legacy name for eu-west-1.
  std::string effective = constraint == "EU" ? "eu-west-1" : constraint;
  if (constraint.empty()) {
    // No constraint means us-east-1; other regional endpoints refuse it.
    if (region != kUsEast1) {
      return ErrorResponse(ctx, ErrorReply(S3Error::kIllegalLocationConstraintException));
    }
    effective = std::string(kUsEast1);
  } else if (constraint == kUsEast1) {
    // us-east-1 is expressed by leaving the constraint out; naming it is refused.
    ErrorReply r(S3Error::kInvalidLocationConstraint);
    r.Field("LocationConstraint", constraint);
    return ErrorResponse(ctx, r);
  } else if (effective != region) {
    return ErrorResponse(ctx, ErrorReply(S3Error::kIllegalLocationConstraintException,
                                         IncompatibleConstraintMessage(constraint)));
  }

  auto answer_existing = [&](const storage::Bucket& existing) {
    if (existing.owner_account != ctx.account()) {
      ErrorReply r(S3Error::kBucketAlreadyExists);
      r.Field("BucketName", ctx.target.bucket);
      return ErrorResponse(ctx, r);
    }
    if (existing.region == kUsEast1 && region == kUsEast1) {
      // Legacy behaviour of us-east-1: re-creating your own bucket succeeds.
      http::Response ok;
      ok.headers.Set("Location", "/" + ctx.target.bucket);
      return ok;
    }
    ErrorReply r(S3Error::kBucketAlreadyOwnedByYou);
    r.Field("BucketName", ctx.target.bucket);
    return ErrorResponse(ctx, r);
  };

  storage::Bucket bucket;
  bucket.name = ctx.target.bucket;
  bucket.owner_account = ctx.account();
  bucket.region = effective;
  bucket.created_ms = common::NowMillis();
  if (http::EqualsIgnoreCase(ctx.request.headers.Get("x-amz-bucket-object-lock-enabled"), "true")) {
    // Object Lock needs versioning; S3 enables it with the lock.
    bucket.object_lock_enabled = true;
    bucket.versioning = "Enabled";
  }
  storage::Status st = ctx.store().CreateBucket(bucket);
  if (st.code() == storage::Code::kBucketExists) {
    auto existing = ctx.store().GetBucket(bucket.name);
    if (existing.ok()) return answer_existing(existing.value());
    return ErrorResponse(ctx, StorageError(ctx, existing.status()));
  }
  if (!st.ok()) return ErrorResponse(ctx, StorageError(ctx, st));
  {
    // Since April 2023 S3 turns Block Public Access on for every new bucket: a real document,
    // which DeletePublicAccessBlock removes.
    storage::Status pab_st = ctx.store().PutBucketConfig(bucket.name, "publicAccessBlock",
                                                         kDefaultPublicAccessBlock);
    if (!pab_st.ok()) return ErrorResponse(ctx, StorageError(ctx, pab_st));
  }
  if (const std::string* acl = ctx.request.headers.Find("x-amz-acl")) {
    storage::Status acl_st = ctx.store().PutBucketConfig(bucket.name, "acl", *acl);
    if (!acl_st.ok()) return ErrorResponse(ctx, StorageError(ctx, acl_st));
  }
  if (const std::string* ownership = ctx.request.headers.Find("x-amz-object-ownership")) {
    storage::Status own_st = ctx.store().PutBucketConfig(bucket.name, kOwnershipConfig, *ownership);
    if (!own_st.ok()) return ErrorResponse(ctx, StorageError(ctx, own_st));
  }
  http::Response ok;
  ok.headers.Set("Location", "/" + ctx.target.bucket);
  return ok;
}

}  // namespace

http::StartResult ListBuckets(const Ctx& ctx) {
  RequestContext& c = *ctx;
  const QueryParams& q = c.query;
  size_t max_buckets = 10000;
  bool paginated = false;
  if (const std::string* mb = q.Find("max-buckets")) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(mb->data(), mb->data() + mb->size(), v);
    if (mb->empty() || ec != std::errc() || p != mb->data() + mb->size() || v < 1 || v > 10000) {
      return ErrorResponse(c, InvalidArgument("Argument max-buckets must be an integer between 1 "
                                              "and 10000",
                                              "max-buckets", *mb));
    }
    max_buckets = static_cast<size_t>(v);
    paginated = true;
  }
  std::string after;
  if (const std::string* tok = q.Find("continuation-token")) {
    auto decoded = DecodeContinuationToken(*tok);
    if (!decoded) {
      return ErrorResponse(c, InvalidArgument("The continuation token provided is incorrect",
                                              "continuation-token", *tok));
    }
    after = std::move(*decoded);
  }
  const std::string prefix(q.Get("prefix"));
  const std::string region_filter(q.Get("bucket-region"));

  auto all = c.store().ListBuckets();
  if (!all.ok()) return ErrorResponse(c, StorageError(c, all.status()));

  XmlWriter w("ListAllMyBucketsResult", true);
  w.Open("Owner");
  w.Element("ID", CanonicalUserId(c.account()));
  w.Element("DisplayName", OwnerDisplayName(c.account()));
  w.Close();
  w.Open("Buckets");
  size_t count = 0;
  std::string last;
  bool truncated = false;
  for (const storage::Bucket& b : all.value()) {
    if (b.owner_account != c.account()) continue;
    if (!after.empty() && b.name <= after) continue;
    if (!prefix.empty() && !std::string_view(b.name).starts_with(prefix)) continue;
    if (!region_filter.empty() && b.region != region_filter) continue;
    if (count == max_buckets) {
      truncated = true;
      break;
    }
    w.Open("Bucket");
    w.Element("Name", b.name);
    w.Element("CreationDate", IsoTimestamp(b.created_ms));
    w.Element("BucketRegion", b.region);
    w.Close();
    last = b.name;
    ++count;
  }
  w.Close();
  if (truncated && paginated) w.Element("ContinuationToken", EncodeContinuationToken(last));
  if (q.Has("prefix")) w.Element("Prefix", prefix);
  return XmlResponse(c, w.Finish());
}

http::StartResult CreateBucket(const Ctx& ctx) {
  RequestContext& c = *ctx;
  if (!IsValidBucketName(c.target.bucket)) {
    ErrorReply r(S3Error::kInvalidBucketName);
    r.Field("BucketName", c.target.bucket);
    return ErrorResponse(c, r);
  }
  const std::string* acl = c.request.headers.Find("x-amz-acl");
  if (acl && !IsCannedAcl(*acl)) return ErrorResponse(c, ErrorReply(S3Error::kInvalidArgument));
  std::string_view ownership = c.request.headers.Get("x-amz-object-ownership");
  if (!ownership.empty() && ownership != kOwnerEnforced && ownership != "BucketOwnerPreferred" &&
      ownership != "ObjectWriter") {
    return ErrorResponse(
        c, ErrorReply(S3Error::kInvalidArgument, "Invalid x-amz-object-ownership header")
               .Field("ArgumentName", "x-amz-object-ownership")
               .Field("ArgumentValue", std::string(ownership)));
  }
  // New buckets default to BucketOwnerEnforced (ACLs disabled): only "private" is accepted.
  if ((ownership.empty() || ownership == kOwnerEnforced) &&
      ((acl && *acl != "private") || HasGrantHeader(c.request.headers))) {
    return ErrorResponse(c, ErrorReply(S3Error::kInvalidBucketAclWithObjectOwnership));
  }
  Ctx keep = ctx;
  return std::unique_ptr<http::Exchange>(std::make_unique<http::BufferedExchange>(
      kMaxConfigurationBody, [keep](std::string body) { return CreateBucketWithBody(*keep, body); },
      [keep] { return ErrorResponse(*keep, ErrorReply(S3Error::kMaxMessageLengthExceeded)); }));
}

http::StartResult HeadBucket(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  http::Response r;
  r.omit_body = true;
  r.headers.Set("x-amz-bucket-region", bucket.region);
  r.headers.Set("x-amz-access-point-alias", "false");
  r.headers.Set("Content-Type", "application/xml");
  return r;
}

http::StartResult DeleteBucket(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  storage::Status st = c.store().DeleteBucket(bucket.name);
  if (!st.ok()) return ErrorResponse(c, StorageError(c, st));
  http::Response r;
  r.status = 204;
  return r;
}

http::StartResult GetBucketLocation(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  // Answers from any region: this is how clients discover where a bucket lives.
  if (auto err = ResolveBucket(c, &bucket, /*check_region=*/false)) {
    return ErrorResponse(c, *err);
  }
  std::string body(kXmlDeclaration);
  body += "<LocationConstraint xmlns=\"";
  body.append(kS3Namespace);
  if (bucket.region == kUsEast1) {
    // us-east-1 is the empty constraint.
    body += "\"/>";
  } else {
    body += "\">" + XmlEscape(bucket.region) + "</LocationConstraint>";
  }
  return XmlResponse(c, std::move(body));
}

}  // namespace skiff::s3
