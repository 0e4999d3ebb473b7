#include "service_harness.h"

#include <ctime>

#include "server/common/auth.h"
#include "sigv4/sigv4.h"

namespace skiff::dynamodb::testing {
namespace {

std::string AmzDate(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace

std::string Reply::ErrorCode() const {
  if (!json.IsObject() || !json.HasMember("__type")) return "";
  std::string type = json["__type"].GetString();
  return type.substr(type.find('#') + 1);
}

std::string Reply::Message() const {
  if (!json.IsObject()) return "";
  if (json.HasMember("message")) return json["message"].GetString();
  if (json.HasMember("Message")) return json["Message"].GetString();
  return "";
}

Harness::Harness()
    : service_(std::make_unique<Service>(ServiceDeps{&store_, &credentials_, nullptr})) {}

Harness::Harness(const common::Config* config)
    : service_(std::make_unique<Service>(ServiceDeps{&store_, &credentials_, config})) {}

Harness::Harness(storage::TableStore* tables)
    : service_(std::make_unique<Service>(ServiceDeps{tables, &credentials_, nullptr})) {}

http::Request Harness::BuildRequest(std::string_view target, std::string_view body,
                                    const SignOptions& o) {
  http::Request r;
  r.method = "POST";
  r.target = r.path = "/";
  r.headers.Add("Host", "localhost:4566");
  r.headers.Add("Content-Type", o.content_type);
  if (!target.empty()) r.headers.Add("X-Amz-Target", std::string(target));
  r.content_length = body.size();
  if (!o.sign) return r;
  const std::string amz_date = AmzDate(o.time);
  r.headers.Add("X-Amz-Date", amz_date);
  sigv4::ParsedAuth auth;
  auth.kind = sigv4::AuthKind::kHeader;
  auth.access_key = o.access_key;
  auth.scope = {amz_date.substr(0, 8), o.region, "dynamodb"};
  auth.amz_date = amz_date;
  auth.signed_headers = {"content-type", "host", "x-amz-date"};
  if (!target.empty()) auth.signed_headers.push_back("x-amz-target");
  std::string signed_body(body);
  if (o.tamper_body_after_signing) signed_body += " ";
  sigv4::RequestView view = common::ToSigV4View(r);
  std::string canonical =
      sigv4::CanonicalRequest(auth, view, sigv4::HexSha256(signed_body), /*s3_path_rules=*/false);
  std::string sts = sigv4::StringToSign(amz_date, auth.scope, canonical);
  std::string signature = sigv4::HexHmacSha256(sigv4::SigningKey(o.secret, auth.scope), sts);
  std::string headers;
  for (const auto& h : auth.signed_headers) headers += (headers.empty() ? "" : ";") + h;
  r.headers.Add("Authorization", "AWS4-HMAC-SHA256 Credential=" + o.access_key + "/" +
                                     auth.scope.ToString() + ", SignedHeaders=" + headers +
                                     ", Signature=" + signature);
  return r;
}

Reply Harness::Send(http::Request& request, std::string_view body) {
  http::StartResult start = service_->Start(request);
  http::Response response;
  if (auto* immediate = std::get_if<http::Response>(&start)) {
    response = std::move(*immediate);
  } else {
    auto& exchange = std::get<std::unique_ptr<http::Exchange>>(start);
    // Deliver in two pieces, as a socket might.
    size_t half = body.size() / 2;
    if (exchange->OnBody(body.substr(0, half))) exchange->OnBody(body.substr(half));
    response = exchange->Finish();
  }
  Reply reply;
  reply.status = response.status;
  reply.headers = response.headers;
  reply.body = response.body;
  reply.json.Parse(reply.body.c_str());
  if (response.on_complete) response.on_complete(true);
  return reply;
}

Reply Harness::CallTarget(std::string_view target, std::string_view body,
                          const SignOptions& options) {
  http::Request r = BuildRequest(target, body, options);
  return Send(r, body);
}

Reply Harness::Call(std::string_view op, std::string_view body, const SignOptions& options) {
  return CallTarget("DynamoDB_20120810." + std::string(op), body, options);
}

Reply Harness::CreateLockTable(std::string_view name) {
  return Call("CreateTable", R"({"TableName":")" + std::string(name) +
                                 R"(","BillingMode":"PAY_PER_REQUEST",)"
                                 R"("AttributeDefinitions":[{"AttributeName":"LockID","AttributeType":"S"}],)"
                                 R"("KeySchema":[{"AttributeName":"LockID","KeyType":"HASH"}]})");
}

}  // namespace skiff::dynamodb::testing
