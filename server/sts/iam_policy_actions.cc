// IAM managed policies, their attachments to users and roles, OpenID Connect providers, and the
// IAM action table.
#include "server/sts/iam_actions.h"

namespace skiff::sts {
namespace {

iam::IamStore& Store(const Call& call) { return *call.options.iam; }
const std::string& Account(const Call& call) { return call.principal.account_id; }

std::string PolicyArnResource(const Call& call) { return Param(call, "PolicyArn").value_or(""); }

std::string NewPolicyResource(const Call& call) {
  return "arn:aws:iam::" + Account(call) + ":policy" + PathParam(call, "Path") +
         Param(call, "PolicyName").value_or("");
}

std::string PoliciesResource(const Call& call) {
  return "arn:aws:iam::" + Account(call) + ":policy/";
}

std::string UserNameResource(const Call& call) {
  return UserResource(call, Param(call, "UserName").value_or(""));
}

std::string RoleNameResource(const Call& call) {
  return RoleResource(call, Param(call, "RoleName").value_or(""));
}

std::string OidcResource(const Call& call) {
  if (std::optional<std::string> arn = Param(call, "OpenIDConnectProviderArn")) return *arn;
  std::string url = Param(call, "Url").value_or("");
  if (url.starts_with("https://")) url.erase(0, 8);
  return "arn:aws:iam::" + Account(call) + ":oidc-provider/" + url;
}

std::string PolicyXml(const iam::ManagedPolicyInfo& p, int indent) {
  std::string out = Element("PolicyName", p.name, indent) +
                    Element("PolicyId", p.policy_id, indent) + Element("Arn", p.arn, indent) +
                    Element("Path", p.path, indent) +
                    Element("DefaultVersionId", p.default_version, indent) +
                    Element("AttachmentCount", std::to_string(p.attachment_count), indent) +
                    Element("PermissionsBoundaryUsageCount", "0", indent) +
                    Element("IsAttachable", "true", indent);
  if (!p.description.empty()) out += Element("Description", p.description, indent);
  return out + Element("CreateDate", Timestamp(p.created_ms), indent) +
         Element("UpdateDate", Timestamp(p.updated_ms), indent);
}

Outcome CreatePolicy(Call& call) {
  std::string name, document;
  if (auto e = Required(call, "PolicyName", "policyName", &name)) return Fail(*e);
  if (auto e = Required(call, "PolicyDocument", "policyDocument", &document)) return Fail(*e);
  iam::ManagedPolicyInfo policy;
  iam::IamError e =
      Store(call).CreatePolicy(Account(call), name, PathParam(call, "Path"), document,
                               Param(call, "Description").value_or(""), &policy);
  if (!e.ok()) return Fail(e);
  return Done("    <Policy>\n" + PolicyXml(policy, 6) + "    </Policy>\n");
}

Outcome GetPolicy(Call& call) {
  std::string arn;
  if (auto e = Required(call, "PolicyArn", "policyArn", &arn)) return Fail(*e);
  iam::ManagedPolicyInfo policy;
  iam::IamError e = Store(call).GetPolicy(Account(call), arn, &policy);
  if (!e.ok()) return Fail(e);
  return Done("    <Policy>\n" + PolicyXml(policy, 6) + "    </Policy>\n");
}

// Version members; `with_document` for GetPolicyVersion (Create and List leave it out).
std::string VersionXml(const iam::PolicyVersionInfo& v, bool with_document, int indent) {
  std::string out = with_document ? Element("Document", UrlEncode(v.document), indent) : "";
  return out + Element("VersionId", v.version_id, indent) +
         Element("IsDefaultVersion", v.is_default ? "true" : "false", indent) +
         Element("CreateDate", Timestamp(v.created_ms), indent);
}

Outcome GetPolicyVersion(Call& call) {
  std::string arn, version_id;
  if (auto e = Required(call, "PolicyArn", "policyArn", &arn)) return Fail(*e);
  if (auto e = Required(call, "VersionId", "versionId", &version_id)) return Fail(*e);
  iam::PolicyVersionInfo version;
  iam::IamError e = Store(call).GetPolicyVersion(Account(call), arn, version_id, &version);
  if (!e.ok()) return Fail(e);
  return Done("    <PolicyVersion>\n" + VersionXml(version, true, 6) + "    </PolicyVersion>\n");
}

Outcome CreatePolicyVersion(Call& call) {
  std::string arn, document;
  if (auto e = Required(call, "PolicyArn", "policyArn", &arn)) return Fail(*e);
  if (auto e = Required(call, "PolicyDocument", "policyDocument", &document)) return Fail(*e);
  bool set_as_default = Param(call, "SetAsDefault").value_or("false") == "true";
  iam::PolicyVersionInfo version;
  iam::IamError e =
      Store(call).CreatePolicyVersion(Account(call), arn, document, set_as_default, &version);
  if (!e.ok()) return Fail(e);
  return Done("    <PolicyVersion>\n" + VersionXml(version, false, 6) + "    </PolicyVersion>\n");
}

Outcome ListPolicyVersions(Call& call) {
  std::string arn;
  if (auto e = Required(call, "PolicyArn", "policyArn", &arn)) return Fail(*e);
  std::vector<iam::PolicyVersionInfo> versions;
  iam::IamError e = Store(call).ListPolicyVersions(Account(call), arn, &versions);
  if (!e.ok()) return Fail(e);
  Page page;
  if (auto err = Paginate(call, versions.size(), &page)) return Fail(*err);
  std::string out = "    <Versions>\n";
  for (size_t i = page.begin; i < page.end; ++i) {
    out += "      <member>\n" + VersionXml(versions[i], false, 8) + "      </member>\n";
  }
  return Done(out + "    </Versions>\n" + PageTail(page));
}

Outcome DeletePolicyVersion(Call& call) {
  std::string arn, version_id;
  if (auto e = Required(call, "PolicyArn", "policyArn", &arn)) return Fail(*e);
  if (auto e = Required(call, "VersionId", "versionId", &version_id)) return Fail(*e);
  iam::IamError e = Store(call).DeletePolicyVersion(Account(call), arn, version_id);
  return e.ok() ? Empty() : Fail(e);
}

Outcome SetDefaultPolicyVersion(Call& call) {
  std::string arn, version_id;
  if (auto e = Required(call, "PolicyArn", "policyArn", &arn)) return Fail(*e);
  if (auto e = Required(call, "VersionId", "versionId", &version_id)) return Fail(*e);
  iam::IamError e = Store(call).SetDefaultPolicyVersion(Account(call), arn, version_id);
  return e.ok() ? Empty() : Fail(e);
}

Outcome DeletePolicy(Call& call) {
  std::string arn;
  if (auto e = Required(call, "PolicyArn", "policyArn", &arn)) return Fail(*e);
  iam::IamError e = Store(call).DeletePolicy(Account(call), arn);
  return e.ok() ? Empty() : Fail(e);
}

Outcome ListPolicies(Call& call) {
  std::string scope = Param(call, "Scope").value_or("All");
  if (scope != "All" && scope != "AWS" && scope != "Local") {
    return Fail(ValidationError("1 validation error detected: Value '" + scope +
                                "' at 'scope' failed to satisfy constraint: Member must satisfy "
                                "enum value set: [All, AWS, Local]"));
  }
  bool only_attached = Param(call, "OnlyAttached").value_or("false") == "true";
  std::vector<iam::ManagedPolicyInfo> policies = Store(call).ListPolicies(
      Account(call), scope, Param(call, "PathPrefix").value_or(""), only_attached);
  Page page;
  if (auto e = Paginate(call, policies.size(), &page)) return Fail(*e);
  std::string out = "    <Policies>\n";
  for (size_t i = page.begin; i < page.end; ++i) {
    out += "      <member>\n" + PolicyXml(policies[i], 8) + "      </member>\n";
  }
  return Done(out + "    </Policies>\n" + PageTail(page));
}

// Attach/Detach{User,Role}Policy share their shape: an entity name and a policy ARN.
template <iam::IamError (iam::IamStore::*Op)(std::string_view, std::string_view,
                                             std::string_view)>
Outcome AttachmentChange(Call& call, const char* entity, const char* member) {
  std::string name, arn;
  if (auto e = Required(call, entity, member, &name)) return Fail(*e);
  if (auto e = Required(call, "PolicyArn", "policyArn", &arn)) return Fail(*e);
  iam::IamError e = (Store(call).*Op)(Account(call), name, arn);
  return e.ok() ? Empty() : Fail(e);
}

Outcome AttachUserPolicy(Call& call) {
  return AttachmentChange<&iam::IamStore::AttachUserPolicy>(call, "UserName", "userName");
}
Outcome DetachUserPolicy(Call& call) {
  return AttachmentChange<&iam::IamStore::DetachUserPolicy>(call, "UserName", "userName");
}
Outcome AttachRolePolicy(Call& call) {
  return AttachmentChange<&iam::IamStore::AttachRolePolicy>(call, "RoleName", "roleName");
}
Outcome DetachRolePolicy(Call& call) {
  return AttachmentChange<&iam::IamStore::DetachRolePolicy>(call, "RoleName", "roleName");
}

Outcome AttachedList(Call& call, const std::vector<iam::AttachedPolicyInfo>& attached) {
  Page page;
  if (auto e = Paginate(call, attached.size(), &page)) return Fail(*e);
  std::string out = "    <AttachedPolicies>\n";
  for (size_t i = page.begin; i < page.end; ++i) {
    out += "      <member>\n" + Element("PolicyName", attached[i].name, 8) +
           Element("PolicyArn", attached[i].arn, 8) + "      </member>\n";
  }
  return Done(out + "    </AttachedPolicies>\n" + PageTail(page));
}

Outcome ListAttachedUserPolicies(Call& call) {
  std::string name;
  if (auto e = Required(call, "UserName", "userName", &name)) return Fail(*e);
  std::vector<iam::AttachedPolicyInfo> attached;
  iam::IamError e = Store(call).ListAttachedUserPolicies(Account(call), name, &attached);
  return e.ok() ? AttachedList(call, attached) : Fail(e);
}

Outcome ListAttachedRolePolicies(Call& call) {
  std::string name;
  if (auto e = Required(call, "RoleName", "roleName", &name)) return Fail(*e);
  std::vector<iam::AttachedPolicyInfo> attached;
  iam::IamError e = Store(call).ListAttachedRolePolicies(Account(call), name, &attached);
  return e.ok() ? AttachedList(call, attached) : Fail(e);
}

Outcome CreateOpenIDConnectProvider(Call& call) {
  std::string url;
  if (auto e = Required(call, "Url", "url", &url)) return Fail(*e);
  iam::OidcProviderInfo provider;
  iam::IamError e = Store(call).CreateOpenIdConnectProvider(
      Account(call), url, ListParam(call, "ClientIDList"), ListParam(call, "ThumbprintList"),
      &provider);
  if (!e.ok()) return Fail(e);
  return Done(Element("OpenIDConnectProviderArn", provider.arn, 4));
}

Outcome GetOpenIDConnectProvider(Call& call) {
  std::string arn;
  if (auto e = Required(call, "OpenIDConnectProviderArn", "openIDConnectProviderArn", &arn)) {
    return Fail(*e);
  }
  iam::OidcProviderInfo provider;
  iam::IamError e = Store(call).GetOpenIdConnectProvider(Account(call), arn, &provider);
  if (!e.ok()) return Fail(e);
  std::string out = Element("Url", provider.url, 4) + "    <ClientIDList>\n";
  for (const std::string& id : provider.client_ids) out += Element("member", id, 6);
  out += "    </ClientIDList>\n    <ThumbprintList>\n";
  for (const std::string& t : provider.thumbprints) out += Element("member", t, 6);
  return Done(out + "    </ThumbprintList>\n" +
              Element("CreateDate", Timestamp(provider.created_ms), 4));
}

}  // namespace

void AddPolicyActions(std::vector<ActionSpec>* table) {
  table->insert(table->end(), {
      {"CreatePolicy", CreatePolicy, NewPolicyResource},
      {"GetPolicy", GetPolicy, PolicyArnResource},
      {"GetPolicyVersion", GetPolicyVersion, PolicyArnResource},
      {"CreatePolicyVersion", CreatePolicyVersion, PolicyArnResource},
      {"ListPolicyVersions", ListPolicyVersions, PolicyArnResource},
      {"DeletePolicyVersion", DeletePolicyVersion, PolicyArnResource},
      {"SetDefaultPolicyVersion", SetDefaultPolicyVersion, PolicyArnResource},
      {"DeletePolicy", DeletePolicy, PolicyArnResource},
      {"ListPolicies", ListPolicies, PoliciesResource},
      {"AttachUserPolicy", AttachUserPolicy, UserNameResource},
      {"DetachUserPolicy", DetachUserPolicy, UserNameResource},
      {"ListAttachedUserPolicies", ListAttachedUserPolicies, UserNameResource},
      {"AttachRolePolicy", AttachRolePolicy, RoleNameResource},
      {"DetachRolePolicy", DetachRolePolicy, RoleNameResource},
      {"ListAttachedRolePolicies", ListAttachedRolePolicies, RoleNameResource},
      {"CreateOpenIDConnectProvider", CreateOpenIDConnectProvider, OidcResource},
      {"GetOpenIDConnectProvider", GetOpenIDConnectProvider, OidcResource},
  });
}

const std::vector<ActionSpec>& IamActions() {
  static const std::vector<ActionSpec> kActions = [] {
    std::vector<ActionSpec> table;
    AddUserActions(&table);
    AddRoleActions(&table);
    AddPolicyActions(&table);
    return table;
  }();
  return kActions;
}

}  // namespace skiff::sts
