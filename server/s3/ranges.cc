#include "server/s3/ranges.h"

#include <charconv>

namespace skiff::s3 {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseU64(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

RangeResult EvaluateRange(std::string_view header, uint64_t size) {
  RangeResult full;
  std::string_view h = Trim(header);
  constexpr std::string_view kPrefix = "bytes=";
  if (!h.starts_with(kPrefix)) return full;
  h = Trim(h.substr(kPrefix.size()));
  if (h.find(',') != std::string_view::npos) return full;
  size_t dash = h.find('-');
  if (dash == std::string_view::npos) return full;
  std::string_view first = Trim(h.substr(0, dash));
  std::string_view last = Trim(h.substr(dash + 1));
  RangeResult r;
  if (first.empty()) {
    uint64_t n = 0;
    if (!ParseU64(last, &n)) return full;
    if (n == 0 || size == 0) {
      r.kind = RangeResult::kUnsatisfiable;
      return r;
    }
    if (n > size) n = size;
    r.kind = RangeResult::kPartial;
    r.offset = size - n;
    r.length = n;
    return r;
  }
  uint64_t a = 0;
  if (!ParseU64(first, &a)) return full;
  uint64_t b = 0;
  bool open_ended = last.empty();
  if (!open_ended) {
    if (!ParseU64(last, &b)) return full;
    if (b < a) return full;  // RFC 7233: syntactically invalid, so ignored
  }
  if (a >= size) {
    r.kind = RangeResult::kUnsatisfiable;
    return r;
  }
  if (open_ended || b >= size) b = size - 1;
  r.kind = RangeResult::kPartial;
  r.offset = a;
  r.length = b - a + 1;
  return r;
}

std::string ContentRange(uint64_t offset, uint64_t length, uint64_t size) {
  return "bytes " + std::to_string(offset) + "-" + std::to_string(offset + length - 1) + "/" +
         std::to_string(size);
}

bool EtagListMatches(std::string_view header, std::string_view etag) {
  std::string_view rest = header;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item == "*") return true;
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
      item = item.substr(1, item.size() - 2);
    }
    if (item == etag) return true;
  }
  return false;
}

ConditionOutcome EvaluateConditions(const Preconditions& p, std::string_view etag,
                                    int64_t last_modified_ms) {
  const int64_t modified_s = last_modified_ms / 1000;
  if (p.if_match) {
    if (!EtagListMatches(*p.if_match, etag)) return ConditionOutcome::kPreconditionFailed;
  } else if (p.if_unmodified_since_ms) {
    if (modified_s > *p.if_unmodified_since_ms / 1000) {
      return ConditionOutcome::kPreconditionFailed;
    }
  }
  if (p.if_none_match) {
    if (EtagListMatches(*p.if_none_match, etag)) return ConditionOutcome::kNotModified;
  } else if (p.if_modified_since_ms) {
    if (modified_s <= *p.if_modified_since_ms / 1000) return ConditionOutcome::kNotModified;
  }
  return ConditionOutcome::kProceed;
}

}  // namespace skiff::s3
