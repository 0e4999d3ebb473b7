#include "server/faults/rule_json.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>

#include "server/common/request_log.h"
#include "server/faults/presets.h"

namespace skiff::faults {
namespace {

using rapidjson::Value;

// Reads one JSON object into a rule; every error names the member by its path.
class RuleReader {
 public:
  explicit RuleReader(std::string where) : where_(std::move(where)) {}

  std::string Read(const Value& v, Rule* rule) {
    if (!v.IsObject()) return where_ + " must be an object";
    for (auto& m : v.GetObject()) {
      std::string_view name(m.name.GetString(), m.name.GetStringLength());
      const Value& value = m.value;
      std::string err;
      if (name == "id") {
        err = String(value, "id", &rule->id);
        if (err.empty() && rule->id.empty()) err = Path("id") + " must not be empty";
      } else if (name == "description") {
        err = String(value, "description", &rule->description);
      } else if (name == "match") {
        err = ReadMatch(value, &rule->match);
      } else if (name == "action") {
        err = ReadAction(value, &rule->action);
      } else if (name == "preset") {
        std::string preset;
        err = String(value, "preset", &preset);
        if (err.empty() && !ParsePreset(preset, &rule->preset)) {
          err = Path("preset") + " \"" + preset + "\" is not one of: " + PresetNames();
        }
      } else if (name == "region") {
        err = String(value, "region", &rule->preset_region);
      } else if (name == "trigger") {
        err = ReadTrigger(value, &rule->trigger);
      } else if (name == "matched" || name == "fired") {
        // The listing's counters: accepted so that a listed rule can be posted back.
      } else {
        err = "unknown member " + Path(name);
      }
      if (!err.empty()) return err;
    }
    return "";
  }

 private:
  std::string Path(std::string_view member) const { return where_ + "." + std::string(member); }

  std::string String(const Value& v, std::string_view path, std::string* out) const {
    if (!v.IsString()) return Path(path) + " must be a string";
    out->assign(v.GetString(), v.GetStringLength());
    return "";
  }

  std::string Count(const Value& v, std::string_view path, uint64_t* out) const {
    if (!v.IsUint64()) return Path(path) + " must be a non-negative integer";
    *out = v.GetUint64();
    return "";
  }

  std::string ReadMatch(const Value& v, faults::Match* m) const {
    if (!v.IsObject()) return Path("match") + " must be an object";
    for (auto& member : v.GetObject()) {
      std::string_view name(member.name.GetString(), member.name.GetStringLength());
      std::string* field = nullptr;
      if (name == "service")
        field = &m->service;
      else if (name == "operation")
        field = &m->operation;
      else if (name == "region")
        field = &m->region;
      else if (name == "account")
        field = &m->account;
      else if (name == "access_key")
        field = &m->access_key;
      else if (name == "bucket")
        field = &m->bucket;
      else if (name == "key")
        field = &m->key;
      else if (name == "table")
        field = &m->table;
      else if (name == "method")
        field = &m->method;
      if (field == nullptr) return "unknown member " + Path("match." + std::string(name));
      if (auto err = String(member.value, "match." + std::string(name), field); !err.empty()) {
        return err;
      }
    }
    return "";
  }

  std::string ReadAction(const Value& v, Action* a) const {
    if (!v.IsObject()) return Path("action") + " must be an object";
    for (auto& member : v.GetObject()) {
      std::string_view name(member.name.GetString(), member.name.GetStringLength());
      std::string path = "action." + std::string(name);
      const Value& value = member.value;
      std::string err;
      if (name == "error_code") {
        err = String(value, path, &a->error_code);
      } else if (name == "message") {
        err = String(value, path, &a->message);
      } else if (name == "redirect_region") {
        err = String(value, path, &a->redirect_region);
      } else if (name == "status") {
        if (!value.IsInt()) return Path(path) + " must be an integer";
        a->status = value.GetInt();
      } else if (name == "latency_ms") {
        uint64_t ms = 0;
        err = Count(value, path, &ms);
        if (err.empty() && ms > static_cast<uint64_t>(INT32_MAX))
          err = Path(path) + " is too large";
        a->latency = std::chrono::milliseconds(static_cast<int64_t>(ms));
      } else if (name == "reset_connection") {
        if (!value.IsBool()) return Path(path) + " must be true or false";
        a->reset_connection = value.GetBool();
      } else {
        err = "unknown member " + Path(path);
      }
      if (!err.empty()) return err;
    }
    return "";
  }

  std::string ReadTrigger(const Value& v, Trigger* t) const {
    if (v.IsString()) {
      if (std::string_view(v.GetString(), v.GetStringLength()) == "always") return "";
      return Path("trigger") + " must be \"always\" or an object";
    }
    if (!v.IsObject()) return Path("trigger") + " must be \"always\" or an object";
    for (auto& member : v.GetObject()) {
      std::string_view name(member.name.GetString(), member.name.GetStringLength());
      std::string path = "trigger." + std::string(name);
      const Value& value = member.value;
      std::string err;
      if (name == "after") {
        err = Count(value, path, &t->after);
      } else if (name == "times") {
        uint64_t n = 0;
        err = Count(value, path, &n);
        t->times = n;
      } else if (name == "seed") {
        uint64_t n = 0;
        err = Count(value, path, &n);
        t->seed = n;
      } else if (name == "probability") {
        if (!value.IsNumber()) return Path(path) + " must be a number between 0 and 1";
        t->probability = value.GetDouble();
      } else {
        err = "unknown member " + Path(path);
      }
      if (!err.empty()) return err;
    }
    return "";
  }

  std::string where_;
};

void Member(std::string& out, bool& first, std::string_view name) {
  if (!first) out += ',';
  first = false;
  common::AppendJsonString(out, name);
  out += ':';
}

void StringMember(std::string& out, bool& first, std::string_view name, const std::string& v) {
  if (v.empty()) return;
  Member(out, first, name);
  common::AppendJsonString(out, v);
}

std::string RenderDouble(double d) {
  // The shortest form that reads back as the same double (0.3, not 0.29999999999999999).
  char buf[32];
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  return buf;
}

}  // namespace

std::string ParseRules(std::string_view text, std::vector<Rule>* out) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) {
    return std::string("not valid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
           " (at offset " + std::to_string(doc.GetErrorOffset()) + ")";
  }
  const Value* list = nullptr;
  std::string prefix = "rules";
  if (doc.IsArray()) {
    list = &doc;
  } else if (doc.IsObject() && doc.HasMember("rules")) {
    if (doc.MemberCount() != 1) return "an object with \"rules\" must have no other members";
    list = &doc["rules"];
    if (!list->IsArray()) return "rules must be a list";
  } else {
    Rule rule;
    RuleReader reader("rule");
    if (auto err = reader.Read(doc, &rule); !err.empty()) return err;
    if (auto err = ValidateRule(rule); !err.empty()) return err;
    out->push_back(std::move(rule));
    return "";
  }
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    Rule rule;
    std::string where = prefix + "[" + std::to_string(i) + "]";
    RuleReader reader(where);
    if (auto err = reader.Read((*list)[i], &rule); !err.empty()) return err;
    if (auto err = ValidateRule(rule); !err.empty()) return where + ": " + err;
    out->push_back(std::move(rule));
  }
  return "";
}

std::string RenderRule(const RuleState& state) {
  const Rule& rule = state.rule;
  std::string out = "{";
  bool first = true;
  StringMember(out, first, "id", rule.id);
  StringMember(out, first, "description", rule.description);

  Member(out, first, "match");
  out += '{';
  bool f = true;
  const faults::Match& m = rule.match;
  StringMember(out, f, "service", m.service);
  StringMember(out, f, "operation", m.operation);
  StringMember(out, f, "region", m.region);
  StringMember(out, f, "account", m.account);
  StringMember(out, f, "access_key", m.access_key);
  StringMember(out, f, "bucket", m.bucket);
  StringMember(out, f, "key", m.key);
  StringMember(out, f, "table", m.table);
  StringMember(out, f, "method", m.method);
  out += '}';

  if (rule.preset != Preset::kNone) {
    StringMember(out, first, "preset", std::string(PresetName(rule.preset)));
  }
  StringMember(out, first, "region", rule.preset_region);

  const Action& a = rule.action;
  if (rule.preset == Preset::kNone || a.StopsRequest() || a.status != 0 || !a.message.empty() ||
      a.latency.count() > 0) {
    Member(out, first, "action");
    out += '{';
    f = true;
    StringMember(out, f, "error_code", a.error_code);
    StringMember(out, f, "message", a.message);
    if (a.status != 0) {
      Member(out, f, "status");
      out += std::to_string(a.status);
    }
    if (a.latency.count() > 0) {
      Member(out, f, "latency_ms");
      out += std::to_string(a.latency.count());
    }
    if (a.reset_connection) {
      Member(out, f, "reset_connection");
      out += "true";
    }
    StringMember(out, f, "redirect_region", a.redirect_region);
    out += '}';
  }

  Member(out, first, "trigger");
  const Trigger& t = rule.trigger;
  if (t.Always()) {
    out += "\"always\"";
  } else {
    out += '{';
    f = true;
    if (t.after != 0) {
      Member(out, f, "after");
      out += std::to_string(t.after);
    }
    if (t.times) {
      Member(out, f, "times");
      out += std::to_string(*t.times);
    }
    if (t.probability) {
      Member(out, f, "probability");
      out += RenderDouble(*t.probability);
      if (t.seed) {
        Member(out, f, "seed");
        out += std::to_string(*t.seed);
      }
    }
    out += '}';
  }
  Member(out, first, "matched");
  out += std::to_string(state.matched);
  Member(out, first, "fired");
  out += std::to_string(state.fired);
  out += '}';
  return out;
}

std::string RenderRules(const std::vector<RuleState>& rules) {
  std::string out = "{\"rules\":[";
  for (size_t i = 0; i < rules.size(); ++i) {
    if (i != 0) out += ',';
    out += RenderRule(rules[i]);
  }
  out += "]}";
  return out;
}

}  // namespace skiff::faults
