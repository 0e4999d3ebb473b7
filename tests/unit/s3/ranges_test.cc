#include "server/s3/ranges.h"

#include <gtest/gtest.h>

namespace skiff::s3 {
namespace {

TEST(Range, Forms) {
  auto r = EvaluateRange("bytes=0-9", 100);
  EXPECT_EQ(r.kind, RangeResult::kPartial);
  EXPECT_EQ(r.offset, 0u);
  EXPECT_EQ(r.length, 10u);

  r = EvaluateRange("bytes=90-", 100);
  EXPECT_EQ(r.kind, RangeResult::kPartial);
  EXPECT_EQ(r.offset, 90u);
  EXPECT_EQ(r.length, 10u);

  r = EvaluateRange("bytes=-10", 100);
  EXPECT_EQ(r.kind, RangeResult::kPartial);
  EXPECT_EQ(r.offset, 90u);
  EXPECT_EQ(r.length, 10u);

  r = EvaluateRange("bytes=-500", 100);  // longer suffix than the object: all of it
  EXPECT_EQ(r.kind, RangeResult::kPartial);
  EXPECT_EQ(r.offset, 0u);
  EXPECT_EQ(r.length, 100u);

  r = EvaluateRange("bytes=50-1000", 100);  // end clipped
  EXPECT_EQ(r.kind, RangeResult::kPartial);
  EXPECT_EQ(r.length, 50u);
  EXPECT_EQ(ContentRange(r.offset, r.length, 100), "bytes 50-99/100");
}

TEST(Range, Unsatisfiable) {
  EXPECT_EQ(EvaluateRange("bytes=100-", 100).kind, RangeResult::kUnsatisfiable);
  EXPECT_EQ(EvaluateRange("bytes=100-200", 100).kind, RangeResult::kUnsatisfiable);
  EXPECT_EQ(EvaluateRange("bytes=-0", 100).kind, RangeResult::kUnsatisfiable);
  EXPECT_EQ(EvaluateRange("bytes=0-", 0).kind, RangeResult::kUnsatisfiable);
}

TEST(Range, IgnoredAsS3Does) {
  EXPECT_EQ(EvaluateRange("", 100).kind, RangeResult::kFull);
  EXPECT_EQ(EvaluateRange("bytes=0-1,5-6", 100).kind, RangeResult::kFull);
  EXPECT_EQ(EvaluateRange("bytes=5-1", 100).kind, RangeResult::kFull);
  EXPECT_EQ(EvaluateRange("items=0-1", 100).kind, RangeResult::kFull);
  EXPECT_EQ(EvaluateRange("bytes=a-b", 100).kind, RangeResult::kFull);
  EXPECT_EQ(EvaluateRange("bytes=-", 100).kind, RangeResult::kFull);
}

TEST(Etag, ListMatching) {
  EXPECT_TRUE(EtagListMatches("\"abc\"", "abc"));
  EXPECT_TRUE(EtagListMatches("abc", "abc"));
  EXPECT_TRUE(EtagListMatches("*", "abc"));
  EXPECT_TRUE(EtagListMatches("\"x\", W/\"abc\"", "abc"));
  EXPECT_FALSE(EtagListMatches("\"abd\"", "abc"));
}

constexpr int64_t kModified = 1'700'000'000'500;  // .5 s: compared at second resolution

TEST(Conditions, Precedence) {
  Preconditions p;
  EXPECT_EQ(EvaluateConditions(p, "e", kModified), ConditionOutcome::kProceed);

  p = {};
  p.if_match = "\"other\"";
  EXPECT_EQ(EvaluateConditions(p, "e", kModified), ConditionOutcome::kPreconditionFailed);

  // If-Match true overrides a false If-Unmodified-Since.
  p = {};
  p.if_match = "\"e\"";
  p.if_unmodified_since_ms = kModified - 10'000;
  EXPECT_EQ(EvaluateConditions(p, "e", kModified), ConditionOutcome::kProceed);

  p = {};
  p.if_unmodified_since_ms = kModified - 10'000;
  EXPECT_EQ(EvaluateConditions(p, "e", kModified), ConditionOutcome::kPreconditionFailed);
  p.if_unmodified_since_ms = kModified - 500;  // same second
  EXPECT_EQ(EvaluateConditions(p, "e", kModified), ConditionOutcome::kProceed);

  p = {};
  p.if_none_match = "\"e\"";
  EXPECT_EQ(EvaluateConditions(p, "e", kModified), ConditionOutcome::kNotModified);

  p = {};
  p.if_modified_since_ms = kModified - 500;
  EXPECT_EQ(EvaluateConditions(p, "e", kModified), ConditionOutcome::kNotModified);
  p.if_modified_since_ms = kModified - 10'000;
  EXPECT_EQ(EvaluateConditions(p, "e", kModified), ConditionOutcome::kProceed);

  // If-None-Match present (and not matching) overrides If-Modified-Since.
  p = {};
  p.if_none_match = "\"other\"";
  p.if_modified_since_ms = kModified + 10'000;
  EXPECT_EQ(EvaluateConditions(p, "e", kModified), ConditionOutcome::kProceed);

  // A failing If-Match wins over a matching If-None-Match (412 before 304).
  p = {};
  p.if_match = "\"other\"";
  p.if_none_match = "\"e\"";
  EXPECT_EQ(EvaluateConditions(p, "e", kModified), ConditionOutcome::kPreconditionFailed);
}

}  // namespace
}  // namespace skiff::s3
