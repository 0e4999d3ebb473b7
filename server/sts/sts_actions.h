// What AssumeRole and AssumeRoleWithWebIdentity share (sts_actions.cc), and the web identity
// action itself (web_identity.cc).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/iam/store.h"
#include "server/sts/query.h"

namespace skiff::sts {

// Reads and validates RoleArn, RoleSessionName and DurationSeconds (900 up to the role's
// MaxSessionDuration, at most `max_duration`) and finds the role. A role that does not exist
// is AccessDenied for `action` (STS does not tell callers which roles exist); `caller` names
// the caller in that message.
struct RoleRequest {
  std::string role_arn;
  std::string account;
  std::string session_name;
  int duration = 3600;
  iam::RoleInfo role;
};
std::optional<QueryError> ReadRoleRequest(const Call& call, std::string_view action,
                                          const std::string& caller, int max_duration,
                                          RoleRequest* out);

// Issues the role session's credentials (arn:aws:sts::<acct>:assumed-role/<role>/<session>,
// UserId "<RoleId>:<session>").
common::Credential StartRoleSession(const Call& call, const RoleRequest& request);

// "<AssumedRoleUser>…</AssumedRoleUser>" for a session's credentials.
std::string AssumedRoleUserXml(const common::Credential& session);

// The role's trust policy evaluated for `facts` (check_principal): nullopt when it allows,
// else AccessDenied with `message` (and the journal's reason in record fields).
std::optional<QueryError> CheckTrust(const Call& call, const RoleRequest& request,
                                     const iam::RequestFacts& facts, std::string message);

Outcome AssumeRoleWithWebIdentity(Call& call);

}  // namespace skiff::sts
