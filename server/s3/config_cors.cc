// CORS: rule matching, the OPTIONS preflight answer and the Access-Control-* headers S3 adds to
// real responses.
#include "server/s3/config_cors.h"

#include <pugixml.hpp>

#include "server/s3/context.h"

namespace skiff::s3 {
namespace {

constexpr std::string_view kVary =
    "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

char LowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualChars(std::string_view a, std::string_view b, bool ignore_case) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ignore_case ? LowerChar(a[i]) != LowerChar(b[i]) : a[i] != b[i]) return false;
  }
  return true;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

bool IsCorsMethod(std::string_view m) {
  return m == "GET" || m == "PUT" || m == "HEAD" || m == "POST" || m == "DELETE";
}

// Headers for a matched rule. A rule allowing any origin answers "*" (and no credentials); one
// naming origins echoes the request's.
void AddRuleHeaders(const CorsRule& rule, std::string_view origin, http::Headers* out) {
  bool any = false;
  for (const std::string& o : rule.origins) any = any || o == "*";
  out->Set("Access-Control-Allow-Origin", any ? "*" : std::string(origin));
  out->Set("Access-Control-Allow-Methods", Join(rule.methods));
  if (!rule.expose.empty()) out->Set("Access-Control-Expose-Headers", Join(rule.expose));
  if (rule.max_age) out->Set("Access-Control-Max-Age", *rule.max_age);
  if (!any) out->Set("Access-Control-Allow-Credentials", "true");
  out->Set("Vary", std::string(kVary));
}

std::string_view ResourceTypeOf(const RequestContext& c) {
  return c.target.scope == Scope::kObject ? "OBJECT" : "BUCKET";
}

}  // namespace

std::vector<CorsRule> ParseCorsRules(std::string_view document) {
  std::vector<CorsRule> rules;
  pugi::xml_document doc;
  if (!doc.load_buffer(document.data(), document.size())) return rules;
  for (pugi::xml_node r : doc.document_element().children("CORSRule")) {
    CorsRule rule;
    for (pugi::xml_node n : r.children("AllowedOrigin")) rule.origins.push_back(n.text().as_string());
    for (pugi::xml_node n : r.children("AllowedMethod")) rule.methods.push_back(n.text().as_string());
    for (pugi::xml_node n : r.children("AllowedHeader")) rule.headers.push_back(n.text().as_string());
    for (pugi::xml_node n : r.children("ExposeHeader")) rule.expose.push_back(n.text().as_string());
    if (pugi::xml_node age = r.child("MaxAgeSeconds")) rule.max_age = age.text().as_string();
    rules.push_back(std::move(rule));
  }
  return rules;
}

bool CorsWildcardMatch(std::string_view pattern, std::string_view value, bool ignore_case) {
  size_t star = pattern.find('*');
  if (star == std::string_view::npos) return EqualChars(pattern, value, ignore_case);
  std::string_view head = pattern.substr(0, star);
  std::string_view tail = pattern.substr(star + 1);
  if (value.size() < head.size() + tail.size()) return false;
  return EqualChars(head, value.substr(0, head.size()), ignore_case) &&
         EqualChars(tail, value.substr(value.size() - tail.size()), ignore_case);
}

const CorsRule* MatchCorsRule(const std::vector<CorsRule>& rules, std::string_view origin,
                              std::string_view method,
                              const std::vector<std::string>& request_headers) {
  for (const CorsRule& rule : rules) {
    bool origin_ok = false;
    for (const std::string& o : rule.origins) {
      origin_ok = origin_ok || CorsWildcardMatch(o, origin, /*ignore_case=*/false);
    }
    bool method_ok = false;
    for (const std::string& m : rule.methods) method_ok = method_ok || m == method;
    if (!origin_ok || !method_ok) continue;
    bool headers_ok = true;
    for (const std::string& h : request_headers) {
      bool allowed = false;
      for (const std::string& p : rule.headers) {
        allowed = allowed || CorsWildcardMatch(p, h, /*ignore_case=*/true);
      }
      headers_ok = headers_ok && allowed;
    }
    if (headers_ok) return &rule;
  }
  return nullptr;
}

std::vector<std::string> SplitHeaderList(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.empty()) continue;
    std::string lower;
    for (char c : item) lower += LowerChar(c);
    out.push_back(std::move(lower));
  }
  return out;
}

http::StartResult CorsPreflight(const Ctx& ctx) {
  RequestContext& c = *ctx;
  const http::Headers& h = c.request.headers;
  const std::string* origin = h.Find("Origin");
  if (origin == nullptr) return ErrorResponse(c, ErrorReply(S3Error::kBadRequest));
  std::string_view method = h.Get("Access-Control-Request-Method");
  if (!IsCorsMethod(method)) {
    return ErrorResponse(c, ErrorReply(S3Error::kBadRequest,
                                       "Invalid Access-Control-Request-Method: " +
                                           std::string(method.empty() ? "null" : method)));
  }
  // Browsers never sign a preflight, so the bucket is found without the owner and region checks.
  auto bucket = c.store().GetBucket(c.target.bucket);
  if (!bucket.ok()) return ErrorResponse(c, StorageError(c, bucket.status()));
  auto config = c.store().GetBucketConfig(bucket->name, "cors");
  if (!config.ok() && config.code() != storage::Code::kNotFound) {
    return ErrorResponse(c, StorageError(c, config.status()));
  }
  auto forbidden = [&](std::string message) {
    return ErrorResponse(c, ErrorReply(S3Error::kAccessForbidden, std::move(message))
                                .Field("Method", std::string(method))
                                .Field("ResourceType", std::string(ResourceTypeOf(c))));
  };
  if (!config.ok()) return forbidden("CORSResponse: CORS is not enabled for this bucket.");
  std::vector<std::string> requested = SplitHeaderList(h.Get("Access-Control-Request-Headers"));
  std::vector<CorsRule> rules = ParseCorsRules(config.value());
  const CorsRule* rule = MatchCorsRule(rules, *origin, method, requested);
  if (rule == nullptr) return forbidden("");
  http::Response r;
  AddRuleHeaders(*rule, *origin, &r.headers);
  if (!requested.empty()) r.headers.Set("Access-Control-Allow-Headers", Join(requested));
  return r;
}

void AddCorsHeaders(RequestContext& ctx, http::Response* response) {
  const std::string* origin = ctx.request.headers.Find("Origin");
  if (origin == nullptr || ctx.target.bucket.empty() || response->headers.Has("Access-Control-Allow-Origin")) {
    return;
  }
  if (ctx.deps.objects == nullptr) return;
  auto config = ctx.store().GetBucketConfig(ctx.target.bucket, "cors");
  if (!config.ok()) return;
  std::vector<CorsRule> rules = ParseCorsRules(config.value());
  if (const CorsRule* rule = MatchCorsRule(rules, *origin, ctx.request.method, {})) {
    AddRuleHeaders(*rule, *origin, &response->headers);
  }
}

}  // namespace skiff::s3
