// Fuzzes the S3 XML request-body parsers server/s3 exposes: NormalizeConfig for every bucket
// configuration kind (CORS, tagging, lifecycle, versioning, ...), ParseTagging, ParseCorsRules
// (and CORS matching on what parses). The first byte picks the parser; the rest is the body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/s3/config_cors.h"
#include "server/s3/config_docs.h"

namespace {

constexpr std::string_view kConfigQueries[] = {
    "accelerate", "acl",         "cors",       "encryption", "intelligent-tiering",
    "inventory",  "lifecycle",   "logging",    "metrics",    "notification",
    "object-lock", "ownershipControls", "policy", "publicAccessBlock", "replication",
    "requestPayment", "tagging", "versioning", "website",    "analytics"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace skiff::s3;
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  constexpr size_t kQueries = sizeof(kConfigQueries) / sizeof(kConfigQueries[0]);
  const uint8_t pick = data[0] % (kQueries + 2);
  if (pick < kQueries) {
    const ConfigKind* kind = FindConfigKind(kConfigQueries[pick]);
    if (kind == nullptr) return 0;
    std::string stored;
    if (!NormalizeConfig(*kind, body, &stored)) {
      // A stored document is rendered back as is; for CORS it is also what requests match.
      if (kind->query == "cors") {
        auto rules = ParseCorsRules(stored);
        (void)MatchCorsRule(rules, "http://a.example", "GET", {"x-amz-date"});
      }
    }
    (void)DefaultConfigDocument(*kind);
  } else if (pick == kQueries) {
    TagList tags;
    if (!ParseTagging(body, 50, &tags)) (void)RenderTagging(tags), (void)EncodeTagQuery(tags);
  } else {
    auto rules = ParseCorsRules(body);
    (void)MatchCorsRule(rules, "https://x.example", "PUT", SplitHeaderList("Content-Type, X-A"));
  }
  return 0;
}
