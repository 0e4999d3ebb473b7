// Resources applied at start-up, before the port opens, so that a CI job needs no set-up step:
// `--init FILE` (JSON: buckets, tables, credentials, IAM users and roles with policies, fault
// rules) and the short forms `--buckets` / SKIFF_BUCKETS and `--tables` / SKIFF_TABLES.
//
// Contracts:
// - Everything is parsed and validated before anything is applied: a bad entry fails start-up
//   with a message naming it (file, list and index, name) and changes nothing. Checks that need
//   the operation's own code (a CreateTable-shaped table, fault rules) run against scratch state
//   first. Only conflicts with existing state (a bucket owned elsewhere, a table with another key)
//   are found while applying, and stop it there.
// - Idempotent: starting again on the same data directory with the same resources changes
//   nothing and does not fail. An existing bucket keeps its objects and gets the declared
//   versioning, encryption and tags; an existing table keeps its items; an existing IAM user or
//   role keeps what it has and gets the declared keys and policies.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/common/config.h"
#include "server/common/credentials.h"

namespace skiff::storage {
class Database;
}
namespace skiff::iam {
class IamStore;
}
namespace skiff::faults {
class Engine;
}

namespace skiff::app {

inline constexpr std::string_view kInitDefaultRegion = "us-east-1";
inline constexpr std::string_view kInitDefaultAccount = "000000000000";

using NamedDocuments = std::vector<std::pair<std::string, std::string>>;  // name -> JSON text

struct InitBucket {
  std::string origin;  // where it was declared, for messages: `buckets[0] "logs"`
  std::string name;
  std::string region{kInitDefaultRegion};
  std::string account{kInitDefaultAccount};
  std::string versioning;  // "" = leave as it is, "Enabled", "Suspended"
  std::string encryption;  // the stored ServerSideEncryptionConfiguration document, "" = none
  std::string tagging;     // the stored Tagging document, "" = none
};

struct InitTable {
  std::string origin;
  std::string name;
  std::string region{kInitDefaultRegion};
  std::string account{kInitDefaultAccount};
  std::string create_table_json;  // a CreateTable request body
};

struct InitCredential {
  std::string origin;
  common::Credential credential;
};

struct InitUser {
  std::string origin;
  std::string account{kInitDefaultAccount};
  std::string name;
  std::vector<std::pair<std::string, std::string>> access_keys;  // id -> secret
  NamedDocuments policies;                                       // inline policies
};

struct InitRole {
  std::string origin;
  std::string account{kInitDefaultAccount};
  std::string name;
  std::string trust_policy;
  NamedDocuments policies;
};

struct InitPlan {
  std::vector<InitBucket> buckets;
  std::vector<InitTable> tables;
  std::vector<InitCredential> credentials;
  std::vector<InitUser> users;
  std::vector<InitRole> roles;
  std::string faults_json;    // rules as /_skiff/faults accepts them; "" = none
  std::string faults_origin;  // where they were declared, for messages

  bool empty() const {
    return buckets.empty() && tables.empty() && credentials.empty() && users.empty() &&
           roles.empty() && faults_json.empty();
  }
};

// Each parser adds to `plan` and returns "" or an error naming the entry. `source` prefixes the
// messages (the file name, "SKIFF_BUCKETS").
std::string ParseInitJson(std::string_view text, std::string_view source, InitPlan* plan);
// name[@region][:versioned],...  e.g. "tf-state@eu-west-1:versioned,logs".
std::string ParseBucketsSpec(std::string_view spec, std::string_view source, InitPlan* plan);
// name[@region]:HashKey[/TYPE][:RangeKey[/TYPE]],...  (TYPE S, N or B; default S), e.g.
// "terraform-locks:LockID,orders@eu-west-1:pk:sk/N". Tables are PAY_PER_REQUEST.
std::string ParseTablesSpec(std::string_view spec, std::string_view source, InitPlan* plan);

// What the plan is applied to. `iam` and `faults` may be null; a plan that needs them then
// fails validation.
struct InitTargets {
  storage::Database* database = nullptr;
  common::CredentialStore* credentials = nullptr;
  iam::IamStore* iam = nullptr;
  faults::Engine* faults = nullptr;
};

// Validates the whole plan, then applies it. Returns "" or the first error. Each change is
// logged at info level.
std::string ApplyInitPlan(const InitPlan& plan, const InitTargets& targets);

// The start-up step: reads Config::init_file, buckets_spec and tables_spec into one plan and
// applies it. "" when there is nothing to do.
std::string ApplyStartupResources(const common::Config& config, const InitTargets& targets);

}  // namespace skiff::app
