// Validation and application of an InitPlan (see init.h for the contracts).
#include <fstream>
#include <map>
#include <sstream>

#include "server/app/init.h"
#include "server/common/clock.h"
#include "server/common/request_log.h"
#include "server/dynamodb/init_tables.h"
#include "server/faults/faults.h"
#include "server/iam/store.h"
#include "server/s3/config_docs.h"
#include "storage/database.h"

namespace skiff::app {
namespace {

// What S3 stores for a new bucket's Block Public Access (on for every new bucket since April
// 2023), produced by S3's own normalization so it matches a CreateBucket's.
std::string DefaultPublicAccessBlock() {
  std::string stored;
  s3::NormalizeConfig(*s3::FindConfigKind("publicAccessBlock"),
                      "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls>"
                      "<IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true"
                      "</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets>"
                      "</PublicAccessBlockConfiguration>",
                      &stored);
  return stored;
}

void Note(const std::string& message) { common::Log(common::LogLevel::kInfo, "init: " + message); }

std::string StorageFailure(const std::string& origin, std::string_view doing,
                           const storage::Status& st) {
  return origin + ": cannot " + std::string(doing) + ": " + st.message();
}

bool IsTolerated(const iam::IamError& e) { return e.ok() || e.code == "EntityAlreadyExists"; }

std::string IamFailure(const std::string& origin, std::string_view doing, const iam::IamError& e) {
  return origin + ": " + std::string(doing) + ": " + e.code + ": " + e.message;
}

// --- validation -----------------------------------------------------------------------------

// Names declared twice (with different meanings or not) are refused: which one should win?
std::string CheckDuplicates(const InitPlan& plan) {
  std::map<std::string, std::string> seen;  // kind + identity -> origin
  std::string error;                        // the first duplicate
  auto once = [&](const std::string& identity, const std::string& origin, std::string_view what) {
    auto [it, inserted] = seen.emplace(identity, origin);
    if (!inserted && error.empty()) {
      error = origin + ": " + std::string(what) + " is already declared by " + it->second;
    }
  };
  for (const auto& b : plan.buckets) once("bucket " + b.name, b.origin, "the bucket");
  for (const auto& t : plan.tables) {
    once("table " + t.account + "/" + t.region + "/" + t.name, t.origin, "the table");
  }
  for (const auto& c : plan.credentials) {
    once("key " + c.credential.access_key, c.origin, "the access key");
  }
  for (const auto& u : plan.users) {
    once("user " + u.account + "/" + u.name, u.origin, "the user");
    for (const auto& [id, secret] : u.access_keys) once("key " + id, u.origin, "access key " + id);
  }
  for (const auto& r : plan.roles) once("role " + r.account + "/" + r.name, r.origin, "the role");
  return error;
}

// A bucket that exists already must be the declared one (same owner, same region): S3 bucket
// names are global, so another account's or region's bucket cannot be "made" by declaring it.
std::string CheckExistingBucket(storage::ObjectStore& objects, const InitBucket& b) {
  auto existing = objects.GetBucket(b.name);
  if (!existing.ok()) {
    if (existing.code() == storage::Code::kBucketNotFound) return {};
    return StorageFailure(b.origin, "read the bucket", existing.status());
  }
  if (existing->owner_account != b.account || existing->region != b.region) {
    return b.origin + ": the bucket already exists in " + existing->region + " (account " +
           existing->owner_account + "), not in " + b.region + " (account " + b.account + ")";
  }
  return {};
}

// Runs the checks that need the operations' own code against scratch state: CreateTable for
// tables (CreateTable-shaped entries can carry anything CreateTable accepts) and the fault
// engine's rule parser.
std::string DryRun(const InitPlan& plan) {
  if (!plan.tables.empty()) {
    storage::DatabaseOptions options;
    options.in_memory = true;
    auto scratch = storage::Database::Open(options);
    if (!scratch.ok()) return "cannot open a scratch database: " + scratch.status().message();
    for (const auto& t : plan.tables) {
      auto r = dynamodb::CreateTableFromRequest(scratch.value()->tables(), t.account, t.region,
                                                t.create_table_json);
      if (r.outcome == dynamodb::InitTableOutcome::kFailed) return t.origin + ": " + r.error;
    }
    scratch.value()->Close();
  }
  if (!plan.faults_json.empty()) {
    faults::Engine scratch;
    std::string error;
    scratch.LoadJson(plan.faults_json, &error);
    if (!error.empty()) return plan.faults_origin + ": " + error;
  }
  return {};
}

std::string Validate(const InitPlan& plan, const InitTargets& targets) {
  if (std::string e = CheckDuplicates(plan); !e.empty()) return e;
  if ((!plan.users.empty() || !plan.roles.empty()) && targets.iam == nullptr) {
    return "users and roles cannot be created: IAM is not available";
  }
  if (!plan.faults_json.empty() && targets.faults == nullptr) {
    return "fault rules cannot be loaded: fault injection is not available";
  }
  // Conflicts with what exists already, so that they too stop start-up before any change.
  for (const auto& b : plan.buckets) {
    if (std::string e = CheckExistingBucket(targets.database->objects(), b); !e.empty()) return e;
  }
  for (const auto& t : plan.tables) {
    auto r = dynamodb::CheckExistingTable(targets.database->tables(), t.account, t.region,
                                          t.create_table_json);
    if (r.outcome == dynamodb::InitTableOutcome::kFailed) return t.origin + ": " + r.error;
  }
  return DryRun(plan);
}

// --- application ----------------------------------------------------------------------------

// Stores `document` under `kind` unless it is there already.
std::string EnsureConfig(storage::ObjectStore& objects, const InitBucket& b, std::string_view kind,
                         const std::string& document, std::vector<std::string>* changes) {
  auto current = objects.GetBucketConfig(b.name, kind);
  if (current.ok() && current.value() == document) return {};
  if (!current.ok() && current.code() != storage::Code::kNotFound) {
    return StorageFailure(b.origin, "read the bucket's " + std::string(kind), current.status());
  }
  if (storage::Status st = objects.PutBucketConfig(b.name, kind, document); !st.ok()) {
    return StorageFailure(b.origin, "store the bucket's " + std::string(kind), st);
  }
  changes->push_back(std::string(kind));
  return {};
}

std::string ApplyBucket(storage::ObjectStore& objects, const InitBucket& b) {
  if (std::string e = CheckExistingBucket(objects, b); !e.empty()) return e;
  std::vector<std::string> changes;
  auto existing = objects.GetBucket(b.name);
  bool created = false;
  if (!existing.ok()) {
    storage::Bucket bucket;
    bucket.name = b.name;
    bucket.owner_account = b.account;
    bucket.region = b.region;
    bucket.created_ms = common::NowMillis();
    if (storage::Status st = objects.CreateBucket(bucket); !st.ok()) {
      return StorageFailure(b.origin, "create the bucket", st);
    }
    if (storage::Status st =
            objects.PutBucketConfig(b.name, "publicAccessBlock", DefaultPublicAccessBlock());
        !st.ok()) {
      return StorageFailure(b.origin, "store the bucket's publicAccessBlock", st);
    }
    created = true;
  }
  const std::string current_versioning = existing.ok() ? existing->versioning : "";
  if (!b.versioning.empty() && b.versioning != current_versioning) {
    if (storage::Status st = objects.SetBucketVersioning(b.name, b.versioning); !st.ok()) {
      return StorageFailure(b.origin, "set versioning", st);
    }
    changes.push_back("versioning " + b.versioning);
  }
  if (!b.encryption.empty()) {
    if (auto e = EnsureConfig(objects, b, "encryption", b.encryption, &changes); !e.empty()) {
      return e;
    }
  }
  if (!b.tagging.empty()) {
    if (auto e = EnsureConfig(objects, b, "tagging", b.tagging, &changes); !e.empty()) return e;
  }
  std::string what;
  for (const auto& c : changes) what += (what.empty() ? " (" : ", ") + c;
  if (!what.empty()) what += ")";
  if (created) {
    Note("created bucket " + b.name + " in " + b.region + " for " + b.account + what);
  } else if (!changes.empty()) {
    Note("updated bucket " + b.name + what);
  } else {
    Note("bucket " + b.name + " exists, unchanged");
  }
  return {};
}

// A declared key is either the user's already (with the declared secret) or added now; a key id
// that belongs to someone else, or a changed secret, is an error rather than a silent mismatch.
std::string EnsureAccessKey(iam::IamStore& store, const InitUser& u, const std::string& id,
                            const std::string& secret) {
  std::vector<iam::AccessKeyInfo> keys;
  if (auto e = store.ListAccessKeys(u.account, u.name, &keys); !e.ok()) {
    return IamFailure(u.origin, "ListAccessKeys", e);
  }
  for (const auto& k : keys) {
    if (k.access_key != id) continue;
    if (k.secret == secret) return {};
    return u.origin + ": access key " + id + " already exists with another secret";
  }
  if (auto e = store.AddAccessKey(u.account, u.name, id, secret); !e.ok()) {
    return IamFailure(u.origin, "adding access key " + id, e);
  }
  return {};
}

std::string ApplyUser(iam::IamStore& store, const InitUser& u) {
  if (auto e = store.CreateUser(u.account, u.name); !IsTolerated(e)) {
    return IamFailure(u.origin, "CreateUser", e);
  }
  for (const auto& [id, secret] : u.access_keys) {
    if (std::string e = EnsureAccessKey(store, u, id, secret); !e.empty()) return e;
  }
  for (const auto& [name, document] : u.policies) {
    if (auto e = store.PutUserPolicy(u.account, u.name, name, document); !e.ok()) {
      return IamFailure(u.origin, "PutUserPolicy " + name, e);
    }
  }
  Note("user " + u.name + " in " + u.account + ": " + std::to_string(u.access_keys.size()) +
       " access key(s), " + std::to_string(u.policies.size()) + " inline polic(ies)");
  return {};
}

std::string ApplyRole(iam::IamStore& store, const InitRole& r) {
  iam::RoleInfo existing;
  if (store.GetRole(r.account, r.name, &existing).ok()) {
    // The declared trust policy wins over the stored one (same text: nothing to do).
    if (existing.trust_policy != r.trust_policy) {
      if (auto e = store.UpdateAssumeRolePolicy(r.account, r.name, r.trust_policy); !e.ok()) {
        return IamFailure(r.origin, "UpdateAssumeRolePolicy", e);
      }
    }
  } else if (auto e = store.CreateRole(r.account, r.name, r.trust_policy); !e.ok()) {
    return IamFailure(r.origin, "CreateRole", e);
  }
  for (const auto& [name, document] : r.policies) {
    if (auto e = store.PutRolePolicy(r.account, r.name, name, document); !e.ok()) {
      return IamFailure(r.origin, "PutRolePolicy " + name, e);
    }
  }
  Note("role " + r.name + " in " + r.account + ": " + std::to_string(r.policies.size()) +
       " inline polic(ies)");
  return {};
}

std::string ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "init file " + path + ": cannot be read";
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return "init file " + path + ": cannot be read";
  *out = text.str();
  return {};
}

}  // namespace

std::string ApplyInitPlan(const InitPlan& plan, const InitTargets& targets) {
  if (plan.empty()) return {};
  if (std::string e = Validate(plan, targets); !e.empty()) return e;

  for (const auto& c : plan.credentials) {
    targets.credentials->Put(c.credential);
    Note("credentials " + c.credential.access_key + " for account " + c.credential.account_id);
  }
  for (const auto& u : plan.users) {
    if (std::string e = ApplyUser(*targets.iam, u); !e.empty()) return e;
  }
  for (const auto& r : plan.roles) {
    if (std::string e = ApplyRole(*targets.iam, r); !e.empty()) return e;
  }
  for (const auto& b : plan.buckets) {
    if (std::string e = ApplyBucket(targets.database->objects(), b); !e.empty()) return e;
  }
  for (const auto& t : plan.tables) {
    auto r = dynamodb::CreateTableFromRequest(targets.database->tables(), t.account, t.region,
                                              t.create_table_json);
    if (r.outcome == dynamodb::InitTableOutcome::kFailed) return t.origin + ": " + r.error;
    Note(std::string(r.outcome == dynamodb::InitTableOutcome::kCreated ? "created table "
                                                                       : "table ") +
         t.name + " in " + t.region + " for " + t.account +
         (r.outcome == dynamodb::InitTableOutcome::kCreated ? "" : " exists, unchanged"));
  }
  if (!plan.faults_json.empty()) {
    std::string error;
    auto ids = targets.faults->LoadJson(plan.faults_json, &error);
    if (!error.empty()) return plan.faults_origin + ": " + error;
    Note("loaded " + std::to_string(ids.size()) + " fault rule(s)");
  }
  return {};
}

std::string ApplyStartupResources(const common::Config& config, const InitTargets& targets) {
  InitPlan plan;
  if (!config.init_file.empty()) {
    std::string text;
    if (std::string e = ReadFile(config.init_file, &text); !e.empty()) return e;
    if (std::string e = ParseInitJson(text, "init file " + config.init_file, &plan); !e.empty()) {
      return e;
    }
  }
  if (std::string e = ParseBucketsSpec(config.buckets_spec, "SKIFF_BUCKETS", &plan); !e.empty()) {
    return e;
  }
  if (std::string e = ParseTablesSpec(config.tables_spec, "SKIFF_TABLES", &plan); !e.empty()) {
    return e;
  }
  return ApplyInitPlan(plan, targets);
}

}  // namespace skiff::app
