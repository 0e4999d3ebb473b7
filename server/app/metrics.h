// Request counters and latency histograms behind /_skiff/metrics, rendered in the Prometheus text
// exposition format 0.0.4. Fed by the common::RecordSink with every completed request.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "server/common/request_log.h"

namespace skiff::app {

class Metrics {
 public:
  // Upper bounds (seconds) of the latency histogram buckets; +Inf is implicit.
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.25,  0.5,
                                                      1,      2.5,   5,      10};
  // Distinct {service, operation, status} series kept; beyond it, new series are counted under
  // operation "_other" so a client sending made-up operation names cannot grow memory unbounded.
  static constexpr size_t kMaxSeries = 4096;

  Metrics();

  // Counts one completed request that took `latency_seconds`; a non-empty record.fault_rule
  // also counts a fired fault.
  void Observe(const common::RequestRecord& record, double latency_seconds);

  // The whole exposition (Content-Type "text/plain; version=0.0.4").
  std::string Render() const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};  // per bucket, not cumulative
    uint64_t count = 0;
    double sum = 0;
  };

  const std::chrono::steady_clock::time_point started_;
  const int64_t started_epoch_ms_;  // the same instant on the wall clock
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> durations_;  // by service
  std::map<std::string, uint64_t> faults_fired_;  // by rule id
};

}  // namespace skiff::app
