#include "server/app/admin_faults.h"

#include <string>
#include <utility>

#include "server/common/request_log.h"
#include "server/faults/rule_json.h"

namespace skiff::app {
namespace {

constexpr std::string_view kPrefix = "/_skiff/faults";

http::Response Json(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

http::Response Error(int status, std::string_view code, std::string_view message) {
  std::string body = "{\"error\":";
  common::AppendJsonString(body, code);
  body += ",\"message\":";
  common::AppendJsonString(body, message);
  body += "}";
  return Json(status, std::move(body));
}

http::Response NotAllowed(const http::Request& request, std::string_view allow) {
  http::Response r = Error(405, "MethodNotAllowed",
                           "The method " + request.method + " is not allowed on " + request.path);
  r.headers.Set("Allow", std::string(allow));
  return r;
}

// "%2F"-style escapes in an id from the path (ids themselves never need them, but a client may
// escape anyway).
std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

}  // namespace

http::Response HandleFaultsRequest(faults::Engine& engine, const http::Request& request,
                                   std::string_view body) {
  std::string_view path = request.path;
  if (path.substr(0, kPrefix.size()) != kPrefix ||
      (path.size() > kPrefix.size() && path[kPrefix.size()] != '/')) {
    return Error(404, "NotFound", "No admin endpoint at " + request.path);
  }
  std::string id = Unescape(path.size() > kPrefix.size() + 1 ? path.substr(kPrefix.size() + 1)
                                                             : std::string_view());
  if (!id.empty()) {
    if (request.method != "DELETE") return NotAllowed(request, "DELETE");
    if (!engine.Remove(id)) {
      return Error(404, "NoSuchFaultRule", "No fault rule with id " + id);
    }
    common::Log(common::LogLevel::kInfo, "fault rule " + id + " removed");
    return Json(200, "{\"removed\":1}");
  }
  if (request.method == "GET" || request.method == "HEAD") {
    return Json(200, faults::RenderRules(engine.List()));
  }
  if (request.method == "POST") {
    std::string error;
    auto ids = engine.LoadJson(body, &error);
    if (!error.empty()) return Error(400, "InvalidFaultRule", error);
    std::string out = "{\"ids\":[";
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i != 0) out += ',';
      common::AppendJsonString(out, ids[i]);
    }
    out += "]}";
    common::Log(common::LogLevel::kInfo,
                "fault rules added: " + std::to_string(ids.size()) + " (" + out + ")");
    return Json(200, std::move(out));
  }
  if (request.method == "DELETE") {
    size_t removed = engine.Clear();
    common::Log(common::LogLevel::kInfo, "fault rules cleared");
    return Json(200, "{\"removed\":" + std::to_string(removed) + "}");
  }
  return NotAllowed(request, "GET, HEAD, POST, DELETE");
}

}  // namespace skiff::app
