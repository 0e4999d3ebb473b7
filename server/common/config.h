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
  int idle_timeout_seconds = 60;   // --idle-timeout: closes a connection silent this long
  int max_db_mb = 0;               // --max-db-mb: database size cap (0 = none); beyond it,
                                   // writes fail as on a full disk
  int shutdown_grace_seconds = 10;
  // DynamoDB: how long CREATING/UPDATING/DELETING last (0 = tables are ACTIVE at once), so that
  // waiters can be tested.
  int64_t table_transition_ms = 0;
  // DynamoDB TTL: how often the reaper deletes expired items (0 = never).
  int64_t ttl_period_ms = 30'000;

  // --- reproducible errors (issue 5) ---
  std::string faults;              // --faults FILE / SKIFF_FAULTS (a file, or inline JSON)
  std::string admin_token;         // --admin-token: /_skiff/* needs "Authorization: Bearer <t>"
  size_t journal_size = 1000;      // --journal-size: requests kept by /_skiff/journal
  std::vector<std::string> oidc_issuers;  // --oidc-issuer (repeatable): trusted JWT issuers

  // --- drop-in for CI (issue 6) ---
  std::string tls_cert;            // --tls-cert PEM
  std::string tls_key;             // --tls-key PEM
  bool tls_self_signed = false;    // --tls-self-signed: generate a localhost certificate
  std::string init_file;           // --init FILE: resources applied before the port opens
  std::string buckets_spec;        // --buckets / SKIFF_BUCKETS=name[@region][:versioned],...
  std::string tables_spec;         // --tables / SKIFF_TABLES=name:HashKey[:RangeKey],...
};

}  // namespace skiff::common
