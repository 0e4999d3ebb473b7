#include "server/common/config_flags.h"

#include <charconv>
#include <string_view>

#include "server/common/request_log.h"

namespace skiff::common {
namespace {

std::optional<int> ParseInt(std::string_view text, int min, int max) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

std::optional<bool> ParseBool(std::string_view text) {
  if (text == "1" || text == "true" || text == "TRUE" || text == "True" || text == "yes") {
    return true;
  }
  if (text == "0" || text == "false" || text == "FALSE" || text == "False" || text == "no" ||
      text.empty()) {
    return false;
  }
  return std::nullopt;
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return out;
}

std::string Invalid(std::string_view source, std::string_view value, std::string_view expected) {
  return "invalid value \"" + std::string(value) + "\" for " + std::string(source) + ": expected " +
         std::string(expected);
}

// Applies one setting (from a flag or an environment variable); returns an error or "".
// `name` is the flag name without dashes; `source` names it in messages.
std::string Apply(Config& config, std::string_view name, std::string_view value,
                  std::string_view source) {
  if (name == "host") {
    if (value.empty()) return Invalid(source, value, "a host name or address");
    config.host = std::string(value);
  } else if (name == "port") {
    auto port = ParseInt(value, 0, 65535);
    if (!port) return Invalid(source, value, "a port number 0-65535 (0 = any free port)");
    config.port = *port;
  } else if (name == "data-dir") {
    if (value.empty()) return Invalid(source, value, "a directory");
    config.data_dir = std::string(value);
  } else if (name == "in-memory") {
    auto on = ParseBool(value);
    if (!on) return Invalid(source, value, "1/true or 0/false");
    config.in_memory = *on;
  } else if (name == "credentials") {
    if (value.empty()) return Invalid(source, value, "a JSON credentials file");
    config.credentials_file = std::string(value);
  } else if (name == "credentials-spec") {
    config.credentials_spec = std::string(value);
  } else if (name == "log-level") {
    LogLevel level;
    if (!ParseLogLevel(value, &level)) {
      return Invalid(source, value, "debug, info, warn or error");
    }
    config.log_level = std::string(value);
  } else if (name == "log-format") {
    LogFormat format;
    if (!ParseLogFormat(value, &format)) return Invalid(source, value, "text or json");
    config.log_format = std::string(value);
  } else if (name == "threads") {
    auto threads = ParseInt(value, 0, 1024);
    if (!threads) return Invalid(source, value, "a thread count 0-1024 (0 = one per core)");
    config.threads = *threads;
  } else if (name == "idle-timeout") {
    auto seconds = ParseInt(value, 1, 86'400);
    if (!seconds) return Invalid(source, value, "seconds 1-86400");
    config.idle_timeout_seconds = *seconds;
  } else if (name == "max-db-mb") {
    auto mb = ParseInt(value, 0, 1'000'000'000);
    if (!mb) return Invalid(source, value, "megabytes (0 = no cap)");
    config.max_db_mb = *mb;
  } else if (name == "table-transition-ms") {
    auto ms = ParseInt(value, 0, 3'600'000);
    if (!ms) return Invalid(source, value, "milliseconds 0-3600000");
    config.table_transition_ms = *ms;
  } else if (name == "ttl-period-ms") {
    auto ms = ParseInt(value, 0, 86'400'000);
    if (!ms) return Invalid(source, value, "milliseconds 0-86400000 (0 = no TTL reaper)");
    config.ttl_period_ms = *ms;
  } else if (name == "faults") {
    if (value.empty()) return Invalid(source, value, "a JSON fault-rule file or inline JSON");
    config.faults = std::string(value);
  } else if (name == "admin-token") {
    config.admin_token = std::string(value);
  } else if (name == "journal-size") {
    auto n = ParseInt(value, 0, 1'000'000);
    if (!n) return Invalid(source, value, "a request count 0-1000000");
    config.journal_size = static_cast<size_t>(*n);
  } else if (name == "oidc-issuers") {
    config.oidc_issuers = SplitList(value);
  } else if (name == "tls-cert") {
    if (value.empty()) return Invalid(source, value, "a PEM certificate file");
    config.tls_cert = std::string(value);
  } else if (name == "tls-key") {
    if (value.empty()) return Invalid(source, value, "a PEM private key file");
    config.tls_key = std::string(value);
  } else if (name == "tls-self-signed") {
    auto on = ParseBool(value);
    if (!on) return Invalid(source, value, "1/true or 0/false");
    config.tls_self_signed = *on;
  } else if (name == "init") {
    if (value.empty()) return Invalid(source, value, "a JSON init file");
    config.init_file = std::string(value);
  } else if (name == "buckets") {
    config.buckets_spec = std::string(value);
  } else if (name == "tables") {
    config.tables_spec = std::string(value);
  } else if (name == "s3-hostnames") {
    config.s3_hostnames = SplitList(value);
    if (config.s3_hostnames.empty()) return Invalid(source, value, "a comma-separated host list");
  } else {
    return "unknown setting " + std::string(source);
  }
  return "";
}

struct EnvBinding {
  const char* variable;
  const char* setting;
};

constexpr EnvBinding kEnv[] = {
    {"SKIFF_HOST", "host"},
    {"SKIFF_PORT", "port"},
    {"SKIFF_DATA_DIR", "data-dir"},
    {"SKIFF_IN_MEMORY", "in-memory"},
    {"SKIFF_CREDENTIALS", "credentials-spec"},
    {"SKIFF_CREDENTIALS_FILE", "credentials"},
    {"SKIFF_LOG_LEVEL", "log-level"},
    {"SKIFF_LOG_FORMAT", "log-format"},
    {"SKIFF_THREADS", "threads"},
    {"SKIFF_IDLE_TIMEOUT", "idle-timeout"},
    {"SKIFF_MAX_DB_MB", "max-db-mb"},
    {"SKIFF_S3_HOSTNAMES", "s3-hostnames"},
    {"SKIFF_TABLE_TRANSITION_MS", "table-transition-ms"},
    {"SKIFF_TTL_PERIOD_MS", "ttl-period-ms"},
    {"SKIFF_FAULTS", "faults"},
    {"SKIFF_ADMIN_TOKEN", "admin-token"},
    {"SKIFF_JOURNAL_SIZE", "journal-size"},
    {"SKIFF_OIDC_ISSUERS", "oidc-issuers"},
    {"SKIFF_TLS_CERT", "tls-cert"},
    {"SKIFF_TLS_KEY", "tls-key"},
    {"SKIFF_TLS_SELF_SIGNED", "tls-self-signed"},
    {"SKIFF_INIT", "init"},
    {"SKIFF_BUCKETS", "buckets"},
    {"SKIFF_TABLES", "tables"},
};

// Flags that take a value; --in-memory, --help and --version do not.
constexpr std::string_view kValueFlags[] = {"host",      "port",       "data-dir", "credentials",
                                            "log-level", "log-format", "threads",  "s3-hostname",
                                            "table-transition-ms", "ttl-period-ms",
                                            "faults",    "admin-token", "journal-size",
                                            "oidc-issuer", "tls-cert",  "tls-key",  "init",
                                            "buckets",   "tables",   "idle-timeout",
                                            "max-db-mb"};

bool TakesValue(std::string_view name) {
  for (auto f : kValueFlags) {
    if (f == name) return true;
  }
  return false;
}

}  // namespace

std::string Usage() {
  return R"(Usage: skiff [flags]
       skiff healthcheck [--port N] [--host H]
       skiff compat

A local S3 and DynamoDB emulator on one port, backed by one SQLite file.
`skiff healthcheck` asks a running Skiff for GET /_skiff/health (port and host from the flags or
SKIFF_PORT/SKIFF_HOST, https when SKIFF_TLS_* is set) and exits 0 when it answers 200, else 1.
`skiff compat` prints which S3, DynamoDB, STS and IAM operations Skiff supports (Markdown).

Flags (each also from the environment variable in brackets; flags win):
  --host HOST            address to listen on (default 127.0.0.1) [SKIFF_HOST]
  --port N               port, 0 = any free port (default 4566) [SKIFF_PORT]
  --data-dir DIR         where skiff.db lives (default ./.skiff-data) [SKIFF_DATA_DIR]
  --in-memory            keep all state in RAM [SKIFF_IN_MEMORY=1|true]
  --credentials FILE     JSON list of {accessKeyId, secretAccessKey, accountId, userName}
                         [SKIFF_CREDENTIALS_FILE]; SKIFF_CREDENTIALS=AKID:SECRET[:ACCOUNT],...
                         adds keys inline. test/test (account 000000000000) always exists.
  --log-level LEVEL      debug, info, warn or error (default info) [SKIFF_LOG_LEVEL]
  --log-format FORMAT    text or json (default text) [SKIFF_LOG_FORMAT]
  --threads N            I/O threads, 0 = one per core (default 0) [SKIFF_THREADS]
  --idle-timeout N       close a connection after N seconds without traffic (default 60)
                         [SKIFF_IDLE_TIMEOUT]
  --max-db-mb N          cap the database at N MiB; writes beyond it fail as on a full disk
                         (default 0: no cap) [SKIFF_MAX_DB_MB]
  --s3-hostname SUFFIX   virtual-hosted-style suffix, repeatable (default localhost and
                         s3.localhost) [SKIFF_S3_HOSTNAMES=a,b]
  --table-transition-ms N  DynamoDB tables stay CREATING/UPDATING/DELETING for N ms
                         (default 0: ACTIVE at once) [SKIFF_TABLE_TRANSITION_MS]
  --ttl-period-ms N      how often expired DynamoDB items are deleted (default 30000,
                         0 = never) [SKIFF_TTL_PERIOD_MS]
  --faults FILE|JSON     fault rules applied from start-up [SKIFF_FAULTS]
  --admin-token TOKEN    /_skiff/* (except health) needs "Authorization: Bearer TOKEN"
                         [SKIFF_ADMIN_TOKEN]
  --journal-size N       requests kept by /_skiff/journal (default 1000) [SKIFF_JOURNAL_SIZE]
  --oidc-issuer URL      a trusted issuer for AssumeRoleWithWebIdentity, repeatable
                         [SKIFF_OIDC_ISSUERS=a,b]
  --tls-cert FILE        serve HTTPS with this PEM certificate (needs --tls-key) [SKIFF_TLS_CERT]
  --tls-key FILE         the certificate's PEM private key [SKIFF_TLS_KEY]
  --tls-self-signed      serve HTTPS with a certificate for localhost generated at start-up
                         [SKIFF_TLS_SELF_SIGNED=1]
  --init FILE            buckets, tables, credentials, users, policies and fault rules to
                         create before the port opens [SKIFF_INIT]
  --buckets SPEC         buckets created at start-up: name[@region][:versioned],...
                         (region us-east-1 by default) [SKIFF_BUCKETS]
  --tables SPEC          DynamoDB tables (on demand) created at start-up:
                         name[@region]:HashKey[/TYPE][:RangeKey[/TYPE]],... (TYPE S, N or B;
                         default S) [SKIFF_TABLES]
  --version              print the version and exit
  --help                 print this help and exit
)";
}

FlagsResult ParseFlags(const std::vector<std::string>& args,
                       const std::function<std::optional<std::string>(const char*)>& getenv) {
  FlagsResult result;
  for (const auto& binding : kEnv) {
    std::optional<std::string> value = getenv(binding.variable);
    if (!value) continue;
    std::string error = Apply(result.config, binding.setting, *value, binding.variable);
    if (!error.empty()) {
      result.action = FlagsResult::Action::kError;
      result.error = std::move(error);
      return result;
    }
  }

  bool hostnames_from_flags = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    auto fail = [&](std::string message) {
      result.action = FlagsResult::Action::kError;
      result.error = std::move(message);
      return result;
    };
    if (!arg.starts_with("--")) return fail("unexpected argument \"" + std::string(arg) + "\"");
    std::string_view name = arg.substr(2);
    std::optional<std::string_view> value;
    if (size_t eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const std::string flag = "--" + std::string(name);
    if (name == "help" || name == "version") {
      if (value) return fail(flag + " takes no value");
      result.action = name == "help" ? FlagsResult::Action::kHelp : FlagsResult::Action::kVersion;
      return result;
    }
    if (name == "in-memory" || name == "tls-self-signed") {
      std::string error = Apply(result.config, name, value.value_or("true"), flag);
      if (!error.empty()) return fail(error);
      continue;
    }
    if (!TakesValue(name)) return fail("unknown flag " + flag + " (see --help)");
    if (!value) {
      if (i + 1 >= args.size()) return fail(flag + " needs a value");
      value = args[++i];
    }
    std::string error;
    if (name == "oidc-issuer") {
      // Repeatable: adds to SKIFF_OIDC_ISSUERS.
      if (value->empty()) return fail(Invalid(flag, *value, "an issuer URL"));
      result.config.oidc_issuers.emplace_back(*value);
    } else if (name == "s3-hostname") {
      // Repeatable: the first use replaces the defaults (and SKIFF_S3_HOSTNAMES).
      if (value->empty()) return fail(Invalid(flag, *value, "a host name suffix"));
      if (!hostnames_from_flags) result.config.s3_hostnames.clear();
      hostnames_from_flags = true;
      result.config.s3_hostnames.emplace_back(*value);
    } else {
      error = Apply(result.config, name, *value, flag);
    }
    if (!error.empty()) return fail(error);
  }
  return result;
}

}  // namespace skiff::common
