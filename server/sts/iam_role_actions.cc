// IAM roles, their trust policies and their inline policies.
#include <cstdlib>

#include "server/sts/iam_actions.h"

namespace skiff::sts {
namespace {

iam::IamStore& Store(const Call& call) { return *call.options.iam; }
const std::string& Account(const Call& call) { return call.principal.account_id; }

std::string NamedRoleResource(const Call& call) {
  return RoleResource(call, Param(call, "RoleName").value_or(""), PathParam(call, "Path"));
}

std::string RolesResource(const Call& call) { return "arn:aws:iam::" + Account(call) + ":role/"; }

Outcome CreateRole(Call& call) {
  std::string name;
  iam::RoleSpec spec;
  if (auto e = Required(call, "RoleName", "roleName", &name)) return Fail(*e);
  if (auto e = Required(call, "AssumeRolePolicyDocument", "assumeRolePolicyDocument",
                        &spec.trust_policy)) {
    return Fail(*e);
  }
  spec.path = PathParam(call, "Path");
  spec.description = Param(call, "Description").value_or("");
  spec.tags = TagsParam(call);
  if (std::optional<std::string> max = Param(call, "MaxSessionDuration")) {
    char* end = nullptr;
    long value = std::strtol(max->c_str(), &end, 10);
    if (max->empty() || *end != '\0' || value < 0 || value > 1'000'000) {
      return Fail(ValidationError("1 validation error detected: Value '" + *max +
                                  "' at 'maxSessionDuration' failed to satisfy constraint: "
                                  "Member must have value less than or equal to 43200"));
    }
    spec.max_session_duration = static_cast<int>(value);
  }
  iam::RoleInfo role;
  iam::IamError e = Store(call).CreateRole(Account(call), name, spec, &role);
  if (!e.ok()) return Fail(e);
  return Done("    <Role>\n" + RoleXml(role, 6) + TagsXml(role.tags, 6) + "    </Role>\n");
}

Outcome GetRole(Call& call) {
  std::string name;
  if (auto e = Required(call, "RoleName", "roleName", &name)) return Fail(*e);
  iam::RoleInfo role;
  iam::IamError e = Store(call).GetRole(Account(call), name, &role);
  if (!e.ok()) return Fail(e);
  return Done("    <Role>\n" + RoleXml(role, 6) + TagsXml(role.tags, 6) +
              "      <RoleLastUsed/>\n    </Role>\n");
}

Outcome DeleteRole(Call& call) {
  std::string name;
  if (auto e = Required(call, "RoleName", "roleName", &name)) return Fail(*e);
  iam::IamError e = Store(call).DeleteRole(Account(call), name);
  return e.ok() ? Empty() : Fail(e);
}

Outcome ListRoles(Call& call) {
  std::vector<iam::RoleInfo> roles =
      Store(call).ListRoles(Account(call), Param(call, "PathPrefix").value_or(""));
  Page page;
  if (auto e = Paginate(call, roles.size(), &page)) return Fail(*e);
  std::string out = "    <Roles>\n";
  for (size_t i = page.begin; i < page.end; ++i) {
    out += "      <member>\n" + RoleXml(roles[i], 8) + "      </member>\n";
  }
  return Done(out + "    </Roles>\n" + PageTail(page));
}

Outcome UpdateAssumeRolePolicy(Call& call) {
  std::string name, document;
  if (auto e = Required(call, "RoleName", "roleName", &name)) return Fail(*e);
  if (auto e = Required(call, "PolicyDocument", "policyDocument", &document)) return Fail(*e);
  iam::IamError e = Store(call).UpdateAssumeRolePolicy(Account(call), name, document);
  return e.ok() ? Empty() : Fail(e);
}

Outcome PutRolePolicy(Call& call) {
  std::string role, name, document;
  if (auto e = Required(call, "RoleName", "roleName", &role)) return Fail(*e);
  if (auto e = Required(call, "PolicyName", "policyName", &name)) return Fail(*e);
  if (auto e = Required(call, "PolicyDocument", "policyDocument", &document)) return Fail(*e);
  iam::IamError e = Store(call).PutRolePolicy(Account(call), role, name, document);
  return e.ok() ? Empty() : Fail(e);
}

Outcome GetRolePolicy(Call& call) {
  std::string role, name, document;
  if (auto e = Required(call, "RoleName", "roleName", &role)) return Fail(*e);
  if (auto e = Required(call, "PolicyName", "policyName", &name)) return Fail(*e);
  iam::IamError e = Store(call).GetRolePolicy(Account(call), role, name, &document);
  if (!e.ok()) return Fail(e);
  iam::RoleInfo info;
  Store(call).GetRole(Account(call), role, &info);
  return Done(Element("RoleName", info.name.empty() ? role : info.name, 4) +
              Element("PolicyName", name, 4) + Element("PolicyDocument", UrlEncode(document), 4));
}

Outcome DeleteRolePolicy(Call& call) {
  std::string role, name;
  if (auto e = Required(call, "RoleName", "roleName", &role)) return Fail(*e);
  if (auto e = Required(call, "PolicyName", "policyName", &name)) return Fail(*e);
  iam::IamError e = Store(call).DeleteRolePolicy(Account(call), role, name);
  return e.ok() ? Empty() : Fail(e);
}

Outcome ListRolePolicies(Call& call) {
  std::string role;
  if (auto e = Required(call, "RoleName", "roleName", &role)) return Fail(*e);
  std::vector<std::string> names;
  iam::IamError e = Store(call).ListRolePolicies(Account(call), role, &names);
  if (!e.ok()) return Fail(e);
  Page page;
  if (auto err = Paginate(call, names.size(), &page)) return Fail(*err);
  std::string out = "    <PolicyNames>\n";
  for (size_t i = page.begin; i < page.end; ++i) out += Element("member", names[i], 6);
  return Done(out + "    </PolicyNames>\n" + PageTail(page));
}

Outcome TagRole(Call& call) {
  std::string name;
  if (auto e = Required(call, "RoleName", "roleName", &name)) return Fail(*e);
  iam::IamError e = Store(call).TagRole(Account(call), name, TagsParam(call));
  return e.ok() ? Empty() : Fail(e);
}

Outcome UntagRole(Call& call) {
  std::string name;
  if (auto e = Required(call, "RoleName", "roleName", &name)) return Fail(*e);
  iam::IamError e = Store(call).UntagRole(Account(call), name, ListParam(call, "TagKeys"));
  return e.ok() ? Empty() : Fail(e);
}

Outcome ListRoleTags(Call& call) {
  std::string name;
  if (auto e = Required(call, "RoleName", "roleName", &name)) return Fail(*e);
  iam::RoleInfo role;
  if (iam::IamError e = Store(call).GetRole(Account(call), name, &role); !e.ok()) return Fail(e);
  std::string tags = TagsXml(role.tags, 4);
  return Done((tags.empty() ? "    <Tags/>\n" : tags) + Element("IsTruncated", "false", 4));
}

// Skiff has no instance profiles: a role is in none.
Outcome ListInstanceProfilesForRole(Call& call) {
  std::string name;
  if (auto e = Required(call, "RoleName", "roleName", &name)) return Fail(*e);
  if (iam::IamError e = Store(call).GetRole(Account(call), name, nullptr); !e.ok()) return Fail(e);
  return Done("    <InstanceProfiles/>\n" + Element("IsTruncated", "false", 4));
}

}  // namespace

std::string RoleResource(const Call& call, const std::string& name, const std::string& path) {
  iam::RoleInfo role;
  if (call.options.iam != nullptr && call.options.iam->GetRole(Account(call), name, &role).ok()) {
    return role.arn;
  }
  return "arn:aws:iam::" + Account(call) + ":role" + path + name;
}

std::string RoleXml(const iam::RoleInfo& role, int indent) {
  std::string out = Element("Path", role.path, indent) + Element("RoleName", role.name, indent) +
                    Element("RoleId", role.role_id, indent) + Element("Arn", role.arn, indent) +
                    Element("CreateDate", Timestamp(role.created_ms), indent) +
                    Element("AssumeRolePolicyDocument", UrlEncode(role.trust_policy), indent);
  if (!role.description.empty()) out += Element("Description", role.description, indent);
  return out + Element("MaxSessionDuration", std::to_string(role.max_session_duration), indent);
}

void AddRoleActions(std::vector<ActionSpec>* table) {
  table->insert(table->end(), {
      {"CreateRole", CreateRole, NamedRoleResource},
      {"GetRole", GetRole, NamedRoleResource},
      {"DeleteRole", DeleteRole, NamedRoleResource},
      {"ListRoles", ListRoles, RolesResource},
      {"UpdateAssumeRolePolicy", UpdateAssumeRolePolicy, NamedRoleResource},
      {"PutRolePolicy", PutRolePolicy, NamedRoleResource},
      {"GetRolePolicy", GetRolePolicy, NamedRoleResource},
      {"DeleteRolePolicy", DeleteRolePolicy, NamedRoleResource},
      {"ListRolePolicies", ListRolePolicies, NamedRoleResource},
      {"ListInstanceProfilesForRole", ListInstanceProfilesForRole, NamedRoleResource},
      {"TagRole", TagRole, NamedRoleResource},
      {"UntagRole", UntagRole, NamedRoleResource},
      {"ListRoleTags", ListRoleTags, NamedRoleResource},
  });
}

}  // namespace skiff::sts
