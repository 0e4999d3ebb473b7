// Evaluation of one policy against one request: principal, action, resource and conditions of
// every statement; a matching Deny wins over a matching Allow.
#include <algorithm>

#include "server/iam/policy.h"
#include "server/iam/policy_statement.h"

namespace skiff::iam {
namespace {

// "arn:aws:iam::123456789012:user/x" -> "123456789012" (the fifth colon-separated field).
std::string_view ArnAccount(std::string_view arn) {
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    pos = arn.find(':', pos);
    if (pos == std::string_view::npos) return {};
    ++pos;
  }
  size_t end = arn.find(':', pos);
  if (end == std::string_view::npos) return {};
  return arn.substr(pos, end - pos);
}

// Whether one "AWS" principal entry names the caller.
bool AwsEntryMatches(const std::string& entry, const RequestFacts& facts) {
  if (facts.principal_arn.empty()) return false;  // anonymous: only "*" names it
  std::string_view account = facts.principal_account;
  if (account.empty()) account = ArnAccount(facts.principal_arn);
  // An account id or the account's root ARN delegates to the whole account.
  if (entry == account) return true;
  if (entry.rfind("arn:aws:iam::", 0) == 0 && entry.ends_with(":root")) {
    return ArnAccount(entry) == account;
  }
  if (entry == facts.principal_arn) return true;
  // A role ARN names every session of that role.
  constexpr std::string_view kAssumed = "assumed-role/";
  std::string_view caller = facts.principal_arn;
  size_t ar = caller.find(kAssumed);
  if (caller.rfind("arn:aws:sts::", 0) == 0 && ar != std::string_view::npos) {
    std::string_view rest = caller.substr(ar + kAssumed.size());
    std::string_view role = rest.substr(0, rest.find('/'));
    size_t r = entry.find(":role/");
    if (entry.rfind("arn:aws:iam::", 0) == 0 && r != std::string::npos &&
        ArnAccount(entry) == ArnAccount(caller)) {
      std::string_view path_and_name = std::string_view(entry).substr(r + 6);
      size_t slash = path_and_name.rfind('/');
      std::string_view name =
          slash == std::string_view::npos ? path_and_name : path_and_name.substr(slash + 1);
      return name == role;
    }
  }
  return false;
}

bool PrincipalMatches(const PrincipalSpec& p, const RequestFacts& facts) {
  bool match = p.everyone;
  for (size_t i = 0; !match && i < p.aws.size(); ++i) match = AwsEntryMatches(p.aws[i], facts);
  auto named = [&](const std::vector<std::string>& list) {
    return !facts.principal_arn.empty() &&
           std::find(list.begin(), list.end(), facts.principal_arn) != list.end();
  };
  if (!match) match = named(p.service) || named(p.federated);
  return p.negated ? !match : match;
}

bool ActionMatches(const Statement& s, const std::string& action_lower) {
  bool any = std::any_of(s.actions.begin(), s.actions.end(), [&](const std::string& pattern) {
    return WildcardMatch(pattern, action_lower);
  });
  return s.not_action ? !any : any;
}

bool ResourceMatches(const Statement& s, const RequestFacts& facts) {
  if (!s.has_resource) return true;  // trust policies name no resource
  bool any = false;
  for (const std::string& pattern : s.resources) {
    if (s.variables && pattern.find("${") != std::string::npos) {
      std::string substituted;
      if (!SubstituteVariables(pattern, facts, &substituted)) continue;
      any = WildcardMatch(substituted, facts.resource);
    } else {
      any = WildcardMatch(pattern, facts.resource);
    }
    if (any) break;
  }
  return s.not_resource ? !any : any;
}

}  // namespace

bool WildcardMatch(std::string_view pattern, std::string_view value) {
  size_t p = 0, v = 0;
  size_t star = std::string_view::npos, resume = 0;
  while (v < value.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == value[v])) {
      ++p;
      ++v;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = v;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

const std::vector<std::string>* FindContextKey(const RequestFacts& facts, std::string_view key) {
  auto exact = facts.context.find(std::string(key));
  if (exact != facts.context.end()) return &exact->second;
  for (const auto& [name, values] : facts.context) {
    if (name.size() == key.size() && AsciiLower(name) == AsciiLower(key)) return &values;
  }
  return nullptr;
}

bool SubstituteVariables(std::string_view pattern, const RequestFacts& facts, std::string* out) {
  out->clear();
  size_t pos = 0;
  while (pos < pattern.size()) {
    size_t open = pattern.find("${", pos);
    if (open == std::string_view::npos) break;
    size_t close = pattern.find('}', open);
    if (close == std::string_view::npos) break;
    out->append(pattern.substr(pos, open - pos));
    std::string_view var = pattern.substr(open + 2, close - open - 2);
    std::optional<std::string> fallback;
    if (size_t comma = var.find(','); comma != std::string_view::npos) {
      std::string_view def = var.substr(comma + 1);
      var = var.substr(0, comma);
      while (!def.empty() && def.front() == ' ') def.remove_prefix(1);
      while (!def.empty() && def.back() == ' ') def.remove_suffix(1);
      if (def.size() >= 2 && def.front() == '\'' && def.back() == '\'') {
        fallback = std::string(def.substr(1, def.size() - 2));
      }
    }
    while (!var.empty() && var.back() == ' ') var.remove_suffix(1);
    const std::vector<std::string>* values = FindContextKey(facts, var);
    if (values != nullptr && values->size() == 1) {
      out->append(values->front());
    } else if (fallback) {
      out->append(*fallback);
    } else {
      return false;
    }
    pos = close + 1;
  }
  out->append(pattern.substr(pos));
  return true;
}

Match Evaluate(const Policy& policy, const RequestFacts& facts, bool check_principal) {
  const std::string action = AsciiLower(facts.action);
  Match allow;
  const auto& statements = policy.statements();
  for (size_t i = 0; i < statements.size(); ++i) {
    const Statement& s = statements[i];
    if (check_principal && (!s.principal.present || !PrincipalMatches(s.principal, facts))) {
      continue;
    }
    if (!ActionMatches(s, action) || !ResourceMatches(s, facts) || !ConditionsHold(s, facts)) {
      continue;
    }
    Match m{s.effect, s.sid, static_cast<int>(i)};
    if (s.effect == Effect::kDeny) return m;
    if (allow.effect == Effect::kNone) allow = m;
  }
  return allow;
}

}  // namespace skiff::iam
