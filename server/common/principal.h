#pragma once

#include <string>

namespace skiff::common {

// Who made an authenticated request, and where it was aimed.
struct Principal {
  std::string access_key;
  std::string account_id;
  std::string arn;        // arn:aws:iam::000000000000:root, ...:user/name, assumed-role ARN
  std::string user_name;  // "" for the account root
  std::string region;     // SigV4 scope region: the region of the request
  std::string service;    // SigV4 scope service
  bool anonymous = false;
};

}  // namespace skiff::common
