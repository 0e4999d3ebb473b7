// The rule engine: validation, matching, triggers and counters.
#include <algorithm>
#include <cctype>
#include <random>
#include <utility>

#include "server/common/request_log.h"
#include "server/faults/faults.h"
#include "server/faults/presets.h"
#include "server/faults/rule_json.h"

namespace skiff::faults {
namespace {

constexpr int64_t kMaxLatencyMs = 5 * 60 * 1000;
constexpr size_t kMaxIdLength = 64;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool IsKnownService(std::string_view s) {
  return s == "s3" || s == "dynamodb" || s == "sts" || s == "iam";
}

bool IsIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

bool IsRegionName(std::string_view r) {
  if (r.empty() || r.size() > 32) return false;
  return std::all_of(r.begin(), r.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

// An exact rule field: empty matches anything, otherwise the target's value must equal it.
bool Exact(const std::string& want, const std::string& have) {
  return want.empty() || want == have;
}
bool Glob(const std::string& want, const std::string& have) {
  return want.empty() || GlobMatch(want, have);
}

// The match fields other than region (ServesRelocated compares region its own way).
bool MatchesIgnoringRegion(const Rule& rule, const Target& t) {
  const faults::Match& m = rule.match;
  if (!m.service.empty() && !EqualsIgnoreCase(m.service, t.service)) return false;
  if (!m.method.empty() && !EqualsIgnoreCase(m.method, t.method)) return false;
  if (!Glob(m.operation, t.operation) || !Exact(m.account, t.account) ||
      !Exact(m.access_key, t.access_key) || !Glob(m.bucket, t.bucket) || !Glob(m.key, t.key)) {
    return false;
  }
  if (!m.table.empty()) {
    bool any = !t.table.empty() && GlobMatch(m.table, t.table);
    for (const auto& table : t.tables) any = any || GlobMatch(m.table, table);
    if (!any) return false;
  }
  if (!PresetApplies(rule, t)) return false;
  if (!RedirectRegion(rule).empty() && t.service != "s3") return false;
  return true;
}

// splitmix64: a tiny generator whose sequence is the same on every platform (the standard
// distributions are not), so a seed reproduces a run anywhere.
uint64_t NextRandom(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string Describe(const Target& t) {
  std::string what = t.service + " " + t.operation;
  if (!t.bucket.empty()) what += " " + t.bucket + (t.key.empty() ? "" : "/" + t.key);
  if (!t.table.empty()) what += " " + t.table;
  return what;
}

std::string DescribeAction(const Action& a) {
  std::string out;
  auto add = [&](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
  if (a.reset_connection) add("connection reset");
  if (!a.redirect_region.empty()) add("redirect to " + a.redirect_region);
  if (!a.error_code.empty()) {
    add(a.error_code + (a.status != 0 ? " " + std::to_string(a.status) : std::string()));
  }
  if (a.latency.count() > 0) add("latency " + std::to_string(a.latency.count()) + " ms");
  return out;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text) {
  // Iterative matcher with one backtrack point per '*' (linear-ish, no recursion).
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string ValidateRule(const Rule& rule) {
  if (rule.id.size() > kMaxIdLength || !std::all_of(rule.id.begin(), rule.id.end(), IsIdChar)) {
    return "id must be 1 to 64 letters, digits, '-', '_' or '.'";
  }
  const faults::Match& m = rule.match;
  if (!m.service.empty() && !IsKnownService(m.service)) {
    return "match.service must be one of s3, dynamodb, sts, iam (got \"" + m.service + "\")";
  }
  if (rule.preset != Preset::kNone && !m.service.empty() && !PresetServes(rule.preset, m.service)) {
    return "preset " + std::string(PresetName(rule.preset)) + " does not apply to " + m.service;
  }
  const Action& a = rule.action;
  if (a.status != 0 && (a.status < 300 || a.status > 599)) {
    return "action.status must be between 300 and 599";
  }
  if (a.status != 0 && a.error_code.empty() &&
      (rule.preset == Preset::kNone || rule.preset == Preset::kSlow ||
       rule.preset == Preset::kWrongRegion)) {
    return "action.status needs an action.error_code to go with it";
  }
  if (!a.error_code.empty()) {
    if (a.error_code.size() > 128 ||
        !std::all_of(a.error_code.begin(), a.error_code.end(), IsIdChar)) {
      return "action.error_code must be an AWS error code such as SlowDown";
    }
  }
  if (a.latency.count() < 0 || a.latency.count() > kMaxLatencyMs) {
    return "action.latency_ms must be between 0 and " + std::to_string(kMaxLatencyMs);
  }
  std::string redirect = RedirectRegion(rule);
  if (!redirect.empty()) {
    if (!IsRegionName(redirect)) return "redirect region \"" + redirect + "\" is not a region name";
    if (!m.service.empty() && m.service != "s3") return "a region redirect applies to s3 only";
  }
  if (!rule.preset_region.empty() && rule.preset != Preset::kWrongRegion) {
    return "region is an option of the wrong-region preset only";
  }
  bool has_error =
      !a.error_code.empty() || (rule.preset != Preset::kNone && rule.preset != Preset::kSlow &&
                                rule.preset != Preset::kWrongRegion);
  if (a.reset_connection && (has_error || !redirect.empty())) {
    return "action.reset_connection cannot be combined with an error or a redirect";
  }
  if (!redirect.empty() && has_error) {
    return "a region redirect cannot be combined with an error";
  }
  if (rule.preset == Preset::kNone && a.error_code.empty() && !a.reset_connection &&
      a.redirect_region.empty() && a.latency.count() == 0) {
    return "a rule needs a preset or an action (error_code, latency_ms, reset_connection or "
           "redirect_region)";
  }
  const Trigger& tr = rule.trigger;
  if (tr.times && *tr.times == 0) return "trigger.times must be at least 1";
  if (tr.probability && !(*tr.probability >= 0.0 && *tr.probability <= 1.0)) {
    return "trigger.probability must be between 0 and 1";
  }
  return "";
}

bool Matches(const Rule& rule, const Target& target) {
  if (!MatchesIgnoringRegion(rule, target) || !Exact(rule.match.region, target.region)) {
    return false;
  }
  std::string redirect = RedirectRegion(rule);
  return redirect.empty() || redirect != target.region;
}

std::string Engine::Add(Rule rule, std::string* error) {
  std::lock_guard lock(mutex_);
  return AddLocked(std::move(rule), error);
}

std::string Engine::AddLocked(Rule rule, std::string* error) {
  if (std::string why = ValidateRule(rule); !why.empty()) {
    *error = why;
    return "";
  }
  if (rule.id.empty()) {
    auto taken = [&](const std::string& id) {
      return std::any_of(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.state.rule.id == id; });
    };
    do {
      rule.id = "fault-" + std::to_string(next_id_++);
    } while (taken(rule.id));
  } else {
    for (const auto& e : entries_) {
      if (e.state.rule.id == rule.id) {
        *error = "a rule with id \"" + rule.id + "\" already exists";
        return "";
      }
    }
  }
  if (rule.trigger.probability && !rule.trigger.seed) {
    // Reported back by the listing, so a run can be repeated with the same seed.
    rule.trigger.seed = (std::random_device{}() | (uint64_t{std::random_device{}()} << 32)) &
                        ((uint64_t{1} << 53) - 1);  // exact in any JSON reader
  }
  Entry entry;
  entry.rng = rule.trigger.seed.value_or(0);
  entry.state.rule = std::move(rule);
  std::string id = entry.state.rule.id;
  entries_.push_back(std::move(entry));
  count_.store(entries_.size(), std::memory_order_relaxed);
  return id;
}

std::vector<std::string> Engine::LoadJson(std::string_view text, std::string* error) {
  std::vector<Rule> rules;
  if (std::string why = ParseRules(text, &rules); !why.empty()) {
    *error = why;
    return {};
  }
  std::lock_guard lock(mutex_);
  std::vector<Entry> before = entries_;
  uint64_t next_before = next_id_;
  std::vector<std::string> ids;
  for (size_t i = 0; i < rules.size(); ++i) {
    std::string why;
    std::string id = AddLocked(std::move(rules[i]), &why);
    if (id.empty()) {
      entries_ = std::move(before);
      next_id_ = next_before;
      count_.store(entries_.size(), std::memory_order_relaxed);
      *error = rules.size() == 1 ? why : "rule " + std::to_string(i) + ": " + why;
      return {};
    }
    ids.push_back(std::move(id));
  }
  return ids;
}

bool Engine::Remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.state.rule.id == id; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  count_.store(entries_.size(), std::memory_order_relaxed);
  return true;
}

size_t Engine::Clear() {
  std::lock_guard lock(mutex_);
  size_t removed = entries_.size();
  entries_.clear();
  count_.store(0, std::memory_order_relaxed);
  return removed;
}

std::vector<RuleState> Engine::List() const {
  std::lock_guard lock(mutex_);
  std::vector<RuleState> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_) out.push_back(e.state);
  return out;
}

std::optional<Fired> Engine::Match(const Target& target) {
  if (count_.load(std::memory_order_relaxed) == 0) return std::nullopt;
  std::optional<Fired> fired;
  {
    std::lock_guard lock(mutex_);
    for (auto& e : entries_) {
      const Rule& rule = e.state.rule;
      if (!Matches(rule, target)) continue;
      uint64_t n = ++e.state.matched;
      const Trigger& tr = rule.trigger;
      if (n <= tr.after) continue;
      if (tr.times && e.state.fired >= *tr.times) continue;
      if (tr.probability) {
        // 53 random bits -> [0, 1).
        double draw = static_cast<double>(NextRandom(e.rng) >> 11) * 0x1.0p-53;
        if (!(draw < *tr.probability)) continue;
      }
      ++e.state.fired;
      fired = Fired{rule.id, Action{}};
      fired->action = ResolveAction(rule, target);
      break;
    }
  }
  if (fired) {
    common::Log(common::LogLevel::kInfo, "fault rule " + fired->rule_id + " fired on " +
                                             Describe(target) + ": " +
                                             DescribeAction(fired->action));
  }
  return fired;
}

bool Engine::ServesRelocated(const Target& target) const {
  if (count_.load(std::memory_order_relaxed) == 0 || target.service != "s3") return false;
  std::lock_guard lock(mutex_);
  for (const auto& e : entries_) {
    const Rule& rule = e.state.rule;
    std::string redirect = RedirectRegion(rule);
    if (!redirect.empty() && redirect == target.region && MatchesIgnoringRegion(rule, target)) {
      return true;
    }
  }
  return false;
}

}  // namespace skiff::faults
