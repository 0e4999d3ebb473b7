// IamStore: users, their access keys and their inline policies.
#include <algorithm>
#include <mutex>

#include "server/common/clock.h"
#include "server/iam/store_impl.h"

namespace skiff::iam {
namespace {

// IAM allows two access keys per user.
constexpr size_t kMaxAccessKeys = 2;

IamError NoSuchUserPolicy(std::string_view name) {
  return {"NoSuchEntity", 404,
          "The user policy with name " + std::string(name) + " cannot be found."};
}

bool HasPrefix(std::string_view path, std::string_view prefix) {
  return prefix.empty() || path.starts_with(prefix);
}

}  // namespace

IamError SqliteIamStore::CreateUser(std::string_view account, std::string_view user_name) {
  return CreateUser(account, user_name, "/", {}, nullptr);
}

IamError SqliteIamStore::CreateUser(std::string_view account, std::string_view user_name,
                                    std::string_view path, const std::vector<Tag>& tags,
                                    UserInfo* out) {
  if (IamError e = model::ValidateName(user_name, "userName", 64); !e.ok()) return e;
  if (IamError e = model::ValidatePath(path, "path"); !e.ok()) return e;
  if (IamError e = model::ValidateTags(tags); !e.ok()) return e;
  std::unique_lock lock(mutex_);
  if (FindUser(account, user_name) != nullptr) {
    return {"EntityAlreadyExists", 409,
            "User with name " + std::string(user_name) + " already exists."};
  }
  model::UserRecord user;
  user.info.name = std::string(user_name);
  user.info.path = std::string(path);
  user.info.user_id = model::NewId("AIDA", 21);
  user.info.arn = model::UserArn(account, path, user_name);
  user.info.created_ms = common::NowMillis();
  user.info.tags = tags;
  if (out != nullptr) *out = user.info;
  return SaveUser(account, std::move(user));
}

IamError SqliteIamStore::GetUser(std::string_view account, std::string_view user_name,
                                 UserInfo* out) const {
  std::shared_lock lock(mutex_);
  const model::UserRecord* user = FindUser(account, user_name);
  if (user == nullptr) return NoSuchUser(user_name);
  if (out != nullptr) *out = user->info;
  return {};
}

IamError SqliteIamStore::DeleteUser(std::string_view account, std::string_view user_name) {
  std::unique_lock lock(mutex_);
  const model::UserRecord* user = FindUser(account, user_name);
  if (user == nullptr) return NoSuchUser(user_name);
  // IAM refuses while anything is still attached to the user, in this order.
  if (!user->keys.empty()) {
    return {"DeleteConflict", 409, "Cannot delete entity, must delete access keys first."};
  }
  if (!user->policies.empty()) {
    return {"DeleteConflict", 409, "Cannot delete entity, must delete policies first."};
  }
  if (!user->attached.empty()) {
    return {"DeleteConflict", 409, "Cannot delete entity, must detach all policies first."};
  }
  std::string key = model::Key(user_name);
  if (IamError e = Erase(model::kUserKind, account, key); !e.ok()) return e;
  accounts_.find(account)->second.users.erase(key);
  return {};
}

std::vector<UserInfo> SqliteIamStore::ListUsers(std::string_view account,
                                                std::string_view path_prefix) const {
  std::shared_lock lock(mutex_);
  std::vector<UserInfo> out;
  if (const Account* a = FindAccount(account)) {
    for (const auto& [key, user] : a->users) {
      if (HasPrefix(user.info.path, path_prefix)) out.push_back(user.info);
    }
  }
  return out;
}

IamError SqliteIamStore::TagUser(std::string_view account, std::string_view user_name,
                                 const std::vector<Tag>& tags) {
  std::unique_lock lock(mutex_);
  const model::UserRecord* found = FindUser(account, user_name);
  if (found == nullptr) return NoSuchUser(user_name);
  model::UserRecord user = *found;
  if (IamError e = model::MergeTags(&user.info.tags, tags, {}); !e.ok()) return e;
  return SaveUser(account, std::move(user));
}

IamError SqliteIamStore::UntagUser(std::string_view account, std::string_view user_name,
                                   const std::vector<std::string>& keys) {
  std::unique_lock lock(mutex_);
  const model::UserRecord* found = FindUser(account, user_name);
  if (found == nullptr) return NoSuchUser(user_name);
  model::UserRecord user = *found;
  if (IamError e = model::MergeTags(&user.info.tags, {}, keys); !e.ok()) return e;
  return SaveUser(account, std::move(user));
}

IamError SqliteIamStore::AddAccessKey(std::string_view account, std::string_view user_name,
                                      std::string_view access_key, std::string_view secret) {
  // Chosen keys may be short ("alice"): Skiff's own credentials ("test") are.
  if (access_key.empty() || access_key.size() > 128) {
    return {"ValidationError", 400,
            "Access key id \"" + std::string(access_key) + "\" must have 1 to 128 characters"};
  }
  if (secret.empty()) return {"ValidationError", 400, "The secret access key must not be empty"};
  std::unique_lock lock(mutex_);
  const model::UserRecord* found = FindUser(account, user_name);
  if (found == nullptr) return NoSuchUser(user_name);
  if (found->keys.size() >= kMaxAccessKeys) {
    return {"LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2"};
  }
  if (credentials_.Find(access_key).has_value()) {
    return {"EntityAlreadyExists", 409,
            "Access key " + std::string(access_key) + " already exists."};
  }
  model::UserRecord user = *found;
  AccessKeyInfo key;
  key.user_name = user.info.name;
  key.access_key = std::string(access_key);
  key.secret = std::string(secret);
  key.created_ms = common::NowMillis();
  user.keys.push_back(key);
  common::Credential credential;
  credential.access_key = key.access_key;
  credential.secret = key.secret;
  credential.account_id = std::string(account);
  credential.user_name = user.info.name;
  credential.arn = user.info.arn;
  credential.user_id = user.info.user_id;
  if (IamError e = SaveUser(account, std::move(user)); !e.ok()) return e;
  credentials_.Put(std::move(credential));
  return {};
}

IamError SqliteIamStore::CreateAccessKey(std::string_view account, std::string_view user_name,
                                         AccessKeyInfo* out) {
  std::string access_key = model::NewId("AKIA", 20);
  std::string secret = model::NewSecret();
  if (IamError e = AddAccessKey(account, user_name, access_key, secret); !e.ok()) return e;
  std::shared_lock lock(mutex_);
  const model::UserRecord* user = FindUser(account, user_name);
  if (out != nullptr && user != nullptr) {
    for (const AccessKeyInfo& k : user->keys) {
      if (k.access_key == access_key) *out = k;
    }
  }
  return {};
}

IamError SqliteIamStore::UpdateAccessKey(std::string_view account, std::string_view user_name,
                                         std::string_view access_key, std::string_view status) {
  if (status != "Active" && status != "Inactive") {
    return {"ValidationError", 400,
            "1 validation error detected: Value '" + std::string(status) +
                "' at 'status' failed to satisfy constraint: Member must satisfy enum value set: "
                "[Active, Inactive]"};
  }
  std::unique_lock lock(mutex_);
  const model::UserRecord* found = FindUser(account, user_name);
  if (found == nullptr) return NoSuchUser(user_name);
  model::UserRecord user = *found;
  auto it = std::find_if(user.keys.begin(), user.keys.end(),
                         [&](const AccessKeyInfo& k) { return k.access_key == access_key; });
  if (it == user.keys.end()) {
    return {"NoSuchEntity", 404,
            "The Access Key with id " + std::string(access_key) + " cannot be found"};
  }
  it->status = std::string(status);
  common::Credential credential;
  credential.access_key = it->access_key;
  credential.secret = it->secret;
  credential.account_id = std::string(account);
  credential.user_name = user.info.name;
  credential.arn = user.info.arn;
  credential.user_id = user.info.user_id;
  if (IamError e = SaveUser(account, std::move(user)); !e.ok()) return e;
  if (status == "Active") {
    credentials_.Put(std::move(credential));
  } else {
    credentials_.Remove(access_key);
  }
  return {};
}

IamError SqliteIamStore::DeleteAccessKey(std::string_view account, std::string_view user_name,
                                         std::string_view access_key) {
  std::unique_lock lock(mutex_);
  const model::UserRecord* found = FindUser(account, user_name);
  if (found == nullptr) return NoSuchUser(user_name);
  model::UserRecord user = *found;
  auto it = std::find_if(user.keys.begin(), user.keys.end(),
                         [&](const AccessKeyInfo& k) { return k.access_key == access_key; });
  if (it == user.keys.end()) {
    return {"NoSuchEntity", 404,
            "The Access Key with id " + std::string(access_key) + " cannot be found"};
  }
  user.keys.erase(it);
  if (IamError e = SaveUser(account, std::move(user)); !e.ok()) return e;
  credentials_.Remove(access_key);
  return {};
}

IamError SqliteIamStore::ListAccessKeys(std::string_view account, std::string_view user_name,
                                        std::vector<AccessKeyInfo>* out) const {
  std::shared_lock lock(mutex_);
  const model::UserRecord* user = FindUser(account, user_name);
  if (user == nullptr) return NoSuchUser(user_name);
  *out = user->keys;
  return {};
}

IamError SqliteIamStore::PutUserPolicy(std::string_view account, std::string_view user_name,
                                       std::string_view policy_name, std::string_view document) {
  if (IamError e = model::ValidateName(policy_name, "policyName", 128); !e.ok()) return e;
  model::StoredPolicy policy;
  if (IamError e = model::ParseIdentityPolicy(document, &policy.parsed); !e.ok()) return e;
  policy.document = std::string(document);
  std::unique_lock lock(mutex_);
  const model::UserRecord* found = FindUser(account, user_name);
  if (found == nullptr) return NoSuchUser(user_name);
  model::UserRecord user = *found;
  user.policies.insert_or_assign(std::string(policy_name), std::move(policy));
  return SaveUser(account, std::move(user));
}

IamError SqliteIamStore::GetUserPolicy(std::string_view account, std::string_view user_name,
                                       std::string_view policy_name, std::string* document) const {
  std::shared_lock lock(mutex_);
  const model::UserRecord* user = FindUser(account, user_name);
  if (user == nullptr) return NoSuchUser(user_name);
  auto it = user->policies.find(std::string(policy_name));
  if (it == user->policies.end()) return NoSuchUserPolicy(policy_name);
  *document = it->second.document;
  return {};
}

IamError SqliteIamStore::DeleteUserPolicy(std::string_view account, std::string_view user_name,
                                          std::string_view policy_name) {
  std::unique_lock lock(mutex_);
  const model::UserRecord* found = FindUser(account, user_name);
  if (found == nullptr) return NoSuchUser(user_name);
  if (found->policies.count(std::string(policy_name)) == 0) return NoSuchUserPolicy(policy_name);
  model::UserRecord user = *found;
  user.policies.erase(std::string(policy_name));
  return SaveUser(account, std::move(user));
}

IamError SqliteIamStore::ListUserPolicies(std::string_view account, std::string_view user_name,
                                          std::vector<std::string>* names) const {
  std::shared_lock lock(mutex_);
  const model::UserRecord* user = FindUser(account, user_name);
  if (user == nullptr) return NoSuchUser(user_name);
  names->clear();
  for (const auto& [name, p] : user->policies) names->push_back(name);
  return {};
}

}  // namespace skiff::iam
