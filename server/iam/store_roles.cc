// IamStore: roles, their trust policies and their inline policies.
#include <mutex>

#include "server/common/clock.h"
#include "server/iam/store_impl.h"

namespace skiff::iam {
namespace {

IamError NoSuchRolePolicy(std::string_view name) {
  return {"NoSuchEntity", 404,
          "The role policy with name " + std::string(name) + " cannot be found."};
}

}  // namespace

IamError SqliteIamStore::CreateRole(std::string_view account, std::string_view role_name,
                                    std::string_view trust_policy) {
  RoleSpec spec;
  spec.trust_policy = std::string(trust_policy);
  return CreateRole(account, role_name, spec, nullptr);
}

IamError SqliteIamStore::CreateRole(std::string_view account, std::string_view role_name,
                                    const RoleSpec& spec, RoleInfo* out) {
  if (IamError e = model::ValidateName(role_name, "roleName", 64); !e.ok()) return e;
  if (IamError e = model::ValidatePath(spec.path, "path"); !e.ok()) return e;
  if (spec.max_session_duration < 3600 || spec.max_session_duration > 43200) {
    return {"ValidationError", 400,
            "1 validation error detected: Value '" + std::to_string(spec.max_session_duration) +
                "' at 'maxSessionDuration' failed to satisfy constraint: Member must have value " +
                (spec.max_session_duration < 3600 ? "greater than or equal to 3600"
                                                  : "less than or equal to 43200")};
  }
  if (spec.description.size() > 1000) {
    return {"ValidationError", 400,
            "1 validation error detected: Value at 'description' failed to satisfy constraint: "
            "Member must have length less than or equal to 1000"};
  }
  if (IamError e = model::ValidateTrustPolicy(spec.trust_policy); !e.ok()) return e;
  if (IamError e = model::ValidateTags(spec.tags); !e.ok()) return e;
  std::unique_lock lock(mutex_);
  if (FindRole(account, role_name) != nullptr) {
    return {"EntityAlreadyExists", 409,
            "Role with name " + std::string(role_name) + " already exists."};
  }
  model::RoleRecord role;
  role.info.name = std::string(role_name);
  role.info.path = spec.path;
  role.info.role_id = model::NewId("AROA", 21);
  role.info.arn = model::RoleArn(account, spec.path, role_name);
  role.info.trust_policy = spec.trust_policy;
  role.info.description = spec.description;
  role.info.max_session_duration = spec.max_session_duration;
  role.info.created_ms = common::NowMillis();
  role.info.tags = spec.tags;
  if (out != nullptr) *out = role.info;
  return SaveRole(account, std::move(role));
}

IamError SqliteIamStore::GetRole(std::string_view account, std::string_view role_name,
                                 RoleInfo* out) const {
  std::shared_lock lock(mutex_);
  const model::RoleRecord* role = FindRole(account, role_name);
  if (role == nullptr) return NoSuchRole(role_name);
  if (out != nullptr) *out = role->info;
  return {};
}

IamError SqliteIamStore::DeleteRole(std::string_view account, std::string_view role_name) {
  std::unique_lock lock(mutex_);
  const model::RoleRecord* role = FindRole(account, role_name);
  if (role == nullptr) return NoSuchRole(role_name);
  if (!role->policies.empty()) {
    return {"DeleteConflict", 409, "Cannot delete entity, must delete policies first."};
  }
  if (!role->attached.empty()) {
    return {"DeleteConflict", 409, "Cannot delete entity, must detach all policies first."};
  }
  std::string key = model::Key(role_name);
  if (IamError e = Erase(model::kRoleKind, account, key); !e.ok()) return e;
  accounts_.find(account)->second.roles.erase(key);
  return {};
}

std::vector<RoleInfo> SqliteIamStore::ListRoles(std::string_view account,
                                                std::string_view path_prefix) const {
  std::shared_lock lock(mutex_);
  std::vector<RoleInfo> out;
  if (const Account* a = FindAccount(account)) {
    for (const auto& [key, role] : a->roles) {
      if (path_prefix.empty() || role.info.path.starts_with(path_prefix)) {
        out.push_back(role.info);
      }
    }
  }
  return out;
}

IamError SqliteIamStore::TagRole(std::string_view account, std::string_view role_name,
                                 const std::vector<Tag>& tags) {
  std::unique_lock lock(mutex_);
  const model::RoleRecord* found = FindRole(account, role_name);
  if (found == nullptr) return NoSuchRole(role_name);
  model::RoleRecord role = *found;
  if (IamError e = model::MergeTags(&role.info.tags, tags, {}); !e.ok()) return e;
  return SaveRole(account, std::move(role));
}

IamError SqliteIamStore::UntagRole(std::string_view account, std::string_view role_name,
                                   const std::vector<std::string>& keys) {
  std::unique_lock lock(mutex_);
  const model::RoleRecord* found = FindRole(account, role_name);
  if (found == nullptr) return NoSuchRole(role_name);
  model::RoleRecord role = *found;
  if (IamError e = model::MergeTags(&role.info.tags, {}, keys); !e.ok()) return e;
  return SaveRole(account, std::move(role));
}

IamError SqliteIamStore::UpdateAssumeRolePolicy(std::string_view account,
                                                std::string_view role_name,
                                                std::string_view trust_policy) {
  if (IamError e = model::ValidateTrustPolicy(trust_policy); !e.ok()) return e;
  std::unique_lock lock(mutex_);
  const model::RoleRecord* found = FindRole(account, role_name);
  if (found == nullptr) return NoSuchRole(role_name);
  model::RoleRecord role = *found;
  role.info.trust_policy = std::string(trust_policy);
  return SaveRole(account, std::move(role));
}

IamError SqliteIamStore::PutRolePolicy(std::string_view account, std::string_view role_name,
                                       std::string_view policy_name, std::string_view document) {
  if (IamError e = model::ValidateName(policy_name, "policyName", 128); !e.ok()) return e;
  model::StoredPolicy policy;
  if (IamError e = model::ParseIdentityPolicy(document, &policy.parsed); !e.ok()) return e;
  policy.document = std::string(document);
  std::unique_lock lock(mutex_);
  const model::RoleRecord* found = FindRole(account, role_name);
  if (found == nullptr) return NoSuchRole(role_name);
  model::RoleRecord role = *found;
  role.policies.insert_or_assign(std::string(policy_name), std::move(policy));
  return SaveRole(account, std::move(role));
}

IamError SqliteIamStore::GetRolePolicy(std::string_view account, std::string_view role_name,
                                       std::string_view policy_name, std::string* document) const {
  std::shared_lock lock(mutex_);
  const model::RoleRecord* role = FindRole(account, role_name);
  if (role == nullptr) return NoSuchRole(role_name);
  auto it = role->policies.find(std::string(policy_name));
  if (it == role->policies.end()) return NoSuchRolePolicy(policy_name);
  *document = it->second.document;
  return {};
}

IamError SqliteIamStore::DeleteRolePolicy(std::string_view account, std::string_view role_name,
                                          std::string_view policy_name) {
  std::unique_lock lock(mutex_);
  const model::RoleRecord* found = FindRole(account, role_name);
  if (found == nullptr) return NoSuchRole(role_name);
  if (found->policies.count(std::string(policy_name)) == 0) return NoSuchRolePolicy(policy_name);
  model::RoleRecord role = *found;
  role.policies.erase(std::string(policy_name));
  return SaveRole(account, std::move(role));
}

IamError SqliteIamStore::ListRolePolicies(std::string_view account, std::string_view role_name,
                                          std::vector<std::string>* names) const {
  std::shared_lock lock(mutex_);
  const model::RoleRecord* role = FindRole(account, role_name);
  if (role == nullptr) return NoSuchRole(role_name);
  names->clear();
  for (const auto& [name, p] : role->policies) names->push_back(name);
  return {};
}

}  // namespace skiff::iam
