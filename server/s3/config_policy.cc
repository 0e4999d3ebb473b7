// Bucket policy documents: S3 stores the policy text as sent but refuses text that is not a JSON
// object with a Statement (MalformedPolicy). Validity is checked by a small strict RFC 8259
// recognizer (RapidJSON accepts more than S3 does by default); RapidJSON (header-only) reads
// the statements for the public-policy test.
#include <rapidjson/document.h>

#include <cctype>
#include <set>
#include <string>

#include "server/iam/policy.h"
#include "server/s3/config_docs.h"

namespace skiff::s3 {
namespace {

constexpr int kMaxDepth = 64;

class JsonRecognizer {
 public:
  explicit JsonRecognizer(std::string_view text) : s_(text) {}

  // Recognizes the whole text; collects the top-level object's member names.
  bool Document() {
    Space();
    if (!Value(0)) return false;
    Space();
    return pos_ == s_.size();
  }
  bool top_is_object() const { return top_is_object_; }
  const std::set<std::string>& top_keys() const { return top_keys_; }

 private:
  void Space() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool String(std::string* out) {
    if (!Eat('"')) return false;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c == '\\') {
        if (pos_ >= s_.size()) return false;
        char e = s_[pos_++];
        if (e == 'u') {
          for (int i = 0; i < 4; ++i) {
            if (pos_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[pos_++]))) {
              return false;
            }
          }
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return false;
        }
        if (out) *out += '?';
        continue;
      }
      if (out) *out += c;
    }
    return false;
  }
  bool Digits() {
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }
  bool Number() {
    Eat('-');
    if (Eat('0')) {
    } else if (!Digits()) {
      return false;
    }
    if (Eat('.') && !Digits()) return false;
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (!Eat('+')) Eat('-');
      if (!Digits()) return false;
    }
    return true;
  }
  bool Value(int depth) {
    if (depth > kMaxDepth || pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '{') return Object(depth);
    if (c == '[') return Array(depth);
    if (c == '"') return String(nullptr);
    if (c == 't') return Literal("true");
    if (c == 'f') return Literal("false");
    if (c == 'n') return Literal("null");
    return Number();
  }
  bool Object(int depth) {
    if (depth == 0) top_is_object_ = true;
    Eat('{');
    Space();
    if (Eat('}')) return true;
    while (true) {
      Space();
      std::string key;
      if (!String(depth == 0 ? &key : nullptr)) return false;
      if (depth == 0) top_keys_.insert(key);
      Space();
      if (!Eat(':')) return false;
      Space();
      if (!Value(depth + 1)) return false;
      Space();
      if (Eat('}')) return true;
      if (!Eat(',')) return false;
    }
  }
  bool Array(int depth) {
    Eat('[');
    Space();
    if (Eat(']')) return true;
    while (true) {
      Space();
      if (!Value(depth + 1)) return false;
      Space();
      if (Eat(']')) return true;
      if (!Eat(',')) return false;
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  bool top_is_object_ = false;
  std::set<std::string> top_keys_;
};

bool NamesEveryone(const rapidjson::Value& principal) {
  if (principal.IsString()) return std::string_view(principal.GetString()) == "*";
  if (principal.IsArray()) {
    for (const auto& p : principal.GetArray()) {
      if (NamesEveryone(p)) return true;
    }
    return false;
  }
  if (principal.IsObject()) {
    auto aws = principal.FindMember("AWS");
    return aws != principal.MemberEnd() && NamesEveryone(aws->value);
  }
  return false;
}

bool IsPublicStatement(const rapidjson::Value& s) {
  if (!s.IsObject()) return false;
  auto effect = s.FindMember("Effect");
  if (effect == s.MemberEnd() || !effect->value.IsString() ||
      std::string_view(effect->value.GetString()) != "Allow") {
    return false;
  }
  if (s.HasMember("Condition")) return false;
  auto principal = s.FindMember("Principal");
  return principal != s.MemberEnd() && NamesEveryone(principal->value);
}

}  // namespace

bool IsPublicPolicy(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  auto statements = doc.FindMember("Statement");
  if (statements == doc.MemberEnd()) return false;
  if (statements->value.IsArray()) {
    for (const auto& s : statements->value.GetArray()) {
      if (IsPublicStatement(s)) return true;
    }
    return false;
  }
  return IsPublicStatement(statements->value);
}

bool IsValidJson(std::string_view text) { return JsonRecognizer(text).Document(); }

std::optional<ErrorReply> ValidatePolicy(std::string_view json) {
  JsonRecognizer r(json);
  if (!r.Document() || !r.top_is_object()) return ErrorReply(S3Error::kMalformedPolicy);
  if (!r.top_keys().contains("Statement")) {
    return ErrorReply(S3Error::kMalformedPolicy, "Missing required field Statement");
  }
  for (const std::string& k : r.top_keys()) {
    if (k != "Version" && k != "Id" && k != "Statement") {
      return ErrorReply(S3Error::kMalformedPolicy, "Unknown field " + k);
    }
  }
  // The statements themselves: what the authorizer will evaluate must parse.
  std::string error;
  if (!iam::ParsePolicyFor(json, iam::PolicyKind::kResource, &error)) {
    return ErrorReply(S3Error::kMalformedPolicy, error);
  }
  return std::nullopt;
}

}  // namespace skiff::s3
