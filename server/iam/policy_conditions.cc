// Condition operators. Within a statement every operator block and every key in it must hold
// (AND); the values listed for one key are alternatives (OR). A key missing from the request
// context fails a condition, except under a negated operator (StringNotEquals, NotIpAddress...),
// an ...IfExists operator, ForAllValues (vacuously true) and Null.
#include <arpa/inet.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>

#include "server/iam/policy.h"
#include "server/iam/policy_statement.h"

namespace skiff::iam {
namespace {

std::optional<double> ParseNumber(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return d;
}

// ISO 8601 ("2026-01-02", "2026-01-02T03:04:05Z", fractional seconds, "+hh:mm" offsets) or
// epoch seconds, as seconds since the epoch.
std::optional<double> ParseDate(const std::string& s) {
  if (!s.empty() && s.find('-') == std::string::npos) return ParseNumber(s);
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &consumed) !=
          3 ||
      consumed != 10) {
    return std::nullopt;
  }
  double fraction = 0;
  long offset = 0;
  size_t pos = 10;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't')) {
    if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
                    &consumed) != 3 ||
        consumed != 8) {
      return std::nullopt;
    }
    pos += 9;
    if (pos < s.size() && s[pos] == '.') {
      size_t start = pos;
      ++pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
      fraction = std::strtod(s.substr(start, pos - start).c_str(), nullptr);
    }
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
      ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      int hh = 0, mm = 0;
      if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d%n", &hh, &mm, &consumed) != 2 ||
          consumed != 5) {
        return std::nullopt;
      }
      offset = (s[pos] == '+' ? 1 : -1) * (hh * 3600L + mm * 60L);
      pos += 6;
    }
  }
  if (pos != s.size()) return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<double>(timegm(&tm) - offset) + fraction;
}

// "203.0.113.0/24", "2001:db8::/32" or a bare address against an address.
bool CidrContains(const std::string& cidr, const std::string& address) {
  std::string net = cidr;
  int bits = -1;
  if (size_t slash = cidr.find('/'); slash != std::string::npos) {
    net = cidr.substr(0, slash);
    auto n = ParseNumber(cidr.substr(slash + 1));
    if (!n) return false;
    bits = static_cast<int>(*n);
  }
  unsigned char a[16], b[16];
  int len = 0;
  if (inet_pton(AF_INET, net.c_str(), a) == 1) {
    if (inet_pton(AF_INET, address.c_str(), b) != 1) return false;
    len = 4;
  } else if (inet_pton(AF_INET6, net.c_str(), a) == 1) {
    if (inet_pton(AF_INET6, address.c_str(), b) != 1) return false;
    len = 16;
  } else {
    return false;
  }
  if (bits < 0) bits = len * 8;
  if (bits > len * 8) return false;
  for (int i = 0; i < len && bits > 0; ++i, bits -= 8) {
    unsigned char mask = bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

// ArnLike/ArnEquals compare the six colon-separated parts one by one, each with wildcards.
bool ArnMatches(std::string_view pattern, std::string_view arn) {
  auto split = [](std::string_view s, std::string_view* parts) {
    int n = 0;
    while (n < 5) {
      size_t colon = s.find(':');
      if (colon == std::string_view::npos) break;
      parts[n++] = s.substr(0, colon);
      s.remove_prefix(colon + 1);
    }
    parts[n++] = s;
    return n;
  };
  std::string_view p[6], a[6];
  int np = split(pattern, p);
  if (np != 6) return pattern == "*";  // a pattern that is not an ARN matches nothing
  if (split(arn, a) != 6) return false;
  for (int i = 0; i < 6; ++i) {
    if (!WildcardMatch(p[i], a[i])) return false;
  }
  return true;
}

// The base operator (negation aside) for one policy value against one request value.
bool ValueMatches(ConditionOp op, const std::string& want, const std::string& got) {
  switch (op) {
    case ConditionOp::kStringEquals:
    case ConditionOp::kBinaryEquals:
      return want == got;
    case ConditionOp::kStringEqualsIgnoreCase:
      return AsciiLower(want) == AsciiLower(got);
    case ConditionOp::kStringLike:
      return WildcardMatch(want, got);
    case ConditionOp::kBool:
      return AsciiLower(want) == AsciiLower(got);
    case ConditionOp::kIpAddress:
      return CidrContains(want, got);
    case ConditionOp::kArnLike:
      return ArnMatches(want, got);
    case ConditionOp::kNull:
      return false;  // decided per key
    default:
      break;
  }
  bool date = op == ConditionOp::kDateEquals || op == ConditionOp::kDateLessThan ||
              op == ConditionOp::kDateLessThanEquals || op == ConditionOp::kDateGreaterThan ||
              op == ConditionOp::kDateGreaterThanEquals;
  std::optional<double> w = date ? ParseDate(want) : ParseNumber(want);
  std::optional<double> g = date ? ParseDate(got) : ParseNumber(got);
  if (!w || !g) return false;
  switch (op) {
    case ConditionOp::kNumericEquals:
    case ConditionOp::kDateEquals:
      return *g == *w;
    case ConditionOp::kNumericLessThan:
    case ConditionOp::kDateLessThan:
      return *g < *w;
    case ConditionOp::kNumericLessThanEquals:
    case ConditionOp::kDateLessThanEquals:
      return *g <= *w;
    case ConditionOp::kNumericGreaterThan:
    case ConditionOp::kDateGreaterThan:
      return *g > *w;
    case ConditionOp::kNumericGreaterThanEquals:
    case ConditionOp::kDateGreaterThanEquals:
      return *g >= *w;
    default:
      return false;
  }
}

bool IsStringOp(ConditionOp op) {
  return op == ConditionOp::kStringEquals || op == ConditionOp::kStringEqualsIgnoreCase ||
         op == ConditionOp::kStringLike || op == ConditionOp::kArnLike;
}

// Whether any of the condition's values matches one request value.
bool AnyPolicyValueMatches(const Statement& s, const Condition& c, const RequestFacts& facts,
                           const std::string& got) {
  for (const std::string& want : c.values) {
    if (s.variables && IsStringOp(c.op) && want.find("${") != std::string::npos) {
      std::string substituted;
      if (SubstituteVariables(want, facts, &substituted) &&
          ValueMatches(c.op, substituted, got)) {
        return true;
      }
    } else if (ValueMatches(c.op, want, got)) {
      return true;
    }
  }
  return false;
}

bool ConditionHolds(const Statement& s, const Condition& c, const RequestFacts& facts) {
  const std::vector<std::string>* got = FindContextKey(facts, c.key);
  const bool missing = got == nullptr || got->empty();
  if (c.op == ConditionOp::kNull) {
    for (const std::string& want : c.values) {
      std::string w = AsciiLower(want);
      if ((w == "true" && missing) || (w == "false" && !missing)) return true;
    }
    return false;
  }
  // One request value passes when some policy value matches it (or, negated, none does).
  auto passes = [&](const std::string& value) {
    bool m = AnyPolicyValueMatches(s, c, facts, value);
    return c.negated ? !m : m;
  };
  switch (c.qualifier) {
    case SetQualifier::kForAllValues:
      if (missing) return true;
      for (const std::string& v : *got) {
        if (!passes(v)) return false;
      }
      return true;
    case SetQualifier::kForAnyValue:
      if (missing) return c.if_exists;
      for (const std::string& v : *got) {
        if (passes(v)) return true;
      }
      return false;
    case SetQualifier::kNone:
      break;
  }
  if (missing) return c.if_exists || c.negated;
  bool any = false;
  for (const std::string& v : *got) {
    if (AnyPolicyValueMatches(s, c, facts, v)) {
      any = true;
      break;
    }
  }
  return c.negated ? !any : any;
}

}  // namespace

bool ConditionsHold(const Statement& s, const RequestFacts& facts) {
  for (const Condition& c : s.conditions) {
    if (!ConditionHolds(s, c, facts)) return false;
  }
  return true;
}

}  // namespace skiff::iam
