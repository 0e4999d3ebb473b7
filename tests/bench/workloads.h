#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/bench/http_client.h"

namespace skiff::bench {

inline constexpr std::string_view kBucket = "skiff-bench";
inline constexpr std::string_view kListBucket = "skiff-bench-list";
inline constexpr std::string_view kTable = "skiff-bench";
inline constexpr std::string_view kLockTable = "skiff-bench-locks";
inline constexpr int kListKeys = 10000;

// One request of a workload iteration, unsigned, with what a correct answer looks like.
struct Step {
  Request request;
  std::string service;         // "s3" or "dynamodb": the SigV4 scope service
  std::string payload_hash;    // precomputed for constant bodies, else empty
  int expected_status = 200;
  std::optional<size_t> expected_body_size;
  std::string expected_error;  // DynamoDB __type suffix that must appear in the body
};

struct RunContext {
  std::string nonce;  // unique per run, so "new key" workloads never collide across runs
  bool floor = false; // against the nginx floor: every answer is a 200 (1 MiB static for GETs)
};

// Names of the measured workloads, in table order.
const std::vector<std::string>& WorkloadNames();
bool IsWorkload(std::string_view name);
// Requests per iteration (2 for the Terraform lock/unlock pair, else 1).
int StepsPerIteration(std::string_view workload);
Step BuildStep(std::string_view workload, const RunContext& context, int connection,
               uint64_t seq, int step);

// Idempotent fixture creation: buckets, the 1 KiB/1 MiB objects, 10,000 list keys, tables,
// the item the conditional-failure workload collides with. Returns false with a message.
bool Setup(const std::string& host, uint16_t port, std::string& error);

}  // namespace skiff::bench
