// Matching, triggers and the engine's bookkeeping.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "server/faults/faults.h"

namespace skiff::faults {
namespace {

Target S3(std::string op, std::string bucket = "b", std::string key = "") {
  Target t;
  t.service = "s3";
  t.operation = std::move(op);
  t.bucket = std::move(bucket);
  t.key = std::move(key);
  t.region = "us-east-1";
  t.account = "000000000000";
  t.access_key = "test";
  t.method = "PUT";
  return t;
}

Target Ddb(std::string op, std::string table) {
  Target t;
  t.service = "dynamodb";
  t.operation = std::move(op);
  t.table = table;
  t.tables = {table};
  t.region = "us-east-1";
  t.account = "000000000000";
  t.method = "POST";
  return t;
}

std::string MustLoad(Engine& engine, const std::string& json) {
  std::string error;
  auto ids = engine.LoadJson(json, &error);
  EXPECT_EQ(error, "") << json;
  return ids.empty() ? "" : ids[0];
}

TEST(GlobTest, StarsAndQuestionMarks) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("*", "a/b/c"));
  EXPECT_TRUE(GlobMatch("state/*.tfstate", "state/env/prod.tfstate"));
  EXPECT_FALSE(GlobMatch("state/*.tfstate", "state/prod.tflock"));
  EXPECT_TRUE(GlobMatch("Put*", "PutObject"));
  EXPECT_FALSE(GlobMatch("Put*", "GetObject"));
  EXPECT_TRUE(GlobMatch("a?c", "abc"));
  EXPECT_FALSE(GlobMatch("a?c", "ac"));
  EXPECT_TRUE(GlobMatch("*a*b*", "xxaxxbxx"));
  EXPECT_FALSE(GlobMatch("*a*b", "xxbxxa"));
  EXPECT_TRUE(GlobMatch("exact", "exact"));
  EXPECT_FALSE(GlobMatch("exact", "exactly"));
}

TEST(MatchTest, EveryFieldNarrows) {
  Rule rule;
  rule.action.error_code = "SlowDown";
  EXPECT_TRUE(Matches(rule, S3("PutObject")));  // empty match: everything

  rule.match.service = "s3";
  EXPECT_TRUE(Matches(rule, S3("PutObject")));
  EXPECT_FALSE(Matches(rule, Ddb("GetItem", "t")));

  rule.match.operation = "Put*";
  EXPECT_TRUE(Matches(rule, S3("PutObject")));
  EXPECT_FALSE(Matches(rule, S3("GetObject")));

  rule.match.bucket = "b";
  EXPECT_FALSE(Matches(rule, S3("PutObject", "other")));
  rule.match.key = "state/*";
  EXPECT_TRUE(Matches(rule, S3("PutObject", "b", "state/x.tfstate")));
  EXPECT_FALSE(Matches(rule, S3("PutObject", "b", "other/x")));
  EXPECT_FALSE(Matches(rule, S3("PutObject", "b", "")));  // empty target field never matches

  Target t = S3("PutObject", "b", "state/x");
  rule.match.region = "us-east-1";
  rule.match.account = "000000000000";
  rule.match.access_key = "test";
  rule.match.method = "put";  // methods compare ignoring case
  EXPECT_TRUE(Matches(rule, t));
  t.region = "eu-west-1";
  EXPECT_FALSE(Matches(rule, t));
  t = S3("PutObject", "b", "state/x");
  t.account = "111111111111";
  EXPECT_FALSE(Matches(rule, t));
  t = S3("PutObject", "b", "state/x");
  t.access_key = "other";
  EXPECT_FALSE(Matches(rule, t));
  t = S3("PutObject", "b", "state/x");
  t.method = "POST";
  EXPECT_FALSE(Matches(rule, t));
}

TEST(MatchTest, TableMatchesAnyNamedTable) {
  Rule rule;
  rule.action.error_code = "ThrottlingException";
  rule.match.table = "locks";
  Target t = Ddb("BatchGetItem", "data");
  EXPECT_FALSE(Matches(rule, t));
  t.tables.push_back("locks");
  EXPECT_TRUE(Matches(rule, t));
  rule.match.table = "lock*";
  EXPECT_TRUE(Matches(rule, Ddb("GetItem", "locks-prod")));
}

TEST(EngineTest, AlwaysFiresAndCounts) {
  Engine engine;
  std::string id =
      MustLoad(engine, R"({"match":{"service":"s3"},"action":{"error_code":"SlowDown"}})");
  EXPECT_EQ(id, "fault-1");
  for (int i = 0; i < 3; ++i) {
    auto fired = engine.Match(S3("PutObject"));
    ASSERT_TRUE(fired);
    EXPECT_EQ(fired->rule_id, "fault-1");
    EXPECT_EQ(fired->action.error_code, "SlowDown");
  }
  EXPECT_FALSE(engine.Match(Ddb("GetItem", "t")));
  auto list = engine.List();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].matched, 3u);
  EXPECT_EQ(list[0].fired, 3u);
}

TEST(EngineTest, TimesFiresTheFirstN) {
  Engine engine;
  MustLoad(engine, R"({"action":{"error_code":"SlowDown"},"trigger":{"times":2}})");
  std::vector<bool> seen;
  for (int i = 0; i < 5; ++i) seen.push_back(engine.Match(S3("GetObject")).has_value());
  EXPECT_EQ(seen, (std::vector<bool>{true, true, false, false, false}));
  EXPECT_EQ(engine.List()[0].matched, 5u);
  EXPECT_EQ(engine.List()[0].fired, 2u);
}

TEST(EngineTest, AfterSkipsTheFirstN) {
  Engine engine;
  MustLoad(engine, R"({"action":{"error_code":"SlowDown"},"trigger":{"after":2}})");
  std::vector<bool> seen;
  for (int i = 0; i < 5; ++i) seen.push_back(engine.Match(S3("GetObject")).has_value());
  EXPECT_EQ(seen, (std::vector<bool>{false, false, true, true, true}));
}

TEST(EngineTest, AfterAndTimesCombine) {
  Engine engine;
  MustLoad(engine, R"({"action":{"error_code":"SlowDown"},"trigger":{"after":1,"times":2}})");
  std::vector<bool> seen;
  for (int i = 0; i < 5; ++i) seen.push_back(engine.Match(S3("GetObject")).has_value());
  EXPECT_EQ(seen, (std::vector<bool>{false, true, true, false, false}));
}

std::vector<bool> FireSequence(const std::string& json, int n) {
  Engine engine;
  MustLoad(engine, json);
  std::vector<bool> seen;
  for (int i = 0; i < n; ++i) seen.push_back(engine.Match(S3("GetObject")).has_value());
  return seen;
}

TEST(EngineTest, ProbabilityWithSeedRepeats) {
  const std::string rule =
      R"({"action":{"error_code":"SlowDown"},"trigger":{"probability":0.5,"seed":42}})";
  auto a = FireSequence(rule, 200);
  auto b = FireSequence(rule, 200);
  EXPECT_EQ(a, b);
  int fired = 0;
  for (bool f : a) fired += f;
  EXPECT_GT(fired, 60);  // about half
  EXPECT_LT(fired, 140);
  auto c = FireSequence(
      R"({"action":{"error_code":"SlowDown"},"trigger":{"probability":0.5,"seed":43}})", 200);
  EXPECT_NE(a, c);
  auto never =
      FireSequence(R"({"action":{"error_code":"X"},"trigger":{"probability":0,"seed":1}})", 50);
  auto all =
      FireSequence(R"({"action":{"error_code":"X"},"trigger":{"probability":1,"seed":1}})", 50);
  EXPECT_EQ(never, std::vector<bool>(50, false));
  EXPECT_EQ(all, std::vector<bool>(50, true));
}

TEST(EngineTest, ProbabilityWithoutSeedGetsOneReportedBack) {
  Engine engine;
  MustLoad(engine, R"({"action":{"error_code":"SlowDown"},"trigger":{"probability":0.3}})");
  auto list = engine.List();
  ASSERT_TRUE(list[0].rule.trigger.seed.has_value());
  // The reported seed reproduces the sequence.
  std::vector<bool> first;
  for (int i = 0; i < 100; ++i) first.push_back(engine.Match(S3("GetObject")).has_value());
  auto again =
      FireSequence(R"({"action":{"error_code":"SlowDown"},"trigger":{"probability":0.3,"seed":)" +
                       std::to_string(*list[0].rule.trigger.seed) + "}}",
                   100);
  EXPECT_EQ(first, again);
}

TEST(EngineTest, FirstRuleThatFiresWinsAndNonFiringRulesStillCount) {
  Engine engine;
  MustLoad(engine, R"([{"id":"once","action":{"error_code":"A"},"trigger":{"times":1}},
                       {"id":"rest","action":{"error_code":"B"}}])");
  EXPECT_EQ(engine.Match(S3("GetObject"))->action.error_code, "A");
  EXPECT_EQ(engine.Match(S3("GetObject"))->action.error_code, "B");
  auto list = engine.List();
  EXPECT_EQ(list[0].matched, 2u);
  EXPECT_EQ(list[0].fired, 1u);
  EXPECT_EQ(list[1].matched, 1u);
  EXPECT_EQ(list[1].fired, 1u);
}

TEST(EngineTest, IdsRemoveAndClear) {
  Engine engine;
  std::string error;
  auto ids = engine.LoadJson(R"({"rules":[{"action":{"error_code":"A"}},
                                          {"id":"mine","action":{"error_code":"B"}},
                                          {"action":{"error_code":"C"}}]})",
                             &error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(ids, (std::vector<std::string>{"fault-1", "mine", "fault-2"}));
  EXPECT_EQ(engine.size(), 3u);
  // An id in use is refused.
  EXPECT_TRUE(engine.LoadJson(R"({"id":"mine","action":{"error_code":"A"}})", &error).empty());
  EXPECT_NE(error.find("already exists"), std::string::npos);
  EXPECT_TRUE(engine.Remove("mine"));
  EXPECT_FALSE(engine.Remove("mine"));
  EXPECT_EQ(engine.size(), 2u);
  engine.Clear();
  EXPECT_EQ(engine.size(), 0u);
  EXPECT_FALSE(engine.Match(S3("GetObject")));
}

TEST(EngineTest, ABadRuleInAListAddsNothing) {
  Engine engine;
  MustLoad(engine, R"({"id":"keep","action":{"error_code":"A"}})");
  std::string error;
  auto ids = engine.LoadJson(R"([{"id":"new","action":{"error_code":"B"}},
                                 {"id":"keep","action":{"error_code":"C"}}])",
                             &error);
  EXPECT_TRUE(ids.empty());
  EXPECT_EQ(error, "rule 1: a rule with id \"keep\" already exists");
  ASSERT_EQ(engine.size(), 1u);
  EXPECT_EQ(engine.List()[0].rule.id, "keep");
}

TEST(EngineTest, LatencyOnlyRuleDoesNotStopTheRequest) {
  Engine engine;
  MustLoad(engine, R"({"action":{"latency_ms":250}})");
  auto fired = engine.Match(S3("GetObject"));
  ASSERT_TRUE(fired);
  EXPECT_EQ(fired->action.latency.count(), 250);
  EXPECT_FALSE(fired->action.StopsRequest());
}

TEST(EngineTest, RedirectSkipsRequestsAlreadyInItsRegion) {
  Engine engine;
  MustLoad(engine, R"({"match":{"bucket":"b"},"action":{"redirect_region":"eu-west-1"}})");
  Target here = S3("ListObjectsV2");
  auto fired = engine.Match(here);
  ASSERT_TRUE(fired);
  EXPECT_EQ(fired->action.redirect_region, "eu-west-1");
  EXPECT_FALSE(engine.ServesRelocated(here));

  Target there = here;
  there.region = "eu-west-1";
  EXPECT_FALSE(engine.Match(there));
  EXPECT_TRUE(engine.ServesRelocated(there));
  there.bucket = "other";
  EXPECT_FALSE(engine.ServesRelocated(there));
  // A redirect concerns S3 buckets only.
  EXPECT_FALSE(engine.Match(Ddb("GetItem", "b")));
}

TEST(EngineTest, ConcurrentMatchesCountExactly) {
  Engine engine;
  MustLoad(engine, R"({"action":{"error_code":"SlowDown"},"trigger":{"times":100}})");
  std::vector<std::thread> threads;
  std::atomic<int> fired{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 250; ++j) fired += engine.Match(S3("GetObject")).has_value();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fired.load(), 100);
  EXPECT_EQ(engine.List()[0].matched, 1000u);
}

}  // namespace
}  // namespace skiff::faults
