// Fault injection for the AWS Query services (STS and IAM): the one call the front door makes
// once the action and the caller are known and access is granted, and the error a fired fault
// becomes in the Query protocol's <ErrorResponse>.
#pragma once

#include <functional>

#include "server/faults/faults.h"
#include "server/sts/query.h"

namespace skiff::sts {

// Renders an error as the service does (<ErrorResponse> XML, the journal's error code).
using ErrorFn = std::function<http::Response(const QueryError&)>;

// Consults call.options.faults (if set). A fired rule that stops the request (error, reset)
// answers instead of `run`; a rule's latency delays whatever answers. The rule id goes into
// the journal record.
http::Response WithFaults(const Call& call, const ErrorFn& error,
                          const std::function<http::Response()>& run);

// `action`'s error: a code STS or IAM defines keeps its real status (Throttling 400,
// InternalFailure 500, NoSuchEntity 404, ...), an unknown one gets the action's status (default
// 400); 5xx are "Receiver" faults, the rest "Sender".
QueryError FaultError(const faults::Action& action);

}  // namespace skiff::sts
