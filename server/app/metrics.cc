#include "server/app/metrics.h"

#include <charconv>
#include <string_view>

#include "server/common/clock.h"

namespace skiff::app {
namespace {

// A label value: backslash, double quote and newline escaped, as the text format requires.
void AppendLabel(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += "=\"";
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += '"';
}

// The shortest fixed-point text that reads back as `value` ("0.0005", not "5e-04" or
// "0.00050000000000000001").
std::string Number(double value) {
  char buffer[64];
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buffer, end) : std::string("NaN");
}

void AppendHeader(std::string& out, std::string_view name, std::string_view type,
                  std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace

Metrics::Metrics()
    : started_(std::chrono::steady_clock::now()), started_epoch_ms_(common::NowMillis()) {}

void Metrics::Observe(const common::RequestRecord& record, double latency_seconds) {
  std::lock_guard lock(mutex_);
  auto key = std::make_tuple(record.service, record.operation, record.status);
  auto it = requests_.find(key);
  if (it == requests_.end()) {
    if (requests_.size() >= kMaxSeries) std::get<1>(key) = "_other";
    it = requests_.try_emplace(std::move(key), 0).first;
  }
  ++it->second;

  Histogram& h = durations_[record.service];
  size_t bucket = 0;
  while (bucket < kBuckets.size() && latency_seconds > kBuckets[bucket]) ++bucket;
  if (bucket < kBuckets.size()) ++h.counts[bucket];
  ++h.count;
  h.sum += latency_seconds;

  if (!record.fault_rule.empty() &&
      (faults_fired_.size() < kMaxSeries || faults_fired_.count(record.fault_rule))) {
    ++faults_fired_[record.fault_rule];
  }
}

std::string Metrics::Render() const {
  const double uptime =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::string out;
  std::lock_guard lock(mutex_);

  AppendHeader(out, "skiff_requests_total", "counter",
               "Requests answered, by service, operation and HTTP status.");
  for (const auto& [key, count] : requests_) {
    const auto& [service, operation, status] = key;
    out += "skiff_requests_total{";
    AppendLabel(out, "service", service);
    out += ',';
    AppendLabel(out, "operation", operation);
    out += ',';
    AppendLabel(out, "status", std::to_string(status));
    out += "} " + std::to_string(count) + '\n';
  }

  AppendHeader(out, "skiff_request_duration_seconds", "histogram",
               "Time from the request header to the end of the response, by service.");
  for (const auto& [service, h] : durations_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= kBuckets.size(); ++i) {
      cumulative += i < kBuckets.size() ? h.counts[i] : 0;
      out += "skiff_request_duration_seconds_bucket{";
      AppendLabel(out, "service", service);
      out += ',';
      AppendLabel(out, "le", i < kBuckets.size() ? Number(kBuckets[i]) : "+Inf");
      out += "} " + std::to_string(i < kBuckets.size() ? cumulative : h.count) + '\n';
    }
    out += "skiff_request_duration_seconds_sum{";
    AppendLabel(out, "service", service);
    out += "} " + Number(h.sum) + '\n';
    out += "skiff_request_duration_seconds_count{";
    AppendLabel(out, "service", service);
    out += "} " + std::to_string(h.count) + '\n';
  }

  AppendHeader(out, "skiff_faults_fired_total", "counter",
               "Requests answered (or delayed) by a fault rule, by rule id.");
  for (const auto& [rule, count] : faults_fired_) {
    out += "skiff_faults_fired_total{";
    AppendLabel(out, "rule", rule);
    out += "} " + std::to_string(count) + '\n';
  }

  AppendHeader(out, "skiff_uptime_seconds", "gauge", "Seconds since the process started.");
  out += "skiff_uptime_seconds " + Number(uptime) + '\n';
  AppendHeader(out, "process_start_time_seconds", "gauge",
               "Start time of the process since the Unix epoch, in seconds.");
  out += "process_start_time_seconds " + Number(static_cast<double>(started_epoch_ms_) / 1000.0) +
         '\n';
  return out;
}

}  // namespace skiff::app
