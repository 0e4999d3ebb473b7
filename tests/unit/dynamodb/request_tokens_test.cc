// RequestTokens: the ClientRequestToken window, mismatch, in-progress and the memory bound.
#include "server/dynamodb/request_tokens.h"

#include <gtest/gtest.h>

namespace skiff::dynamodb::testing {
namespace {

using State = RequestTokens::State;

TEST(RequestTokens, ReplayWithinTheWindowMismatchAndExpiry) {
  RequestTokens tokens(100, 1000);
  EXPECT_EQ(tokens.Begin("a/r", "t", "d1", 0).state, State::kNew);
  // Still being applied: the same request waits, another one is refused.
  EXPECT_EQ(tokens.Begin("a/r", "t", "d1", 1).state, State::kInProgress);
  EXPECT_EQ(tokens.Begin("a/r", "t", "d2", 1).state, State::kMismatch);
  tokens.Complete("a/r", "t", "{\"x\":1}", 10);
  RequestTokens::Claim again = tokens.Begin("a/r", "t", "d1", 500);
  EXPECT_EQ(again.state, State::kReplay);
  EXPECT_EQ(again.response, "{\"x\":1}");
  EXPECT_EQ(tokens.Begin("a/r", "t", "d2", 500).state, State::kMismatch);
  // The window counts from completion.
  EXPECT_EQ(tokens.Begin("a/r", "t", "d1", 1009).state, State::kReplay);
  EXPECT_EQ(tokens.Begin("a/r", "t", "d2", 1010).state, State::kNew);
}

TEST(RequestTokens, ScopesAreSeparateAndFailuresFreeTheToken) {
  RequestTokens tokens(100, 1000);
  EXPECT_EQ(tokens.Begin("a/us-east-1", "t", "d1", 0).state, State::kNew);
  EXPECT_EQ(tokens.Begin("a/eu-west-1", "t", "d2", 0).state, State::kNew);
  EXPECT_EQ(tokens.Begin("b/us-east-1", "t", "d3", 0).state, State::kNew);
  tokens.Release("a/us-east-1", "t");
  EXPECT_EQ(tokens.Begin("a/us-east-1", "t", "d4", 1).state, State::kNew);
}

TEST(RequestTokens, BoundedByCapacityOldestFirst) {
  RequestTokens tokens(3, 1000);
  for (int i = 0; i < 5; ++i) {
    std::string t = "t" + std::to_string(i);
    ASSERT_EQ(tokens.Begin("s", t, "d", i).state, State::kNew);
    tokens.Complete("s", t, "{}", i);
  }
  EXPECT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens.Begin("s", "t4", "d", 5).state, State::kReplay);
  EXPECT_EQ(tokens.Begin("s", "t0", "other", 5).state, State::kNew);  // forgotten
  // Expired entries leave as time passes.
  tokens.Complete("s", "t0", "{}", 5);
  EXPECT_EQ(tokens.Begin("s", "x", "d", 5000).state, State::kNew);
  EXPECT_EQ(tokens.size(), 1u);
}

TEST(RequestTokens, DigestIgnoresMemberOrderButNotValues) {
  rapidjson::Document a, b, c;
  a.Parse(R"({"A":{"x":"1","y":[1,2]},"B":true})");
  b.Parse(R"({ "B" : true, "A" : {"y":[1,2],"x":"1"} })");
  c.Parse(R"({"A":{"x":"1","y":[2,1]},"B":true})");
  EXPECT_EQ(CanonicalJsonDigest(a), CanonicalJsonDigest(b));
  EXPECT_NE(CanonicalJsonDigest(a), CanonicalJsonDigest(c));
}

}  // namespace
}  // namespace skiff::dynamodb::testing
