// Response decoration, error rendering and the bucket checks shared by every operation.
#include <utility>

#include "server/common/clock.h"
#include "server/s3/authorize.h"
#include "server/s3/context.h"

namespace skiff::s3 {

http::Response Finalize(RequestContext& ctx, http::Response response) {
  // A browser's real request whose Origin matches a CORS rule of the bucket.
  AddCorsHeaders(ctx, &response);
  response.headers.Set("x-amz-request-id", ctx.request_id);
  response.headers.Set("x-amz-id-2", ctx.host_id);
  response.headers.Set("Date", common::HttpDate(common::NowMillis()));
  response.headers.Set("Server", "AmazonS3");
  ctx.record.status = response.status;
  auto record = std::make_shared<common::RequestRecord>(ctx.record);
  response.on_complete = [record](bool ok) {
    if (!ok && record->error_detail.empty()) record->error_detail = "connection broke";
    common::LogAccess(*record);
  };
  return response;
}

http::Response ErrorResponse(RequestContext& ctx, const ErrorReply& error) {
  std::optional<ErrorReply> hidden = HideMissingKey(ctx, error);
  const ErrorReply& reply = hidden ? *hidden : error;
  http::Response r;
  r.status = reply.status();
  for (const auto& [name, value] : reply.headers) r.headers.Set(name, value);
  ctx.record.error_code = std::string(reply.code());
  if (ctx.record.error_detail.empty() && !reply.message.empty()) {
    ctx.record.error_detail = reply.message;
  }
  if (ctx.head()) {
    // S3 answers HEAD errors with the status and headers only.
    r.omit_body = true;
  } else {
    r.headers.Set("Content-Type", "application/xml");
    r.body = RenderError(reply, ctx.request_id, ctx.host_id);
  }
  return r;
}

http::Response XmlResponse(RequestContext& ctx, std::string body, int status) {
  (void)ctx;
  http::Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/xml");
  r.body = std::move(body);
  return r;
}

ErrorReply StorageError(const RequestContext& ctx, const storage::Status& status) {
  ErrorReply reply(FromStorage(status.code()));
  switch (reply.error) {
    case S3Error::kNoSuchBucket:
    case S3Error::kBucketNotEmpty:
    case S3Error::kBucketAlreadyExists:
      reply.Field("BucketName", ctx.target.bucket);
      break;
    case S3Error::kNoSuchKey:
      reply.Field("Key", ctx.target.key);
      break;
    default:
      break;
  }
  if (reply.error == S3Error::kInternalError || reply.error == S3Error::kSlowDown) {
    common::Log(common::LogLevel::kError, "s3 storage failure: " + status.message());
  }
  return reply;
}

std::optional<ErrorReply> ResolveBucket(RequestContext& ctx, storage::Bucket* bucket,
                                        bool check_region) {
  auto got = ctx.store().GetBucket(ctx.target.bucket);
  if (!got.ok()) return StorageError(ctx, got.status());
  *bucket = std::move(got.value());
  if (check_region && bucket->region != ctx.region()) {
    // S3 sends the bucket's region and endpoint but no Location header.
    ErrorReply r(S3Error::kPermanentRedirect);
    r.Field("Bucket", bucket->name);
    r.Field("Endpoint", bucket->name + ".s3." + bucket->region + ".amazonaws.com");
    r.Header("x-amz-bucket-region", bucket->region);
    return r;
  }
  const std::string* expected_owner = ctx.request.headers.Find("x-amz-expected-bucket-owner");
  if ((bucket->owner_account != ctx.account() && !ctx.bucket_policy_grants_access) ||
      (expected_owner && *expected_owner != bucket->owner_account)) {
    ErrorReply r(S3Error::kAccessDenied);
    if (ctx.route && ctx.route->handler == Handler::kHeadBucket) {
      r.Header("x-amz-bucket-region", bucket->region);
    }
    return r;
  }
  return std::nullopt;
}

}  // namespace skiff::s3
