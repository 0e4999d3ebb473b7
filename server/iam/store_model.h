// The in-memory records behind IamStore, their JSON form in the document table, and the
// validation and id rules they share. One document per user, role, managed policy and OIDC
// provider: a change to an entity (its keys, inline policies, attachments) rewrites exactly
// one document, so every IAM action is a single atomic write.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/iam/policy.h"
#include "server/iam/store.h"

namespace skiff::iam::model {

// Document kinds in storage::DocumentStore.
inline constexpr std::string_view kUserKind = "iam-user";
inline constexpr std::string_view kRoleKind = "iam-role";
inline constexpr std::string_view kPolicyKind = "iam-policy";
inline constexpr std::string_view kOidcKind = "iam-oidc-provider";

// An inline policy or a managed policy's document: the text as given (GetUserPolicy returns it)
// and its parsed form (evaluated per request).
struct StoredPolicy {
  std::string document;
  Policy parsed;
};

struct UserRecord {
  UserInfo info;
  std::map<std::string, StoredPolicy> policies;  // inline, by name
  std::vector<std::string> attached;             // managed policy ARNs, in attach order
  std::vector<AccessKeyInfo> keys;
};

struct RoleRecord {
  RoleInfo info;
  std::map<std::string, StoredPolicy> policies;
  std::vector<std::string> attached;
};

struct PolicyRecord {
  // attachment_count is computed when read, not stored; document and default_version describe
  // the default version.
  ManagedPolicyInfo info;
  Policy parsed;  // the default version, parsed
  std::vector<PolicyVersionInfo> versions;  // oldest first; is_default is derived from info
  int next_version = 2;  // the number of the next version created ("v2", ...); never reused
};

// Lower-cased (ASCII) key under which names are unique.
std::string Key(std::string_view name);

std::string UserToJson(const UserRecord& user);
std::string RoleToJson(const RoleRecord& role);
std::string PolicyToJson(const PolicyRecord& policy);
std::string OidcToJson(const OidcProviderInfo& provider);
// nullopt when the stored text is not the shape written above. Policy documents are re-parsed;
// one that no longer parses is kept as text and grants nothing.
std::optional<UserRecord> UserFromJson(std::string_view account, std::string_view json);
std::optional<RoleRecord> RoleFromJson(std::string_view account, std::string_view json);
std::optional<PolicyRecord> PolicyFromJson(std::string_view account, std::string_view json);
std::optional<OidcProviderInfo> OidcFromJson(std::string_view account, std::string_view json);

// --- ARNs and ids ---
std::string UserArn(std::string_view account, std::string_view path, std::string_view name);
std::string RoleArn(std::string_view account, std::string_view path, std::string_view name);
std::string PolicyArn(std::string_view account, std::string_view path, std::string_view name);
std::string OidcArn(std::string_view account, std::string_view url);
// "<prefix>" + random upper-case letters and digits up to `length` characters in all.
std::string NewId(std::string_view prefix, size_t length);
// A 40-character secret access key.
std::string NewSecret();

// --- validation, with IAM's messages (ValidationError / MalformedPolicyDocument) ---
// Names: [\w+=,.@-]+ of 1..max_length characters. `member` is the request member
// ("userName", "roleName", "policyName").
IamError ValidateName(std::string_view value, std::string_view member, size_t max_length);
// Paths: "/" or "/seg/.../", at most 512 characters.
IamError ValidatePath(std::string_view value, std::string_view member);
// Tags: at most 50, keys 1-128 and values 0-256 characters, keys unique regardless of case.
IamError ValidateTags(const std::vector<Tag>& tags);
// `current` with `add` merged in (a key already present, in any case, takes the new value) and
// `remove` taken out; then validated as a whole.
IamError MergeTags(std::vector<Tag>* current, const std::vector<Tag>& add,
                   const std::vector<std::string>& remove);
// An identity (or managed) policy: parses, and names no Principal.
IamError ParseIdentityPolicy(std::string_view document, Policy* out);
// A role trust policy: parses, and every statement names a Principal.
IamError ValidateTrustPolicy(std::string_view document);

// AWS managed policies Skiff knows (arn:aws:iam::aws:policy/<name>), for the actions it serves.
const PolicyRecord* FindAwsManagedPolicy(std::string_view arn);
std::vector<const PolicyRecord*> AwsManagedPolicies();

}  // namespace skiff::iam::model
