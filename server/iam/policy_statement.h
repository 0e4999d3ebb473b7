// The parsed form of one policy statement, shared by the parser (policy.cc) and the evaluator
// (policy_eval.cc, policy_conditions.cc). Not part of the library's interface: callers hold a
// Policy and go through Evaluate().
#pragma once

#include <map>
#include <string>
#include <vector>

#include "server/iam/policy.h"

namespace skiff::iam {

// Principal / NotPrincipal: "*" or {"AWS": ..., "Service": ..., "Federated": ...}.
struct PrincipalSpec {
  bool present = false;
  bool negated = false;  // NotPrincipal
  bool everyone = false;  // "*" or {"AWS": "*"}
  std::vector<std::string> aws;        // account ids, root/user/role/assumed-role ARNs
  std::vector<std::string> service;    // "ec2.amazonaws.com"
  std::vector<std::string> federated;  // OIDC/SAML provider ARNs or "accounts.google.com"
  std::vector<std::string> canonical_user;
};

enum class ConditionOp {
  kStringEquals,
  kStringEqualsIgnoreCase,
  kStringLike,
  kNumericEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kBinaryEquals,
  kIpAddress,
  kArnLike,  // ArnEquals behaves the same: both take wildcards
  kNull,
};

enum class SetQualifier { kNone, kForAnyValue, kForAllValues };

// One key of one operator block: "StringNotLikeIfExists": {"s3:prefix": ["a/*", "b/*"]}.
struct Condition {
  std::string operator_name;  // as written, for messages
  ConditionOp op = ConditionOp::kStringEquals;
  bool negated = false;    // StringNotEquals, NotIpAddress, ...: true when no value matches
  bool if_exists = false;  // ...IfExists: a missing key satisfies the condition
  SetQualifier qualifier = SetQualifier::kNone;
  std::string key;  // lower-cased
  std::vector<std::string> values;
};

struct Statement {
  std::string sid;
  Effect effect = Effect::kAllow;
  bool not_action = false;
  std::vector<std::string> actions;  // lower-cased
  bool has_resource = false;
  bool not_resource = false;
  std::vector<std::string> resources;
  PrincipalSpec principal;
  std::vector<Condition> conditions;
  bool variables = false;  // Version 2012-10-17: ${...} policy variables are substituted
};

// Whether every condition of `s` holds for `facts` (policy_conditions.cc).
bool ConditionsHold(const Statement& s, const RequestFacts& facts);

// Substitutes ${key} policy variables in `pattern` from `facts.context` (single-valued keys;
// ${key, 'default'} supplies a default). Returns false when a variable has no value: the
// element then matches nothing, as in AWS.
bool SubstituteVariables(std::string_view pattern, const RequestFacts& facts, std::string* out);

// The values of a condition key in the request context (case-insensitive name), or null.
const std::vector<std::string>* FindContextKey(const RequestFacts& facts, std::string_view key);

std::string AsciiLower(std::string_view s);

}  // namespace skiff::iam
