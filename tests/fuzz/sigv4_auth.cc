// Fuzzes sigv4::Parse (Authorization header and presigned query) and, when it parses, Verify.
// Input: line 1 "METHOD path[?query] [HTTP/1.1]", then "name: value" header lines.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sigv4/sigv4.h"

namespace {

std::string_view NextLine(std::string_view& rest) {
  size_t end = rest.find('\n');
  std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace skiff::sigv4;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string_view first = NextLine(rest);
  RequestView request;
  size_t space = first.find(' ');
  request.method = first.substr(0, space);
  std::string_view target = space == std::string_view::npos ? "/" : first.substr(space + 1);
  target = target.substr(0, target.find(' '));  // drop " HTTP/1.1", so signed requests seed
  size_t q = target.find('?');
  request.path = target.substr(0, q);
  if (q != std::string_view::npos) request.query = target.substr(q + 1);
  while (!rest.empty()) {
    std::string_view line = NextLine(rest);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }

  ParseResult parsed = Parse(request);
  (void)ErrorName(parsed.error);
  if (parsed.error != Error::kNone) return 0;
  // Verify at the request's own time, so the skew check passes and canonicalization runs.
  for (bool s3_rules : {true, false}) {
    VerifyOptions options;
    options.s3_path_rules = s3_rules;
    std::string_view hash = parsed.auth.payload_hash.empty()
                                ? std::string_view("UNSIGNED-PAYLOAD")
                                : std::string_view(parsed.auth.payload_hash);
    VerifyResult verified = Verify(parsed.auth, request, "test", hash, parsed.auth.request_time,
                                   options);
    (void)verified;
  }
  return 0;
}
