// The global condition keys (aws:*) of an authenticated request, shared by S3 and DynamoDB.
#pragma once

#include <string>

#include "server/common/principal.h"
#include "server/http/message.h"
#include "server/iam/policy.h"

namespace skiff::iam {

// Adds aws:SecureTransport, aws:SourceIp, aws:CurrentTime, aws:EpochTime, aws:PrincipalType,
// aws:PrincipalArn (the role ARN for an assumed-role session), aws:PrincipalAccount,
// aws:username (IAM users), aws:RequestedRegion, and aws:ResourceAccount when
// `resource_account` is known.
void AddGlobalConditionKeys(const common::Principal& principal, const http::Request& request,
                            const std::string& resource_account, RequestFacts* facts);

// "arn:aws:sts::<acct>:assumed-role/<role>/<session>" -> "arn:aws:iam::<acct>:role/<role>";
// other ARNs unchanged.
std::string PrincipalArnKey(const common::Principal& principal);

}  // namespace skiff::iam
