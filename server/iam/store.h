// IAM state: users, their access keys, roles (with trust policies), inline and managed policies
// and attachments, OpenID Connect providers, per account. Persisted in the database's document
// table (survives restarts); access keys are mirrored into the CredentialStore so SigV4
// authentication finds them.
// Thread-safe. Names of users, roles and managed policies are unique per account without regard
// to case, as in IAM ("Bob" and "bob" cannot both exist; either spelling finds the entity).
// Every method validates its input and changes nothing when it returns an error.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/common/credentials.h"
#include "server/common/principal.h"
#include "server/iam/authorizer.h"

namespace skiff::storage {
class Database;
}

namespace skiff::iam {

// IAM-style error for store operations: code ("NoSuchEntity", "EntityAlreadyExists",
// "MalformedPolicyDocument", "DeleteConflict", "LimitExceeded", "ValidationError",
// "InvalidInput"), HTTP status and AWS's message. ok() when code is empty.
struct IamError {
  std::string code;
  int status = 200;
  std::string message;
  bool ok() const { return code.empty(); }
};

// A tag on a user or role; keys are unique per entity regardless of case.
struct Tag {
  std::string key;
  std::string value;
};

struct UserInfo {
  std::string name;
  std::string path = "/";
  std::string user_id;  // "AIDA…"
  std::string arn;
  int64_t created_ms = 0;
  std::vector<Tag> tags;
};

struct AccessKeyInfo {
  std::string user_name;
  std::string access_key;
  std::string secret;
  std::string status = "Active";
  int64_t created_ms = 0;
};

struct RoleInfo {
  std::string name;
  std::string path = "/";
  std::string role_id;  // "AROA…"
  std::string arn;
  std::string trust_policy;  // the AssumeRolePolicyDocument as given
  std::string description;
  int max_session_duration = 3600;  // seconds
  int64_t created_ms = 0;
  std::vector<Tag> tags;
};

struct ManagedPolicyInfo {
  std::string name;
  std::string path = "/";
  std::string policy_id;  // "ANPA…"
  std::string arn;
  std::string description;
  std::string document;  // the default version's
  std::string default_version = "v1";
  int attachment_count = 0;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct PolicyVersionInfo {
  std::string version_id;  // "v1", "v2", ...
  std::string document;
  bool is_default = false;
  int64_t created_ms = 0;
};

struct AttachedPolicyInfo {
  std::string name;
  std::string arn;
};

struct OidcProviderInfo {
  std::string url;  // the issuer without "https://": "token.actions.githubusercontent.com"
  std::string arn;  // arn:aws:iam::<acct>:oidc-provider/<url>
  std::vector<std::string> client_ids;
  std::vector<std::string> thumbprints;
  int64_t created_ms = 0;
};

// Input of CreateRole beyond the name.
struct RoleSpec {
  std::string path = "/";
  std::string trust_policy;
  std::string description;
  int max_session_duration = 3600;
  std::vector<Tag> tags;
};

class IamStore {
 public:
  // Loads persisted state from `db` and mirrors access keys into `credentials`. Both must
  // outlive the store. Returns null and sets `error` when the stored state cannot be read.
  static std::unique_ptr<IamStore> Open(storage::Database& db, common::CredentialStore& credentials,
                                        std::string* error);
  virtual ~IamStore() = default;

  // The identity policies that apply to `principal`: a user's inline and attached managed
  // policies, or an assumed role's (from its assumed-role ARN). Empty for the account root and
  // unknown principals.
  virtual std::vector<NamedPolicy> PoliciesFor(const common::Principal& principal) const = 0;

  // --- users (CreateUser, AddAccessKey and PutUserPolicy are also used by --init) ---
  virtual IamError CreateUser(std::string_view account, std::string_view user_name) = 0;
  virtual IamError CreateUser(std::string_view account, std::string_view user_name,
                              std::string_view path, const std::vector<Tag>& tags,
                              UserInfo* out) = 0;
  virtual IamError GetUser(std::string_view account, std::string_view user_name,
                           UserInfo* out) const = 0;
  // DeleteConflict while the user has access keys or inline or attached policies.
  virtual IamError DeleteUser(std::string_view account, std::string_view user_name) = 0;
  // Ordered by name; `path_prefix` "" or "/" lists all.
  virtual std::vector<UserInfo> ListUsers(std::string_view account,
                                          std::string_view path_prefix) const = 0;

  // Adds or overwrites tags (keys match regardless of case); Untag removes keys, absent ones are
  // ignored. LimitExceeded beyond 50 tags.
  virtual IamError TagUser(std::string_view account, std::string_view user_name,
                           const std::vector<Tag>& tags) = 0;
  virtual IamError UntagUser(std::string_view account, std::string_view user_name,
                             const std::vector<std::string>& keys) = 0;

  // --- access keys ---
  // Adds an access key for a user with a chosen id and secret (init files, tests).
  virtual IamError AddAccessKey(std::string_view account, std::string_view user_name,
                                std::string_view access_key, std::string_view secret) = 0;
  // Generates an "AKIA…" key and its secret. LimitExceeded beyond two keys per user.
  virtual IamError CreateAccessKey(std::string_view account, std::string_view user_name,
                                   AccessKeyInfo* out) = 0;
  // "Active" or "Inactive": an inactive key stops authenticating (InvalidClientTokenId) until it
  // is activated again.
  virtual IamError UpdateAccessKey(std::string_view account, std::string_view user_name,
                                   std::string_view access_key, std::string_view status) = 0;
  virtual IamError DeleteAccessKey(std::string_view account, std::string_view user_name,
                                   std::string_view access_key) = 0;
  virtual IamError ListAccessKeys(std::string_view account, std::string_view user_name,
                                  std::vector<AccessKeyInfo>* out) const = 0;

  // --- inline user policies ---
  virtual IamError PutUserPolicy(std::string_view account, std::string_view user_name,
                                 std::string_view policy_name, std::string_view document) = 0;
  virtual IamError GetUserPolicy(std::string_view account, std::string_view user_name,
                                 std::string_view policy_name, std::string* document) const = 0;
  virtual IamError DeleteUserPolicy(std::string_view account, std::string_view user_name,
                                    std::string_view policy_name) = 0;
  virtual IamError ListUserPolicies(std::string_view account, std::string_view user_name,
                                    std::vector<std::string>* names) const = 0;

  // --- roles ---
  virtual IamError CreateRole(std::string_view account, std::string_view role_name,
                              std::string_view trust_policy) = 0;
  virtual IamError CreateRole(std::string_view account, std::string_view role_name,
                              const RoleSpec& spec, RoleInfo* out) = 0;
  virtual IamError GetRole(std::string_view account, std::string_view role_name,
                           RoleInfo* out) const = 0;
  // DeleteConflict while the role has inline or attached policies.
  virtual IamError DeleteRole(std::string_view account, std::string_view role_name) = 0;
  virtual std::vector<RoleInfo> ListRoles(std::string_view account,
                                          std::string_view path_prefix) const = 0;
  virtual IamError TagRole(std::string_view account, std::string_view role_name,
                           const std::vector<Tag>& tags) = 0;
  virtual IamError UntagRole(std::string_view account, std::string_view role_name,
                             const std::vector<std::string>& keys) = 0;
  virtual IamError UpdateAssumeRolePolicy(std::string_view account, std::string_view role_name,
                                          std::string_view trust_policy) = 0;

  // --- inline role policies ---
  virtual IamError PutRolePolicy(std::string_view account, std::string_view role_name,
                                 std::string_view policy_name, std::string_view document) = 0;
  virtual IamError GetRolePolicy(std::string_view account, std::string_view role_name,
                                 std::string_view policy_name, std::string* document) const = 0;
  virtual IamError DeleteRolePolicy(std::string_view account, std::string_view role_name,
                                    std::string_view policy_name) = 0;
  virtual IamError ListRolePolicies(std::string_view account, std::string_view role_name,
                                    std::vector<std::string>* names) const = 0;

  // --- managed policies (customer managed, in the caller's account) ---
  virtual IamError CreatePolicy(std::string_view account, std::string_view policy_name,
                                std::string_view path, std::string_view document,
                                std::string_view description, ManagedPolicyInfo* out) = 0;
  virtual IamError GetPolicy(std::string_view account, std::string_view policy_arn,
                             ManagedPolicyInfo* out) const = 0;
  // DeleteConflict while the policy is attached.
  virtual IamError DeletePolicy(std::string_view account, std::string_view policy_arn) = 0;
  // Versions: at most 5 per policy (LimitExceeded); the default one is what the policy grants
  // and cannot be deleted (DeleteConflict); DeletePolicy needs the others deleted first.
  virtual IamError CreatePolicyVersion(std::string_view account, std::string_view policy_arn,
                                       std::string_view document, bool set_as_default,
                                       PolicyVersionInfo* out) = 0;
  virtual IamError GetPolicyVersion(std::string_view account, std::string_view policy_arn,
                                    std::string_view version_id, PolicyVersionInfo* out) const = 0;
  virtual IamError ListPolicyVersions(std::string_view account, std::string_view policy_arn,
                                      std::vector<PolicyVersionInfo>* out) const = 0;
  virtual IamError DeletePolicyVersion(std::string_view account, std::string_view policy_arn,
                                       std::string_view version_id) = 0;
  virtual IamError SetDefaultPolicyVersion(std::string_view account, std::string_view policy_arn,
                                           std::string_view version_id) = 0;
  // `scope`: "All", "AWS" (AWS managed policies) or "Local" (the account's); `only_attached`:
  // only policies attached to a user or role of the account. AWS's first, then by name.
  virtual std::vector<ManagedPolicyInfo> ListPolicies(std::string_view account,
                                                      std::string_view scope,
                                                      std::string_view path_prefix,
                                                      bool only_attached) const = 0;

  // --- attachments ---
  virtual IamError AttachUserPolicy(std::string_view account, std::string_view user_name,
                                    std::string_view policy_arn) = 0;
  virtual IamError DetachUserPolicy(std::string_view account, std::string_view user_name,
                                    std::string_view policy_arn) = 0;
  virtual IamError ListAttachedUserPolicies(std::string_view account, std::string_view user_name,
                                            std::vector<AttachedPolicyInfo>* out) const = 0;
  virtual IamError AttachRolePolicy(std::string_view account, std::string_view role_name,
                                    std::string_view policy_arn) = 0;
  virtual IamError DetachRolePolicy(std::string_view account, std::string_view role_name,
                                    std::string_view policy_arn) = 0;
  virtual IamError ListAttachedRolePolicies(std::string_view account, std::string_view role_name,
                                            std::vector<AttachedPolicyInfo>* out) const = 0;

  // --- OpenID Connect providers (AssumeRoleWithWebIdentity) ---
  // `url` must start with "https://"; the provider is keyed by the rest.
  virtual IamError CreateOpenIdConnectProvider(std::string_view account, std::string_view url,
                                               const std::vector<std::string>& client_ids,
                                               const std::vector<std::string>& thumbprints,
                                               OidcProviderInfo* out) = 0;
  virtual IamError GetOpenIdConnectProvider(std::string_view account, std::string_view arn,
                                            OidcProviderInfo* out) const = 0;
  // The provider for a token issuer ("https://host/path" or "host/path"), if one exists.
  virtual std::optional<OidcProviderInfo> FindOidcProviderByIssuer(
      std::string_view account, std::string_view issuer) const = 0;

  // Drops every user, role, policy, provider and IAM-created key (admin reset of "iam").
  virtual void Reset() = 0;
};

}  // namespace skiff::iam
