#include "server/common/request_log.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <regex>
#include <set>

namespace skiff::common {
namespace {

TEST(RequestIdTest, S3RequestIdIsSixteenUpperHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewRequestId();
    ASSERT_TRUE(std::regex_match(id, std::regex("[0-9A-F]{16}"))) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RequestIdTest, HostIdLooksLikeS3s) {
  std::string id = NewHostId();
  EXPECT_EQ(id.size(), 76u);
  EXPECT_TRUE(std::regex_match(id, std::regex("[A-Za-z0-9+/]{75}="))) << id;
  EXPECT_NE(id, NewHostId());
}

TEST(RequestIdTest, UuidIsVersion4) {
  for (int i = 0; i < 100; ++i) {
    std::string id = NewUuid();
    ASSERT_TRUE(std::regex_match(
        id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
        << id;
  }
}

TEST(LoggingTest, ParsesLevelsAndFormats) {
  LogLevel level;
  EXPECT_TRUE(ParseLogLevel("debug", &level));
  EXPECT_EQ(level, LogLevel::kDebug);
  EXPECT_TRUE(ParseLogLevel("warn", &level));
  EXPECT_EQ(level, LogLevel::kWarn);
  EXPECT_TRUE(ParseLogLevel("error", &level));
  EXPECT_EQ(level, LogLevel::kError);
  EXPECT_FALSE(ParseLogLevel("verbose", &level));
  LogFormat format;
  EXPECT_TRUE(ParseLogFormat("json", &format));
  EXPECT_EQ(format, LogFormat::kJson);
  EXPECT_FALSE(ParseLogFormat("xml", &format));
}

TEST(LoggingTest, JsonStringEscapes) {
  std::string out;
  AppendJsonString(out, "a\"b\\c\nd\x01");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\u0001\"");
}

RequestRecord SampleRecord() {
  RequestRecord r;
  r.request_id = "0123456789ABCDEF";
  r.service = "s3";
  r.operation = "PutObject";
  r.principal = "arn:aws:iam::000000000000:root";
  r.region = "eu-west-1";
  r.resource = "bucket/my key";
  r.status = 403;
  r.error_code = "SignatureDoesNotMatch";
  return r;
}

TEST(LoggingTest, AccessLineAsText) {
  ConfigureLogging(LogLevel::kInfo, LogFormat::kText);
  ::testing::internal::CaptureStderr();
  LogAccess(SampleRecord());
  Log(LogLevel::kDebug, "hidden at info");
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(std::regex_search(
      out, std::regex("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z info access "
                      "request_id=0123456789ABCDEF service=s3 operation=PutObject "
                      "principal=arn:aws:iam::000000000000:root region=eu-west-1 "
                      "resource=\"bucket/my key\" status=403 error_code=SignatureDoesNotMatch "
                      "latency_ms=\\d+\\.\\d{3}\n$")))
      << out;
}

TEST(LoggingTest, AccessLineAsJson) {
  ConfigureLogging(LogLevel::kInfo, LogFormat::kJson);
  ::testing::internal::CaptureStderr();
  RequestRecord r = SampleRecord();
  r.principal.clear();
  LogAccess(r);
  std::string out = ::testing::internal::GetCapturedStderr();
  ConfigureLogging(LogLevel::kInfo, LogFormat::kText);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  rapidjson::Document doc;
  doc.Parse(out.c_str(), out.size() - 1);
  ASSERT_FALSE(doc.HasParseError()) << out;
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["msg"].GetString(), "access");
  EXPECT_STREQ(doc["request_id"].GetString(), "0123456789ABCDEF");
  EXPECT_STREQ(doc["operation"].GetString(), "PutObject");
  EXPECT_STREQ(doc["principal"].GetString(), "anonymous");
  EXPECT_STREQ(doc["resource"].GetString(), "bucket/my key");
  EXPECT_EQ(doc["status"].GetInt(), 403);
  EXPECT_STREQ(doc["error_code"].GetString(), "SignatureDoesNotMatch");
  EXPECT_TRUE(doc["latency_ms"].IsNumber());
}

TEST(LoggingTest, LevelsFilter) {
  ConfigureLogging(LogLevel::kWarn, LogFormat::kText);
  ::testing::internal::CaptureStderr();
  Log(LogLevel::kInfo, "not shown");
  Log(LogLevel::kError, "shown");
  LogAccess(SampleRecord());  // access lines are info
  std::string out = ::testing::internal::GetCapturedStderr();
  ConfigureLogging(LogLevel::kInfo, LogFormat::kText);
  EXPECT_EQ(out.find("not shown"), std::string::npos);
  EXPECT_NE(out.find(" error shown\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("access"), std::string::npos);
}

}  // namespace
}  // namespace skiff::common
