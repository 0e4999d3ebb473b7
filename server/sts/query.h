// What every STS and IAM action shares: the call context, the error type, the action table
// entry, and the Query protocol's XML and parameter helpers.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/common/principal.h"
#include "server/common/request_log.h"
#include "server/http/message.h"
#include "server/iam/store.h"
#include "server/sts/service.h"

namespace skiff::sts {

struct QueryError {
  int status;
  std::string type;  // "Sender" or "Receiver"
  std::string code;
  std::string message;
  std::string detail;  // why, for the journal (record.error_detail); never sent
};

using Params = std::map<std::string, std::string>;

// One request, as an action sees it.
struct Call {
  const ServiceOptions& options;
  const http::Request& request;
  const Params& params;
  const common::Principal& principal;  // anonymous for unsigned AssumeRoleWithWebIdentity
  common::RequestRecord& record;
  std::chrono::system_clock::time_point now;
};

// An action's answer: the inner XML of <ActionResult> (nullopt: no Result element, as AWS
// answers actions without output), or an error.
struct Outcome {
  std::optional<QueryError> error;
  std::optional<std::string> result;
};

struct ActionSpec {
  std::string_view name;
  Outcome (*run)(Call& call);
  // IAM: the resource ARN the caller needs iam:<name> on (identity policies of non-root
  // callers are checked before run). Null for STS actions, which check inside.
  std::string (*resource)(const Call& call) = nullptr;
  // AssumeRoleWithWebIdentity: AWS accepts it without a signature.
  bool allow_unsigned = false;
};

// The tables, in the order the files define them.
const std::vector<ActionSpec>& StsActions();
const std::vector<ActionSpec>& IamActions();

// --- helpers ---
std::string XmlEscape(std::string_view s);
// application/x-www-form-urlencoded pairs ('+' is a space); later duplicates win.
Params ParseForm(std::string_view text);
// "<Name>escaped value</Name>" with `indent` spaces and a newline.
std::string Element(std::string_view name, std::string_view value, int indent);
// XML timestamps as IAM and STS write them: "2026-11-22T14:00:00Z".
std::string Timestamp(int64_t epoch_ms);
std::string Timestamp(std::chrono::system_clock::time_point t);
// Percent-encoding of a policy document, as IAM returns PolicyDocument and
// AssumeRolePolicyDocument (RFC 3986 unreserved characters stay).
std::string UrlEncode(std::string_view s);

// The parameter's value, or nullopt when absent.
std::optional<std::string> Param(const Call& call, const std::string& name);
// Query list members "<name>.member.1", "<name>.member.2", ... in order.
std::vector<std::string> ListParam(const Call& call, const std::string& name);

Outcome Fail(QueryError error);
Outcome Fail(const iam::IamError& error);
Outcome Done(std::string result);
Outcome Empty();
// "1 validation error detected: Value null at '<member>' failed to satisfy constraint: Member
// must not be null" (ValidationError, 400) when `name` is absent; otherwise the value.
std::optional<QueryError> Required(const Call& call, const std::string& name,
                                   std::string_view member, std::string* out);
QueryError ValidationError(std::string message);
QueryError AccessDenied(std::string message);

// MaxItems / Marker paging over `count` items: the [begin, end) slice to return; `truncated`
// and `marker` describe the rest. Error on a bad MaxItems or Marker.
struct Page {
  size_t begin = 0;
  size_t end = 0;
  bool truncated = false;
  std::string marker;
};
std::optional<QueryError> Paginate(const Call& call, size_t count, Page* page);
// "<IsTruncated>…</IsTruncated>" plus "<Marker>…</Marker>" when truncated.
std::string PageTail(const Page& page);

// Whether the caller signed with its account's root credentials.
bool IsRoot(const common::Principal& p);

}  // namespace skiff::sts
