// IamStore: versions of customer managed policies.
#include <algorithm>
#include <mutex>

#include "server/common/clock.h"
#include "server/iam/store_impl.h"

namespace skiff::iam {
namespace {

// IAM keeps at most five versions of a managed policy.
constexpr size_t kMaxVersions = 5;

IamError NoSuchVersion(std::string_view arn, std::string_view version) {
  return {"NoSuchEntity", 404,
          "Policy " + std::string(arn) + " version " + std::string(version) +
              " does not exist or is not attachable."};
}

IamError AwsManaged(std::string_view arn) {
  return {"AccessDenied", 403,
          "Policy " + std::string(arn) + " is an AWS managed policy and cannot be changed."};
}

// Marks `version_id` the default: the document the policy grants from now on.
void MakeDefault(model::PolicyRecord* policy, const PolicyVersionInfo& version) {
  policy->info.default_version = version.version_id;
  policy->info.document = version.document;
  policy->parsed = Policy();
  for (PolicyVersionInfo& v : policy->versions) v.is_default = v.version_id == version.version_id;
}

}  // namespace

IamError SqliteIamStore::CreatePolicyVersion(std::string_view account,
                                             std::string_view policy_arn,
                                             std::string_view document, bool set_as_default,
                                             PolicyVersionInfo* out) {
  if (PolicyNameOf(policy_arn).empty()) return InvalidArn(policy_arn);
  Policy parsed;
  if (IamError e = model::ParseIdentityPolicy(document, &parsed); !e.ok()) return e;
  std::unique_lock lock(mutex_);
  const model::PolicyRecord* found = FindPolicy(account, policy_arn);
  if (found == nullptr) return NoSuchPolicy(policy_arn);
  if (model::FindAwsManagedPolicy(policy_arn) != nullptr) return AwsManaged(policy_arn);
  if (found->versions.size() >= kMaxVersions) {
    return {"LimitExceeded", 409,
            "A managed policy can have up to 5 versions. Before you create a new version, you "
            "must delete an existing version."};
  }
  model::PolicyRecord policy = *found;
  PolicyVersionInfo version;
  version.version_id = "v" + std::to_string(policy.next_version++);
  version.document = std::string(document);
  version.created_ms = common::NowMillis();
  policy.versions.push_back(version);
  policy.info.updated_ms = version.created_ms;
  if (set_as_default) {
    MakeDefault(&policy, version);
    policy.parsed = std::move(parsed);
    version.is_default = true;
  }
  if (out != nullptr) *out = version;
  return SavePolicy(account, std::move(policy));
}

IamError SqliteIamStore::GetPolicyVersion(std::string_view account, std::string_view policy_arn,
                                          std::string_view version_id,
                                          PolicyVersionInfo* out) const {
  if (PolicyNameOf(policy_arn).empty()) return InvalidArn(policy_arn);
  std::shared_lock lock(mutex_);
  const model::PolicyRecord* policy = FindPolicy(account, policy_arn);
  if (policy == nullptr) return NoSuchPolicy(policy_arn);
  for (const PolicyVersionInfo& v : policy->versions) {
    if (v.version_id == version_id) {
      *out = v;
      return {};
    }
  }
  return NoSuchVersion(policy_arn, version_id);
}

IamError SqliteIamStore::ListPolicyVersions(std::string_view account, std::string_view policy_arn,
                                            std::vector<PolicyVersionInfo>* out) const {
  if (PolicyNameOf(policy_arn).empty()) return InvalidArn(policy_arn);
  std::shared_lock lock(mutex_);
  const model::PolicyRecord* policy = FindPolicy(account, policy_arn);
  if (policy == nullptr) return NoSuchPolicy(policy_arn);
  // IAM lists the newest version first.
  out->assign(policy->versions.rbegin(), policy->versions.rend());
  return {};
}

IamError SqliteIamStore::DeletePolicyVersion(std::string_view account,
                                             std::string_view policy_arn,
                                             std::string_view version_id) {
  if (PolicyNameOf(policy_arn).empty()) return InvalidArn(policy_arn);
  std::unique_lock lock(mutex_);
  const model::PolicyRecord* found = FindPolicy(account, policy_arn);
  if (found == nullptr) return NoSuchPolicy(policy_arn);
  if (model::FindAwsManagedPolicy(policy_arn) != nullptr) return AwsManaged(policy_arn);
  model::PolicyRecord policy = *found;
  auto it = std::find_if(policy.versions.begin(), policy.versions.end(),
                         [&](const PolicyVersionInfo& v) { return v.version_id == version_id; });
  if (it == policy.versions.end()) return NoSuchVersion(policy_arn, version_id);
  if (it->is_default) {
    return {"DeleteConflict", 409, "Cannot delete the default version of a policy."};
  }
  policy.versions.erase(it);
  return SavePolicy(account, std::move(policy));
}

IamError SqliteIamStore::SetDefaultPolicyVersion(std::string_view account,
                                                 std::string_view policy_arn,
                                                 std::string_view version_id) {
  if (PolicyNameOf(policy_arn).empty()) return InvalidArn(policy_arn);
  std::unique_lock lock(mutex_);
  const model::PolicyRecord* found = FindPolicy(account, policy_arn);
  if (found == nullptr) return NoSuchPolicy(policy_arn);
  if (model::FindAwsManagedPolicy(policy_arn) != nullptr) return AwsManaged(policy_arn);
  model::PolicyRecord policy = *found;
  auto it = std::find_if(policy.versions.begin(), policy.versions.end(),
                         [&](const PolicyVersionInfo& v) { return v.version_id == version_id; });
  if (it == policy.versions.end()) return NoSuchVersion(policy_arn, version_id);
  PolicyVersionInfo version = *it;
  MakeDefault(&policy, version);
  // Stored documents were validated when their version was created.
  std::string ignored;
  if (std::optional<Policy> parsed = ParsePolicy(version.document, &ignored)) {
    policy.parsed = std::move(*parsed);
  }
  policy.info.updated_ms = common::NowMillis();
  return SavePolicy(account, std::move(policy));
}

}  // namespace skiff::iam
