// STS actions: GetCallerIdentity, AssumeRole, GetSessionToken (and the table, with
// AssumeRoleWithWebIdentity from web_identity.cc).
#include "server/sts/sts_actions.h"

#include "server/iam/authorizer.h"
#include "server/iam/policy.h"
#include "server/iam/request_keys.h"
#include "server/sts/sts_credentials.h"

namespace skiff::sts {
namespace {

constexpr int kMinDuration = 900;
constexpr int kMaxRoleDuration = 43200;
// Sessions of a role assumed with role-session credentials ("role chaining") last an hour.
constexpr int kChainedDuration = 3600;

QueryError ServiceUnavailable() {
  return {500, "Receiver", "ServiceFailure", "IAM state is not available.", ""};
}

bool IsAssumedRole(const common::Principal& p) {
  return p.arn.starts_with("arn:aws:sts::") && p.arn.find(":assumed-role/") != std::string::npos;
}

Outcome GetCallerIdentity(Call& call) {
  const common::Principal& p = call.principal;
  std::optional<common::Credential> c = call.options.credentials->Find(p.access_key);
  // UserId: the account id for the root; the IAM unique id (AIDA…, AROA…:session) when IAM
  // issued the key; the access key for keys from --credentials, which have no IAM id.
  std::string user_id = c && !c->user_id.empty() ? c->user_id
                        : p.user_name.empty() && IsRoot(p) ? p.account_id
                                                           : p.access_key;
  return Done(Element("Arn", p.arn, 4) + Element("UserId", user_id, 4) +
              Element("Account", p.account_id, 4));
}

Outcome AssumeRole(Call& call) {
  const common::Principal& caller = call.principal;
  RoleRequest request;
  int max_duration = IsAssumedRole(caller) ? kChainedDuration : kMaxRoleDuration;
  if (auto e = ReadRoleRequest(call, "sts:AssumeRole", caller.arn, max_duration, &request)) {
    return Fail(*e);
  }
  iam::RequestFacts facts;
  facts.action = "sts:AssumeRole";
  facts.resource = request.role.arn;
  facts.principal_arn = caller.arn;
  facts.principal_account = caller.account_id;
  iam::AddGlobalConditionKeys(caller, call.request, request.account, &facts);
  facts.context["sts:RoleSessionName"] = {request.session_name};
  if (std::optional<std::string> external_id = Param(call, "ExternalId")) {
    facts.context["sts:ExternalId"] = {*external_id};
  }
  const std::string denied = "User: " + caller.arn +
                             " is not authorized to perform: sts:AssumeRole on resource: " +
                             request.role.arn;
  if (auto e = CheckTrust(call, request, facts, denied)) return Fail(*e);

  // The caller's own permission: always across accounts; within the account only when the
  // trust policy grants to the account (its root) rather than naming the caller.
  if (call.options.authorizer != nullptr && !IsRoot(caller)) {
    bool needs_identity = request.account != caller.account_id;
    if (!needs_identity) {
      std::string ignored;
      std::optional<iam::Policy> trust = iam::ParsePolicy(request.role.trust_policy, &ignored);
      iam::RequestFacts as_account = facts;
      as_account.principal_arn = "arn:aws:iam::" + caller.account_id + ":root";
      needs_identity = trust && iam::Evaluate(*trust, as_account, true).effect ==
                                    iam::Effect::kAllow;
    }
    if (needs_identity) {
      iam::Decision d = call.options.authorizer->Authorize(caller, facts, nullptr, "");
      if (!d.allowed) {
        call.record.policy = d.decided_by;
        QueryError e = AccessDenied(denied);
        std::string quoted = "\"" + request.role.arn + "\"";
        e.message = d.message;
        if (size_t at = e.message.find(quoted); at != std::string::npos) {
          e.message.replace(at, quoted.size(), request.role.arn);
        }
        e.detail = "the caller's identity policies do not allow sts:AssumeRole on the role";
        return Fail(e);
      }
    }
  }
  common::Credential session = StartRoleSession(call, request);
  return Done(AssumedRoleUserXml(session) + CredentialsXml(session));
}

Outcome GetSessionToken(Call& call) {
  std::optional<common::Credential> caller =
      call.options.credentials->Find(call.principal.access_key);
  if (!caller) return Fail(AccessDenied("The security token included in the request is invalid"));
  if (!caller->session_token.empty()) {
    return Fail(AccessDenied("Cannot call GetSessionToken with session credentials"));
  }
  int duration = 0;
  if (auto e = DurationParam(call, kMinDuration, 129600, 43200, &duration)) return Fail(*e);
  // Sessions of an account's root user are limited to an hour.
  if (IsRoot(call.principal) && duration > 3600) duration = 3600;
  common::Credential session = IssueCredentials(call, *caller, duration);
  return Done(CredentialsXml(session));
}

}  // namespace

std::optional<QueryError> ReadRoleRequest(const Call& call, std::string_view action,
                                          const std::string& caller, int max_duration,
                                          RoleRequest* out) {
  if (auto e = Required(call, "RoleArn", "roleArn", &out->role_arn)) return e;
  if (auto e = Required(call, "RoleSessionName", "roleSessionName", &out->session_name)) return e;
  if (auto e = ValidateSessionName(out->session_name)) return e;
  if (out->role_arn.size() < 20 || out->role_arn.size() > 2048) {
    return ValidationError("1 validation error detected: Value '" + out->role_arn +
                           "' at 'roleArn' failed to satisfy constraint: Member must have length " +
                           (out->role_arn.size() < 20 ? "greater than or equal to 20"
                                                      : "less than or equal to 2048"));
  }
  if (auto e = DurationParam(call, kMinDuration, kMaxRoleDuration, 3600, &out->duration)) {
    return e;
  }
  call.record.resource = out->role_arn;
  if (call.options.iam == nullptr) return ServiceUnavailable();
  std::string name;
  const std::string denied = caller.empty()
                                 ? "Not authorized to perform " + std::string(action)
                                 : "User: " + caller + " is not authorized to perform: " +
                                       std::string(action) + " on resource: " + out->role_arn;
  if (!ParseRoleArn(out->role_arn, &out->account, &name)) {
    return ValidationError(out->role_arn + " is not a valid role ARN");
  }
  iam::IamError e = call.options.iam->GetRole(out->account, name, &out->role);
  if (!e.ok() || out->role.arn != out->role_arn) {
    QueryError error = AccessDenied(denied);
    error.detail = "role " + out->role_arn + " does not exist";
    return error;
  }
  if (out->duration > max_duration) {
    return ValidationError(
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
        "role chaining.");
  }
  if (out->duration > out->role.max_session_duration) {
    return ValidationError(
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  return std::nullopt;
}

std::optional<QueryError> CheckTrust(const Call& call, const RoleRequest& request,
                                     const iam::RequestFacts& facts, std::string message) {
  std::string error;
  std::optional<iam::Policy> trust = iam::ParsePolicy(request.role.trust_policy, &error);
  iam::Match m;
  if (trust) m = iam::Evaluate(*trust, facts, /*check_principal=*/true);
  call.record.policy =
      "trust policy of " + request.role.name +
      (m.effect == iam::Effect::kNone
           ? std::string(": implicit deny")
           : "/" + (m.sid.empty() ? "#" + std::to_string(m.index) : m.sid) +
                 (m.effect == iam::Effect::kAllow ? ": Allow" : ": Deny"));
  if (m.effect == iam::Effect::kAllow) return std::nullopt;
  QueryError denied = AccessDenied(std::move(message));
  denied.detail = m.effect == iam::Effect::kDeny
                      ? "the trust policy of role " + request.role.name + " denies " +
                            facts.principal_arn
                      : "the trust policy of role " + request.role.name + " does not allow " +
                            facts.action + " for " + facts.principal_arn;
  return denied;
}

common::Credential StartRoleSession(const Call& call, const RoleRequest& request) {
  common::Credential identity;
  identity.account_id = request.account;
  identity.arn = "arn:aws:sts::" + request.account + ":assumed-role/" + request.role.name + "/" +
                 request.session_name;
  identity.user_id = request.role.role_id + ":" + request.session_name;
  return IssueCredentials(call, identity, request.duration);
}

std::string AssumedRoleUserXml(const common::Credential& session) {
  return "    <AssumedRoleUser>\n" + Element("AssumedRoleId", session.user_id, 6) +
         Element("Arn", session.arn, 6) + "    </AssumedRoleUser>\n";
}

const std::vector<ActionSpec>& StsActions() {
  static const std::vector<ActionSpec> kActions = {
      {"GetCallerIdentity", GetCallerIdentity},
      {"AssumeRole", AssumeRole},
      {"GetSessionToken", GetSessionToken},
      {"AssumeRoleWithWebIdentity", AssumeRoleWithWebIdentity, nullptr, /*allow_unsigned=*/true},
  };
  return kActions;
}

}  // namespace skiff::sts
