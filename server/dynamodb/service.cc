// The DynamoDB front door: body limit, JSON framing, operation lookup, authentication, and the
// one boundary where ApiError and unexpected exceptions become error answers.
#include "server/dynamodb/service.h"

#include <cctype>
#include <chrono>
#include <exception>
#include <string>

#include "server/common/clock.h"
#include "server/dynamodb/authorize.h"
#include "server/dynamodb/context.h"
#include "server/dynamodb/fault_reply.h"
#include "sigv4/checksum.h"
#include "sigv4/sigv4.h"

namespace skiff::dynamodb {
namespace {

constexpr std::string_view kTargetPrefix = "DynamoDB_20120810.";

std::string Crc32Decimal(std::string_view body) {
  sigv4::Checksum crc(sigv4::ChecksumAlgorithm::kCrc32);
  crc.Update(body);
  std::string digest = crc.Digest();
  uint32_t value = 0;
  for (unsigned char c : digest) value = (value << 8) | c;
  return std::to_string(value);
}

// The request's media type without parameters, lower-cased.
std::string MediaType(const http::Request& request) {
  std::string_view v = request.headers.Get("Content-Type");
  v = v.substr(0, v.find(';'));
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  std::string out(v);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Headers every DynamoDB answer carries, the journal status, and the access line. DynamoDB
// answers application/json requests in application/json, everything else in
// application/x-amz-json-1.0.
http::Response Finalize(RequestContext& ctx, int status, std::string body) {
  http::Response r;
  r.status = status;
  r.headers.Set("Server", "Server");
  r.headers.Set("Date", common::HttpDate(common::NowMillis()));
  r.headers.Set("Content-Type", MediaType(ctx.request) == "application/json"
                                    ? "application/json"
                                    : "application/x-amz-json-1.0");
  r.headers.Set("x-amzn-RequestId", ctx.request_id);
  r.headers.Set("x-amz-crc32", Crc32Decimal(body));
  r.body = std::move(body);
  ctx.record.status = status;
  auto record = std::make_shared<common::RequestRecord>(ctx.record);
  r.on_complete = [record](bool ok) {
    if (!ok && record->error_detail.empty()) record->error_detail = "connection broke";
    common::LogAccess(*record);
  };
  return r;
}

http::Response ErrorResponse(RequestContext& ctx, const ErrorReply& reply) {
  ctx.record.error_code = std::string(reply.code());
  if (ctx.record.error_detail.empty()) ctx.record.error_detail = std::string(reply.effective_message());
  return Finalize(ctx, reply.status(), RenderError(reply));
}

http::Response InternalError(RequestContext& ctx, std::string_view what) {
  common::Log(common::LogLevel::kError,
              "dynamodb " + ctx.operation + " failed unexpectedly: " + std::string(what));
  ctx.record.error_detail = std::string(what);
  return ErrorResponse(ctx, ErrorReply(DdbError::kInternalServerError));
}

void FillRecordPrincipal(RequestContext& ctx) {
  ctx.record.region = ctx.auth.principal.region.empty() ? ctx.auth.parsed.scope.region
                                                        : ctx.auth.principal.region;
  ctx.record.principal = ctx.auth.principal.arn.empty() ? "anonymous" : ctx.auth.principal.arn;
}

http::Response Handle(RequestContext& ctx, std::string body) {
  std::string_view target = ctx.request.headers.Get("X-Amz-Target");
  ctx.operation = target.starts_with(kTargetPrefix)
                      ? std::string(target.substr(kTargetPrefix.size()))
                      : std::string(target);
  ctx.record.operation = ctx.operation.empty() ? "Unknown" : ctx.operation;

  // DynamoDB's front end checks, in order: method and media type, JSON framing, the operation,
  // then the signature. A body of another media type is not routed to DynamoDB at all.
  const std::string media = MediaType(ctx.request);
  if (ctx.request.method != "POST" ||
      (!body.empty() && media != "application/json" && media != "application/x-amz-json-1.0")) {
    ctx.record.error_code = std::string(Info(DdbError::kUnknownOperationException).code);
    ctx.record.error_detail = "not a DynamoDB JSON request (method or Content-Type)";
    http::Response r = Finalize(ctx, 404, "<UnknownOperationException/>\n");
    r.headers.Remove("Content-Type");
    return r;
  }
  ctx.input = ParseBody(body);
  Operation op = target.starts_with(kTargetPrefix) ? FindOperation(ctx.operation) : nullptr;
  if (!op) {
    ctx.record.error_detail = "unknown or unimplemented operation";
    return ErrorResponse(ctx, ErrorReply(DdbError::kUnknownOperationException));
  }

  common::AuthOptions options;
  options.s3_path_rules = false;
  options.payload_hash = sigv4::HexSha256(body);
  const auto now = std::chrono::system_clock::now();
  ctx.auth = common::Authenticate(ctx.request, *ctx.deps.credentials, now, options);
  common::NoteAuth(ctx.record, ctx.request, ctx.auth);
  FillRecordPrincipal(ctx);
  if (!ctx.auth.ok() || ctx.auth.invalid_token || ctx.auth.expired_token) {
    ctx.record.error_detail = ctx.auth.detail;
    return ErrorResponse(ctx, AuthErrorReply(ctx.auth, now));
  }
  if (ctx.input.ObjectEmpty() && body.empty()) {
    // An authenticated request without a body: DynamoDB answers a bare SerializationException.
    return ErrorResponse(ctx, ErrorReply(DdbError::kSerializationException));
  }
  if (auto denied = Authorize(ctx)) return ErrorResponse(ctx, *denied);
  return WithFaults(ctx, Finalize, [&] {
    ctx.now_ms = common::NowMillis();
    return Finalize(ctx, 200, op(ctx));
  });
}

}  // namespace

struct Service::Impl {
  ServiceDeps deps;
  RequestTokens transact_tokens;
};

Service::Service(ServiceDeps deps) : impl_(std::make_unique<Impl>()) { impl_->deps = deps; }

Service::~Service() = default;

void Service::ForgetRequestTokens() { impl_->transact_tokens.Clear(); }

http::StartResult Service::Start(http::Request& request) {
  auto ctx = std::make_shared<RequestContext>();
  ctx->request = request;
  ctx->deps = impl_->deps;
  ctx->transact_tokens = &impl_->transact_tokens;
  ctx->request_id = common::NewUuid();
  ctx->record.request_id = ctx->request_id;
  ctx->record.service = "dynamodb";
  ctx->record.method = request.method;
  ctx->record.operation = "Unknown";
  auto finish = [ctx](std::string body) -> http::Response {
    try {
      return Handle(*ctx, std::move(body));
    } catch (const ApiError& e) {
      return ErrorResponse(*ctx, e.reply());
    } catch (const std::exception& e) {
      return InternalError(*ctx, e.what());
    } catch (...) {
      return InternalError(*ctx, "unknown exception");
    }
  };
  auto too_large = [ctx]() -> http::Response {
    // DynamoDB's front end answers an oversized body with a bare 413 (as observed by dynalite,
    // which was built against the real service); the journal still names the error.
    ctx->record.error_code = std::string(Info(DdbError::kRequestEntityTooLarge).code);
    ctx->record.error_detail = "request body over 16 MB";
    http::Response r = Finalize(*ctx, Info(DdbError::kRequestEntityTooLarge).status, "");
    r.close = true;  // the rest of the body was not read
    return r;
  };
  if (request.content_length && *request.content_length > kMaxRequestBytes) return too_large();
  return std::unique_ptr<http::Exchange>(
      std::make_unique<http::BufferedExchange>(kMaxRequestBytes, finish, too_large));
}

}  // namespace skiff::dynamodb
