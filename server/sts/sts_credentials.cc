#include "server/sts/sts_credentials.h"

#include <cstdlib>
#include <mutex>
#include <random>

namespace skiff::sts {
namespace {

std::string Random(std::string_view alphabet, size_t count) {
  static std::mutex mutex;
  static std::mt19937_64 engine{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string out;
  out.reserve(count);
  std::lock_guard lock(mutex);
  for (size_t i = 0; i < count; ++i) out += alphabet[pick(engine)];
  return out;
}

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool IsSessionNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
}

}  // namespace

common::Credential IssueCredentials(const Call& call, const common::Credential& identity,
                                    int duration_seconds) {
  common::Credential c;
  c.access_key = "ASIA" + Random(kBase32, 16);
  c.secret = Random(kBase64, 40);
  // Real session tokens are opaque base64 of a few hundred bytes; clients only echo them.
  c.session_token = "IQoJb3JpZ2luX2VjE" + Random(kBase64, 340);
  c.account_id = identity.account_id;
  c.user_name = identity.user_name;
  c.arn = identity.arn;
  c.user_id = identity.user_id;
  c.expires = std::chrono::time_point_cast<std::chrono::seconds>(call.now) +
              std::chrono::seconds(duration_seconds);
  call.options.credentials->Put(c);
  return c;
}

std::string CredentialsXml(const common::Credential& issued) {
  return "    <Credentials>\n" + Element("AccessKeyId", issued.access_key, 6) +
         Element("SecretAccessKey", issued.secret, 6) +
         Element("SessionToken", issued.session_token, 6) +
         Element("Expiration", Timestamp(*issued.expires), 6) + "    </Credentials>\n";
}

std::optional<QueryError> DurationParam(const Call& call, int min, int max, int fallback,
                                        int* out) {
  std::optional<std::string> text = Param(call, "DurationSeconds");
  if (!text) {
    *out = fallback;
    return std::nullopt;
  }
  char* end = nullptr;
  long value = std::strtol(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0') {
    return ValidationError("1 validation error detected: Value '" + *text +
                           "' at 'durationSeconds' failed to satisfy constraint: Member must be "
                           "an integer");
  }
  if (value < min || value > max) {
    return ValidationError("1 validation error detected: Value '" + *text +
                           "' at 'durationSeconds' failed to satisfy constraint: Member must "
                           "have value " +
                           (value < min ? "greater than or equal to " + std::to_string(min)
                                        : "less than or equal to " + std::to_string(max)));
  }
  *out = static_cast<int>(value);
  return std::nullopt;
}

std::optional<QueryError> ValidateSessionName(std::string_view name) {
  auto fail = [&](std::string_view constraint) {
    return ValidationError("1 validation error detected: Value '" + std::string(name) +
                           "' at 'roleSessionName' failed to satisfy constraint: " +
                           std::string(constraint));
  };
  if (name.size() < 2) return fail("Member must have length greater than or equal to 2");
  if (name.size() > 64) return fail("Member must have length less than or equal to 64");
  for (char c : name) {
    if (!IsSessionNameChar(c)) {
      return fail("Member must satisfy regular expression pattern: [\\w+=,.@-]*");
    }
  }
  return std::nullopt;
}

bool ParseRoleArn(std::string_view arn, std::string* account, std::string* name) {
  constexpr std::string_view kPrefix = "arn:aws:iam::";
  if (!arn.starts_with(kPrefix)) return false;
  arn.remove_prefix(kPrefix.size());
  size_t colon = arn.find(':');
  if (colon != 12) return false;
  for (char c : arn.substr(0, 12)) {
    if (c < '0' || c > '9') return false;
  }
  std::string_view rest = arn.substr(13);
  if (!rest.starts_with("role/")) return false;
  std::string_view path_and_name = rest.substr(4);  // "/path/name"
  size_t slash = path_and_name.rfind('/');
  std::string_view role = path_and_name.substr(slash + 1);
  if (role.empty()) return false;
  *account = std::string(arn.substr(0, 12));
  *name = std::string(role);
  return true;
}

}  // namespace skiff::sts
