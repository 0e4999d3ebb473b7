#include "server/iam/store_model.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <mutex>
#include <random>

namespace skiff::iam::model {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view key, std::string_view value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void Int(Writer& w, std::string_view key, int64_t value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.Int64(value);
}

void StrList(Writer& w, std::string_view key, const std::vector<std::string>& values) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.StartArray();
  for (const std::string& v : values) w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  w.EndArray();
}

void Inline(Writer& w, const std::map<std::string, StoredPolicy>& policies) {
  w.Key("policies");
  w.StartObject();
  for (const auto& [name, p] : policies) {
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    w.String(p.document.data(), static_cast<rapidjson::SizeType>(p.document.size()));
  }
  w.EndObject();
}

// Readers: false when a member is missing or has the wrong type.
bool GetStr(const rapidjson::Value& v, const char* key, std::string* out) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsString()) return false;
  out->assign(it->value.GetString(), it->value.GetStringLength());
  return true;
}

bool GetInt(const rapidjson::Value& v, const char* key, int64_t* out) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsInt64()) return false;
  *out = it->value.GetInt64();
  return true;
}

void Tags(Writer& w, const std::vector<Tag>& tags) {
  w.Key("tags");
  w.StartArray();
  for (const Tag& t : tags) {
    w.StartArray();
    w.String(t.key.data(), static_cast<rapidjson::SizeType>(t.key.size()));
    w.String(t.value.data(), static_cast<rapidjson::SizeType>(t.value.size()));
    w.EndArray();
  }
  w.EndArray();
}

// Tags were added after the first documents were written: absent means none.
bool GetTags(const rapidjson::Value& v, std::vector<Tag>* out) {
  auto it = v.FindMember("tags");
  if (it == v.MemberEnd()) return true;
  if (!it->value.IsArray()) return false;
  for (const auto& pair : it->value.GetArray()) {
    if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsString() || !pair[1].IsString()) {
      return false;
    }
    out->push_back(Tag{std::string(pair[0].GetString(), pair[0].GetStringLength()),
                       std::string(pair[1].GetString(), pair[1].GetStringLength())});
  }
  return true;
}

bool GetStrList(const rapidjson::Value& v, const char* key, std::vector<std::string>* out) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsArray()) return false;
  for (const auto& item : it->value.GetArray()) {
    if (!item.IsString()) return false;
    out->emplace_back(item.GetString(), item.GetStringLength());
  }
  return true;
}

// A stored policy document that no longer parses (a newer policy grammar, a hand-edited file)
// stays as text and grants nothing: an empty Policy has no statements.
StoredPolicy Restore(std::string document) {
  StoredPolicy p;
  std::string ignored;
  if (std::optional<Policy> parsed = ParsePolicy(document, &ignored)) p.parsed = std::move(*parsed);
  p.document = std::move(document);
  return p;
}

bool GetInline(const rapidjson::Value& v, std::map<std::string, StoredPolicy>* out) {
  auto it = v.FindMember("policies");
  if (it == v.MemberEnd() || !it->value.IsObject()) return false;
  for (const auto& m : it->value.GetObject()) {
    if (!m.value.IsString()) return false;
    out->emplace(std::string(m.name.GetString(), m.name.GetStringLength()),
                 Restore(std::string(m.value.GetString(), m.value.GetStringLength())));
  }
  return true;
}

std::optional<rapidjson::Document> ParseObject(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  return doc;
}

std::string Finish(rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
}

IamError Validation(std::string_view value, std::string_view member, std::string_view constraint) {
  return {"ValidationError", 400,
          "1 validation error detected: Value '" + std::string(value) + "' at '" +
              std::string(member) + "' failed to satisfy constraint: " + std::string(constraint)};
}

IamError Malformed(std::string message) {
  return {"MalformedPolicyDocument", 400, std::move(message)};
}

}  // namespace

std::string Key(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string UserToJson(const UserRecord& user) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Str(w, "name", user.info.name);
  Str(w, "path", user.info.path);
  Str(w, "id", user.info.user_id);
  Int(w, "created", user.info.created_ms);
  Tags(w, user.info.tags);
  Inline(w, user.policies);
  StrList(w, "attached", user.attached);
  w.Key("keys");
  w.StartArray();
  for (const AccessKeyInfo& k : user.keys) {
    w.StartObject();
    Str(w, "id", k.access_key);
    Str(w, "secret", k.secret);
    Str(w, "status", k.status);
    Int(w, "created", k.created_ms);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Finish(buffer);
}

std::optional<UserRecord> UserFromJson(std::string_view account, std::string_view json) {
  std::optional<rapidjson::Document> doc = ParseObject(json);
  if (!doc) return std::nullopt;
  UserRecord user;
  if (!GetStr(*doc, "name", &user.info.name) || !GetStr(*doc, "path", &user.info.path) ||
      !GetStr(*doc, "id", &user.info.user_id) || !GetInt(*doc, "created", &user.info.created_ms) ||
      !GetInline(*doc, &user.policies) || !GetStrList(*doc, "attached", &user.attached) ||
      !GetTags(*doc, &user.info.tags)) {
    return std::nullopt;
  }
  auto keys = doc->FindMember("keys");
  if (keys == doc->MemberEnd() || !keys->value.IsArray()) return std::nullopt;
  for (const auto& k : keys->value.GetArray()) {
    if (!k.IsObject()) return std::nullopt;
    AccessKeyInfo key;
    key.user_name = user.info.name;
    if (!GetStr(k, "id", &key.access_key) || !GetStr(k, "secret", &key.secret) ||
        !GetStr(k, "status", &key.status) || !GetInt(k, "created", &key.created_ms)) {
      return std::nullopt;
    }
    user.keys.push_back(std::move(key));
  }
  user.info.arn = UserArn(account, user.info.path, user.info.name);
  return user;
}

std::string RoleToJson(const RoleRecord& role) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Str(w, "name", role.info.name);
  Str(w, "path", role.info.path);
  Str(w, "id", role.info.role_id);
  Int(w, "created", role.info.created_ms);
  Str(w, "trust", role.info.trust_policy);
  Str(w, "description", role.info.description);
  Int(w, "maxSession", role.info.max_session_duration);
  Tags(w, role.info.tags);
  Inline(w, role.policies);
  StrList(w, "attached", role.attached);
  w.EndObject();
  return Finish(buffer);
}

std::optional<RoleRecord> RoleFromJson(std::string_view account, std::string_view json) {
  std::optional<rapidjson::Document> doc = ParseObject(json);
  if (!doc) return std::nullopt;
  RoleRecord role;
  int64_t max_session = 0;
  if (!GetStr(*doc, "name", &role.info.name) || !GetStr(*doc, "path", &role.info.path) ||
      !GetStr(*doc, "id", &role.info.role_id) || !GetInt(*doc, "created", &role.info.created_ms) ||
      !GetStr(*doc, "trust", &role.info.trust_policy) ||
      !GetStr(*doc, "description", &role.info.description) ||
      !GetInt(*doc, "maxSession", &max_session) || !GetInline(*doc, &role.policies) ||
      !GetStrList(*doc, "attached", &role.attached) || !GetTags(*doc, &role.info.tags)) {
    return std::nullopt;
  }
  role.info.max_session_duration = static_cast<int>(max_session);
  role.info.arn = RoleArn(account, role.info.path, role.info.name);
  return role;
}

std::string PolicyToJson(const PolicyRecord& policy) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Str(w, "name", policy.info.name);
  Str(w, "path", policy.info.path);
  Str(w, "id", policy.info.policy_id);
  Str(w, "description", policy.info.description);
  Str(w, "document", policy.info.document);
  Int(w, "created", policy.info.created_ms);
  Int(w, "updated", policy.info.updated_ms);
  Str(w, "default", policy.info.default_version);
  Int(w, "next", policy.next_version);
  w.Key("versions");
  w.StartArray();
  for (const PolicyVersionInfo& v : policy.versions) {
    w.StartObject();
    Str(w, "id", v.version_id);
    Str(w, "document", v.document);
    Int(w, "created", v.created_ms);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Finish(buffer);
}

std::optional<PolicyRecord> PolicyFromJson(std::string_view account, std::string_view json) {
  std::optional<rapidjson::Document> doc = ParseObject(json);
  if (!doc) return std::nullopt;
  PolicyRecord policy;
  ManagedPolicyInfo& info = policy.info;
  if (!GetStr(*doc, "name", &info.name) || !GetStr(*doc, "path", &info.path) ||
      !GetStr(*doc, "id", &info.policy_id) || !GetStr(*doc, "description", &info.description) ||
      !GetStr(*doc, "document", &info.document) || !GetInt(*doc, "created", &info.created_ms) ||
      !GetInt(*doc, "updated", &info.updated_ms)) {
    return std::nullopt;
  }
  // Versions came after the first documents: without them the document is the only version.
  auto versions = doc->FindMember("versions");
  if (versions == doc->MemberEnd()) {
    policy.versions.push_back(PolicyVersionInfo{"v1", info.document, true, info.created_ms});
  } else {
    int64_t next = 0;
    if (!versions->value.IsArray() || !GetStr(*doc, "default", &info.default_version) ||
        !GetInt(*doc, "next", &next)) {
      return std::nullopt;
    }
    policy.next_version = static_cast<int>(next);
    for (const auto& v : versions->value.GetArray()) {
      PolicyVersionInfo version;
      if (!v.IsObject() || !GetStr(v, "id", &version.version_id) ||
          !GetStr(v, "document", &version.document) || !GetInt(v, "created", &version.created_ms)) {
        return std::nullopt;
      }
      version.is_default = version.version_id == info.default_version;
      policy.versions.push_back(std::move(version));
    }
  }
  policy.parsed = Restore(info.document).parsed;
  info.arn = PolicyArn(account, info.path, info.name);
  return policy;
}

std::string OidcToJson(const OidcProviderInfo& provider) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Str(w, "url", provider.url);
  StrList(w, "clientIds", provider.client_ids);
  StrList(w, "thumbprints", provider.thumbprints);
  Int(w, "created", provider.created_ms);
  w.EndObject();
  return Finish(buffer);
}

std::optional<OidcProviderInfo> OidcFromJson(std::string_view account, std::string_view json) {
  std::optional<rapidjson::Document> doc = ParseObject(json);
  if (!doc) return std::nullopt;
  OidcProviderInfo p;
  if (!GetStr(*doc, "url", &p.url) || !GetStrList(*doc, "clientIds", &p.client_ids) ||
      !GetStrList(*doc, "thumbprints", &p.thumbprints) || !GetInt(*doc, "created", &p.created_ms)) {
    return std::nullopt;
  }
  p.arn = OidcArn(account, p.url);
  return p;
}

std::string UserArn(std::string_view account, std::string_view path, std::string_view name) {
  return "arn:aws:iam::" + std::string(account) + ":user" + std::string(path) + std::string(name);
}

std::string RoleArn(std::string_view account, std::string_view path, std::string_view name) {
  return "arn:aws:iam::" + std::string(account) + ":role" + std::string(path) + std::string(name);
}

std::string PolicyArn(std::string_view account, std::string_view path, std::string_view name) {
  return "arn:aws:iam::" + std::string(account) + ":policy" + std::string(path) +
         std::string(name);
}

std::string OidcArn(std::string_view account, std::string_view url) {
  return "arn:aws:iam::" + std::string(account) + ":oidc-provider/" + std::string(url);
}

namespace {

// Ids and secrets need to be unique, not unpredictable to an attacker: this is a test emulator.
// One engine behind a mutex, seeded from the OS.
std::string RandomFrom(std::string_view alphabet, size_t count) {
  static std::mutex mutex;
  static std::mt19937_64 engine{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string out;
  out.reserve(count);
  std::lock_guard lock(mutex);
  for (size_t i = 0; i < count; ++i) out += alphabet[pick(engine)];
  return out;
}

}  // namespace

std::string NewId(std::string_view prefix, size_t length) {
  // IAM unique ids and access key ids use upper-case letters and the digits 2-7 (base32).
  return std::string(prefix) +
         RandomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
                    length > prefix.size() ? length - prefix.size() : 0);
}

std::string NewSecret() {
  return RandomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
}

IamError ValidateName(std::string_view value, std::string_view member, size_t max_length) {
  if (value.empty()) {
    return Validation(value, member, "Member must have length greater than or equal to 1");
  }
  if (value.size() > max_length) {
    return Validation(value, member,
                      "Member must have length less than or equal to " +
                          std::to_string(max_length));
  }
  for (char c : value) {
    if (!IsNameChar(c)) {
      return Validation(value, member,
                        "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
    }
  }
  return {};
}

IamError ValidatePath(std::string_view value, std::string_view member) {
  if (value.size() > 512) {
    return Validation(value, member, "Member must have length less than or equal to 512");
  }
  bool ok = !value.empty() && value.front() == '/' && value.back() == '/';
  for (char c : value) {
    if (c < '!' || c > '~') ok = false;
  }
  if (!ok) {
    return Validation(value, member,
                      "Member must satisfy regular expression pattern: "
                      "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
  }
  return {};
}

IamError ValidateTags(const std::vector<Tag>& tags) {
  if (tags.size() > 50) {
    return {"LimitExceeded", 409, "The number of tags has reached the maximum limit."};
  }
  for (size_t i = 0; i < tags.size(); ++i) {
    if (tags[i].key.empty() || tags[i].key.size() > 128) {
      return Validation(tags[i].key, "tags." + std::to_string(i + 1) + ".member.key",
                        tags[i].key.empty()
                            ? "Member must have length greater than or equal to 1"
                            : "Member must have length less than or equal to 128");
    }
    if (tags[i].value.size() > 256) {
      return Validation(tags[i].value, "tags." + std::to_string(i + 1) + ".member.value",
                        "Member must have length less than or equal to 256");
    }
    for (size_t j = 0; j < i; ++j) {
      if (Key(tags[j].key) == Key(tags[i].key)) {
        return {"InvalidInput", 400,
                "Duplicate tag keys found. Please note that Tag keys are case insensitive."};
      }
    }
  }
  return {};
}

IamError MergeTags(std::vector<Tag>* current, const std::vector<Tag>& add,
                   const std::vector<std::string>& remove) {
  if (IamError e = ValidateTags(add); !e.ok()) return e;
  std::vector<Tag> merged = *current;
  for (const Tag& t : add) {
    auto same = std::find_if(merged.begin(), merged.end(),
                             [&](const Tag& m) { return Key(m.key) == Key(t.key); });
    if (same == merged.end()) {
      merged.push_back(t);
    } else {
      *same = t;
    }
  }
  for (const std::string& key : remove) {
    std::erase_if(merged, [&](const Tag& m) { return Key(m.key) == Key(key); });
  }
  if (IamError e = ValidateTags(merged); !e.ok()) return e;
  *current = std::move(merged);
  return {};
}

IamError ParseIdentityPolicy(std::string_view document, Policy* out) {
  std::string error;
  std::optional<Policy> parsed = ParsePolicyFor(document, PolicyKind::kIdentity, &error);
  if (!parsed) return Malformed(error.empty() ? "Syntax errors in policy." : error);
  if (out != nullptr) *out = std::move(*parsed);
  return {};
}

IamError ValidateTrustPolicy(std::string_view document) {
  std::string error;
  if (!ParsePolicyFor(document, PolicyKind::kTrust, &error)) {
    return Malformed(error.empty() ? "Syntax errors in policy." : error);
  }
  return {};
}

namespace {

struct AwsPolicy {
  const char* name;
  const char* id;
  const char* description;
  const char* document;
};

// The AWS managed policies most used in tests, under their real names; the documents are AWS's,
// cut to the services Skiff serves. Ids are fixed so that they are stable across runs.
constexpr AwsPolicy kAwsPolicies[] = {
    {"AdministratorAccess", "ANPAIWMBCKSKIEE64ZLYK",
     "Provides full access to AWS services and resources.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"},
    {"AmazonS3FullAccess", "ANPAIFIR6V6BVTRAHWINE",
     "Provides full access to all buckets via the AWS Management Console.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]})"},
    {"AmazonS3ReadOnlyAccess", "ANPAIZTJ4DXE7G6AGAE6M",
     "Provides read only access to all buckets via the AWS Management Console.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]})"},
    {"AmazonDynamoDBFullAccess", "ANPAINUGF2JSOSUY76KYA",
     "Provides full access to Amazon DynamoDB via the AWS Management Console.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:*"],"Resource":"*"}]})"},
    {"AmazonDynamoDBReadOnlyAccess", "ANPAIY2XFNA232XJ6J7X2",
     "Provides read only access to Amazon DynamoDB via the AWS Management Console.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:BatchGetItem","dynamodb:Describe*","dynamodb:List*","dynamodb:GetItem","dynamodb:Query","dynamodb:Scan","dynamodb:PartiQLSelect"],"Resource":"*"}]})"},
};

const std::vector<PolicyRecord>& AwsRecords() {
  static const std::vector<PolicyRecord> records = [] {
    std::vector<PolicyRecord> out;
    for (const AwsPolicy& p : kAwsPolicies) {
      PolicyRecord r;
      r.info.name = p.name;
      r.info.policy_id = p.id;
      r.info.description = p.description;
      r.info.document = p.document;
      r.info.arn = std::string("arn:aws:iam::aws:policy/") + p.name;
      r.info.created_ms = 1423243024000;  // 2015-02-06, when AWS published them
      r.info.updated_ms = r.info.created_ms;
      r.parsed = Restore(r.info.document).parsed;
      r.versions.push_back(PolicyVersionInfo{"v1", r.info.document, true, r.info.created_ms});
      out.push_back(std::move(r));
    }
    return out;
  }();
  return records;
}

}  // namespace

const PolicyRecord* FindAwsManagedPolicy(std::string_view arn) {
  for (const PolicyRecord& r : AwsRecords()) {
    if (r.info.arn == arn) return &r;
  }
  return nullptr;
}

std::vector<const PolicyRecord*> AwsManagedPolicies() {
  std::vector<const PolicyRecord*> out;
  for (const PolicyRecord& r : AwsRecords()) out.push_back(&r);
  return out;
}

}  // namespace skiff::iam::model
