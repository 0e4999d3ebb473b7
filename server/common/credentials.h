// Access keys -> secrets -> accounts. Thread-safe; credentials can change at runtime (admin API,
// STS-issued temporary credentials).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::common {

struct Credential {
  std::string access_key;
  std::string secret;
  std::string account_id = "000000000000";
  std::string user_name;      // "" = the account root
  std::string session_token;  // non-empty for temporary credentials (must then be presented)
  std::optional<std::chrono::system_clock::time_point> expires;
  // The principal ARN: arn:aws:iam::<acct>:root, arn:aws:iam::<acct>:user/<name>, or an
  // assumed-role ARN for STS credentials.
  std::string arn;
  // GetCallerIdentity's UserId: "AIDA…" for IAM users, "AROA…:<session>" for assumed roles;
  // "" = derived (the account id for the root, the access key otherwise).
  std::string user_id;
};

class CredentialStore {
 public:
  CredentialStore();  // holds the default test/test on 000000000000
  std::optional<Credential> Find(std::string_view access_key) const;
  void Put(Credential credential);  // adds or replaces; fills `arn` when empty
  bool Remove(std::string_view access_key);
  std::vector<Credential> List() const;
  void Clear();

  // "AKID:SECRET[:ACCOUNT],..." (SKIFF_CREDENTIALS). Returns an error message or "".
  std::string LoadSpec(std::string_view spec);
  // JSON file: [{"accessKeyId","secretAccessKey","accountId","userName"}...]. Error or "".
  std::string LoadFile(const std::string& path);

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, Credential, std::less<>> by_key_;
};

}  // namespace skiff::common
