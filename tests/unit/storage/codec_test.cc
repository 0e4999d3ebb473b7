#include "storage/codec.h"

#include <gtest/gtest.h>

#include <set>

namespace skiff::storage {
namespace {

TEST(CodecTest, AttributesRoundTripKeepsOrderAndBytes) {
  Attributes attributes = {{"Content-Type", "text/plain"},
                           {"x-amz-meta-empty", ""},
                           {std::string("bin\0ary", 7), std::string(300, '\xff')},
                           {"Content-Type", "duplicate names stay"}};
  std::optional<Attributes> decoded = DecodeAttributes(EncodeAttributes(attributes));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, attributes);
  EXPECT_EQ(DecodeAttributes("")->size(), 0u);
}

TEST(CodecTest, TruncatedAttributesAreRejected) {
  std::string encoded = EncodeAttributes({{"name", "value"}});
  EXPECT_FALSE(DecodeAttributes(encoded.substr(0, encoded.size() - 1)).has_value());
  EXPECT_FALSE(DecodeAttributes("\x80").has_value());
}

TEST(CodecTest, PartSizesRoundTrip) {
  std::vector<uint64_t> sizes = {5ull << 20, 1, 0, 5ull << 30, UINT64_MAX};
  EXPECT_EQ(*DecodePartSizes(EncodePartSizes(sizes)), sizes);
}

TEST(CodecTest, VersionIdsAreOpaqueUrlSafeAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewVersionId();
    ASSERT_EQ(id.size(), 32u);
    for (char c : id)
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_');
    EXPECT_TRUE(seen.insert(id).second);
  }
}

TEST(CodecTest, PrefixSuccessor) {
  EXPECT_EQ(*PrefixSuccessor("a/"), "a0");
  EXPECT_EQ(*PrefixSuccessor("a\xff\xff"), "b");
  EXPECT_FALSE(PrefixSuccessor("").has_value());
  EXPECT_FALSE(PrefixSuccessor("\xff").has_value());
}

}  // namespace
}  // namespace skiff::storage
