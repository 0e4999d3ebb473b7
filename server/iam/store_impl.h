// The IamStore implementation: all state in memory behind one lock, every change written to the
// document table before it becomes visible. Split by concern: store.cc (open, load, policies
// for a principal, reset), store_users.cc (users, access keys, inline user policies),
// store_roles.cc (roles, inline role policies), store_policies.cc (managed policies,
// attachments, OIDC providers).
#pragma once

#include <map>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "server/iam/store.h"
#include "server/iam/store_model.h"
#include "storage/documents.h"

namespace skiff::iam {

class SqliteIamStore : public IamStore {
 public:
  SqliteIamStore(storage::DocumentStore& documents, common::CredentialStore& credentials)
      : documents_(documents), credentials_(credentials) {}

  // Reads every document; an error message, or "" on success.
  std::string Load();

  std::vector<NamedPolicy> PoliciesFor(const common::Principal& principal) const override;

  IamError CreateUser(std::string_view account, std::string_view user_name) override;
  IamError CreateUser(std::string_view account, std::string_view user_name,
                      std::string_view path, const std::vector<Tag>& tags,
                      UserInfo* out) override;
  IamError GetUser(std::string_view account, std::string_view user_name,
                   UserInfo* out) const override;
  IamError DeleteUser(std::string_view account, std::string_view user_name) override;
  std::vector<UserInfo> ListUsers(std::string_view account,
                                  std::string_view path_prefix) const override;

  IamError TagUser(std::string_view account, std::string_view user_name,
                   const std::vector<Tag>& tags) override;
  IamError UntagUser(std::string_view account, std::string_view user_name,
                     const std::vector<std::string>& keys) override;

  IamError AddAccessKey(std::string_view account, std::string_view user_name,
                        std::string_view access_key, std::string_view secret) override;
  IamError CreateAccessKey(std::string_view account, std::string_view user_name,
                           AccessKeyInfo* out) override;
  IamError UpdateAccessKey(std::string_view account, std::string_view user_name,
                           std::string_view access_key, std::string_view status) override;
  IamError DeleteAccessKey(std::string_view account, std::string_view user_name,
                           std::string_view access_key) override;
  IamError ListAccessKeys(std::string_view account, std::string_view user_name,
                          std::vector<AccessKeyInfo>* out) const override;

  IamError PutUserPolicy(std::string_view account, std::string_view user_name,
                         std::string_view policy_name, std::string_view document) override;
  IamError GetUserPolicy(std::string_view account, std::string_view user_name,
                         std::string_view policy_name, std::string* document) const override;
  IamError DeleteUserPolicy(std::string_view account, std::string_view user_name,
                            std::string_view policy_name) override;
  IamError ListUserPolicies(std::string_view account, std::string_view user_name,
                            std::vector<std::string>* names) const override;

  IamError CreateRole(std::string_view account, std::string_view role_name,
                      std::string_view trust_policy) override;
  IamError CreateRole(std::string_view account, std::string_view role_name, const RoleSpec& spec,
                      RoleInfo* out) override;
  IamError GetRole(std::string_view account, std::string_view role_name,
                   RoleInfo* out) const override;
  IamError DeleteRole(std::string_view account, std::string_view role_name) override;
  std::vector<RoleInfo> ListRoles(std::string_view account,
                                  std::string_view path_prefix) const override;
  IamError TagRole(std::string_view account, std::string_view role_name,
                   const std::vector<Tag>& tags) override;
  IamError UntagRole(std::string_view account, std::string_view role_name,
                     const std::vector<std::string>& keys) override;
  IamError UpdateAssumeRolePolicy(std::string_view account, std::string_view role_name,
                                  std::string_view trust_policy) override;

  IamError PutRolePolicy(std::string_view account, std::string_view role_name,
                         std::string_view policy_name, std::string_view document) override;
  IamError GetRolePolicy(std::string_view account, std::string_view role_name,
                         std::string_view policy_name, std::string* document) const override;
  IamError DeleteRolePolicy(std::string_view account, std::string_view role_name,
                            std::string_view policy_name) override;
  IamError ListRolePolicies(std::string_view account, std::string_view role_name,
                            std::vector<std::string>* names) const override;

  IamError CreatePolicy(std::string_view account, std::string_view policy_name,
                        std::string_view path, std::string_view document,
                        std::string_view description, ManagedPolicyInfo* out) override;
  IamError GetPolicy(std::string_view account, std::string_view policy_arn,
                     ManagedPolicyInfo* out) const override;
  IamError DeletePolicy(std::string_view account, std::string_view policy_arn) override;
  IamError CreatePolicyVersion(std::string_view account, std::string_view policy_arn,
                               std::string_view document, bool set_as_default,
                               PolicyVersionInfo* out) override;
  IamError GetPolicyVersion(std::string_view account, std::string_view policy_arn,
                            std::string_view version_id, PolicyVersionInfo* out) const override;
  IamError ListPolicyVersions(std::string_view account, std::string_view policy_arn,
                              std::vector<PolicyVersionInfo>* out) const override;
  IamError DeletePolicyVersion(std::string_view account, std::string_view policy_arn,
                               std::string_view version_id) override;
  IamError SetDefaultPolicyVersion(std::string_view account, std::string_view policy_arn,
                                   std::string_view version_id) override;
  std::vector<ManagedPolicyInfo> ListPolicies(std::string_view account, std::string_view scope,
                                              std::string_view path_prefix,
                                              bool only_attached) const override;

  IamError AttachUserPolicy(std::string_view account, std::string_view user_name,
                            std::string_view policy_arn) override;
  IamError DetachUserPolicy(std::string_view account, std::string_view user_name,
                            std::string_view policy_arn) override;
  IamError ListAttachedUserPolicies(std::string_view account, std::string_view user_name,
                                    std::vector<AttachedPolicyInfo>* out) const override;
  IamError AttachRolePolicy(std::string_view account, std::string_view role_name,
                            std::string_view policy_arn) override;
  IamError DetachRolePolicy(std::string_view account, std::string_view role_name,
                            std::string_view policy_arn) override;
  IamError ListAttachedRolePolicies(std::string_view account, std::string_view role_name,
                                    std::vector<AttachedPolicyInfo>* out) const override;

  IamError CreateOpenIdConnectProvider(std::string_view account, std::string_view url,
                                       const std::vector<std::string>& client_ids,
                                       const std::vector<std::string>& thumbprints,
                                       OidcProviderInfo* out) override;
  IamError GetOpenIdConnectProvider(std::string_view account, std::string_view arn,
                                    OidcProviderInfo* out) const override;
  std::optional<OidcProviderInfo> FindOidcProviderByIssuer(
      std::string_view account, std::string_view issuer) const override;

  void Reset() override;

 private:
  struct Account {
    std::map<std::string, model::UserRecord> users;       // by model::Key(name)
    std::map<std::string, model::RoleRecord> roles;       // by model::Key(name)
    std::map<std::string, model::PolicyRecord> policies;  // by model::Key(name)
    std::map<std::string, OidcProviderInfo> providers;    // by url
  };

  // Lookups under the lock; null when absent.
  const Account* FindAccount(std::string_view account) const;
  const model::UserRecord* FindUser(std::string_view account, std::string_view name) const;
  const model::RoleRecord* FindRole(std::string_view account, std::string_view name) const;
  // A customer managed policy of `account` or an AWS managed policy, by ARN.
  const model::PolicyRecord* FindPolicy(std::string_view account, std::string_view arn) const;
  int AttachmentCount(std::string_view account, const std::string& arn) const;

  // Write the document first, then the memory (so a failed write changes nothing).
  IamError SaveUser(std::string_view account, model::UserRecord user);
  IamError SaveRole(std::string_view account, model::RoleRecord role);
  IamError SavePolicy(std::string_view account, model::PolicyRecord policy);
  IamError Persist(std::string_view kind, std::string_view account, const std::string& name,
                   const std::string& body);
  IamError Erase(std::string_view kind, std::string_view account, const std::string& name);

  // Shared by the user and role attach/detach actions.
  IamError Attach(std::string_view account, std::vector<std::string>* attached,
                  std::string_view policy_arn) const;

  storage::DocumentStore& documents_;
  common::CredentialStore& credentials_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, Account, std::less<>> accounts_;
};

// IAM's NoSuchEntity messages.
IamError NoSuchUser(std::string_view name);
IamError NoSuchRole(std::string_view name);
IamError NoSuchPolicy(std::string_view arn);
IamError StorageFailure(const std::string& detail);
// The policy name of a policy ARN (its last path segment), "" if it is not a policy ARN.
std::string_view PolicyNameOf(std::string_view arn);
IamError InvalidArn(std::string_view arn);

}  // namespace skiff::iam
