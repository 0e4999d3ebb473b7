// Parsing of the start-up resources: the --init JSON file and the SKIFF_BUCKETS / SKIFF_TABLES
// short forms, into an InitPlan. Bucket documents (encryption, tags) are validated and
// normalized here by S3's own configuration code, so what is stored is what PutBucketEncryption
// and PutBucketTagging would store.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <functional>
#include <initializer_list>

#include "server/app/init.h"
#include "server/app/init_internal.h"
#include "server/s3/bucket_names.h"
#include "server/s3/config_docs.h"
#include "server/s3/xml.h"

namespace skiff::app {
namespace {

using Json = rapidjson::Value;

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string ToJsonText(const Json& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string_view KindName(const Json& v) {
  if (v.IsObject()) return "an object";
  if (v.IsArray()) return "a list";
  if (v.IsString()) return "a string";
  if (v.IsBool()) return "a boolean";
  if (v.IsNumber()) return "a number";
  return "null";
}

// Reads one JSON object entry; every error names the entry (`where`).
class Entry {
 public:
  Entry(const Json& object, std::string where) : object_(object), where_(std::move(where)) {}

  const std::string& where() const { return where_; }
  void Rename(std::string where) { where_ = std::move(where); }

  // Refuses members other than `known` (a typo must not be silently ignored).
  std::string OnlyMembers(std::initializer_list<std::string_view> known) const {
    for (const auto& m : object_.GetObject()) {
      std::string_view name(m.name.GetString(), m.name.GetStringLength());
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        std::string list;
        for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        return Fail("unknown member " + Quoted(name) + " (known: " + list + ")");
      }
    }
    return {};
  }
  const Json* Find(std::string_view name) const {
    auto it = object_.FindMember(Json(rapidjson::StringRef(name.data(), name.size())));
    return it == object_.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
  }
  // A string member; `required` members must be present and non-empty.
  std::string String(std::string_view name, bool required, std::string* out) const {
    const Json* v = Find(name);
    if (!v) return required ? Fail(Quoted(name) + " is required") : std::string();
    if (!v->IsString()) {
      return Fail(Quoted(name) + " must be a string, not " + std::string(KindName(*v)));
    }
    *out = std::string(v->GetString(), v->GetStringLength());
    if (required && out->empty()) return Fail(Quoted(name) + " must not be empty");
    return {};
  }
  std::string Fail(std::string message) const { return where_ + ": " + message; }

 private:
  const Json& object_;
  std::string where_;
};

std::string CheckAccount(const Entry& e, const std::string& account) {
  if (!IsAccountId(account)) {
    return e.Fail("account " + Quoted(account) + " is not a 12-digit account id");
  }
  return {};
}

std::string CheckRegion(const Entry& e, const std::string& region) {
  if (!IsRegionName(region)) {
    return e.Fail("region " + Quoted(region) + " is not a region name (like us-east-1)");
  }
  return {};
}

// A policy document given as a JSON object or as its text; parsed by IAM's own parser.
std::string PolicyText(const Entry& e, std::string_view what, const Json& v, std::string* out) {
  if (v.IsString()) {
    *out = std::string(v.GetString(), v.GetStringLength());
  } else if (v.IsObject()) {
    *out = ToJsonText(v);
  } else {
    return e.Fail(std::string(what) + " must be a policy document (object or JSON text), not " +
                  std::string(KindName(v)));
  }
  if (std::string error = CheckPolicyDocument(*out); !error.empty()) {
    return e.Fail(std::string(what) + " is not a valid policy: " + error);
  }
  return {};
}

// "policies": {"name": document, ...}
std::string ReadPolicies(const Entry& e, NamedDocuments* out) {
  const Json* policies = e.Find("policies");
  if (!policies) return {};
  if (!policies->IsObject()) {
    return e.Fail("\"policies\" must be an object of name: policy document");
  }
  for (const auto& m : policies->GetObject()) {
    std::string name(m.name.GetString(), m.name.GetStringLength());
    if (!IsIamName(name, 128)) {
      return e.Fail("policy name " + Quoted(name) + " is not a valid IAM name");
    }
    std::string text;
    if (std::string error = PolicyText(e, "policy " + Quoted(name), m.value, &text);
        !error.empty()) {
      return error;
    }
    out->emplace_back(std::move(name), std::move(text));
  }
  return {};
}

std::string NormalizedConfig(const Entry& e, std::string_view kind_name, std::string_view what,
                             std::string_view xml, std::string* stored) {
  const s3::ConfigKind* kind = s3::FindConfigKind(kind_name);
  if (auto err = s3::NormalizeConfig(*kind, xml, stored)) {
    return e.Fail(std::string(what) + ": " + std::string(err->code()) + ": " +
                  std::string(err->effective_message()));
  }
  return {};
}

// "AES256", "aws:kms", "aws:kms:dsse", or {"algorithm", "kmsKeyId", "bucketKey"}.
std::string ReadEncryption(const Entry& e, const Json& v, std::string* stored) {
  std::string algorithm, key_id;
  bool bucket_key = false, bucket_key_set = false;
  if (v.IsString()) {
    algorithm = v.GetString();
  } else if (v.IsObject()) {
    Entry enc(v, e.where() + " encryption");
    if (std::string error = enc.OnlyMembers({"algorithm", "kmsKeyId", "bucketKey"});
        !error.empty()) {
      return error;
    }
    if (std::string error = enc.String("algorithm", false, &algorithm); !error.empty()) {
      return error;
    }
    if (std::string error = enc.String("kmsKeyId", false, &key_id); !error.empty()) return error;
    if (const Json* bk = enc.Find("bucketKey")) {
      if (!bk->IsBool()) return enc.Fail("\"bucketKey\" must be true or false");
      bucket_key = bk->GetBool();
      bucket_key_set = true;
    }
    if (algorithm.empty()) algorithm = key_id.empty() ? "AES256" : "aws:kms";
  } else {
    return e.Fail("\"encryption\" must be \"AES256\", \"aws:kms\" or {\"kmsKeyId\": ...}");
  }
  s3::XmlWriter w("ServerSideEncryptionConfiguration", true);
  w.Open("Rule");
  w.Open("ApplyServerSideEncryptionByDefault");
  w.Element("SSEAlgorithm", algorithm);
  if (!key_id.empty()) w.Element("KMSMasterKeyID", key_id);
  w.Close();
  if (bucket_key_set) w.BoolElement("BucketKeyEnabled", bucket_key);
  return NormalizedConfig(e, "encryption", "encryption", w.Finish(), stored);
}

// {"key": "value"} or [{"Key", "Value"}].
std::string ReadTags(const Entry& e, const Json& v, std::string* stored) {
  s3::TagList tags;
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      if (!m.value.IsString()) {
        return e.Fail("tag " + Quoted(m.name.GetString()) + " must have a string value");
      }
      tags.emplace_back(m.name.GetString(), m.value.GetString());
    }
  } else if (v.IsArray()) {
    for (const auto& t : v.GetArray()) {
      const Json* key = t.IsObject() && t.HasMember("Key") ? &t["Key"] : nullptr;
      const Json* value = t.IsObject() && t.HasMember("Value") ? &t["Value"] : nullptr;
      if (!key || !key->IsString() || (value && !value->IsString())) {
        return e.Fail("\"tags\" list entries must be {\"Key\": string, \"Value\": string}");
      }
      tags.emplace_back(key->GetString(), value ? value->GetString() : "");
    }
  } else {
    return e.Fail("\"tags\" must be an object of key: value");
  }
  return NormalizedConfig(e, "tagging", "tags", s3::RenderTagging(tags), stored);
}

std::string ReadVersioning(const Entry& e, const Json& v, std::string* out) {
  if (v.IsBool()) {
    *out = v.GetBool() ? "Enabled" : "";
    return {};
  }
  if (v.IsString() && (v == "Enabled" || v == "Suspended")) {
    *out = v.GetString();
    return {};
  }
  return e.Fail("\"versioning\" must be true, false, \"Enabled\" or \"Suspended\"");
}

std::string ParseBucket(const Json& v, const std::string& where, InitPlan* plan) {
  InitBucket b;
  if (v.IsString()) {
    b.name = v.GetString();
    Entry e(v, where + " " + Quoted(b.name));
    if (!s3::IsValidBucketName(b.name)) return e.Fail("not a valid bucket name");
    b.origin = e.where();
    plan->buckets.push_back(std::move(b));
    return {};
  }
  if (!v.IsObject()) return where + ": must be an object or a bucket name";
  Entry e(v, where);
  if (std::string error = e.String("name", true, &b.name); !error.empty()) return error;
  e.Rename(where + " " + Quoted(b.name));
  if (std::string error =
          e.OnlyMembers({"name", "region", "account", "versioning", "encryption", "tags"});
      !error.empty()) {
    return error;
  }
  if (!s3::IsValidBucketName(b.name)) return e.Fail("not a valid bucket name");
  if (std::string error = e.String("region", false, &b.region); !error.empty()) return error;
  if (std::string error = CheckRegion(e, b.region); !error.empty()) return error;
  if (std::string error = e.String("account", false, &b.account); !error.empty()) return error;
  if (std::string error = CheckAccount(e, b.account); !error.empty()) return error;
  if (const Json* ver = e.Find("versioning")) {
    if (std::string error = ReadVersioning(e, *ver, &b.versioning); !error.empty()) return error;
  }
  if (const Json* enc = e.Find("encryption")) {
    if (std::string error = ReadEncryption(e, *enc, &b.encryption); !error.empty()) return error;
  }
  if (const Json* tags = e.Find("tags")) {
    if (std::string error = ReadTags(e, *tags, &b.tagging); !error.empty()) return error;
  }
  b.origin = e.where();
  plan->buckets.push_back(std::move(b));
  return {};
}

// {"name", "hashKey", "hashKeyType"?, "rangeKey"?, "rangeKeyType"?, "billingMode"?,
//  "readCapacity"?, "writeCapacity"?} or a CreateTable request (TableName, KeySchema, ...);
// both may carry "region" and "account".
std::string ParseTable(const Json& v, const std::string& where, InitPlan* plan) {
  if (!v.IsObject()) return where + ": must be an object";
  InitTable t;
  Entry e(v, where);
  if (std::string error = e.String("region", false, &t.region); !error.empty()) return error;
  if (std::string error = e.String("account", false, &t.account); !error.empty()) return error;
  if (e.Find("TableName") || e.Find("KeySchema")) {
    if (std::string error = e.String("TableName", true, &t.name); !error.empty()) return error;
    e.Rename(where + " " + Quoted(t.name));
    rapidjson::Document request;
    request.CopyFrom(v, request.GetAllocator());
    request.RemoveMember("region");
    request.RemoveMember("account");
    // Unlike the API (PROVISIONED), a declared table without capacity is on demand.
    if (!request.HasMember("BillingMode") && !request.HasMember("ProvisionedThroughput")) {
      request.AddMember("BillingMode", "PAY_PER_REQUEST", request.GetAllocator());
    }
    t.create_table_json = ToJsonText(request);
  } else {
    if (std::string error = e.String("name", true, &t.name); !error.empty()) return error;
    e.Rename(where + " " + Quoted(t.name));
    if (std::string error =
            e.OnlyMembers({"name", "region", "account", "hashKey", "hashKeyType", "rangeKey",
                           "rangeKeyType", "billingMode", "readCapacity", "writeCapacity"});
        !error.empty()) {
      return error;
    }
    TableKeySpec key;
    std::string billing = "PAY_PER_REQUEST";
    if (std::string error = e.String("hashKey", true, &key.hash); !error.empty()) return error;
    if (std::string error = e.String("hashKeyType", false, &key.hash_type); !error.empty()) {
      return error;
    }
    if (std::string error = e.String("rangeKey", false, &key.range); !error.empty()) return error;
    if (std::string error = e.String("rangeKeyType", false, &key.range_type); !error.empty()) {
      return error;
    }
    if (std::string error = e.String("billingMode", false, &billing); !error.empty()) return error;
    int64_t capacity[2] = {5, 5};
    const char* capacity_names[2] = {"readCapacity", "writeCapacity"};
    for (int i = 0; i < 2; ++i) {
      if (const Json* c = e.Find(capacity_names[i])) {
        if (!c->IsInt64()) return e.Fail(Quoted(capacity_names[i]) + " must be an integer");
        if (billing != "PROVISIONED") {
          return e.Fail(Quoted(capacity_names[i]) + " needs \"billingMode\": \"PROVISIONED\"");
        }
        capacity[i] = c->GetInt64();
      }
    }
    if (billing != "PAY_PER_REQUEST" && billing != "PROVISIONED") {
      return e.Fail("\"billingMode\" must be PAY_PER_REQUEST or PROVISIONED");
    }
    if (std::string error = key.Check(); !error.empty()) return e.Fail(error);
    t.create_table_json = CreateTableRequest(t.name, key, billing, capacity[0], capacity[1]);
  }
  if (std::string error = CheckRegion(e, t.region); !error.empty()) return error;
  if (std::string error = CheckAccount(e, t.account); !error.empty()) return error;
  t.origin = e.where();
  plan->tables.push_back(std::move(t));
  return {};
}

std::string ParseCredential(const Json& v, const std::string& where, InitPlan* plan) {
  if (!v.IsObject()) return where + ": must be an object";
  InitCredential c;
  Entry e(v, where);
  common::Credential& cred = c.credential;
  if (std::string error = e.String("accessKeyId", true, &cred.access_key); !error.empty()) {
    return error;
  }
  e.Rename(where + " " + Quoted(cred.access_key));
  if (std::string error =
          e.OnlyMembers({"accessKeyId", "secretAccessKey", "accountId", "userName"});
      !error.empty()) {
    return error;
  }
  if (!IsAccessKeyId(cred.access_key)) return e.Fail("not a valid access key id");
  if (std::string error = e.String("secretAccessKey", true, &cred.secret); !error.empty()) {
    return error;
  }
  if (std::string error = e.String("accountId", false, &cred.account_id); !error.empty()) {
    return error;
  }
  if (std::string error = CheckAccount(e, cred.account_id); !error.empty()) return error;
  if (std::string error = e.String("userName", false, &cred.user_name); !error.empty()) {
    return error;
  }
  if (!cred.user_name.empty() && !IsIamName(cred.user_name, 64)) {
    return e.Fail("not a valid user name");
  }
  c.origin = e.where();
  plan->credentials.push_back(std::move(c));
  return {};
}

std::string ParseUser(const Json& v, const std::string& where, InitPlan* plan) {
  if (!v.IsObject()) return where + ": must be an object";
  InitUser u;
  Entry e(v, where);
  if (std::string error = e.String("name", true, &u.name); !error.empty()) return error;
  e.Rename(where + " " + Quoted(u.name));
  if (std::string error = e.OnlyMembers({"name", "account", "accessKeys", "policies"});
      !error.empty()) {
    return error;
  }
  if (!IsIamName(u.name, 64)) return e.Fail("not a valid IAM user name");
  if (std::string error = e.String("account", false, &u.account); !error.empty()) return error;
  if (std::string error = CheckAccount(e, u.account); !error.empty()) return error;
  if (const Json* keys = e.Find("accessKeys")) {
    if (!keys->IsArray()) return e.Fail("\"accessKeys\" must be a list of {\"id\", \"secret\"}");
    for (rapidjson::SizeType i = 0; i < keys->Size(); ++i) {
      const Json& k = (*keys)[i];
      std::string key_where = e.where() + " accessKeys[" + std::to_string(i) + "]";
      if (!k.IsObject()) return key_where + ": must be an object";
      Entry ke(k, key_where);
      if (std::string error = ke.OnlyMembers({"id", "secret"}); !error.empty()) return error;
      std::string id, secret;
      if (std::string error = ke.String("id", true, &id); !error.empty()) return error;
      if (std::string error = ke.String("secret", true, &secret); !error.empty()) return error;
      if (!IsAccessKeyId(id)) return ke.Fail("not a valid access key id");
      u.access_keys.emplace_back(std::move(id), std::move(secret));
    }
  }
  if (std::string error = ReadPolicies(e, &u.policies); !error.empty()) return error;
  u.origin = e.where();
  plan->users.push_back(std::move(u));
  return {};
}

std::string ParseRole(const Json& v, const std::string& where, InitPlan* plan) {
  if (!v.IsObject()) return where + ": must be an object";
  InitRole r;
  Entry e(v, where);
  if (std::string error = e.String("name", true, &r.name); !error.empty()) return error;
  e.Rename(where + " " + Quoted(r.name));
  if (std::string error = e.OnlyMembers({"name", "account", "trustPolicy", "policies"});
      !error.empty()) {
    return error;
  }
  if (!IsIamName(r.name, 64)) return e.Fail("not a valid IAM role name");
  if (std::string error = e.String("account", false, &r.account); !error.empty()) return error;
  if (std::string error = CheckAccount(e, r.account); !error.empty()) return error;
  const Json* trust = e.Find("trustPolicy");
  if (!trust) return e.Fail("\"trustPolicy\" is required");
  if (std::string error = PolicyText(e, "trustPolicy", *trust, &r.trust_policy); !error.empty()) {
    return error;
  }
  if (std::string error = ReadPolicies(e, &r.policies); !error.empty()) return error;
  r.origin = e.where();
  plan->roles.push_back(std::move(r));
  return {};
}

using EntryParser = std::string (*)(const Json&, const std::string&, InitPlan*);

std::string ParseList(const Json& root, std::string_view member, std::string_view source,
                      EntryParser parse, InitPlan* plan) {
  auto it = root.FindMember(Json(rapidjson::StringRef(member.data(), member.size())));
  if (it == root.MemberEnd() || it->value.IsNull()) return {};
  std::string where = std::string(source) + ": " + std::string(member);
  if (!it->value.IsArray()) return where + " must be a list";
  for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
    std::string error = parse(it->value[i], where + "[" + std::to_string(i) + "]", plan);
    if (!error.empty()) return error;
  }
  return {};
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    out.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "name[@region]" -> name, region (default kept when absent).
std::string SplitNameRegion(std::string_view head, std::string* name, std::string* region) {
  size_t at = head.find('@');
  *name = std::string(head.substr(0, at));
  if (at == std::string_view::npos) return {};
  *region = std::string(head.substr(at + 1));
  if (!IsRegionName(*region)) {
    return "region " + Quoted(*region) + " is not a region name (like us-east-1)";
  }
  return {};
}

// Applies `parse` to each non-empty comma-separated entry.
std::string ForEachSpecEntry(
    std::string_view spec, std::string_view source,
    const std::function<std::string(std::string_view, const std::string&)>& parse) {
  for (std::string_view raw : Split(spec, ',')) {
    std::string_view entry = Trim(raw);
    if (entry.empty()) continue;
    std::string where = std::string(source) + " entry " + Quoted(entry);
    if (std::string error = parse(entry, where); !error.empty()) return where + ": " + error;
  }
  return {};
}

}  // namespace

std::string ParseInitJson(std::string_view text, std::string_view source, InitPlan* plan) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) {
    return std::string(source) + ": not valid JSON at offset " +
           std::to_string(doc.GetErrorOffset()) + ": " +
           rapidjson::GetParseError_En(doc.GetParseError());
  }
  if (!doc.IsObject()) {
    return std::string(source) +
           ": must be a JSON object with buckets, tables, credentials, "
           "users, roles and faults";
  }
  Entry top(doc, std::string(source));
  if (std::string error =
          top.OnlyMembers({"buckets", "tables", "credentials", "users", "roles", "faults"});
      !error.empty()) {
    return error;
  }
  if (std::string error = ParseList(doc, "buckets", source, ParseBucket, plan); !error.empty()) {
    return error;
  }
  if (std::string error = ParseList(doc, "tables", source, ParseTable, plan); !error.empty()) {
    return error;
  }
  if (std::string error = ParseList(doc, "credentials", source, ParseCredential, plan);
      !error.empty()) {
    return error;
  }
  if (std::string error = ParseList(doc, "users", source, ParseUser, plan); !error.empty()) {
    return error;
  }
  if (std::string error = ParseList(doc, "roles", source, ParseRole, plan); !error.empty()) {
    return error;
  }
  if (const Json* faults = top.Find("faults")) {
    plan->faults_json = ToJsonText(*faults);
    plan->faults_origin = std::string(source) + ": faults";
  }
  return {};
}

std::string ParseBucketsSpec(std::string_view spec, std::string_view source, InitPlan* plan) {
  return ForEachSpecEntry(spec, source, [&](std::string_view entry, const std::string& where) {
    std::vector<std::string_view> parts = Split(entry, ':');
    InitBucket b;
    b.origin = where;
    if (std::string error = SplitNameRegion(parts[0], &b.name, &b.region); !error.empty()) {
      return error;
    }
    if (!s3::IsValidBucketName(b.name)) return Quoted(b.name) + " is not a valid bucket name";
    for (size_t i = 1; i < parts.size(); ++i) {
      if (parts[i] != "versioned") {
        return "unknown option " + Quoted(parts[i]) + " (expected name[@region][:versioned])";
      }
      b.versioning = "Enabled";
    }
    plan->buckets.push_back(std::move(b));
    return std::string();
  });
}

std::string ParseTablesSpec(std::string_view spec, std::string_view source, InitPlan* plan) {
  return ForEachSpecEntry(spec, source, [&](std::string_view entry, const std::string& where) {
    std::vector<std::string_view> parts = Split(entry, ':');
    if (parts.size() < 2 || parts.size() > 3) {
      return std::string("expected name[@region]:HashKey[/TYPE][:RangeKey[/TYPE]]");
    }
    InitTable t;
    t.origin = where;
    if (std::string error = SplitNameRegion(parts[0], &t.name, &t.region); !error.empty()) {
      return error;
    }
    TableKeySpec key;
    auto split_type = [](std::string_view part, std::string* name, std::string* type) {
      size_t slash = part.find('/');
      *name = std::string(part.substr(0, slash));
      if (slash != std::string_view::npos) *type = std::string(part.substr(slash + 1));
    };
    split_type(parts[1], &key.hash, &key.hash_type);
    if (parts.size() == 3) split_type(parts[2], &key.range, &key.range_type);
    if (std::string error = key.Check(); !error.empty()) return error;
    t.create_table_json = CreateTableRequest(t.name, key, "PAY_PER_REQUEST", 0, 0);
    plan->tables.push_back(std::move(t));
    return std::string();
  });
}

}  // namespace skiff::app
