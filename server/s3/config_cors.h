// CORS rules of a bucket (its stored CORSConfiguration) and how S3 matches a request to them:
// the first rule whose AllowedOrigin and AllowedMethod match (and, for a preflight, whose
// AllowedHeader patterns cover every requested header) answers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::s3 {

struct CorsRule {
  std::vector<std::string> origins;
  std::vector<std::string> methods;
  std::vector<std::string> headers;  // patterns, compared case-insensitively
  std::vector<std::string> expose;
  std::optional<std::string> max_age;
};

// Rules of a stored CORSConfiguration document, in order; empty if it does not parse.
std::vector<CorsRule> ParseCorsRules(std::string_view document);

// S3's wildcard: at most one '*', matching any run of characters (possibly empty).
bool CorsWildcardMatch(std::string_view pattern, std::string_view value, bool ignore_case);

// The first rule allowing `origin` with `method` and every name in `request_headers`.
const CorsRule* MatchCorsRule(const std::vector<CorsRule>& rules, std::string_view origin,
                              std::string_view method,
                              const std::vector<std::string>& request_headers);

// "Content-Type, X-Amz-Date" -> {"content-type", "x-amz-date"}.
std::vector<std::string> SplitHeaderList(std::string_view list);

}  // namespace skiff::s3
