// IamStore: opening and loading, the policies of a principal, reset, and the shared helpers.
#include "server/iam/store.h"

#include <mutex>

#include "server/common/request_log.h"
#include "server/iam/store_impl.h"
#include "storage/database.h"

namespace skiff::iam {

IamError NoSuchUser(std::string_view name) {
  return {"NoSuchEntity", 404, "The user with name " + std::string(name) + " cannot be found."};
}

IamError NoSuchRole(std::string_view name) {
  return {"NoSuchEntity", 404, "The role with name " + std::string(name) + " cannot be found."};
}

IamError NoSuchPolicy(std::string_view arn) {
  return {"NoSuchEntity", 404, "Policy " + std::string(arn) + " was not found."};
}

IamError StorageFailure(const std::string& detail) {
  common::Log(common::LogLevel::kError, "iam: cannot save state: " + detail);
  return {"ServiceFailure", 500,
          "The request processing has failed because of an unknown error, exception or failure."};
}

std::unique_ptr<IamStore> IamStore::Open(storage::Database& db,
                                         common::CredentialStore& credentials,
                                         std::string* error) {
  auto store = std::make_unique<SqliteIamStore>(db.documents(), credentials);
  if (std::string e = store->Load(); !e.empty()) {
    *error = e;
    return nullptr;
  }
  return store;
}

std::string SqliteIamStore::Load() {
  std::unique_lock lock(mutex_);
  accounts_.clear();
  auto load = [&](std::string_view kind, auto&& add) -> std::string {
    storage::Result<std::vector<storage::Document>> docs = documents_.List(kind);
    if (!docs.ok()) return "cannot read IAM state: " + docs.status().message();
    for (const storage::Document& d : *docs) {
      if (!add(d)) {
        return "IAM state: document " + std::string(kind) + "/" + d.account + "/" + d.name +
               " is not valid";
      }
    }
    return "";
  };
  std::string e = load(model::kUserKind, [&](const storage::Document& d) {
    std::optional<model::UserRecord> user = model::UserFromJson(d.account, d.body);
    if (!user) return false;
    for (const AccessKeyInfo& key : user->keys) {
      if (key.status != "Active") continue;
      common::Credential c;
      c.access_key = key.access_key;
      c.secret = key.secret;
      c.account_id = d.account;
      c.user_name = user->info.name;
      c.arn = user->info.arn;
      c.user_id = user->info.user_id;
      credentials_.Put(std::move(c));
    }
    accounts_[d.account].users[d.name] = std::move(*user);
    return true;
  });
  if (e.empty()) {
    e = load(model::kRoleKind, [&](const storage::Document& d) {
      std::optional<model::RoleRecord> role = model::RoleFromJson(d.account, d.body);
      if (role) accounts_[d.account].roles[d.name] = std::move(*role);
      return role.has_value();
    });
  }
  if (e.empty()) {
    e = load(model::kPolicyKind, [&](const storage::Document& d) {
      std::optional<model::PolicyRecord> policy = model::PolicyFromJson(d.account, d.body);
      if (policy) accounts_[d.account].policies[d.name] = std::move(*policy);
      return policy.has_value();
    });
  }
  if (e.empty()) {
    e = load(model::kOidcKind, [&](const storage::Document& d) {
      std::optional<OidcProviderInfo> provider = model::OidcFromJson(d.account, d.body);
      if (provider) accounts_[d.account].providers[d.name] = std::move(*provider);
      return provider.has_value();
    });
  }
  return e;
}

std::vector<NamedPolicy> SqliteIamStore::PoliciesFor(const common::Principal& principal) const {
  std::vector<NamedPolicy> out;
  if (principal.anonymous) return out;
  std::shared_lock lock(mutex_);
  const std::map<std::string, model::StoredPolicy>* inline_policies = nullptr;
  const std::vector<std::string>* attached = nullptr;
  // arn:aws:sts::<acct>:assumed-role/<role>/<session>: the role's policies.
  constexpr std::string_view kAssumed = ":assumed-role/";
  if (size_t at = principal.arn.find(kAssumed); at != std::string::npos) {
    std::string_view rest = std::string_view(principal.arn).substr(at + kAssumed.size());
    const model::RoleRecord* role =
        FindRole(principal.account_id, rest.substr(0, rest.find('/')));
    if (role == nullptr) return out;
    inline_policies = &role->policies;
    attached = &role->attached;
  } else if (!principal.user_name.empty()) {
    const model::UserRecord* user = FindUser(principal.account_id, principal.user_name);
    if (user == nullptr) return out;
    inline_policies = &user->policies;
    attached = &user->attached;
  } else {
    return out;
  }
  for (const auto& [name, p] : *inline_policies) out.push_back(NamedPolicy{name, p.parsed});
  for (const std::string& arn : *attached) {
    if (const model::PolicyRecord* p = FindPolicy(principal.account_id, arn)) {
      out.push_back(NamedPolicy{arn, p->parsed});
    }
  }
  return out;
}

void SqliteIamStore::Reset() {
  std::unique_lock lock(mutex_);
  for (const auto& [account, state] : accounts_) {
    for (const auto& [key, user] : state.users) {
      for (const AccessKeyInfo& k : user.keys) credentials_.Remove(k.access_key);
    }
  }
  accounts_.clear();
  for (std::string_view kind :
       {model::kUserKind, model::kRoleKind, model::kPolicyKind, model::kOidcKind}) {
    storage::Status status = documents_.Clear(kind);
    if (!status.ok()) {
      common::Log(common::LogLevel::kError, "iam: reset: " + status.message());
    }
  }
}

const SqliteIamStore::Account* SqliteIamStore::FindAccount(std::string_view account) const {
  auto it = accounts_.find(account);
  return it == accounts_.end() ? nullptr : &it->second;
}

const model::UserRecord* SqliteIamStore::FindUser(std::string_view account,
                                                  std::string_view name) const {
  const Account* a = FindAccount(account);
  if (a == nullptr) return nullptr;
  auto it = a->users.find(model::Key(name));
  return it == a->users.end() ? nullptr : &it->second;
}

const model::RoleRecord* SqliteIamStore::FindRole(std::string_view account,
                                                  std::string_view name) const {
  const Account* a = FindAccount(account);
  if (a == nullptr) return nullptr;
  auto it = a->roles.find(model::Key(name));
  return it == a->roles.end() ? nullptr : &it->second;
}

IamError SqliteIamStore::Persist(std::string_view kind, std::string_view account,
                                 const std::string& name, const std::string& body) {
  storage::Status status =
      documents_.Put({std::string(kind), std::string(account), name, body});
  if (!status.ok()) return StorageFailure(status.message());
  return {};
}

IamError SqliteIamStore::Erase(std::string_view kind, std::string_view account,
                               const std::string& name) {
  storage::Status status = documents_.Delete(kind, account, name);
  if (!status.ok() && status.code() != storage::Code::kNotFound) {
    return StorageFailure(status.message());
  }
  return {};
}

IamError SqliteIamStore::SaveUser(std::string_view account, model::UserRecord user) {
  std::string key = model::Key(user.info.name);
  if (IamError e = Persist(model::kUserKind, account, key, model::UserToJson(user)); !e.ok()) {
    return e;
  }
  accounts_[std::string(account)].users[key] = std::move(user);
  return {};
}

IamError SqliteIamStore::SaveRole(std::string_view account, model::RoleRecord role) {
  std::string key = model::Key(role.info.name);
  if (IamError e = Persist(model::kRoleKind, account, key, model::RoleToJson(role)); !e.ok()) {
    return e;
  }
  accounts_[std::string(account)].roles[key] = std::move(role);
  return {};
}

IamError SqliteIamStore::SavePolicy(std::string_view account, model::PolicyRecord policy) {
  std::string key = model::Key(policy.info.name);
  if (IamError e = Persist(model::kPolicyKind, account, key, model::PolicyToJson(policy));
      !e.ok()) {
    return e;
  }
  accounts_[std::string(account)].policies[key] = std::move(policy);
  return {};
}

}  // namespace skiff::iam
