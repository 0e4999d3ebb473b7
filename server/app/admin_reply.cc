#include "server/app/admin_reply.h"

#include "server/common/request_log.h"
#include "sigv4/sigv4.h"

namespace skiff::app::admin {

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

std::optional<Params> ParseQuery(std::string_view query) {
  Params params;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto name = sigv4::UriDecode(pair.substr(0, eq));
    auto value = sigv4::UriDecode(eq == std::string_view::npos ? std::string_view()
                                                                : pair.substr(eq + 1));
    if (!name || !value) return std::nullopt;
    params.emplace_back(std::move(*name), std::move(*value));
  }
  return params;
}

std::optional<std::string> Param(const Params& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return std::nullopt;
}

}  // namespace skiff::app::admin
