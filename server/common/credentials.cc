#include "server/common/credentials.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stream.h>

#include <fstream>
#include <sstream>

namespace skiff::common {
namespace {

constexpr std::string_view kDefaultAccount = "000000000000";

bool IsAccountId(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string DefaultArn(const Credential& c) {
  if (c.user_name.empty()) return "arn:aws:iam::" + c.account_id + ":root";
  return "arn:aws:iam::" + c.account_id + ":user/" + c.user_name;
}

}  // namespace

CredentialStore::CredentialStore() {
  Credential test;
  test.access_key = "test";
  test.secret = "test";
  test.account_id = std::string(kDefaultAccount);
  Put(std::move(test));
}

std::optional<Credential> CredentialStore::Find(std::string_view access_key) const {
  std::shared_lock lock(mutex_);
  auto it = by_key_.find(access_key);
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

void CredentialStore::Put(Credential credential) {
  if (credential.arn.empty()) credential.arn = DefaultArn(credential);
  std::unique_lock lock(mutex_);
  std::string key = credential.access_key;
  by_key_.insert_or_assign(std::move(key), std::move(credential));
}

bool CredentialStore::Remove(std::string_view access_key) {
  std::unique_lock lock(mutex_);
  auto it = by_key_.find(access_key);
  if (it == by_key_.end()) return false;
  by_key_.erase(it);
  return true;
}

std::vector<Credential> CredentialStore::List() const {
  std::shared_lock lock(mutex_);
  std::vector<Credential> out;
  out.reserve(by_key_.size());
  for (const auto& [key, c] : by_key_) out.push_back(c);
  return out;
}

void CredentialStore::Clear() {
  std::unique_lock lock(mutex_);
  by_key_.clear();
}

std::string CredentialStore::LoadSpec(std::string_view spec) {
  // All entries are validated before any is added: a typo must not leave half a list loaded.
  std::vector<Credential> parsed;
  while (!spec.empty()) {
    size_t comma = spec.find(',');
    std::string_view entry = Trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    if (entry.empty()) continue;
    Credential c;
    size_t first = entry.find(':');
    size_t second = first == std::string_view::npos ? first : entry.find(':', first + 1);
    if (first == std::string_view::npos) {
      return "credential \"" + std::string(entry) + "\": expected AKID:SECRET[:ACCOUNT]";
    }
    c.access_key = std::string(entry.substr(0, first));
    if (second == std::string_view::npos) {
      c.secret = std::string(entry.substr(first + 1));
      c.account_id = std::string(kDefaultAccount);
    } else {
      c.secret = std::string(entry.substr(first + 1, second - first - 1));
      c.account_id = std::string(entry.substr(second + 1));
    }
    if (c.access_key.empty() || c.secret.empty()) {
      return "credential \"" + std::string(entry) + "\": access key and secret must not be empty";
    }
    if (!IsAccountId(c.account_id)) {
      return "credential \"" + std::string(entry) + "\": account id \"" + c.account_id +
             "\" is not 12 digits";
    }
    parsed.push_back(std::move(c));
  }
  for (auto& c : parsed) Put(std::move(c));
  return "";
}

std::string CredentialStore::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return path + ": cannot open";
  std::stringstream content;
  content << in.rdbuf();
  std::string text = content.str();

  rapidjson::Document doc;
  rapidjson::StringStream stream(text.c_str());
  doc.ParseStream<rapidjson::kParseStopWhenDoneFlag>(stream);
  if (doc.HasParseError()) {
    return path + ": invalid JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
           rapidjson::GetParseError_En(doc.GetParseError());
  }
  // kParseStopWhenDoneFlag stops after the value; anything but whitespace after it is an error.
  for (size_t i = stream.Tell(); i < text.size(); ++i) {
    char c = text[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      return path + ": unexpected content after the JSON value at offset " + std::to_string(i);
    }
  }
  if (!doc.IsArray()) return path + ": expected a JSON array of credentials";
  std::vector<Credential> parsed;
  size_t index = 0;
  for (const auto& item : doc.GetArray()) {
    std::string where = path + ": entry " + std::to_string(index++);
    if (!item.IsObject()) return where + ": expected an object";
    Credential c;
    c.account_id = std::string(kDefaultAccount);
    for (const auto& m : item.GetObject()) {
      std::string name(m.name.GetString(), m.name.GetStringLength());
      std::string* target = nullptr;
      if (name == "accessKeyId") {
        target = &c.access_key;
      } else if (name == "secretAccessKey") {
        target = &c.secret;
      } else if (name == "accountId") {
        target = &c.account_id;
      } else if (name == "userName") {
        target = &c.user_name;
      } else {
        return where + ": unknown member \"" + name + "\"";
      }
      if (!m.value.IsString()) return where + ": \"" + name + "\" must be a string";
      *target = std::string(m.value.GetString(), m.value.GetStringLength());
    }
    if (c.access_key.empty()) return where + ": \"accessKeyId\" is required";
    if (c.secret.empty()) return where + ": \"secretAccessKey\" is required";
    if (!IsAccountId(c.account_id)) {
      return where + ": \"accountId\" \"" + c.account_id + "\" is not 12 digits";
    }
    parsed.push_back(std::move(c));
  }
  for (auto& c : parsed) Put(std::move(c));
  return "";
}

}  // namespace skiff::common
