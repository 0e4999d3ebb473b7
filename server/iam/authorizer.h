// The access decision for one request, as AWS makes it within one account: an explicit Deny in
// any applicable policy wins; otherwise an Allow from an identity policy or the resource policy
// allows; otherwise the request is implicitly denied. Account-root credentials are allowed
// everything in their own account (but a bucket policy's explicit Deny still applies to them).
// Cross-account requests need an Allow from the resource policy naming the caller.
#pragma once

#include <string>
#include <vector>

#include "server/common/principal.h"
#include "server/iam/policy.h"

namespace skiff::iam {

class IamStore;

struct Decision {
  bool allowed = false;
  // AWS's message tail, for AccessDenied / AccessDeniedException:
  //   "User: <arn> is not authorized to perform: <action> on resource: \"<resource>\" because no
  //    identity-based policy allows the <action> action"
  //   "... with an explicit deny in an identity-based policy" / "in a resource-based policy"
  std::string message;
  // The message's ending alone ("because no identity-based policy allows the s3:ListBucket
  // action", "with an explicit deny in a resource-based policy"), for services that word the
  // rest differently (DynamoDB does not quote the resource).
  std::string reason;
  // For the journal: "<policy name>/<Sid or #index>: Allow|Deny", "account root", or
  // "implicit deny".
  std::string decided_by;
};

struct NamedPolicy {
  std::string name;  // inline policy name or managed policy ARN
  Policy policy;
};

// "User: <arn> is not authorized to perform: <action> on resource: <resource> <reason>", the
// resource in double quotes when `quote_resource` (S3 quotes it, DynamoDB does not); without
// the "on resource" part when `resource` is empty (s3:ListAllMyBuckets).
std::string DenialMessage(const std::string& principal_arn, const std::string& action,
                          const std::string& resource, const std::string& reason,
                          bool quote_resource);

// Adds `decided_by` to a journal field listing the decisions of one request ("a; b"), once:
// a DeleteObjects of 1000 keys decided by one statement records it once.
void NoteDecision(std::string* field, const std::string& decided_by);

class Authorizer {
 public:
  // `store` supplies identity policies; it must outlive the Authorizer.
  explicit Authorizer(const IamStore* store) : store_(store) {}

  // `resource_policy`: the bucket policy (S3) or null. `resource_account`: the account owning
  // the resource ("" = the caller's own account). `facts.principal_arn` and
  // `facts.principal_account` are filled from `principal` when empty. `store` may be null: then
  // only account roots (and resource-policy grants) are allowed.
  Decision Authorize(const common::Principal& principal, const RequestFacts& facts,
                     const NamedPolicy* resource_policy, const std::string& resource_account) const;

 private:
  const IamStore* store_;
};

}  // namespace skiff::iam
