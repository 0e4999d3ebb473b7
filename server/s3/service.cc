// The S3 front door: addressing, authentication, routing, and the one boundary where unexpected
// exceptions become 500 InternalError.
#include "server/s3/service.h"

#include <chrono>
#include <exception>
#include <string>
#include <vector>

#include "server/s3/authorize.h"
#include "server/s3/bucket_names.h"
#include "server/s3/context.h"
#include "server/s3/fault_reply.h"
#include "server/s3/object_ops.h"

namespace skiff::s3 {
namespace {

const std::vector<std::string>& DefaultHostnames() {
  static const std::vector<std::string> kDefault = common::Config().s3_hostnames;
  return kDefault;
}

std::string_view ResourceType(Scope scope) {
  switch (scope) {
    case Scope::kService:
      return "SERVICE";
    case Scope::kBucket:
      return "BUCKET";
    case Scope::kObject:
      return "OBJECT";
  }
  return "OBJECT";
}

http::Response InternalErrorResponse(RequestContext& ctx, std::string_view what) {
  common::Log(common::LogLevel::kError,
              "s3 " + ctx.record.operation + " failed unexpectedly: " + std::string(what));
  ctx.record.error_detail = std::string(what);
  return Finalize(ctx, ErrorResponse(ctx, ErrorReply(S3Error::kInternalError)));
}

// Wraps an operation's Exchange so that its final response gets the common headers and journal
// record, and exceptions thrown while the body streams become InternalError.
class FinalizingExchange : public http::Exchange {
 public:
  FinalizingExchange(Ctx ctx, std::unique_ptr<http::Exchange> inner)
      : ctx_(std::move(ctx)), inner_(std::move(inner)) {}

  bool OnBody(std::string_view data) override {
    if (failed_) return false;
    try {
      return inner_->OnBody(data);
    } catch (const std::exception& e) {
      failed_ = true;
      what_ = e.what();
    } catch (...) {
      failed_ = true;
      what_ = "unknown exception";
    }
    return false;
  }

  http::Response Finish() override {
    if (!failed_) {
      try {
        return Finalize(*ctx_, inner_->Finish());
      } catch (const std::exception& e) {
        what_ = e.what();
      } catch (...) {
        what_ = "unknown exception";
      }
    }
    inner_.reset();  // drops staged blobs before answering
    return InternalErrorResponse(*ctx_, what_);
  }

 private:
  Ctx ctx_;
  std::unique_ptr<http::Exchange> inner_;
  bool failed_ = false;
  std::string what_;
};

http::StartResult Dispatch(const Ctx& ctx) {
  switch (ctx->route->handler) {
    case Handler::kListBuckets:
      return ListBuckets(ctx);
    case Handler::kCreateBucket:
      return CreateBucket(ctx);
    case Handler::kHeadBucket:
      return HeadBucket(ctx);
    case Handler::kDeleteBucket:
      return DeleteBucket(ctx);
    case Handler::kGetBucketLocation:
      return GetBucketLocation(ctx);
    case Handler::kListObjects:
      return ListObjects(ctx, /*v2=*/false);
    case Handler::kListObjectsV2:
      return ListObjects(ctx, /*v2=*/true);
    case Handler::kPutObject:
      return PutObject(ctx);
    case Handler::kGetObject:
      return GetObject(ctx);
    case Handler::kHeadObject:
      return GetObject(ctx);
    case Handler::kDeleteObject:
      return DeleteObject(ctx);
    case Handler::kPutBucketConfig:
      return PutBucketConfig(ctx);
    case Handler::kGetBucketConfig:
      return GetBucketConfig(ctx);
    case Handler::kDeleteBucketConfig:
      return DeleteBucketConfig(ctx);
    case Handler::kPutBucketVersioning:
      return PutBucketVersioning(ctx);
    case Handler::kGetBucketVersioning:
      return GetBucketVersioning(ctx);
    case Handler::kPreflight:
      return CorsPreflight(ctx);
    case Handler::kPutObjectTagging:
      return PutObjectTagging(ctx);
    case Handler::kGetObjectTagging:
      return GetObjectTagging(ctx);
    case Handler::kDeleteObjectTagging:
      return DeleteObjectTagging(ctx);
    case Handler::kPutObjectAcl:
      return PutObjectAcl(ctx);
    case Handler::kGetObjectAcl:
      return GetObjectAcl(ctx);
    case Handler::kGetObjectAttributes:
      return GetObjectAttributes(ctx);
    case Handler::kCreateMultipartUpload:
      return CreateMultipartUpload(ctx);
    case Handler::kUploadPart:
      return UploadPart(ctx);
    case Handler::kUploadPartCopy:
      return UploadPartCopy(ctx);
    case Handler::kCompleteMultipartUpload:
      return CompleteMultipartUpload(ctx);
    case Handler::kAbortMultipartUpload:
      return AbortMultipartUpload(ctx);
    case Handler::kListParts:
      return ListParts(ctx);
    case Handler::kListMultipartUploads:
      return ListMultipartUploads(ctx);
    case Handler::kCopyObject:
      return CopyObject(ctx);
    case Handler::kDeleteObjects:
      return DeleteObjects(ctx);
    case Handler::kListObjectVersions:
      return ListObjectVersions(ctx);
    case Handler::kPostObject:
      return PostObject(ctx);
    case Handler::kNotImplemented:
      break;
  }
  return ErrorResponse(*ctx, ErrorReply(S3Error::kNotImplemented));
}

}  // namespace

struct Service::Impl {
  ServiceDeps deps;

  http::StartResult Handle(const Ctx& ctx) {
    RequestContext& c = *ctx;
    const auto& suffixes = deps.config ? deps.config->s3_hostnames : DefaultHostnames();
    auto target = ParseTarget(c.request.headers.Get("Host"), c.request.path, suffixes);
    if (!target || !c.query.Parse(c.request.query)) {
      return ErrorResponse(c, ErrorReply(S3Error::kInvalidURI));
    }
    c.target = std::move(*target);
    c.record.resource =
        c.target.key.empty() ? c.target.bucket : c.target.bucket + "/" + c.target.key;
    c.route = MatchRoute(c.request.method, c.target.scope, c.query, c.request.headers);
    c.record.operation = c.route ? std::string(c.route->operation) : "Unknown";

    if (c.route && AllowsAnonymous(*c.route) && !c.request.headers.Has("Authorization")) {
      c.auth.principal.anonymous = true;
      c.record.principal = "anonymous";
      return Dispatch(ctx);
    }
    common::AuthOptions options;
    options.s3_path_rules = true;
    c.auth = common::Authenticate(c.request, *deps.credentials, std::chrono::system_clock::now(),
                                  options);
    common::NoteAuth(c.record, c.request, c.auth);
    c.record.region =
        c.auth.principal.region.empty() ? c.auth.parsed.scope.region : c.auth.principal.region;
    c.record.principal = c.auth.principal.arn.empty() ? "anonymous" : c.auth.principal.arn;
    if (!c.auth.ok() || c.auth.invalid_token || c.auth.expired_token) {
      c.record.error_detail = c.auth.detail;
      ErrorReply reply = AuthErrorReply(c);
      if (c.route && c.route->handler == s3::Handler::kHeadBucket) {
        // S3 tells even an unauthenticated HeadBucket where the bucket lives: SDK region
        // discovery (the AWS provider's anonymous GetBucketRegion) reads it from the 403.
        auto bucket = deps.objects->GetBucket(c.target.bucket);
        if (bucket.ok()) reply.Header("x-amz-bucket-region", bucket->region);
      }
      return ErrorResponse(c, reply);
    }

    if (auto err = CheckS3Signing(c)) return ErrorResponse(c, *err);
    if (!c.route) {
      ErrorReply r(S3Error::kMethodNotAllowed);
      r.Field("Method", c.request.method);
      r.Field("ResourceType", std::string(ResourceType(c.target.scope)));
      r.Header("Allow", c.target.scope == Scope::kService ? "GET" : "HEAD, GET, PUT, DELETE");
      return ErrorResponse(c, r);
    }
    if (c.target.key.size() > kMaxKeyBytes) {
      ErrorReply r(S3Error::kKeyTooLongError);
      r.Field("MaxSizeAllowed", std::to_string(kMaxKeyBytes));
      r.Field("Size", std::to_string(c.target.key.size()));
      return ErrorResponse(c, r);
    }
    if (auto denied = Authorize(c)) return ErrorResponse(c, *denied);
    return WithFaults(ctx, [&] { return Dispatch(ctx); });
  }
};

Service::Service(ServiceDeps deps) : impl_(std::make_unique<Impl>()) { impl_->deps = deps; }

Service::~Service() = default;

http::StartResult Service::Start(http::Request& request) {
  auto ctx = std::make_shared<RequestContext>();
  ctx->request = request;
  ctx->deps = impl_->deps;
  ctx->request_id = common::NewRequestId();
  ctx->host_id = common::NewHostId();
  ctx->record.request_id = ctx->request_id;
  ctx->record.service = "s3";
  ctx->record.method = request.method;
  try {
    http::StartResult result = impl_->Handle(ctx);
    if (auto* response = std::get_if<http::Response>(&result)) {
      return Finalize(*ctx, std::move(*response));
    }
    auto& exchange = std::get<std::unique_ptr<http::Exchange>>(result);
    return std::unique_ptr<http::Exchange>(
        std::make_unique<FinalizingExchange>(ctx, std::move(exchange)));
  } catch (const std::exception& e) {
    return InternalErrorResponse(*ctx, e.what());
  } catch (...) {
    return InternalErrorResponse(*ctx, "unknown exception");
  }
}

}  // namespace skiff::s3

namespace skiff::s3 {

http::Response Service::HeaderTooLarge() {
  // The header could not be parsed, so nothing about the request is known but its size.
  RequestContext ctx;
  ctx.deps = impl_->deps;
  ctx.request_id = common::NewRequestId();
  ctx.host_id = common::NewHostId();
  ctx.record.request_id = ctx.request_id;
  ctx.record.service = "s3";
  ctx.record.operation = "Unknown";
  ErrorReply reply(S3Error::kRequestHeaderSectionTooLarge);
  if (impl_->deps.config != nullptr) {
    reply.Field("MaxSizeAllowed", std::to_string(impl_->deps.config->max_header_bytes));
  }
  http::Response response = Finalize(ctx, ErrorResponse(ctx, reply));
  response.close = true;
  return response;
}

}  // namespace skiff::s3
