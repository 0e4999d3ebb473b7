// Dispatch for /_skiff/*: the admin token, the endpoint table, bodies, the request record.
#include "server/app/admin.h"

#include <memory>

#include "server/app/admin_reply.h"
#include "server/common/request_log.h"
#include "sigv4/sigv4.h"

namespace skiff::app {
namespace {

constexpr std::string_view kPrefix = "/_skiff/";
// Admin bodies are small JSON documents (a credential, fault rules).
constexpr size_t kMaxBodyBytes = 1024 * 1024;

http::Response MethodNotAllowed(const http::Request& request, std::string_view allow) {
  http::Response r = admin::JsonError(
      405, "MethodNotAllowed",
      "The method " + request.method + " is not allowed on " + request.path);
  r.headers.Set("Allow", std::string(allow));
  return r;
}

bool Allowed(std::string_view method, std::string_view allow) {
  while (!allow.empty()) {
    size_t comma = allow.find(',');
    std::string_view m = allow.substr(0, comma);
    while (!m.empty() && m.front() == ' ') m.remove_prefix(1);
    if (m == method) return true;
    allow = comma == std::string_view::npos ? std::string_view() : allow.substr(comma + 1);
  }
  return false;
}

}  // namespace

AdminHandler::AdminHandler(AdminDeps deps) : deps_(std::move(deps)) {}

bool AdminHandler::TokenMatches(std::string_view authorization, std::string_view token) {
  if (token.empty()) return true;
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() < kBearer.size() ||
      !http::EqualsIgnoreCase(authorization.substr(0, kBearer.size()), kBearer)) {
    return false;
  }
  std::string_view presented = authorization.substr(kBearer.size());
  // Comparing digests keeps the time independent of where (and whether) the strings differ,
  // including their lengths.
  std::string a = sigv4::HexSha256(presented);
  std::string b = sigv4::HexSha256(token);
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0 && a.size() == b.size();
}

http::StartResult AdminHandler::Start(http::Request& request) {
  auto record = std::make_shared<common::RequestRecord>();
  record->request_id = common::NewRequestId();
  record->service = "admin";
  record->method = request.method;
  record->resource = request.path;
  auto finish = [record, head = request.method == "HEAD"](http::Response response) {
    response.omit_body = head;
    response.headers.Set("x-amz-request-id", record->request_id);
    record->status = response.status;
    if (response.status >= 400 && record->error_code.empty()) {
      // The JSON error's code, for the access log and metrics.
      size_t at = response.body.find("\"error\":\"");
      if (at != std::string::npos) {
        at += 9;
        record->error_code = response.body.substr(at, response.body.find('"', at) - at);
      }
    }
    response.on_complete = [record](bool ok) {
      if (!ok && record->error_detail.empty()) record->error_detail = "connection broke";
      common::LogAccess(*record);
    };
    return response;
  };

  // /health stays open so that readiness probes need no secret.
  if (request.path != "/_skiff/health" &&
      !TokenMatches(request.headers.Get("Authorization"), deps_.admin_token)) {
    record->operation = "Unauthorized";
    http::Response r = admin::JsonError(
        401, "Unauthorized",
        request.headers.Has("Authorization")
            ? "The admin token is not valid"
            : "The admin API needs the header Authorization: Bearer <admin token>");
    r.headers.Set("WWW-Authenticate", "Bearer realm=\"skiff\"");
    return finish(std::move(r));
  }

  if (request.content_length.value_or(0) == 0 && !request.chunked) {
    return finish(Handle(request, "", *record));
  }
  http::Request copy = request;
  return std::unique_ptr<http::Exchange>(std::make_unique<http::BufferedExchange>(
      kMaxBodyBytes,
      [this, copy, record, finish](std::string body) {
        return finish(Handle(copy, body, *record));
      },
      [record, finish]() {
        http::Response r = admin::JsonError(413, "RequestEntityTooLarge",
                                            "Admin request bodies are limited to 1 MiB");
        r.close = true;
        return finish(std::move(r));
      }));
}

http::Response AdminHandler::Handle(const http::Request& request, std::string_view body,
                                    common::RequestRecord& record) {
  std::string_view path = request.path;
  std::string_view endpoint = path.substr(kPrefix.size());
  std::string_view rest;  // after "<endpoint>/"
  if (size_t slash = endpoint.find('/'); slash != std::string_view::npos) {
    rest = endpoint.substr(slash + 1);
    endpoint = endpoint.substr(0, slash);
  }
  const std::string& method = request.method;
  try {
    if (endpoint == "faults" && deps_.faults) {
      record.operation = "Faults";
      return deps_.faults(request, body);
    }
    if (endpoint == "credentials") {
      record.operation = method == "GET"      ? "ListCredentials"
                         : method == "POST"   ? "AddCredential"
                         : method == "DELETE" ? "DeleteCredential"
                                              : "Credentials";
      auto key = sigv4::UriDecode(rest);
      if (!key) return admin::JsonError(400, "InvalidParameter", "Bad percent-encoding in path");
      constexpr std::string_view kAllow = "GET, POST, DELETE";
      std::string_view allow = rest.empty() ? kAllow : std::string_view("GET, DELETE");
      if (!Allowed(method, allow)) return MethodNotAllowed(request, allow);
      return Credentials(request, body, *key, record);
    }
    if (!rest.empty()) {
      return admin::JsonError(404, "NotFound", "No admin endpoint at " + request.path);
    }
    if (endpoint == "health") {
      record.operation = "Health";
      if (!Allowed(method, "GET, HEAD")) return MethodNotAllowed(request, "GET, HEAD");
      return Health();
    }
    if (endpoint == "reset") {
      record.operation = "Reset";
      if (!Allowed(method, "POST")) return MethodNotAllowed(request, "POST");
      return Reset(request);
    }
    if (endpoint == "journal" && deps_.journal) {
      record.operation = method == "DELETE" ? "ClearJournal" : "GetJournal";
      if (!Allowed(method, "GET, HEAD, DELETE")) {
        return MethodNotAllowed(request, "GET, HEAD, DELETE");
      }
      return admin::JournalEndpoint(*deps_.journal, request);
    }
    if (endpoint == "state" && deps_.database) {
      record.operation = "GetState";
      if (!Allowed(method, "GET, HEAD")) return MethodNotAllowed(request, "GET, HEAD");
      return admin::StateEndpoint(*deps_.database);
    }
    if (endpoint == "metrics" && deps_.metrics) {
      record.operation = "GetMetrics";
      if (!Allowed(method, "GET, HEAD")) return MethodNotAllowed(request, "GET, HEAD");
      http::Response r;
      r.headers.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      r.body = deps_.metrics->Render();
      return r;
    }
  } catch (const std::exception& e) {
    common::Log(common::LogLevel::kError,
                "admin " + record.operation + " failed unexpectedly: " + e.what());
    record.error_detail = e.what();
    return admin::JsonError(500, "InternalError", "The admin request failed unexpectedly");
  }
  record.operation = "Unknown";
  return admin::JsonError(404, "NotFound", "No admin endpoint at " + request.path);
}

http::Response AdminHandler::Health() const {
  auto uptime =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_)
          .count();
  std::string body = "{\"status\":\"ok\",\"version\":";
  common::AppendJsonString(body, deps_.version);
  body += ",\"services\":{";
  bool first = true;
  for (const auto& [name, state] : deps_.services) {
    if (!first) body += ',';
    first = false;
    common::AppendJsonString(body, name);
    body += ':';
    common::AppendJsonString(body, state);
  }
  body += "},\"uptime_seconds\":" + std::to_string(uptime) + "}";
  return admin::JsonResponse(200, std::move(body));
}

}  // namespace skiff::app
