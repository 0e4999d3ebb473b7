// Fault injection for S3: the one call the front door makes once a request's operation,
// principal and resource are known and access is granted, and the rendering of a fired fault
// as S3 renders that error.
#pragma once

#include <functional>

#include "server/faults/faults.h"
#include "server/s3/context.h"

namespace skiff::s3 {

// Consults deps.faults (if set). A fired rule that stops the request (error, reset, region
// redirect) answers instead of `run`; a rule's latency delays whatever answers. The rule id goes
// into the journal record. A request sent to the region a redirect rule makes its bucket appear
// in is served as though sent to the bucket's real region.
http::StartResult WithFaults(const Ctx& ctx, const std::function<http::StartResult()>& run);

// `action`'s answer: a known S3 code with its real status and the XML elements S3 sends with it,
// an unknown code with the action's status (default 400); a redirect as 301 PermanentRedirect
// with x-amz-bucket-region; a reset as a response that resets the connection.
http::Response FaultResponse(RequestContext& ctx, const faults::Action& action);

}  // namespace skiff::s3
