// Fault injection: rules that make chosen requests fail (or slow down) on purpose.
// A rule = match (which requests) + action (what happens) + trigger (when it fires).
// The engine is thread-safe and consulted once per request, after authentication and the access
// decision, before the operation runs. Pure: knows nothing of HTTP or of any protocol's
// rendering; each service renders a fired fault its own way.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::faults {

// What one request looks like to the matcher. Empty fields never match a rule field that is set.
struct Target {
  std::string service;    // "s3", "dynamodb", "sts", "iam"
  std::string operation;  // "PutObject", "GetItem", "AssumeRole"
  std::string region;
  std::string account;
  std::string access_key;
  std::string bucket;
  std::string key;
  std::string table;  // DynamoDB: every table the request names (first one here)
  std::vector<std::string> tables;
  std::string method;
  // For messages only (never matched): the request's X-Amz-Date ("20261122T140000Z"; "" when
  // unknown).
  std::string request_date;
};

// What a fired rule does. Several parts can combine (latency + error).
struct Action {
  std::string error_code;  // any AWS error code: "SlowDown", "ThrottlingException", ...
  std::string message;     // optional: overrides the service's default message
  int status = 0;          // optional: overrides the code's real status
  std::chrono::milliseconds latency{0};
  bool reset_connection = false;
  std::string redirect_region;  // S3: make the bucket appear to live in this region (301)

  // True when the request must not run: an error, a reset or a redirect (latency alone lets it
  // proceed, delayed).
  bool StopsRequest() const {
    return !error_code.empty() || reset_connection || !redirect_region.empty();
  }
};

struct Fired {
  std::string rule_id;
  Action action;  // the preset (if any) resolved for the target's service, overrides applied
};

// Which requests a rule applies to. An empty field matches anything. operation, bucket, key and
// table are globs ('*' any run of characters, '/' included; '?' one character); the others
// compare exactly (method and service ignoring case).
struct Match {
  std::string service;
  std::string operation;
  std::string region;
  std::string account;
  std::string access_key;
  std::string bucket;
  std::string key;
  std::string table;
  std::string method;
};

// When a matching request fires the rule. The parts combine: the first `after` matches pass,
// then each later match fires with `probability` (drawn from a generator seeded by `seed`, so
// the same sequence of requests gives the same outcomes), until `times` fires have happened.
// All defaults: every match fires ("always").
struct Trigger {
  uint64_t after = 0;
  std::optional<uint64_t> times;
  std::optional<double> probability;  // in [0, 1]
  std::optional<uint64_t> seed;       // used with probability; chosen at random when not given

  bool Always() const { return after == 0 && !times && !probability; }
};

// A named shortcut for an everyday failure; it fills in the action per service at match time
// (throttle: S3 SlowDown, DynamoDB ProvisionedThroughputExceededException, ...).
enum class Preset {
  kNone,
  kWrongRegion,
  kAccessDenied,
  kMissingTable,
  kNoSuchBucket,
  kLockHeld,
  kThrottle,
  kInternalError,
  kSlow,
  kExpiredToken,
  kClockSkew,
};

struct Rule {
  std::string id;           // "" -> the engine assigns "fault-<n>"
  std::string description;  // free text, shown in the listing
  Match match;
  // With a preset: fields set here override the preset's (e.g. error_code ThrottlingException,
  // latency for slow). Without one: the whole action.
  Action action;
  Preset preset = Preset::kNone;
  std::string preset_region;  // wrong-region: where the bucket appears to live
  Trigger trigger;
};

// A rule with its counters, as the admin listing shows it.
struct RuleState {
  Rule rule;
  uint64_t matched = 0;  // requests the match selected
  uint64_t fired = 0;    // of those, how many the trigger fired for
};

class Engine {
 public:
  Engine() = default;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Adds a valid rule (see ValidateRule) and returns its id; "" with *error set when the rule
  // is invalid or its id is taken.
  std::string Add(Rule rule, std::string* error);
  // Parses a rule, a list of rules or {"rules": [...]} and adds them all, or none with *error set.
  // Returns the ids in order.
  std::vector<std::string> LoadJson(std::string_view text, std::string* error);
  bool Remove(std::string_view id);
  // Removes every rule; returns how many there were.
  size_t Clear();
  std::vector<RuleState> List() const;
  size_t size() const { return count_.load(std::memory_order_relaxed); }

  // The first rule (in the order added) that matches `target` and whose trigger fires. Every
  // matching rule up to that one counts a match. Logs the fired rule.
  std::optional<Fired> Match(const Target& target);

  // True when a redirect rule (wrong-region, redirect_region) matches `target` apart from its
  // region, and `target` was sent to the region the rule redirects to: the bucket appears to
  // live there, so S3 serves the request as though it had been sent to the bucket's real region
  // (a client that followed the redirect then succeeds). Triggers and counters are not involved.
  bool ServesRelocated(const Target& target) const;

 private:
  struct Entry {
    RuleState state;
    uint64_t rng;  // the probability trigger's generator state
  };
  std::string AddLocked(Rule rule, std::string* error);

  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  uint64_t next_id_ = 1;
  std::atomic<size_t> count_{0};  // entries_.size(), readable without the lock
};

// "" when `rule` is usable, else why not ("action.status must be between 300 and 599").
std::string ValidateRule(const Rule& rule);
// Whether `target` satisfies the rule's match, the preset's own restrictions included. A
// redirect rule matches S3 requests only, and not those already sent to its region.
bool Matches(const Rule& rule, const Target& target);
// '*' and '?' glob over the whole of `text`.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace skiff::faults
