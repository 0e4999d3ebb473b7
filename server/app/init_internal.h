// Checks and builders shared by the start-up resource parsers (init_spec.cc) and their
// application (init_apply.cc). Internal to server/app.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace skiff::app {

bool IsAccountId(std::string_view s);    // 12 digits
bool IsRegionName(std::string_view s);   // "us-east-1", "eu-central-2", also custom "local-1"
bool IsAccessKeyId(std::string_view s);  // 3-128 of [A-Za-z0-9_]
// IAM user, role and policy names: 1..max_length of [A-Za-z0-9+=,.@_-].
bool IsIamName(std::string_view s, size_t max_length);
// "" when IAM's parser accepts the document, else its MalformedPolicyDocument wording.
std::string CheckPolicyDocument(std::string_view json);

// A table key as the short forms give it; types default to S.
struct TableKeySpec {
  std::string hash, hash_type;
  std::string range, range_type;
  // Fills default types; "" or what is wrong (empty names, types other than S, N, B).
  std::string Check();
};

// The CreateTable request for a short-form table. `read`/`write` are used when PROVISIONED.
std::string CreateTableRequest(std::string_view name, const TableKeySpec& key,
                               std::string_view billing_mode, int64_t read, int64_t write);

}  // namespace skiff::app
