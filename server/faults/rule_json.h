// The rule JSON format (what --faults and POST /_skiff/faults accept, and GET lists):
//   {"id": "slow-puts",                        optional; else "fault-<n>"
//    "description": "...",                     optional
//    "match": {"service": "s3", "operation": "Put*", "region": "...", "account": "...",
//              "access_key": "...", "bucket": "...", "key": "state/*", "table": "...",
//              "method": "PUT"},               every field optional
//    "preset": "throttle",                     or an action, or both (the action overrides)
//    "region": "eu-west-1",                    wrong-region only: where the bucket appears
//    "action": {"error_code": "SlowDown", "message": "...", "status": 503,
//               "latency_ms": 500, "reset_connection": true, "redirect_region": "..."},
//    "trigger": "always" | {"after": 2, "times": 3, "probability": 0.5, "seed": 7}}
// Unknown members are errors (a typo must not silently widen a rule). The listing adds
// "matched" and "fired", which input ignores.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/faults/faults.h"

namespace skiff::faults {

// A rule, a list of rules, or {"rules": [...]} -> `out`. Returns "" or what is wrong, naming the
// rule ("rules[2].trigger.times must be a positive integer").
std::string ParseRules(std::string_view text, std::vector<Rule>* out);

// One rule as JSON in the format above (defaults left out), with its counters.
std::string RenderRule(const RuleState& state);
// {"rules":[...]}
std::string RenderRules(const std::vector<RuleState>& rules);

// --faults / SKIFF_FAULTS: inline JSON when `spec` starts with '[' or '{', else a file path.
// Adds every rule or none; returns "" or a message naming the source and what is wrong.
std::string LoadSpec(Engine& engine, std::string_view spec);

}  // namespace skiff::faults
