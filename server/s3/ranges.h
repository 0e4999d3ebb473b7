// Range and conditional-request evaluation for GetObject / HeadObject, as S3 applies them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::s3 {

struct RangeResult {
  enum Kind {
    kFull,           // no Range header, or one S3 ignores (malformed, multiple ranges)
    kPartial,        // 206 with Content-Range bytes offset-(offset+length-1)/size
    kUnsatisfiable,  // 416 InvalidRange
  };
  Kind kind = kFull;
  uint64_t offset = 0;
  uint64_t length = 0;
};

// Evaluates a Range header ("bytes=a-b", "bytes=a-", "bytes=-n") against an object of `size`
// bytes. A syntactically invalid or multi-range header is ignored (the whole object, 200), as
// S3 does.
RangeResult EvaluateRange(std::string_view header, uint64_t size);

// "bytes 0-9/100".
std::string ContentRange(uint64_t offset, uint64_t length, uint64_t size);

struct Preconditions {
  std::optional<std::string> if_match;
  std::optional<std::string> if_none_match;
  std::optional<int64_t> if_modified_since_ms;  // absent also when unparsable (ignored)
  std::optional<int64_t> if_unmodified_since_ms;
};

enum class ConditionOutcome { kProceed, kNotModified, kPreconditionFailed };

// RFC 7232 section 6 order, which S3 follows: If-Match (else If-Unmodified-Since) can fail with
// 412; then If-None-Match (else If-Modified-Since) can answer 304. A true If-Match overrides a
// false If-Unmodified-Since, and If-None-Match, when present, overrides If-Modified-Since.
// Times compare at one-second resolution, as HTTP dates carry.
ConditionOutcome EvaluateConditions(const Preconditions& p, std::string_view etag,
                                    int64_t last_modified_ms);

// Whether an If-Match / If-None-Match value ("*", "\"etag\"", a comma list, W/ prefixes)
// names `etag` (unquoted).
bool EtagListMatches(std::string_view header, std::string_view etag);

}  // namespace skiff::s3
