// Runtime configuration: every flag also has a SKIFF_* environment variable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace skiff::common {

struct Config {
  std::string host = "127.0.0.1";
  int port = 4566;
  std::string data_dir = "./.skiff-data";
  bool in_memory = false;
  std::string credentials_file;    // --credentials FILE
  std::string credentials_spec;    // SKIFF_CREDENTIALS=AKID:SECRET[:ACCOUNT],...
  std::string log_level = "info";
  std::string log_format = "text";
  int threads = 0;                 // 0 = number of cores
  // Host suffixes for virtual-hosted-style S3 (<bucket>.<suffix>[:port]).
  std::vector<std::string> s3_hostnames = {"localhost", "s3.localhost"};
  size_t max_header_bytes = 16 * 1024;
  int idle_timeout_seconds = 60;
  int shutdown_grace_seconds = 10;
  // DynamoDB: how long CREATING/UPDATING/DELETING last (0 = tables are ACTIVE at once), so that
  // waiters can be tested.
  int64_t table_transition_ms = 0;
  // DynamoDB TTL: how often the reaper deletes expired items (0 = never).
  int64_t ttl_period_ms = 30'000;
};

}  // namespace skiff::common
