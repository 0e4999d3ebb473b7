// Fault injection for DynamoDB: the one call the front door makes once the operation, principal
// and tables are known and access is granted, and the rendering of a fired fault as DynamoDB
// renders that error.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "server/dynamodb/context.h"
#include "server/faults/faults.h"

namespace skiff::dynamodb {

// The front door's response builder: common headers, the journal status, the access line.
using FinalizeFn = http::Response (*)(RequestContext& ctx, int status, std::string body);

// Consults deps.faults (if set). A fired rule that stops the request (error, reset) answers
// instead of `run`; a rule's latency delays whatever answers, an ApiError from `run` included.
// The rule id goes into the journal record.
http::Response WithFaults(RequestContext& ctx, FinalizeFn finalize,
                          const std::function<http::Response()>& run);

// The tables a request names: TableName, a table ARN in ResourceArn, the RequestItems keys of
// the batch operations, and the TableName of every TransactItems entry (in that order).
std::vector<std::string> RequestTables(const rapidjson::Value& input);

// `action`'s error as DynamoDB sends it: a known code with its real status and __type
// namespace; an unknown one as com.amazonaws.dynamodb.v20120810#<Code> with the action's status
// (default 400). Returns the status; `body` gets the JSON.
int RenderFault(const faults::Action& action, std::string* body);

}  // namespace skiff::dynamodb
