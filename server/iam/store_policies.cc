// IamStore: customer managed policies, their attachment to users and roles, and OpenID Connect
// providers.
#include <algorithm>
#include <mutex>

#include "server/common/clock.h"
#include "server/iam/store_impl.h"

namespace skiff::iam {
namespace {

// IAM's default quota of managed policies attached to one user or role.
constexpr size_t kMaxAttached = 10;

constexpr std::string_view kHttps = "https://";

}  // namespace

std::string_view PolicyNameOf(std::string_view arn) {
  if (!arn.starts_with("arn:aws:iam::") || arn.find(":policy/") == std::string_view::npos) {
    return {};
  }
  return arn.substr(arn.rfind('/') + 1);
}

IamError InvalidArn(std::string_view arn) {
  return {"InvalidInput", 400, "ARN " + std::string(arn) + " is not valid."};
}

const model::PolicyRecord* SqliteIamStore::FindPolicy(std::string_view account,
                                                      std::string_view arn) const {
  if (const model::PolicyRecord* aws = model::FindAwsManagedPolicy(arn)) return aws;
  const Account* a = FindAccount(account);
  std::string_view name = PolicyNameOf(arn);
  if (a == nullptr || name.empty()) return nullptr;
  auto it = a->policies.find(model::Key(name));
  if (it == a->policies.end() || it->second.info.arn != arn) return nullptr;
  return &it->second;
}

int SqliteIamStore::AttachmentCount(std::string_view account, const std::string& arn) const {
  const Account* a = FindAccount(account);
  if (a == nullptr) return 0;
  int count = 0;
  for (const auto& [key, user] : a->users) {
    count += static_cast<int>(std::count(user.attached.begin(), user.attached.end(), arn));
  }
  for (const auto& [key, role] : a->roles) {
    count += static_cast<int>(std::count(role.attached.begin(), role.attached.end(), arn));
  }
  return count;
}

IamError SqliteIamStore::CreatePolicy(std::string_view account, std::string_view policy_name,
                                      std::string_view path, std::string_view document,
                                      std::string_view description, ManagedPolicyInfo* out) {
  if (IamError e = model::ValidateName(policy_name, "policyName", 128); !e.ok()) return e;
  if (IamError e = model::ValidatePath(path, "path"); !e.ok()) return e;
  if (description.size() > 1000) {
    return {"ValidationError", 400,
            "1 validation error detected: Value at 'description' failed to satisfy constraint: "
            "Member must have length less than or equal to 1000"};
  }
  model::PolicyRecord policy;
  if (IamError e = model::ParseIdentityPolicy(document, &policy.parsed); !e.ok()) return e;
  std::unique_lock lock(mutex_);
  const Account* a = FindAccount(account);
  if (a != nullptr && a->policies.count(model::Key(policy_name)) != 0) {
    return {"EntityAlreadyExists", 409,
            "A policy called " + std::string(policy_name) +
                " already exists. Duplicate names are not allowed."};
  }
  ManagedPolicyInfo& info = policy.info;
  info.name = std::string(policy_name);
  info.path = std::string(path);
  info.policy_id = model::NewId("ANPA", 21);
  info.arn = model::PolicyArn(account, path, policy_name);
  info.description = std::string(description);
  info.document = std::string(document);
  info.created_ms = common::NowMillis();
  info.updated_ms = info.created_ms;
  policy.versions.push_back(PolicyVersionInfo{"v1", info.document, true, info.created_ms});
  if (out != nullptr) *out = info;
  return SavePolicy(account, std::move(policy));
}

IamError SqliteIamStore::GetPolicy(std::string_view account, std::string_view policy_arn,
                                   ManagedPolicyInfo* out) const {
  if (PolicyNameOf(policy_arn).empty()) return InvalidArn(policy_arn);
  std::shared_lock lock(mutex_);
  const model::PolicyRecord* policy = FindPolicy(account, policy_arn);
  if (policy == nullptr) return NoSuchPolicy(policy_arn);
  *out = policy->info;
  out->attachment_count = AttachmentCount(account, out->arn);
  return {};
}

IamError SqliteIamStore::DeletePolicy(std::string_view account, std::string_view policy_arn) {
  if (PolicyNameOf(policy_arn).empty()) return InvalidArn(policy_arn);
  std::unique_lock lock(mutex_);
  const model::PolicyRecord* policy = FindPolicy(account, policy_arn);
  if (policy == nullptr) return NoSuchPolicy(policy_arn);
  if (model::FindAwsManagedPolicy(policy_arn) != nullptr) {
    return {"AccessDenied", 403, "Cannot delete an AWS managed policy."};
  }
  if (AttachmentCount(account, policy->info.arn) > 0) {
    return {"DeleteConflict", 409, "Cannot delete a policy attached to entities."};
  }
  if (policy->versions.size() > 1) {
    return {"DeleteConflict", 409,
            "This policy has more than one version. Before you delete a policy, you must delete "
            "the policy's versions. The default version is deleted with the policy."};
  }
  std::string key = model::Key(policy->info.name);
  if (IamError e = Erase(model::kPolicyKind, account, key); !e.ok()) return e;
  accounts_.find(account)->second.policies.erase(key);
  return {};
}

std::vector<ManagedPolicyInfo> SqliteIamStore::ListPolicies(std::string_view account,
                                                            std::string_view scope,
                                                            std::string_view path_prefix,
                                                            bool only_attached) const {
  std::shared_lock lock(mutex_);
  std::vector<ManagedPolicyInfo> out;
  auto add = [&](const ManagedPolicyInfo& info) {
    if (!path_prefix.empty() && !info.path.starts_with(path_prefix)) return;
    ManagedPolicyInfo copy = info;
    copy.attachment_count = AttachmentCount(account, info.arn);
    if (only_attached && copy.attachment_count == 0) return;
    out.push_back(std::move(copy));
  };
  if (scope != "Local") {
    for (const model::PolicyRecord* p : model::AwsManagedPolicies()) add(p->info);
  }
  if (scope != "AWS") {
    if (const Account* a = FindAccount(account)) {
      for (const auto& [key, p] : a->policies) add(p.info);
    }
  }
  return out;
}

IamError SqliteIamStore::Attach(std::string_view account, std::vector<std::string>* attached,
                                std::string_view policy_arn) const {
  if (PolicyNameOf(policy_arn).empty()) return InvalidArn(policy_arn);
  if (FindPolicy(account, policy_arn) == nullptr) {
    return {"NoSuchEntity", 404,
            "Policy " + std::string(policy_arn) + " does not exist or is not attachable."};
  }
  // Attaching an attached policy again succeeds and changes nothing, as in IAM.
  if (std::find(attached->begin(), attached->end(), policy_arn) != attached->end()) return {};
  if (attached->size() >= kMaxAttached) {
    return {"LimitExceeded", 409, "Cannot exceed quota for PoliciesPerUser: 10"};
  }
  attached->emplace_back(policy_arn);
  return {};
}

IamError SqliteIamStore::AttachUserPolicy(std::string_view account, std::string_view user_name,
                                          std::string_view policy_arn) {
  std::unique_lock lock(mutex_);
  const model::UserRecord* found = FindUser(account, user_name);
  if (found == nullptr) return NoSuchUser(user_name);
  model::UserRecord user = *found;
  if (IamError e = Attach(account, &user.attached, policy_arn); !e.ok()) return e;
  return SaveUser(account, std::move(user));
}

IamError SqliteIamStore::AttachRolePolicy(std::string_view account, std::string_view role_name,
                                          std::string_view policy_arn) {
  std::unique_lock lock(mutex_);
  const model::RoleRecord* found = FindRole(account, role_name);
  if (found == nullptr) return NoSuchRole(role_name);
  model::RoleRecord role = *found;
  if (IamError e = Attach(account, &role.attached, policy_arn); !e.ok()) {
    if (e.code == "LimitExceeded") e.message = "Cannot exceed quota for PoliciesPerRole: 10";
    return e;
  }
  return SaveRole(account, std::move(role));
}

namespace {

// Removes `arn` from `attached`; NoSuchEntity when it was not there.
IamError Detach(std::vector<std::string>* attached, std::string_view arn) {
  if (PolicyNameOf(arn).empty()) return InvalidArn(arn);
  auto it = std::find(attached->begin(), attached->end(), arn);
  if (it == attached->end()) return NoSuchPolicy(arn);
  attached->erase(it);
  return {};
}

void Describe(const std::vector<std::string>& attached, std::vector<AttachedPolicyInfo>* out) {
  out->clear();
  for (const std::string& arn : attached) {
    out->push_back(AttachedPolicyInfo{std::string(PolicyNameOf(arn)), arn});
  }
}

}  // namespace

IamError SqliteIamStore::DetachUserPolicy(std::string_view account, std::string_view user_name,
                                          std::string_view policy_arn) {
  std::unique_lock lock(mutex_);
  const model::UserRecord* found = FindUser(account, user_name);
  if (found == nullptr) return NoSuchUser(user_name);
  model::UserRecord user = *found;
  if (IamError e = Detach(&user.attached, policy_arn); !e.ok()) return e;
  return SaveUser(account, std::move(user));
}

IamError SqliteIamStore::DetachRolePolicy(std::string_view account, std::string_view role_name,
                                          std::string_view policy_arn) {
  std::unique_lock lock(mutex_);
  const model::RoleRecord* found = FindRole(account, role_name);
  if (found == nullptr) return NoSuchRole(role_name);
  model::RoleRecord role = *found;
  if (IamError e = Detach(&role.attached, policy_arn); !e.ok()) return e;
  return SaveRole(account, std::move(role));
}

IamError SqliteIamStore::ListAttachedUserPolicies(std::string_view account,
                                                  std::string_view user_name,
                                                  std::vector<AttachedPolicyInfo>* out) const {
  std::shared_lock lock(mutex_);
  const model::UserRecord* user = FindUser(account, user_name);
  if (user == nullptr) return NoSuchUser(user_name);
  Describe(user->attached, out);
  return {};
}

IamError SqliteIamStore::ListAttachedRolePolicies(std::string_view account,
                                                  std::string_view role_name,
                                                  std::vector<AttachedPolicyInfo>* out) const {
  std::shared_lock lock(mutex_);
  const model::RoleRecord* role = FindRole(account, role_name);
  if (role == nullptr) return NoSuchRole(role_name);
  Describe(role->attached, out);
  return {};
}

IamError SqliteIamStore::CreateOpenIdConnectProvider(std::string_view account,
                                                     std::string_view url,
                                                     const std::vector<std::string>& client_ids,
                                                     const std::vector<std::string>& thumbprints,
                                                     OidcProviderInfo* out) {
  if (!url.starts_with(kHttps) || url.size() == kHttps.size() || url.size() > 255) {
    return {"ValidationError", 400, "Invalid Openid Connect Provider URL: " + std::string(url)};
  }
  if (client_ids.size() > 100) {
    return {"LimitExceeded", 409, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100"};
  }
  for (const std::string& t : thumbprints) {
    if (t.size() != 40) {
      return {"ValidationError", 400,
              "1 validation error detected: Value '" + t +
                  "' at 'thumbprintList' failed to satisfy constraint: Member must have length "
                  "greater than or equal to 40"};
    }
  }
  // The provider is named by the URL without its scheme (and without a trailing slash).
  std::string key(url.substr(kHttps.size()));
  while (!key.empty() && key.back() == '/') key.pop_back();
  std::unique_lock lock(mutex_);
  const Account* a = FindAccount(account);
  if (a != nullptr && a->providers.count(key) != 0) {
    return {"EntityAlreadyExists", 409,
            "Provider with url " + std::string(url) + " already exists."};
  }
  OidcProviderInfo provider;
  provider.url = key;
  provider.arn = model::OidcArn(account, key);
  provider.client_ids = client_ids;
  provider.thumbprints = thumbprints;
  provider.created_ms = common::NowMillis();
  if (IamError e = Persist(model::kOidcKind, account, key, model::OidcToJson(provider));
      !e.ok()) {
    return e;
  }
  accounts_[std::string(account)].providers[key] = provider;
  if (out != nullptr) *out = provider;
  return {};
}

IamError SqliteIamStore::GetOpenIdConnectProvider(std::string_view account, std::string_view arn,
                                                  OidcProviderInfo* out) const {
  constexpr std::string_view kMarker = ":oidc-provider/";
  size_t at = arn.find(kMarker);
  if (!arn.starts_with("arn:aws:iam::") || at == std::string_view::npos) return InvalidArn(arn);
  std::shared_lock lock(mutex_);
  const Account* a = FindAccount(account);
  if (a != nullptr) {
    auto it = a->providers.find(std::string(arn.substr(at + kMarker.size())));
    if (it != a->providers.end() && it->second.arn == arn) {
      *out = it->second;
      return {};
    }
  }
  return {"NoSuchEntity", 404, "OpenIDConnect provider not found for arn " + std::string(arn)};
}

std::optional<OidcProviderInfo> SqliteIamStore::FindOidcProviderByIssuer(
    std::string_view account, std::string_view issuer) const {
  if (issuer.starts_with(kHttps)) issuer.remove_prefix(kHttps.size());
  while (!issuer.empty() && issuer.back() == '/') issuer.remove_suffix(1);
  std::shared_lock lock(mutex_);
  const Account* a = FindAccount(account);
  if (a == nullptr) return std::nullopt;
  auto it = a->providers.find(std::string(issuer));
  if (it == a->providers.end()) return std::nullopt;
  return it->second;
}

}  // namespace skiff::iam
