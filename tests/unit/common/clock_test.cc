#include "server/common/clock.h"

#include <gtest/gtest.h>

namespace skiff::common {
namespace {

// 1994-11-06T08:49:37Z, the instant used by RFC 9110's examples.
constexpr int64_t kRfcExample = 784111777000;

TEST(ClockTest, HttpDateIsImfFixdate) {
  EXPECT_EQ(HttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(HttpDate(kRfcExample), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(HttpDate(kRfcExample + 999), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(HttpDate(1795346694000), "Sun, 22 Nov 2026 11:24:54 GMT");
}

TEST(ClockTest, IsoDateHasMilliseconds) {
  EXPECT_EQ(IsoDate(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(IsoDate(kRfcExample + 123), "1994-11-06T08:49:37.123Z");
  EXPECT_EQ(IsoDate(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(IsoDate(951782400007), "2000-02-29T00:00:00.007Z");
}

TEST(ClockTest, ParsesTheThreeHttpDateForms) {
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994"), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Thu Nov 26 08:49:37 2026"), 1795682977000);
  // RFC 850 two-digit years below 70 are in this century.
  EXPECT_EQ(ParseHttpDate("Thursday, 01-Jan-26 00:00:00 GMT"), 1767225600000);
}

TEST(ClockTest, RoundTripsHttpDate) {
  int64_t now = NowMillis();
  int64_t seconds = now - now % 1000;
  EXPECT_EQ(ParseHttpDate(HttpDate(now)), seconds);
}

TEST(ClockTest, RejectsMalformedDates) {
  EXPECT_FALSE(ParseHttpDate(""));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 UTC"));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT "));
  EXPECT_FALSE(ParseHttpDate("Sun, 6 Nov 1994 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("Sun, 31 Feb 1994 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("Sun, 29 Feb 1994 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 24:00:00 GMT"));
  EXPECT_FALSE(ParseHttpDate("1994-11-06T08:49:37Z"));
  EXPECT_TRUE(ParseHttpDate("Tue, 29 Feb 2000 00:00:00 GMT"));
}

}  // namespace
}  // namespace skiff::common
