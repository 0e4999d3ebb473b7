// The request journal: a bounded ring, its filters, its JSON and concurrent use.
#include "server/app/journal.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <thread>

namespace skiff::app {
namespace {

common::RequestRecord Record(std::string service, std::string operation, int status,
                             std::string error_code = "") {
  common::RequestRecord r;
  r.request_id = service + "-" + operation + "-" + std::to_string(status);
  r.service = std::move(service);
  r.operation = std::move(operation);
  r.status = status;
  r.error_code = std::move(error_code);
  return r;
}

std::vector<std::string> Operations(const std::vector<JournalEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.record.operation);
  return out;
}

TEST(JournalTest, KeepsTheNewestUpToCapacityOldestFirst) {
  Journal journal(3);
  for (int i = 0; i < 5; ++i) journal.Add(Record("s3", "Op" + std::to_string(i), 200), 1000 + i, 0);
  EXPECT_EQ(journal.size(), 3u);
  auto entries = journal.Query({});
  EXPECT_EQ(Operations(entries), (std::vector<std::string>{"Op2", "Op3", "Op4"}));
  // Sequence numbers keep counting across evictions.
  EXPECT_EQ(entries.front().seq, 3u);
  EXPECT_EQ(entries.back().seq, 5u);
}

TEST(JournalTest, ZeroCapacityKeepsNothing) {
  Journal journal(0);
  journal.Add(Record("s3", "PutObject", 200), 1, 0);
  EXPECT_EQ(journal.size(), 0u);
  EXPECT_TRUE(journal.Query({}).empty());
}

TEST(JournalTest, FiltersBySeveralFieldsAtOnce) {
  Journal journal(100);
  journal.Add(Record("s3", "PutObject", 200), 1000, 0);
  journal.Add(Record("s3", "GetObject", 404, "NoSuchKey"), 2000, 0);
  journal.Add(Record("dynamodb", "GetItem", 400, "ResourceNotFoundException"), 3000, 0);
  journal.Add(Record("s3", "GetObject", 200), 4000, 0);
  journal.Add(Record("s3", "PutObject", 503, "SlowDown"), 5000, 0);

  JournalFilter f;
  f.service = "s3";
  EXPECT_EQ(journal.Query(f).size(), 4u);
  f.operation = "GetObject";
  EXPECT_EQ(journal.Query(f).size(), 2u);
  f.status = "404";
  ASSERT_EQ(journal.Query(f).size(), 1u);
  EXPECT_EQ(journal.Query(f)[0].record.error_code, "NoSuchKey");

  JournalFilter classes;
  classes.status = "4xx";
  EXPECT_EQ(Operations(journal.Query(classes)), (std::vector<std::string>{"GetObject", "GetItem"}));
  classes.status = "5XX";
  EXPECT_EQ(Operations(journal.Query(classes)), (std::vector<std::string>{"PutObject"}));

  JournalFilter code;
  code.error_code = "ResourceNotFoundException";
  EXPECT_EQ(Operations(journal.Query(code)), (std::vector<std::string>{"GetItem"}));

  JournalFilter by_id;
  by_id.request_id = "s3-PutObject-503";
  EXPECT_EQ(journal.Query(by_id).size(), 1u);
}

TEST(JournalTest, SinceAndLimitKeepTheNewest) {
  Journal journal(100);
  for (int i = 0; i < 10; ++i) {
    journal.Add(Record("s3", "Op" + std::to_string(i), 200), i * 1000, 0);
  }
  JournalFilter f;
  f.since_ms = 7000;
  EXPECT_EQ(Operations(journal.Query(f)), (std::vector<std::string>{"Op7", "Op8", "Op9"}));
  f.since_ms = 0;
  f.limit = 2;
  EXPECT_EQ(Operations(journal.Query(f)), (std::vector<std::string>{"Op8", "Op9"}));
}

TEST(JournalTest, TimeIsWhenTheRequestArrived) {
  Journal journal(10);
  journal.Add(Record("s3", "PutObject", 200), 10'000, 250.0);
  auto entries = journal.Query({});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].time_ms, 9'750);
  EXPECT_DOUBLE_EQ(entries[0].latency_ms, 250.0);
}

TEST(JournalTest, ClearEmptiesIt) {
  Journal journal(10);
  journal.Add(Record("s3", "PutObject", 200), 1, 0);
  journal.Clear();
  EXPECT_EQ(journal.size(), 0u);
  journal.Add(Record("s3", "GetObject", 200), 2, 0);
  EXPECT_EQ(journal.Query({})[0].seq, 2u);
}

TEST(JournalTest, ConcurrentWritersAndReaders) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  Journal journal(1000);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&journal, t] {
      for (int i = 0; i < kPerThread; ++i) {
        journal.Add(Record("s3", "T" + std::to_string(t), 200), i, 0);
      }
    });
  }
  threads.emplace_back([&journal] {
    for (int i = 0; i < 200; ++i) {
      auto entries = journal.Query({});
      for (size_t j = 1; j < entries.size(); ++j) ASSERT_LT(entries[j - 1].seq, entries[j].seq);
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(journal.size(), 1000u);
  auto entries = journal.Query({});
  EXPECT_EQ(entries.back().seq, uint64_t{kThreads * kPerThread});
  EXPECT_EQ(entries.front().seq, uint64_t{kThreads * kPerThread - 999});
}

TEST(ParseSinceTest, EpochMillisecondsAndIsoTimes) {
  EXPECT_EQ(ParseSince("1795795200000"), 1795795200000);
  EXPECT_EQ(ParseSince("2026-11-22T14:05:00Z"), 1795356300000);
  EXPECT_EQ(ParseSince("2026-11-22T14:05:00.250Z"), 1795356300250);
  EXPECT_EQ(ParseSince("2026-11-22T14:05:00"), 1795356300000);
  EXPECT_EQ(ParseSince("2026-11-22T15:05:00+01:00"), 1795356300000);
  EXPECT_EQ(ParseSince("2026-11-22T13:05:00-01:00"), 1795356300000);
  EXPECT_EQ(ParseSince("2026-11-22"), 1795305600000);
  EXPECT_EQ(ParseSince("1970-01-01T00:00:00Z"), 0);
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-11-22T25:00:00Z",
                          "2026-11-22T14:05Z",
                          "2026-11-22T14:05:00ZZ", "2026-11-22T14:05:00.Z", "-5"}) {
    EXPECT_FALSE(ParseSince(bad).has_value()) << bad;
  }
}

TEST(JournalJsonTest, RendersEveryFieldAndOmitsEmptyOnes) {
  common::RequestRecord r = Record("s3", "GetObject", 403, "SignatureDoesNotMatch");
  r.principal = "arn:aws:iam::000000000000:root";
  r.method = "GET";
  r.account = "000000000000";
  r.access_key = "test";
  r.region = "us-east-1";
  r.resource = "bucket/key";
  r.error_detail = "the signature does not match";
  r.canonical_request = "GET\n/bucket/key\n\nhost:x\n\nhost\nUNSIGNED-PAYLOAD";
  r.string_to_sign = "AWS4-HMAC-SHA256\n...";
  r.provided_signature = "abcd";
  JournalEntry e;
  e.seq = 7;
  e.time_ms = 1795356300250;
  e.latency_ms = 1.5;
  e.record = r;
  std::string json;
  AppendJournalEntryJson(json, e);
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json;
  EXPECT_EQ(doc["seq"].GetUint64(), 7u);
  EXPECT_STREQ(doc["id"].GetString(), "s3-GetObject-403");
  EXPECT_STREQ(doc["time"].GetString(), "2026-11-22T14:05:00.250Z");
  EXPECT_STREQ(doc["principal"].GetString(), "arn:aws:iam::000000000000:root");
  EXPECT_STREQ(doc["access_key"].GetString(), "test");
  EXPECT_EQ(doc["status"].GetInt(), 403);
  EXPECT_DOUBLE_EQ(doc["latency_ms"].GetDouble(), 1.5);
  EXPECT_STREQ(doc["canonical_request"].GetString(), r.canonical_request.c_str());
  EXPECT_STREQ(doc["provided_signature"].GetString(), "abcd");
  EXPECT_FALSE(doc.HasMember("fault_rule"));
  EXPECT_FALSE(doc.HasMember("policy"));

  JournalEntry anonymous;
  anonymous.record = Record("s3", "ListBuckets", 200);
  json.clear();
  AppendJournalEntryJson(json, anonymous);
  doc.Parse(json.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json;
  EXPECT_STREQ(doc["principal"].GetString(), "anonymous");
  EXPECT_FALSE(doc.HasMember("error_code"));
  EXPECT_FALSE(doc.HasMember("canonical_request"));
}

}  // namespace
}  // namespace skiff::app
