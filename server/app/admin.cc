#include "server/app/admin.h"

#include <memory>

#include "server/common/request_log.h"

namespace skiff::app {
namespace {

http::Response JsonResponse(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

http::Response JsonError(int status, std::string_view code, std::string_view message) {
  std::string body = "{\"error\":";
  common::AppendJsonString(body, code);
  body += ",\"message\":";
  common::AppendJsonString(body, message);
  body += "}";
  return JsonResponse(status, std::move(body));
}

}  // namespace

http::StartResult AdminHandler::Start(http::Request& request) {
  auto record = std::make_shared<common::RequestRecord>();
  record->request_id = common::NewRequestId();
  record->service = "admin";
  record->resource = request.path;

  http::Response response;
  if (request.path == "/_skiff/health") {
    record->operation = "Health";
    if (request.method == "GET" || request.method == "HEAD") {
      response = Health(request);
    } else {
      response = JsonError(405, "MethodNotAllowed",
                           "The method " + request.method + " is not allowed on /_skiff/health");
      response.headers.Set("Allow", "GET, HEAD");
      record->error_code = "MethodNotAllowed";
    }
  } else {
    response = JsonError(404, "NotFound", "No admin endpoint at " + request.path);
    record->error_code = "NotFound";
  }
  response.omit_body = request.method == "HEAD";
  response.headers.Set("x-amz-request-id", record->request_id);
  record->status = response.status;
  response.on_complete = [record](bool) { common::LogAccess(*record); };
  return response;
}

http::Response AdminHandler::Health(const http::Request&) const {
  auto uptime =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_)
          .count();
  std::string body = "{\"status\":\"ok\",\"version\":";
  common::AppendJsonString(body, version_);
  body += ",\"services\":{";
  bool first = true;
  for (const auto& [name, state] : services_) {
    if (!first) body += ',';
    first = false;
    common::AppendJsonString(body, name);
    body += ':';
    common::AppendJsonString(body, state);
  }
  body += "},\"uptime_seconds\":" + std::to_string(uptime) + "}";
  return JsonResponse(200, std::move(body));
}

}  // namespace skiff::app
