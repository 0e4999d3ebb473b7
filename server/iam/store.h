// IAM state: users, their access keys, roles (with trust policies), inline and managed policies
// and attachments, per account. Persisted in the database (survives restarts); access keys are
// mirrored into the CredentialStore so SigV4 authentication finds them.
// Thread-safe. Every name lookup is per account.
#pragma once

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
// "MalformedPolicyDocument", "DeleteConflict", "LimitExceeded", "ValidationError"), HTTP status
// and AWS's message. ok() when code is empty.
struct IamError {
  std::string code;
  int status = 200;
  std::string message;
  bool ok() const { return code.empty(); }
};

class IamStore {
 public:
  // Loads persisted state from `db` and mirrors access keys into `credentials`.
  static std::unique_ptr<IamStore> Open(storage::Database& db, common::CredentialStore& credentials,
                                        std::string* error);
  virtual ~IamStore() = default;

  // The identity policies that apply to `principal`: a user's inline and attached managed
  // policies, or an assumed role's. Empty for the account root and unknown principals.
  virtual std::vector<NamedPolicy> PoliciesFor(const common::Principal& principal) const = 0;

  // --- used by --init and the admin API as well as the IAM Query actions ---
  virtual IamError CreateUser(std::string_view account, std::string_view user_name) = 0;
  // Adds an access key for a user with a chosen id and secret (init files, tests).
  virtual IamError AddAccessKey(std::string_view account, std::string_view user_name,
                                std::string_view access_key, std::string_view secret) = 0;
  virtual IamError PutUserPolicy(std::string_view account, std::string_view user_name,
                                 std::string_view policy_name, std::string_view document) = 0;
  virtual IamError CreateRole(std::string_view account, std::string_view role_name,
                              std::string_view trust_policy) = 0;
  virtual IamError PutRolePolicy(std::string_view account, std::string_view role_name,
                                 std::string_view policy_name, std::string_view document) = 0;
  // Drops every user, role, policy and IAM-created key (admin reset of "iam").
  virtual void Reset() = 0;
};

}  // namespace skiff::iam
