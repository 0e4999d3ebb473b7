// Fault injection: rules that make chosen requests fail (or slow down) on purpose.
// A rule = match (which requests) + action (what happens) + trigger (when it fires).
// The engine is thread-safe and consulted once per request, after authentication and the access
// decision, before the operation runs. Pure: knows nothing of HTTP or of any protocol's
// rendering; each service renders a fired fault its own way.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::faults {

// What one request looks like to the matcher. Empty fields never match a rule field that is set.
struct Target {
  std::string service;     // "s3", "dynamodb", "sts", "iam"
  std::string operation;   // "PutObject", "GetItem", "AssumeRole"
  std::string region;
  std::string account;
  std::string access_key;
  std::string bucket;
  std::string key;
  std::string table;       // DynamoDB: every table the request names (first one here)
  std::vector<std::string> tables;
  std::string method;
};

// What a fired rule does. Several parts can combine (latency + error).
struct Action {
  std::string error_code;      // any AWS error code: "SlowDown", "ThrottlingException", ...
  std::string message;         // optional: overrides the service's default message
  int status = 0;              // optional: overrides the code's real status
  std::chrono::milliseconds latency{0};
  bool reset_connection = false;
  std::string redirect_region; // S3: make the bucket appear to live in this region (301)
};

struct Fired {
  std::string rule_id;
  Action action;
};


}  // namespace skiff::faults
