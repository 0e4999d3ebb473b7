// IAM authorization of DynamoDB requests: the action and resource ARN(s) each operation needs
// (table, index for index queries, every table a batch or transaction names), and DynamoDB's
// 400 AccessDeniedException when the decision is a denial.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/dynamodb/context.h"

namespace skiff::dynamodb {

struct Permission {
  std::string action;    // "dynamodb:PutItem"
  std::string resource;  // table/index ARN; "" for actions without a resource type
};

// What ctx.operation needs given ctx.input (already parsed). Table names that are ARNs are used
// as they are; malformed members are skipped (the operation answers ValidationException).
std::vector<Permission> RequiredPermissions(const RequestContext& ctx);

// Checks every permission; nullopt when allowed or when no authorizer is configured. Records the
// deciding statements in ctx.record.policy.
std::optional<ErrorReply> Authorize(RequestContext& ctx);

}  // namespace skiff::dynamodb
