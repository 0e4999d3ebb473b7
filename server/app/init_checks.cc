#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>

#include "server/app/init_internal.h"
#include "server/iam/policy.h"

namespace skiff::app {
namespace {

bool AllOf(std::string_view s, bool (*ok)(char)) { return std::all_of(s.begin(), s.end(), ok); }

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

bool IsAccountId(std::string_view s) {
  return s.size() == 12 && AllOf(s, [](char c) { return c >= '0' && c <= '9'; });
}

bool IsRegionName(std::string_view s) {
  // Lower-case letters and digits in dash-separated parts, starting with a letter: every AWS
  // region, and the made-up ones people use locally.
  if (s.empty() || s.size() > 64 || !(s[0] >= 'a' && s[0] <= 'z') || s.back() == '-') return false;
  if (s.find("--") != std::string_view::npos) return false;
  return AllOf(s, [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

bool IsAccessKeyId(std::string_view s) {
  return s.size() >= 3 && s.size() <= 128 && AllOf(s, [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
         });
}

bool IsIamName(std::string_view s, size_t max_length) {
  return !s.empty() && s.size() <= max_length && AllOf(s, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("+=,.@_-").find(c) != std::string_view::npos;
  });
}

std::string CheckPolicyDocument(std::string_view json) {
  std::string error;
  if (iam::ParsePolicy(json, &error)) return {};
  return error.empty() ? "Syntax errors in policy." : error;
}

std::string TableKeySpec::Check() {
  auto check = [](std::string_view what, const std::string& name, std::string& type) {
    if (name.empty()) return std::string(what) + " name is empty";
    if (name.size() > 255) return std::string(what) + " name is longer than 255 bytes";
    if (type.empty()) type = "S";
    if (type != "S" && type != "N" && type != "B") {
      return std::string(what) + " " + name + " has type " + type + " (expected S, N or B)";
    }
    return std::string();
  };
  if (std::string error = check("hash key", hash, hash_type); !error.empty()) return error;
  if (range.empty() && !range_type.empty()) return "a range key type without a range key";
  if (!range.empty()) {
    if (std::string error = check("range key", range, range_type); !error.empty()) return error;
  }
  return {};
}

std::string CreateTableRequest(std::string_view name, const TableKeySpec& key,
                               std::string_view billing_mode, int64_t read, int64_t write) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto str = [&](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  auto element = [&](std::string_view first, std::string_view a, std::string_view second,
                     std::string_view b) {
    w.StartObject();
    str(first);
    str(a);
    str(second);
    str(b);
    w.EndObject();
  };
  w.StartObject();
  str("TableName");
  str(name);
  str("AttributeDefinitions");
  w.StartArray();
  element("AttributeName", key.hash, "AttributeType", key.hash_type);
  if (!key.range.empty()) element("AttributeName", key.range, "AttributeType", key.range_type);
  w.EndArray();
  str("KeySchema");
  w.StartArray();
  element("AttributeName", key.hash, "KeyType", "HASH");
  if (!key.range.empty()) element("AttributeName", key.range, "KeyType", "RANGE");
  w.EndArray();
  str("BillingMode");
  str(billing_mode);
  if (billing_mode == "PROVISIONED") {
    str("ProvisionedThroughput");
    w.StartObject();
    str("ReadCapacityUnits");
    w.Int64(read);
    str("WriteCapacityUnits");
    w.Int64(write);
    w.EndObject();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace skiff::app
