// /_skiff/metrics text: Prometheus exposition format 0.0.4.
#include "server/app/metrics.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

namespace skiff::app {
namespace {

common::RequestRecord Record(std::string service, std::string operation, int status) {
  common::RequestRecord r;
  r.service = std::move(service);
  r.operation = std::move(operation);
  r.status = status;
  return r;
}

bool HasLine(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

TEST(MetricsTest, CountsRequestsByServiceOperationAndStatus) {
  Metrics m;
  m.Observe(Record("s3", "PutObject", 200), 0.002);
  m.Observe(Record("s3", "PutObject", 200), 0.003);
  m.Observe(Record("s3", "GetObject", 404), 0.001);
  m.Observe(Record("dynamodb", "GetItem", 200), 0.0004);
  std::string text = m.Render();
  EXPECT_TRUE(HasLine(text, "# TYPE skiff_requests_total counter")) << text;
  EXPECT_TRUE(HasLine(
      text, "skiff_requests_total{service=\"s3\",operation=\"PutObject\",status=\"200\"} 2"))
      << text;
  EXPECT_TRUE(HasLine(
      text, "skiff_requests_total{service=\"s3\",operation=\"GetObject\",status=\"404\"} 1"));
  EXPECT_TRUE(HasLine(
      text, "skiff_requests_total{service=\"dynamodb\",operation=\"GetItem\",status=\"200\"} 1"));
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics m;
  m.Observe(Record("s3", "PutObject", 200), 0.0004);  // le 0.0005
  m.Observe(Record("s3", "PutObject", 200), 0.003);   // le 0.005
  m.Observe(Record("s3", "PutObject", 200), 0.005);   // le 0.005 (bounds are inclusive)
  m.Observe(Record("s3", "PutObject", 200), 30);      // only +Inf
  std::string text = m.Render();
  EXPECT_TRUE(HasLine(text, "# TYPE skiff_request_duration_seconds histogram"));
  const std::string bucket = "skiff_request_duration_seconds_bucket{service=\"s3\",le=";
  EXPECT_TRUE(HasLine(text, bucket + "\"0.0005\"} 1")) << text;
  EXPECT_TRUE(HasLine(text, bucket + "\"0.0025\"} 1"));
  EXPECT_TRUE(HasLine(text, bucket + "\"0.005\"} 3"));
  EXPECT_TRUE(HasLine(text, bucket + "\"10\"} 3"));
  EXPECT_TRUE(HasLine(text, bucket + "\"+Inf\"} 4"));
  EXPECT_TRUE(HasLine(text, "skiff_request_duration_seconds_count{service=\"s3\"} 4"));
  const std::string sum_prefix = "skiff_request_duration_seconds_sum{service=\"s3\"} ";
  size_t at = text.find(sum_prefix);
  ASSERT_NE(at, std::string::npos);
  EXPECT_NEAR(std::stod(text.substr(at + sum_prefix.size())), 30.0084, 1e-9);
}

TEST(MetricsTest, CountsFiredFaultsByRule) {
  Metrics m;
  common::RequestRecord r = Record("s3", "PutObject", 503);
  r.fault_rule = "throttle-1";
  m.Observe(r, 0.001);
  m.Observe(r, 0.001);
  m.Observe(Record("s3", "PutObject", 200), 0.001);
  std::string text = m.Render();
  EXPECT_TRUE(HasLine(text, "# TYPE skiff_faults_fired_total counter"));
  EXPECT_TRUE(HasLine(text, "skiff_faults_fired_total{rule=\"throttle-1\"} 2")) << text;
}

TEST(MetricsTest, EscapesLabelValues) {
  Metrics m;
  m.Observe(Record("dynamodb", "Bad\"Op\\\n", 400), 0.001);
  std::string text = m.Render();
  EXPECT_TRUE(HasLine(
      text,
      "skiff_requests_total{service=\"dynamodb\",operation=\"Bad\\\"Op\\\\\\n\",status=\"400\"} 1"))
      << text;
}

TEST(MetricsTest, SeriesAreBounded) {
  Metrics m;
  for (size_t i = 0; i < Metrics::kMaxSeries + 10; ++i) {
    m.Observe(Record("dynamodb", "Made" + std::to_string(i), 400), 0.001);
  }
  std::string text = m.Render();
  EXPECT_TRUE(HasLine(
      text, "skiff_requests_total{service=\"dynamodb\",operation=\"_other\",status=\"400\"} 10"));
}

TEST(MetricsTest, EveryLineIsACommentOrASample) {
  Metrics m;
  m.Observe(Record("s3", "PutObject", 200), 0.001);
  std::string text = m.Render();
  EXPECT_TRUE(HasLine(text, "# TYPE skiff_uptime_seconds gauge"));
  EXPECT_TRUE(HasLine(text, "# TYPE process_start_time_seconds gauge"));
  const std::regex sample(R"([a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)*\})? [-+0-9.e]+|[+-]Inf)");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) continue;
    EXPECT_TRUE(std::regex_match(line, sample)) << line;
  }
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace skiff::app
