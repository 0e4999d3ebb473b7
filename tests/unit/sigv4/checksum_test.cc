// Checksums against independent vectors (the CRC catalogue's check values, and values from a
// bit-by-bit Python reference and hashlib), combination, base64 and hex.
#include "sigv4/checksum.h"

#include <gtest/gtest.h>

#include <random>

namespace skiff::sigv4 {
namespace {

std::string B64(ChecksumAlgorithm a, std::string_view data) {
  Checksum c(a);
  c.Update(data);
  return Base64Encode(c.Digest());
}

uint64_t DigestValue(ChecksumAlgorithm a, std::string_view data) {
  Checksum c(a);
  c.Update(data);
  std::string d = c.Digest();
  uint64_t v = 0;
  for (unsigned char ch : d) v = (v << 8) | ch;
  return v;
}

std::string Bytes256x3Xyz() {
  std::string s;
  for (int r = 0; r < 3; ++r) {
    for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  }
  return s + "xyz";
}

TEST(Checksum, CatalogueCheckValues) {
  EXPECT_EQ(DigestValue(ChecksumAlgorithm::kCrc32, "123456789"), 0xCBF43926u);
  EXPECT_EQ(DigestValue(ChecksumAlgorithm::kCrc32c, "123456789"), 0xE3069283u);
  EXPECT_EQ(DigestValue(ChecksumAlgorithm::kCrc64Nvme, "123456789"), 0xAE8B14860A799888ull);
}

TEST(Checksum, Base64RenderingMatchesReference) {
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32, ""), "AAAAAA==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc64Nvme, ""), "AAAAAAAAAAA=");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32, "Hello world"), "i9aeUg==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32c, "Hello world"), "crUfeA==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc64Nvme, "Hello world"), "OOJZ0D8xKts=");
  EXPECT_EQ(B64(ChecksumAlgorithm::kSha1, "Hello world"), "e1AsOh9IyGCa4hLN+2Od7jlnP14=");
  EXPECT_EQ(B64(ChecksumAlgorithm::kSha256, "Hello world"),
            "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=");
  EXPECT_EQ(B64(ChecksumAlgorithm::kMd5, "Hello world"), "PiWWCnnbxptnTNTsZ6csYg==");
  const std::string fox = "The quick brown fox jumps over the lazy dog";
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32, fox), "QU+jOQ==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32c, fox), "ImIEBA==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc64Nvme, fox), "12xUBUlUwUM=");
  const std::string bin = Bytes256x3Xyz();
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32, bin), "Q5BigQ==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32c, bin), "Zl0/BA==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc64Nvme, bin), "vm4T8CafO3g=");
}

TEST(Checksum, IncrementalEqualsOneShotForEveryAlgorithm) {
  const std::string data = Bytes256x3Xyz();
  for (auto a : {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c,
                 ChecksumAlgorithm::kCrc64Nvme, ChecksumAlgorithm::kSha1,
                 ChecksumAlgorithm::kSha256, ChecksumAlgorithm::kMd5}) {
    for (size_t step : {1u, 3u, 7u, 8u, 9u, 64u, 500u}) {
      Checksum c(a);
      for (size_t i = 0; i < data.size(); i += step) c.Update(std::string_view(data).substr(i, step));
      EXPECT_EQ(Base64Encode(c.Digest()), B64(a, data))
          << ChecksumAlgorithmName(a) << " step " << step;
    }
  }
}

TEST(Checksum, MoveKeepsState) {
  Checksum a(ChecksumAlgorithm::kSha256);
  a.Update("Hello ");
  Checksum b(std::move(a));
  b.Update("world");
  EXPECT_EQ(Base64Encode(b.Digest()), "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=");
}

TEST(Checksum, Names) {
  EXPECT_EQ(ParseChecksumAlgorithm("crc32"), ChecksumAlgorithm::kCrc32);
  EXPECT_EQ(ParseChecksumAlgorithm("CRC32C"), ChecksumAlgorithm::kCrc32c);
  EXPECT_EQ(ParseChecksumAlgorithm("Crc64Nvme"), ChecksumAlgorithm::kCrc64Nvme);
  EXPECT_EQ(ParseChecksumAlgorithm("SHA1"), ChecksumAlgorithm::kSha1);
  EXPECT_EQ(ParseChecksumAlgorithm("sha256"), ChecksumAlgorithm::kSha256);
  EXPECT_EQ(ParseChecksumAlgorithm("MD5"), ChecksumAlgorithm::kMd5);
  EXPECT_EQ(ParseChecksumAlgorithm("CRC16"), std::nullopt);
  EXPECT_EQ(ChecksumAlgorithmName(ChecksumAlgorithm::kCrc64Nvme), "CRC64NVME");
  EXPECT_EQ(ChecksumHeaderName(ChecksumAlgorithm::kCrc32c), "x-amz-checksum-crc32c");
  EXPECT_EQ(ChecksumHeaderName(ChecksumAlgorithm::kCrc64Nvme), "x-amz-checksum-crc64nvme");
}

TEST(Checksum, CombineEqualsCrcOfConcatenation) {
  std::mt19937_64 rng(42);
  std::string data(70000, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  for (size_t split : {size_t{0}, size_t{1}, size_t{7}, size_t{4096}, size_t{65536},
                       data.size() - 1, data.size()}) {
    std::string_view a = std::string_view(data).substr(0, split);
    std::string_view b = std::string_view(data).substr(split);
    EXPECT_EQ(Crc32Combine(static_cast<uint32_t>(DigestValue(ChecksumAlgorithm::kCrc32, a)),
                           static_cast<uint32_t>(DigestValue(ChecksumAlgorithm::kCrc32, b)),
                           b.size()),
              DigestValue(ChecksumAlgorithm::kCrc32, data))
        << split;
    EXPECT_EQ(Crc32cCombine(static_cast<uint32_t>(DigestValue(ChecksumAlgorithm::kCrc32c, a)),
                            static_cast<uint32_t>(DigestValue(ChecksumAlgorithm::kCrc32c, b)),
                            b.size()),
              DigestValue(ChecksumAlgorithm::kCrc32c, data))
        << split;
    EXPECT_EQ(Crc64NvmeCombine(DigestValue(ChecksumAlgorithm::kCrc64Nvme, a),
                               DigestValue(ChecksumAlgorithm::kCrc64Nvme, b), b.size()),
              DigestValue(ChecksumAlgorithm::kCrc64Nvme, data))
        << split;
  }
}

TEST(Checksum, CombineManyParts) {
  // As for a FULL_OBJECT multipart checksum: fold part CRCs left to right.
  std::string data;
  for (int i = 0; i < 5000; ++i) data += std::to_string(i * 7919);
  const size_t parts[] = {1000, 1, 0, 5000, 777};
  uint64_t c64 = 0;
  uint32_t c32 = 0, c32c = 0;
  size_t off = 0;
  for (size_t n : parts) {
    std::string_view p = std::string_view(data).substr(off, n);
    c32 = Crc32Combine(c32, static_cast<uint32_t>(DigestValue(ChecksumAlgorithm::kCrc32, p)), n);
    c32c = Crc32cCombine(c32c, static_cast<uint32_t>(DigestValue(ChecksumAlgorithm::kCrc32c, p)),
                         n);
    c64 = Crc64NvmeCombine(c64, DigestValue(ChecksumAlgorithm::kCrc64Nvme, p), n);
    off += n;
  }
  std::string_view whole = std::string_view(data).substr(0, off);
  EXPECT_EQ(c32, DigestValue(ChecksumAlgorithm::kCrc32, whole));
  EXPECT_EQ(c32c, DigestValue(ChecksumAlgorithm::kCrc32c, whole));
  EXPECT_EQ(c64, DigestValue(ChecksumAlgorithm::kCrc64Nvme, whole));
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},         {"f", "Zg=="},        {"fo", "Zm8="},       {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [raw, text] : vectors) {
    EXPECT_EQ(Base64Encode(raw), text);
    auto decoded = Base64Decode(text);
    ASSERT_TRUE(decoded.has_value()) << text;
    EXPECT_EQ(*decoded, raw);
  }
  EXPECT_EQ(Base64Encode(std::string("\xff\xfe\xfd", 3)), "//79");
  EXPECT_EQ(Base64Decode("//79"), std::string("\xff\xfe\xfd", 3));
}

TEST(Base64, StrictDecodeRejectsSloppyInput) {
  for (const char* bad : {"Zg=", "Zg", "Zh==", "Zm9=", "Z===", "====", "Zm9v\n", "Zm=v",
                          "Zg==Zg==", "Zm9v Zm9v", "Zm9-", "Zm9_", "Zm9vYmFy="}) {
    EXPECT_EQ(Base64Decode(bad), std::nullopt) << bad;
  }
}

TEST(Hex, LowerCase) {
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(HexEncode(""), "");
}

}  // namespace
}  // namespace skiff::sigv4
