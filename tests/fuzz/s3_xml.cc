// Fuzzes the S3 XML request-body parsers server/s3 exposes: NormalizeConfig for every bucket
// configuration kind (CORS, tagging, lifecycle, versioning, ...), ParseTagging, ParseCorsRules
// (and CORS matching on what parses), and the operation bodies of request_bodies.h (DeleteObjects,
// CompleteMultipartUpload, CreateBucket, PutBucketVersioning). The first byte picks the parser
// (seed files in tests/testdata/fuzz/s3_xml/ start with it); the rest is the body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/s3/config_cors.h"
#include "server/s3/config_docs.h"
#include "server/s3/request_bodies.h"

namespace {

constexpr std::string_view kConfigQueries[] = {
    "accelerate", "acl",         "cors",       "encryption", "intelligent-tiering",
    "inventory",  "lifecycle",   "logging",    "metrics",    "notification",
    "object-lock", "ownershipControls", "policy", "publicAccessBlock", "replication",
    "requestPayment", "tagging", "versioning", "website",    "analytics"};

// After the configuration kinds (first bytes 0..kQueries-1), in this order.
enum Pick : uint8_t { kTagging, kCorsRules, kDelete, kComplete, kLocation, kVersioning, kPicks };

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace skiff::s3;
  if (size == 0) return 0;
  // A view of exactly the input, so ASan sees any read past it; request_bodies.h takes strings.
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string body_copy(body);
  constexpr size_t kQueries = sizeof(kConfigQueries) / sizeof(kConfigQueries[0]);
  const uint8_t pick = data[0] % (kQueries + kPicks);
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
    return 0;
  }
  switch (pick - kQueries) {
    case kTagging: {
      TagList tags;
      if (!ParseTagging(body, 50, &tags)) (void)RenderTagging(tags), (void)EncodeTagQuery(tags);
      break;
    }
    case kCorsRules: {
      auto rules = ParseCorsRules(body);
      (void)MatchCorsRule(rules, "https://x.example", "PUT", SplitHeaderList("Content-Type, X-A"));
      break;
    }
    case kDelete: {
      bool quiet = false;
      std::vector<DeleteTarget> targets;
      (void)ParseDeleteBody(body_copy, &quiet, &targets);
      break;
    }
    case kComplete: {
      // Without and with an upload checksum algorithm (which adds the Checksum<algorithm> reads).
      for (std::string_view algorithm : {"", "CRC32", "SHA256"}) {
        std::vector<CompletePart> parts;
        (void)ParseCompleteBody(body_copy, algorithm, &parts);
      }
      break;
    }
    case kLocation: {
      std::string constraint;
      (void)ParseLocationConstraint(body_copy, &constraint);
      break;
    }
    case kVersioning: {
      std::string status;
      (void)ParseVersioningBody(body_copy, &status);
      break;
    }
  }
  return 0;
}
