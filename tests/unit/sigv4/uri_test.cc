// UriEncode / UriDecode: AWS's encoding (RFC 3986 unreserved kept, upper-case hex).
#include <gtest/gtest.h>

#include "sigv4/sigv4.h"

namespace skiff::sigv4 {
namespace {

TEST(UriEncode, KeepsUnreservedOnly) {
  EXPECT_EQ(UriEncode("AZaz09-._~", true), "AZaz09-._~");
  EXPECT_EQ(UriEncode(" !\"#$%&'()*+,/:;<=>?@[\\]^`{|}", true),
            "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D");
  EXPECT_EQ(UriEncode("a/b c", false), "a/b%20c");
  EXPECT_EQ(UriEncode("a/b c", true), "a%2Fb%20c");
  EXPECT_EQ(UriEncode("\xe1\x88\xb4", true), "%E1%88%B4");
  EXPECT_EQ(UriEncode(std::string("\x00\xff", 2), true), "%00%FF");
  EXPECT_EQ(UriEncode("", true), "");
}

TEST(UriDecode, DecodesAndKeepsPlus) {
  EXPECT_EQ(UriDecode("a%20b"), "a b");
  EXPECT_EQ(UriDecode("a+b"), "a+b");
  EXPECT_EQ(UriDecode("%e1%88%B4"), "\xe1\x88\xb4");
  EXPECT_EQ(UriDecode("%2F%2f"), "//");
  EXPECT_EQ(UriDecode(""), "");
  EXPECT_EQ(UriDecode("%00"), std::string(1, '\0'));
}

TEST(UriDecode, RejectsBadEscapes) {
  for (const char* bad : {"%", "%2", "a%zz", "%g0", "%%", "abc%4"}) {
    EXPECT_EQ(UriDecode(bad), std::nullopt) << bad;
  }
}

TEST(UriEncode, RoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(UriDecode(UriEncode(all, true)), all);
  EXPECT_EQ(UriDecode(UriEncode(all, false)), all);
}

}  // namespace
}  // namespace skiff::sigv4
