// Policy document parsing. One strict reader for identity, resource (bucket) and trust policies;
// what differs by kind (whether Principal/Resource are required or refused, and the wording of
// the error: IAM's MalformedPolicyDocument or S3's MalformedPolicy) is decided at the end.
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "server/iam/policy.h"
#include "server/iam/policy_statement.h"

namespace skiff::iam {

// Reasons a document is refused; each kind words them as its service does.
enum class Fault {
  kSyntax,
  kNotObject,
  kVersion,
  kOldVersion,  // identity policies: no Version, or 2008-10-17
  kLegacy,      // IAM's second parse: "allow" instead of "Allow"
  kUnknownField,
  kNoStatement,
  kEffect,
  kNoAction,
  kVendor,
  kNoResource,
  kResourceFormat,
  kProhibitedResource,
  kPrincipalNotAllowed,
  kNoPrincipal,
  kPrincipal,
  kConditionType,
  kConditionValue,
  kDuplicateSid,
  kColons,
  kBoth,  // Action and NotAction (or Resource and NotResource...) together
};

struct PolicyParser {
  std::string field;  // the field a fault is about, for messages that name it
  bool version_2012 = false;

  std::optional<Fault> Parse(std::string_view json, Policy* out) {
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    if (doc.HasParseError()) return Fault::kSyntax;
    if (!doc.IsObject()) return Fault::kNotObject;
    bool variables = false;
    const rapidjson::Value* statements = nullptr;
    for (const auto& m : doc.GetObject()) {
      std::string_view name(m.name.GetString(), m.name.GetStringLength());
      if (name == "Version") {
        if (!m.value.IsString()) return Fault::kVersion;
        std::string_view v = m.value.GetString();
        if (v == "2012-10-17") {
          variables = true;
          version_2012 = true;
        } else if (v != "2008-10-17") {
          return Fault::kVersion;
        }
      } else if (name == "Id") {
        if (!m.value.IsString()) return Fault::kSyntax;
      } else if (name == "Statement") {
        statements = &m.value;
      } else {
        field = name;
        return Fault::kUnknownField;
      }
    }
    if (statements == nullptr) return Fault::kNoStatement;
    auto list = std::make_unique<std::vector<Statement>>();
    std::set<std::string> sids;
    auto one = [&](const rapidjson::Value& v) -> std::optional<Fault> {
      Statement s;
      s.variables = variables;
      if (auto f = ParseStatement(v, &s)) return f;
      if (!s.sid.empty() && !sids.insert(s.sid).second) return Fault::kDuplicateSid;
      list->push_back(std::move(s));
      return std::nullopt;
    };
    if (statements->IsArray()) {
      for (const auto& v : statements->GetArray()) {
        if (auto f = one(v)) return f;
      }
    } else if (auto f = one(*statements)) {
      return f;
    }
    out->statements_ = std::move(list);
    return std::nullopt;
  }

  // A string or a non-empty list of strings.
  static bool Strings(const rapidjson::Value& v, std::vector<std::string>* out) {
    if (v.IsString()) {
      out->emplace_back(v.GetString(), v.GetStringLength());
      return true;
    }
    if (!v.IsArray() || v.Empty()) return false;
    for (const auto& e : v.GetArray()) {
      if (!e.IsString()) return false;
      out->emplace_back(e.GetString(), e.GetStringLength());
    }
    return true;
  }

  std::optional<Fault> ParseStatement(const rapidjson::Value& v, Statement* s) {
    if (!v.IsObject()) return Fault::kSyntax;
    bool has_effect = false, has_action = false;
    for (const auto& m : v.GetObject()) {
      std::string_view name(m.name.GetString(), m.name.GetStringLength());
      if (name == "Sid") {
        if (!m.value.IsString()) return Fault::kSyntax;
        s->sid = m.value.GetString();
      } else if (name == "Effect") {
        std::string_view e = m.value.IsString() ? m.value.GetString() : "";
        if (e == "Allow") {
          s->effect = Effect::kAllow;
        } else if (e == "Deny") {
          s->effect = Effect::kDeny;
        } else if (AsciiLower(e) == "allow" || AsciiLower(e) == "deny") {
          field = e;
          return Fault::kLegacy;
        } else {
          field = e;
          return Fault::kEffect;
        }
        has_effect = true;
      } else if (name == "Action" || name == "NotAction") {
        if (has_action) return Fault::kBoth;
        has_action = true;
        s->not_action = name == "NotAction";
        if (!Strings(m.value, &s->actions)) return Fault::kNoAction;
        for (std::string& a : s->actions) {
          if (a != "*" && a.find(':') == std::string::npos) {
            field = a;
            return Fault::kVendor;
          }
          if (std::count(a.begin(), a.end(), ':') > 1) return Fault::kColons;
          a = AsciiLower(a);
        }
      } else if (name == "Resource" || name == "NotResource") {
        if (s->has_resource) return Fault::kBoth;
        s->has_resource = true;
        s->not_resource = name == "NotResource";
        if (!Strings(m.value, &s->resources)) return Fault::kNoResource;
        for (const std::string& r : s->resources) {
          if (r != "*" && r.rfind("arn:", 0) != 0) {
            field = r;
            return Fault::kResourceFormat;
          }
        }
      } else if (name == "Principal" || name == "NotPrincipal") {
        if (s->principal.present) return Fault::kBoth;
        s->principal.present = true;
        s->principal.negated = name == "NotPrincipal";
        if (auto f = ParsePrincipal(m.value, &s->principal)) return f;
      } else if (name == "Condition") {
        if (auto f = ParseConditions(m.value, &s->conditions)) return f;
      } else {
        field = name;
        return Fault::kUnknownField;
      }
    }
    if (!has_effect) {
      field = "Effect";
      return Fault::kEffect;
    }
    if (!has_action) return Fault::kNoAction;
    return std::nullopt;
  }

  std::optional<Fault> ParsePrincipal(const rapidjson::Value& v, PrincipalSpec* p) {
    if (v.IsString()) {
      if (std::string_view(v.GetString()) != "*") return Fault::kPrincipal;
      p->everyone = true;
      return std::nullopt;
    }
    if (!v.IsObject() || v.ObjectEmpty()) return Fault::kPrincipal;
    for (const auto& m : v.GetObject()) {
      std::string_view type(m.name.GetString(), m.name.GetStringLength());
      std::vector<std::string>* into = nullptr;
      if (type == "AWS") {
        into = &p->aws;
      } else if (type == "Service") {
        into = &p->service;
      } else if (type == "Federated") {
        into = &p->federated;
      } else if (type == "CanonicalUser") {
        into = &p->canonical_user;
      } else {
        return Fault::kPrincipal;
      }
      if (!Strings(m.value, into)) return Fault::kPrincipal;
    }
    for (const std::string& a : p->aws) {
      if (a == "*") {
        p->everyone = true;
        continue;
      }
      // An account id, or an IAM/STS ARN; IAM refuses partial wildcards in principals.
      bool account_id = a.size() == 12 && std::all_of(a.begin(), a.end(), [](char c) {
                          return c >= '0' && c <= '9';
                        });
      bool arn = a.rfind("arn:aws:iam::", 0) == 0 || a.rfind("arn:aws:sts::", 0) == 0;
      if ((!account_id && !arn) || a.find_first_of("*?") != std::string::npos) {
        field = a;
        return Fault::kPrincipal;
      }
    }
    return std::nullopt;
  }

  std::optional<Fault> ParseConditions(const rapidjson::Value& v, std::vector<Condition>* out) {
    if (!v.IsObject()) return Fault::kSyntax;
    for (const auto& block : v.GetObject()) {
      std::string name(block.name.GetString(), block.name.GetStringLength());
      Condition proto;
      proto.operator_name = name;
      if (!ParseOperator(name, &proto)) {
        field = name;
        return Fault::kConditionType;
      }
      if (!block.value.IsObject()) return Fault::kSyntax;
      for (const auto& m : block.value.GetObject()) {
        Condition c = proto;
        c.key = AsciiLower(std::string_view(m.name.GetString(), m.name.GetStringLength()));
        if (c.key.find(':') == std::string::npos) {
          field = c.key;
          return Fault::kVendor;
        }
        auto scalar = [&](const rapidjson::Value& e) -> bool {
          if (e.IsString()) {
            c.values.emplace_back(e.GetString(), e.GetStringLength());
          } else if (e.IsBool()) {
            c.values.push_back(e.GetBool() ? "true" : "false");
          } else if (e.IsInt64()) {
            c.values.push_back(std::to_string(e.GetInt64()));
          } else if (e.IsUint64()) {
            c.values.push_back(std::to_string(e.GetUint64()));
          } else if (e.IsDouble()) {
            c.values.push_back(std::to_string(e.GetDouble()));
          } else {
            return false;
          }
          return true;
        };
        if (m.value.IsArray()) {
          if (m.value.Empty()) return Fault::kConditionValue;
          for (const auto& e : m.value.GetArray()) {
            if (!scalar(e)) return Fault::kConditionValue;
          }
        } else if (!scalar(m.value)) {
          return Fault::kConditionValue;
        }
        out->push_back(std::move(c));
      }
    }
    return std::nullopt;
  }

  // "ForAnyValue:StringNotLikeIfExists" -> qualifier, negation, IfExists and the base operator.
  static bool ParseOperator(std::string_view name, Condition* c) {
    if (name.rfind("ForAnyValue:", 0) == 0) {
      c->qualifier = SetQualifier::kForAnyValue;
      name.remove_prefix(12);
    } else if (name.rfind("ForAllValues:", 0) == 0) {
      c->qualifier = SetQualifier::kForAllValues;
      name.remove_prefix(13);
    }
    constexpr std::string_view kIfExists = "IfExists";
    if (name.size() > kIfExists.size() && name.ends_with(kIfExists) && name != "Null") {
      c->if_exists = true;
      name.remove_suffix(kIfExists.size());
    }
    static const std::pair<std::string_view, std::pair<ConditionOp, bool>> kOps[] = {
        {"StringEquals", {ConditionOp::kStringEquals, false}},
        {"StringNotEquals", {ConditionOp::kStringEquals, true}},
        {"StringEqualsIgnoreCase", {ConditionOp::kStringEqualsIgnoreCase, false}},
        {"StringNotEqualsIgnoreCase", {ConditionOp::kStringEqualsIgnoreCase, true}},
        {"StringLike", {ConditionOp::kStringLike, false}},
        {"StringNotLike", {ConditionOp::kStringLike, true}},
        {"NumericEquals", {ConditionOp::kNumericEquals, false}},
        {"NumericNotEquals", {ConditionOp::kNumericEquals, true}},
        {"NumericLessThan", {ConditionOp::kNumericLessThan, false}},
        {"NumericLessThanEquals", {ConditionOp::kNumericLessThanEquals, false}},
        {"NumericGreaterThan", {ConditionOp::kNumericGreaterThan, false}},
        {"NumericGreaterThanEquals", {ConditionOp::kNumericGreaterThanEquals, false}},
        {"DateEquals", {ConditionOp::kDateEquals, false}},
        {"DateNotEquals", {ConditionOp::kDateEquals, true}},
        {"DateLessThan", {ConditionOp::kDateLessThan, false}},
        {"DateLessThanEquals", {ConditionOp::kDateLessThanEquals, false}},
        {"DateGreaterThan", {ConditionOp::kDateGreaterThan, false}},
        {"DateGreaterThanEquals", {ConditionOp::kDateGreaterThanEquals, false}},
        {"Bool", {ConditionOp::kBool, false}},
        {"BinaryEquals", {ConditionOp::kBinaryEquals, false}},
        {"IpAddress", {ConditionOp::kIpAddress, false}},
        {"NotIpAddress", {ConditionOp::kIpAddress, true}},
        {"ArnEquals", {ConditionOp::kArnLike, false}},
        {"ArnLike", {ConditionOp::kArnLike, false}},
        {"ArnNotEquals", {ConditionOp::kArnLike, true}},
        {"ArnNotLike", {ConditionOp::kArnLike, true}},
        {"Null", {ConditionOp::kNull, false}},
    };
    for (const auto& [op_name, op] : kOps) {
      if (name == op_name) {
        c->op = op.first;
        c->negated = op.second;
        // Null takes neither IfExists nor a set qualifier.
        return c->op != ConditionOp::kNull || c->qualifier == SetQualifier::kNone;
      }
    }
    return false;
  }
};

namespace {

// IAM's MalformedPolicyDocument wording.
std::string IamMessage(Fault f, const std::string& field) {
  switch (f) {
    case Fault::kSyntax:
    case Fault::kNotObject:
      return "Syntax errors in policy.";
    case Fault::kVersion:
    case Fault::kUnknownField:
    case Fault::kNoStatement:
    case Fault::kEffect:
      return "Syntax errors in policy.";
    case Fault::kOldVersion:
      return "Policy document must be version 2012-10-17 or greater.";
    case Fault::kLegacy:
      return "The policy failed legacy parsing";
    case Fault::kNoAction:
      return "Policy statement must contain actions.";
    case Fault::kVendor:
      return "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
    case Fault::kNoResource:
      return "Policy statement must contain resources.";
    case Fault::kResourceFormat:
      return "Resource " + field + " must be in ARN format or \"*\".";
    case Fault::kProhibitedResource:
      return "Has prohibited field Resource";
    case Fault::kPrincipalNotAllowed:
      return "Policy document should not specify a principal.";
    case Fault::kNoPrincipal:
      return "Missing required field Principal";
    case Fault::kPrincipal:
      return field.empty() ? "Invalid principal in policy" : "Invalid principal in policy: \"AWS\":\"" + field + "\"";
    case Fault::kConditionType:
    case Fault::kConditionValue:
      return "Syntax errors in policy.";
    case Fault::kDuplicateSid:
      return "Statement IDs (SID) in a single policy must be unique.";
    case Fault::kColons:
      return "Actions/Condition can contain only one colon.";
    case Fault::kBoth:
      return "Syntax errors in policy.";
  }
  return "Syntax errors in policy.";
}

// S3's MalformedPolicy wording (PutBucketPolicy).
std::string S3Message(Fault f, const std::string& field) {
  switch (f) {
    case Fault::kSyntax:
    case Fault::kConditionValue:
    case Fault::kBoth:
      return "This policy contains invalid Json";
    case Fault::kNotObject:
      return "Policies must be valid JSON and the first byte must be '{'";
    case Fault::kVersion:
    case Fault::kOldVersion:
      return "Invalid policy document";
    case Fault::kUnknownField:
      return "Unknown field " + field;
    case Fault::kNoStatement:
      return "Missing required field Statement";
    case Fault::kLegacy:
      return "Invalid effect: " + field;
    case Fault::kEffect:
      return field == "Effect" ? "Missing required field Effect" : "Invalid effect: " + field;
    case Fault::kNoAction:
    case Fault::kVendor:
    case Fault::kColons:
      return "Policy has invalid action";
    case Fault::kNoResource:
    case Fault::kResourceFormat:
    case Fault::kProhibitedResource:
      return "Policy has invalid resource";
    case Fault::kPrincipalNotAllowed:
    case Fault::kPrincipal:
      return "Invalid principal in policy";
    case Fault::kNoPrincipal:
      return "Missing required field Principal";
    case Fault::kConditionType:
      return "Policy has an invalid condition key";
    case Fault::kDuplicateSid:
      return "Statement IDs (SID) in a single policy must be unique.";
  }
  return "Invalid policy document";
}

}  // namespace

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Policy::Policy() : statements_(std::make_unique<std::vector<Statement>>()) {}
Policy::~Policy() = default;
Policy::Policy(Policy&&) noexcept = default;
Policy& Policy::operator=(Policy&&) noexcept = default;
Policy::Policy(const Policy& o)
    : statements_(std::make_unique<std::vector<Statement>>(o.statements())) {}
Policy& Policy::operator=(const Policy& o) {
  if (this != &o) statements_ = std::make_unique<std::vector<Statement>>(o.statements());
  return *this;
}

const std::vector<Statement>& Policy::statements() const {
  static const std::vector<Statement> kEmpty;
  return statements_ ? *statements_ : kEmpty;
}

std::optional<Policy> ParsePolicyFor(std::string_view json, PolicyKind kind, std::string* error) {
  PolicyParser parser;
  Policy policy;
  std::optional<Fault> fault = parser.Parse(json, &policy);
  // IAM refuses an identity or trust policy without statements; S3 stores one.
  if (!fault && policy.statements().empty() &&
      (kind == PolicyKind::kIdentity || kind == PolicyKind::kTrust)) {
    fault = Fault::kNoStatement;
  }
  if (!fault) {
    for (const Statement& s : policy.statements()) {
      if (kind == PolicyKind::kIdentity && s.principal.present) {
        fault = Fault::kPrincipalNotAllowed;
      } else if (kind != PolicyKind::kIdentity && kind != PolicyKind::kAny &&
                 !s.principal.present) {
        fault = Fault::kNoPrincipal;
      } else if (kind == PolicyKind::kTrust && s.has_resource) {
        fault = Fault::kProhibitedResource;
      } else if ((kind == PolicyKind::kIdentity || kind == PolicyKind::kResource) &&
                 !s.has_resource) {
        fault = Fault::kNoResource;
      }
      if (fault) break;
    }
  }
  // Identity policies must use the current grammar (trust policies may still say 2008-10-17).
  if (!fault && kind == PolicyKind::kIdentity && !parser.version_2012) fault = Fault::kOldVersion;
  if (!fault) return policy;
  if (error) {
    *error = kind == PolicyKind::kResource ? S3Message(*fault, parser.field)
                                           : IamMessage(*fault, parser.field);
  }
  return std::nullopt;
}

std::optional<Policy> ParsePolicy(std::string_view json, std::string* error) {
  return ParsePolicyFor(json, PolicyKind::kAny, error);
}

}  // namespace skiff::iam
