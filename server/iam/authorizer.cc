// AWS's evaluation logic for one account and its cross-account case: explicit Deny anywhere
// wins; the resource's own account root is allowed; otherwise an Allow in an identity policy or
// in the resource policy grants (cross-account: the resource policy must grant, and so must the
// caller's identity policies unless the caller is its account's root).
#include "server/iam/authorizer.h"

#include "server/iam/store.h"

namespace skiff::iam {
namespace {

std::string Describe(const std::string& policy_name, const Match& m) {
  std::string out = policy_name.empty() ? "policy" : policy_name;
  out += '/';
  out += m.sid.empty() ? "#" + std::to_string(m.index) : m.sid;
  out += m.effect == Effect::kDeny ? ": Deny" : ": Allow";
  return out;
}

bool IsAccountRoot(const common::Principal& p) {
  return !p.anonymous && p.arn.ends_with(":root");
}

}  // namespace

std::string DenialMessage(const std::string& principal_arn, const std::string& action,
                          const std::string& resource, const std::string& reason,
                          bool quote_resource) {
  std::string out = "User: " + principal_arn + " is not authorized to perform: " + action;
  if (resource.empty()) return out + " " + reason;  // actions without a resource type
  out += " on resource: ";
  if (quote_resource) {
    out += '"' + resource + '"';
  } else {
    out += resource;
  }
  return out + " " + reason;
}

void NoteDecision(std::string* field, const std::string& decided_by) {
  size_t pos = 0;
  while (pos <= field->size()) {
    size_t end = field->find("; ", pos);
    if (end == std::string::npos) end = field->size();
    if (std::string_view(*field).substr(pos, end - pos) == decided_by) return;
    pos = end + 2;
  }
  if (!field->empty()) *field += "; ";
  *field += decided_by;
}

Decision Authorizer::Authorize(const common::Principal& principal, const RequestFacts& request,
                               const NamedPolicy* resource_policy,
                               const std::string& resource_account) const {
  RequestFacts facts = request;
  if (facts.principal_arn.empty() && !principal.anonymous) facts.principal_arn = principal.arn;
  if (facts.principal_account.empty()) facts.principal_account = principal.account_id;
  const bool same_account = resource_account.empty() || resource_account == principal.account_id;
  const bool root = IsAccountRoot(principal);

  Decision d;
  auto deny = [&](const std::string& reason, std::string decided_by) {
    d.allowed = false;
    d.reason = reason;
    d.message = DenialMessage(principal.anonymous ? "anonymous" : principal.arn, facts.action,
                              facts.resource, reason, /*quote_resource=*/true);
    d.decided_by = std::move(decided_by);
    return d;
  };

  // Identity policies (none for roots, anonymous callers, or without a store).
  std::string identity_allow;
  if (store_ != nullptr && !root && !principal.anonymous) {
    for (const NamedPolicy& p : store_->PoliciesFor(principal)) {
      Match m = Evaluate(p.policy, facts, /*check_principal=*/false);
      if (m.effect == Effect::kDeny) {
        return deny("with an explicit deny in an identity-based policy", Describe(p.name, m));
      }
      if (m.effect == Effect::kAllow && identity_allow.empty()) identity_allow = Describe(p.name, m);
    }
  }
  std::string resource_allow;
  if (resource_policy != nullptr) {
    Match m = Evaluate(resource_policy->policy, facts, /*check_principal=*/true);
    if (m.effect == Effect::kDeny) {
      return deny("with an explicit deny in a resource-based policy",
                  Describe(resource_policy->name, m));
    }
    if (m.effect == Effect::kAllow) resource_allow = Describe(resource_policy->name, m);
  }

  const std::string not_allowed = "because no identity-based policy allows the " + facts.action +
                                  " action";
  if (same_account) {
    d.allowed = true;
    if (root) {
      d.decided_by = "account root";
    } else if (!identity_allow.empty()) {
      d.decided_by = identity_allow;
    } else if (!resource_allow.empty()) {
      d.decided_by = resource_allow;
    } else {
      return deny(not_allowed, "implicit deny");
    }
    return d;
  }
  if (resource_allow.empty()) {
    return deny("because no resource-based policy allows the " + facts.action + " action",
                "implicit deny");
  }
  // Anonymous callers have no identity policies: the resource policy alone decides.
  if (!root && !principal.anonymous && identity_allow.empty()) {
    return deny(not_allowed, "implicit deny");
  }
  d.allowed = true;
  d.decided_by = resource_allow;
  return d;
}

}  // namespace skiff::iam
