#include "server/common/config_flags.h"

#include <gtest/gtest.h>

#include <map>

namespace skiff::common {
namespace {

using Env = std::map<std::string, std::string>;

FlagsResult Parse(std::vector<std::string> args, Env env = {}) {
  return ParseFlags(args, [&env](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

TEST(ConfigFlagsTest, Defaults) {
  FlagsResult r = Parse({});
  ASSERT_EQ(r.action, FlagsResult::Action::kRun);
  EXPECT_EQ(r.config.host, "127.0.0.1");
  EXPECT_EQ(r.config.port, 4566);
  EXPECT_EQ(r.config.data_dir, "./.skiff-data");
  EXPECT_FALSE(r.config.in_memory);
  EXPECT_EQ(r.config.threads, 0);
  EXPECT_EQ(r.config.log_level, "info");
  EXPECT_EQ(r.config.log_format, "text");
  EXPECT_EQ(r.config.s3_hostnames, (std::vector<std::string>{"localhost", "s3.localhost"}));
}

TEST(ConfigFlagsTest, FlagsInBothSpellings) {
  FlagsResult r =
      Parse({"--host", "0.0.0.0", "--port=0", "--data-dir", "/tmp/d", "--in-memory",
             "--credentials", "/etc/creds.json", "--log-level=debug", "--log-format", "json",
             "--threads", "3", "--s3-hostname", "a.test", "--s3-hostname=b.test"});
  ASSERT_EQ(r.action, FlagsResult::Action::kRun) << r.error;
  EXPECT_EQ(r.config.host, "0.0.0.0");
  EXPECT_EQ(r.config.port, 0);
  EXPECT_EQ(r.config.data_dir, "/tmp/d");
  EXPECT_TRUE(r.config.in_memory);
  EXPECT_EQ(r.config.credentials_file, "/etc/creds.json");
  EXPECT_EQ(r.config.log_level, "debug");
  EXPECT_EQ(r.config.log_format, "json");
  EXPECT_EQ(r.config.threads, 3);
  EXPECT_EQ(r.config.s3_hostnames, (std::vector<std::string>{"a.test", "b.test"}));
}

TEST(ConfigFlagsTest, EnvironmentAndFlagsOverrideIt) {
  Env env = {{"SKIFF_HOST", "10.0.0.1"},
             {"SKIFF_PORT", "5000"},
             {"SKIFF_DATA_DIR", "/data"},
             {"SKIFF_IN_MEMORY", "1"},
             {"SKIFF_CREDENTIALS", "A:B:123456789012"},
             {"SKIFF_CREDENTIALS_FILE", "/c.json"},
             {"SKIFF_LOG_LEVEL", "warn"},
             {"SKIFF_LOG_FORMAT", "json"},
             {"SKIFF_THREADS", "4"},
             {"SKIFF_S3_HOSTNAMES", "x.test, y.test"}};
  FlagsResult r = Parse({}, env);
  ASSERT_EQ(r.action, FlagsResult::Action::kRun) << r.error;
  EXPECT_EQ(r.config.host, "10.0.0.1");
  EXPECT_EQ(r.config.port, 5000);
  EXPECT_EQ(r.config.data_dir, "/data");
  EXPECT_TRUE(r.config.in_memory);
  EXPECT_EQ(r.config.credentials_spec, "A:B:123456789012");
  EXPECT_EQ(r.config.credentials_file, "/c.json");
  EXPECT_EQ(r.config.log_level, "warn");
  EXPECT_EQ(r.config.log_format, "json");
  EXPECT_EQ(r.config.threads, 4);
  EXPECT_EQ(r.config.s3_hostnames, (std::vector<std::string>{"x.test", "y.test"}));

  r = Parse({"--port", "6000", "--threads=1", "--s3-hostname", "z.test"}, env);
  ASSERT_EQ(r.action, FlagsResult::Action::kRun) << r.error;
  EXPECT_EQ(r.config.port, 6000);
  EXPECT_EQ(r.config.threads, 1);
  EXPECT_EQ(r.config.s3_hostnames, (std::vector<std::string>{"z.test"}));
  EXPECT_EQ(r.config.host, "10.0.0.1");

  EXPECT_FALSE(Parse({}, {{"SKIFF_IN_MEMORY", "false"}}).config.in_memory);
  EXPECT_TRUE(Parse({}, {{"SKIFF_IN_MEMORY", "true"}}).config.in_memory);
}

TEST(ConfigFlagsTest, BadValuesAreErrors) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--port", "abc"},
           {"--port", "70000"},
           {"--port", "-1"},
           {"--threads", "x"},
           {"--log-level", "loud"},
           {"--log-format", "xml"},
           {"--bogus"},
           {"stray"},
           {"--port"},
           {"--in-memory=maybe"},
           {"--version=1"},
           {"--s3-hostname="},
       }) {
    FlagsResult r = Parse(args);
    EXPECT_EQ(r.action, FlagsResult::Action::kError) << args[0];
    EXPECT_FALSE(r.error.empty());
  }
  FlagsResult r = Parse({}, {{"SKIFF_PORT", "http"}});
  EXPECT_EQ(r.action, FlagsResult::Action::kError);
  EXPECT_NE(r.error.find("SKIFF_PORT"), std::string::npos) << r.error;
}

TEST(ConfigFlagsTest, HelpAndVersion) {
  EXPECT_EQ(Parse({"--help"}).action, FlagsResult::Action::kHelp);
  EXPECT_EQ(Parse({"--port", "1", "--version"}).action, FlagsResult::Action::kVersion);
  EXPECT_NE(Usage().find("--s3-hostname"), std::string::npos);
}

}  // namespace
}  // namespace skiff::common
