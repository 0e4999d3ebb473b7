#include "server/faults/presets.h"

#include <array>
#include <ctime>
#include <string>
#include <utility>

#include "server/common/clock.h"

namespace skiff::faults {
namespace {

struct PresetInfo {
  Preset preset;
  std::string_view name;
  bool s3, dynamodb, query;  // query: the AWS Query services, STS and IAM
};

constexpr std::array<PresetInfo, 10> kPresets = {{
    {Preset::kWrongRegion, "wrong-region", true, false, false},
    {Preset::kAccessDenied, "access-denied", true, true, true},
    {Preset::kMissingTable, "missing-table", false, true, false},
    {Preset::kNoSuchBucket, "no-such-bucket", true, false, false},
    {Preset::kLockHeld, "lock-held", true, true, false},
    {Preset::kThrottle, "throttle", true, true, true},
    {Preset::kInternalError, "internal-error", true, true, true},
    {Preset::kSlow, "slow", true, true, true},
    {Preset::kExpiredToken, "expired-token", true, true, true},
    {Preset::kClockSkew, "clock-skew", true, true, true},
}};

const PresetInfo* Find(Preset preset) {
  for (const auto& p : kPresets) {
    if (p.preset == preset) return &p;
  }
  return nullptr;
}

bool IsQueryService(std::string_view service) { return service == "sts" || service == "iam"; }

// DynamoDB throttles its item operations with ProvisionedThroughputExceededException and its
// control plane (CreateTable, DescribeTable, ...) with ThrottlingException.
bool IsDataPlane(std::string_view operation) {
  // clang-format off
  static constexpr std::array<std::string_view, 13> kDataPlane = {
      "GetItem",          "PutItem",            "UpdateItem",       "DeleteItem",
      "Query",            "Scan",               "BatchGetItem",     "BatchWriteItem",
      "TransactGetItems", "TransactWriteItems", "ExecuteStatement", "BatchExecuteStatement",
      "ExecuteTransaction"};
  // clang-format on
  for (auto op : kDataPlane) {
    if (op == operation) return true;
  }
  return false;
}

// "20261122T140000Z" for a Unix time in milliseconds.
std::string AmzDate(int64_t epoch_ms) {
  std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// DynamoDB's and STS's wording for a request dated too far from the server clock. The fault
// pretends the server clock runs 15 minutes ahead of the request.
std::string SignatureExpiredMessage(const Target& target) {
  int64_t now = common::NowMillis();
  std::string request_date = target.request_date.empty() ? AmzDate(now) : target.request_date;
  int64_t server = now + 15 * 60 * 1000;
  return "Signature expired: " + request_date + " is now earlier than " +
         AmzDate(server - 5 * 60 * 1000) + " (" + AmzDate(server) + " - 5 min.)";
}

Action S3Action(const Rule& rule, const Target&) {
  Action a;
  switch (rule.preset) {
    case Preset::kWrongRegion:
      a.redirect_region =
          rule.preset_region.empty() ? std::string(kDefaultRedirectRegion) : rule.preset_region;
      break;
    case Preset::kAccessDenied:
      a.error_code = "AccessDenied";
      break;
    case Preset::kNoSuchBucket:
      a.error_code = "NoSuchBucket";
      break;
    case Preset::kLockHeld:
      a.error_code = "PreconditionFailed";
      break;
    case Preset::kThrottle:
      a.error_code = "SlowDown";
      break;
    case Preset::kInternalError:
      a.error_code = "InternalError";
      break;
    case Preset::kExpiredToken:
      a.error_code = "ExpiredToken";
      break;
    case Preset::kClockSkew:
      a.error_code = "RequestTimeTooSkewed";
      break;
    default:
      break;
  }
  return a;
}

Action DynamoDbAction(const Rule& rule, const Target& target) {
  Action a;
  switch (rule.preset) {
    case Preset::kAccessDenied:
      // The service's renderer words the denial (it knows the IAM action and resource).
      a.error_code = "AccessDeniedException";
      break;
    case Preset::kMissingTable:
      a.error_code = "ResourceNotFoundException";
      if (target.operation == "DescribeTable" && !target.table.empty()) {
        a.message = "Requested resource not found: Table: " + target.table + " not found";
      }
      break;
    case Preset::kLockHeld:
      a.error_code = "ConditionalCheckFailedException";
      break;
    case Preset::kThrottle:
      a.error_code = IsDataPlane(target.operation) ? "ProvisionedThroughputExceededException"
                                                   : "ThrottlingException";
      break;
    case Preset::kInternalError:
      a.error_code = "InternalServerError";
      break;
    case Preset::kExpiredToken:
      a.error_code = "ExpiredTokenException";
      a.message = "The security token included in the request is expired";
      break;
    case Preset::kClockSkew:
      a.error_code = "InvalidSignatureException";
      a.message = SignatureExpiredMessage(target);
      break;
    default:
      break;
  }
  return a;
}

// STS and IAM have no error table of their own here: the preset carries status and message.
Action QueryAction(const Rule& rule, const Target& target) {
  Action a;
  switch (rule.preset) {
    case Preset::kAccessDenied:
      a.error_code = "AccessDenied";
      a.status = 403;
      break;
    case Preset::kThrottle:
      a.error_code = "Throttling";
      a.status = 400;
      a.message = "Rate exceeded";
      break;
    case Preset::kInternalError:
      a.error_code = "InternalFailure";
      a.status = 500;
      a.message =
          "The request processing has failed because of an unknown error, exception or failure.";
      break;
    case Preset::kExpiredToken:
      a.error_code = "ExpiredToken";
      a.status = 403;
      a.message = "The security token included in the request is expired";
      break;
    case Preset::kClockSkew:
      a.error_code = "SignatureDoesNotMatch";
      a.status = 403;
      a.message = SignatureExpiredMessage(target);
      break;
    default:
      break;
  }
  return a;
}

}  // namespace

std::string_view PresetName(Preset preset) {
  const PresetInfo* p = Find(preset);
  return p ? p->name : "";
}

bool ParsePreset(std::string_view name, Preset* out) {
  for (const auto& p : kPresets) {
    if (p.name == name) {
      *out = p.preset;
      return true;
    }
  }
  return false;
}

std::string PresetNames() {
  std::string out;
  for (const auto& p : kPresets) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

bool PresetServes(Preset preset, std::string_view service) {
  const PresetInfo* p = Find(preset);
  if (p == nullptr) return true;
  if (service == "s3") return p->s3;
  if (service == "dynamodb") return p->dynamodb;
  if (IsQueryService(service)) return p->query;
  return false;
}

bool PresetApplies(const Rule& rule, const Target& target) {
  if (rule.preset == Preset::kNone) return true;
  if (!PresetServes(rule.preset, target.service)) return false;
  if (rule.preset == Preset::kLockHeld && rule.match.operation.empty()) {
    const std::string& op = target.operation;
    if (target.service == "s3") return op == "PutObject" || op == "CompleteMultipartUpload";
    return op == "PutItem" || op == "UpdateItem" || op == "DeleteItem";
  }
  return true;
}

std::string RedirectRegion(const Rule& rule) {
  if (!rule.action.redirect_region.empty()) return rule.action.redirect_region;
  if (rule.preset != Preset::kWrongRegion) return "";
  return rule.preset_region.empty() ? std::string(kDefaultRedirectRegion) : rule.preset_region;
}

Action ResolveAction(const Rule& rule, const Target& target) {
  Action a;
  if (rule.preset == Preset::kSlow) {
    a.latency = kDefaultSlowLatency;
  } else if (target.service == "s3") {
    a = S3Action(rule, target);
  } else if (target.service == "dynamodb") {
    a = DynamoDbAction(rule, target);
  } else if (IsQueryService(target.service)) {
    a = QueryAction(rule, target);
  }
  const Action& own = rule.action;
  if (!own.error_code.empty() && own.error_code != a.error_code) {
    // Another code: the preset's message and status were for its own code.
    a.error_code = own.error_code;
    a.message.clear();
    a.status = 0;
  }
  if (!own.message.empty()) a.message = own.message;
  if (own.status != 0) a.status = own.status;
  if (own.latency.count() > 0) a.latency = own.latency;
  if (own.reset_connection) a.reset_connection = true;
  if (!own.redirect_region.empty()) a.redirect_region = own.redirect_region;
  return a;
}

}  // namespace skiff::faults
