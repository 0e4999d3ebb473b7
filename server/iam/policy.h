// IAM policy documents: parsing and the evaluation of one policy against one request.
// Pure (no storage, no HTTP): identity policies, resource (bucket) policies and role trust
// policies all go through Parse() and Evaluate().
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::iam {

struct Statement;  // defined in policy.cc

// A parsed policy document ({"Version": ..., "Statement": [...] or {...}}).
class Policy {
 public:
  Policy();
  ~Policy();
  Policy(Policy&&) noexcept;
  Policy& operator=(Policy&&) noexcept;
  Policy(const Policy&);
  Policy& operator=(const Policy&);

  const std::vector<Statement>& statements() const;

 private:
  friend struct PolicyParser;
  std::unique_ptr<std::vector<Statement>> statements_;
};

// Parses a policy document (the grammar common to every kind: ParsePolicyFor(kAny)). On failure
// returns nullopt and sets `error` to IAM's wording for MalformedPolicyDocument ("Syntax errors
// in policy.", "The policy failed legacy parsing", "Policy statement must contain actions.",
// "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", ...).
std::optional<Policy> ParsePolicy(std::string_view json, std::string* error);

// What a document is for, which decides the required and refused elements and the wording:
// kIdentity (user/role/managed policies: Resource required, Principal refused), kTrust (role
// trust policies: Principal required, Resource refused), kResource (bucket policies: both
// required; errors worded as S3's MalformedPolicy), kAny (only the common syntax, IAM wording).
// kIdentity also requires Version 2012-10-17 ("Policy document must be version 2012-10-17 or
// greater."); kIdentity and kTrust require at least one statement.
enum class PolicyKind { kAny, kIdentity, kTrust, kResource };
std::optional<Policy> ParsePolicyFor(std::string_view json, PolicyKind kind, std::string* error);

// What a request asks for, as condition keys see it.
struct RequestFacts {
  std::string action;          // "s3:ListBucket", "dynamodb:PutItem", "sts:AssumeRole"
  std::string resource;        // "arn:aws:s3:::bucket", "arn:aws:dynamodb:r:acct:table/t"
  std::string principal_arn;   // the caller
  std::string principal_account;
  // Condition keys, case-insensitive names ("aws:SecureTransport", "s3:prefix",
  // "aws:PrincipalArn", "s3:x-amz-server-side-encryption", "aws:username", ...). Multi-valued.
  // Keys absent here are "missing" for the Null operator and the ...IfExists variants.
  std::map<std::string, std::vector<std::string>> context;
};

enum class Effect { kNone, kAllow, kDeny };

// The statement that decided, for messages and the journal.
struct Match {
  Effect effect = Effect::kNone;
  std::string sid;   // the statement's Sid, or "" when it has none
  int index = -1;    // position in the policy's Statement list
};

// Evaluates one policy: kDeny if any statement denies, else kAllow if any allows, else kNone.
// `check_principal`: resource and trust policies name a Principal/NotPrincipal that must match
// the caller (identity policies must not, and are evaluated with false). Principal matching:
// "*" matches anyone (anonymous too); an AWS account id or "arn:aws:iam::<acct>:root" matches
// every principal of that account; a user/role ARN matches that user, or that role's sessions
// ("arn:aws:sts::<acct>:assumed-role/<role>/<session>"); Service and Federated entries match a
// caller whose principal_arn is that service name or identity-provider ARN (web identity).
Match Evaluate(const Policy& policy, const RequestFacts& facts, bool check_principal);

// IAM's wildcard match: '*' any run, '?' one character; case-sensitive (actions compare
// case-insensitively; callers lower-case both sides for them).
bool WildcardMatch(std::string_view pattern, std::string_view value);

}  // namespace skiff::iam
