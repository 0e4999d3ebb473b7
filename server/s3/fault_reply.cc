#include "server/s3/fault_reply.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/common/clock.h"
#include "server/iam/authorizer.h"
#include "server/s3/authorize.h"
#include "server/s3/xml.h"

namespace skiff::s3 {
namespace {

// "2026-11-22T11:24:54Z", as RequestTimeTooSkewed's ServerTime.
std::string IsoSeconds(int64_t epoch_ms) { return common::IsoDate(epoch_ms).substr(0, 19) + "Z"; }

faults::Target MakeTarget(const RequestContext& c) {
  faults::Target t;
  t.service = "s3";
  t.operation = c.record.operation;
  t.region = c.region();
  t.account = c.account();
  t.access_key = c.auth.principal.access_key;
  t.bucket = c.target.bucket;
  t.key = c.target.key;
  t.method = c.request.method;
  t.request_date = c.auth.parsed.amz_date;
  return t;
}

// AWS's wording of an identity-policy denial for the operation's first permission ("User: <arn>
// is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no
// identity-based policy allows the s3:GetObject action"); "" (S3's "Access Denied") when the
// caller or the permission is unknown.
std::string DenialMessage(const RequestContext& ctx) {
  std::vector<Permission> permissions = RequiredPermissions(ctx);
  if (ctx.auth.principal.arn.empty() || permissions.empty()) return "";
  const Permission& p = permissions.front();
  return iam::DenialMessage(ctx.auth.principal.arn, p.action,
                            p.bucket.empty() ? "" : ResourceArn(p),
                            "because no identity-based policy allows the " + p.action + " action",
                            /*quote_resource=*/true);
}

// The elements S3 sends with `error` (between Message and RequestId).
void AddFields(RequestContext& ctx, ErrorReply* reply) {
  switch (reply->error) {
    case S3Error::kAccessDenied:
      if (reply->message.empty()) reply->message = DenialMessage(ctx);
      break;
    case S3Error::kNoSuchBucket:
      reply->Field("BucketName", ctx.target.bucket);
      break;
    case S3Error::kNoSuchKey:
      reply->Field("Key", ctx.target.key);
      break;
    case S3Error::kPreconditionFailed:
      reply->Field("Condition",
                   ctx.request.headers.Has("If-None-Match") ? "If-None-Match" : "If-Match");
      break;
    case S3Error::kRequestTimeTooSkewed: {
      // The fault pretends the server clock runs 15 minutes ahead of the request.
      int64_t now = common::NowMillis();
      reply->Field("RequestTime", ctx.auth.parsed.amz_date);
      reply->Field("ServerTime", IsoSeconds(now + 15 * 60 * 1000));
      reply->Field("MaxAllowedSkewMilliseconds", "900000");
      break;
    }
    case S3Error::kExpiredToken:
      if (const std::string* token = ctx.request.headers.Find("x-amz-security-token")) {
        reply->Field("Token-0", *token);
      }
      break;
    default:
      break;
  }
}

// A code S3's table does not know: S3's XML shape with the rule's status (default 400).
http::Response UnknownCodeResponse(RequestContext& ctx, const faults::Action& action) {
  http::Response r;
  r.status = action.status != 0 ? action.status : 400;
  ctx.record.error_code = action.error_code;
  if (ctx.head()) {
    r.omit_body = true;
    return r;
  }
  XmlWriter w("Error", /*ns=*/false);
  w.Element("Code", action.error_code);
  w.Element("Message", action.message.empty() ? action.error_code : action.message);
  w.Element("RequestId", ctx.request_id);
  w.Element("HostId", ctx.host_id);
  r.headers.Set("Content-Type", "application/xml");
  r.body = w.Finish();
  return r;
}

// Delays the response of an operation that reads a body.
class DelayedExchange : public http::Exchange {
 public:
  DelayedExchange(std::unique_ptr<http::Exchange> inner, std::chrono::milliseconds delay)
      : inner_(std::move(inner)), delay_(delay) {}
  bool OnBody(std::string_view data) override { return inner_->OnBody(data); }
  http::Response Finish() override {
    http::Response r = inner_->Finish();
    r.delay += delay_;
    return r;
  }

 private:
  std::unique_ptr<http::Exchange> inner_;
  std::chrono::milliseconds delay_;
};

}  // namespace

http::Response FaultResponse(RequestContext& ctx, const faults::Action& action) {
  http::Response r;
  if (action.reset_connection) {
    // No status goes out; the journal shows status 0 and why.
    r.status = 0;
    r.reset_connection = true;
    ctx.record.error_detail = "fault: connection reset";
  } else if (!action.redirect_region.empty()) {
    ErrorReply reply(S3Error::kPermanentRedirect, action.message);
    reply.Field("Bucket", ctx.target.bucket);
    reply.Field("Endpoint", ctx.target.bucket + ".s3." + action.redirect_region + ".amazonaws.com");
    reply.Header("x-amz-bucket-region", action.redirect_region);
    r = ErrorResponse(ctx, reply);
    if (action.status != 0) r.status = action.status;
  } else {
    S3Error error;
    if (!FindError(action.error_code, &error)) {
      r = UnknownCodeResponse(ctx, action);
    } else {
      ErrorReply reply(error, action.message);
      AddFields(ctx, &reply);
      r = ErrorResponse(ctx, reply);
      if (action.status != 0) r.status = action.status;
    }
  }
  r.delay = action.latency;
  return r;
}

http::StartResult WithFaults(const Ctx& ctx, const std::function<http::StartResult()>& run) {
  faults::Engine* engine = ctx->deps.faults;
  if (engine == nullptr || engine->size() == 0) return run();
  RequestContext& c = *ctx;
  faults::Target target = MakeTarget(c);
  if (!c.target.bucket.empty() && engine->ServesRelocated(target)) {
    // The bucket appears to live in the region this request was sent to: serve it as though
    // it had been sent to the bucket's real region.
    auto bucket = c.store().GetBucket(c.target.bucket);
    if (bucket.ok()) c.auth.principal.region = bucket->region;
  }
  std::optional<faults::Fired> fired = engine->Match(target);
  if (!fired) return run();
  c.record.fault_rule = fired->rule_id;
  if (fired->action.StopsRequest()) return FaultResponse(c, fired->action);
  http::StartResult result = run();
  if (auto* response = std::get_if<http::Response>(&result)) {
    response->delay += fired->action.latency;
    return result;
  }
  auto& exchange = std::get<std::unique_ptr<http::Exchange>>(result);
  return std::unique_ptr<http::Exchange>(
      std::make_unique<DelayedExchange>(std::move(exchange), fired->action.latency));
}

}  // namespace skiff::s3
