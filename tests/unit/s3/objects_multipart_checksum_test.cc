// Multipart ETag and checksum derivation (COMPOSITE and FULL_OBJECT), against values computed
// independently (Python hashlib / zlib) and against checksums of the whole body.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/s3/multipart_checksum.h"
#include "sigv4/checksum.h"

namespace skiff::s3 {
namespace {

using sigv4::ChecksumAlgorithm;

std::string Sum(ChecksumAlgorithm a, std::string_view data) {
  sigv4::Checksum c(a);
  c.Update(data);
  return sigv4::Base64Encode(c.Digest());
}

TEST(ObjectsMultipartChecksum, EtagIsMd5OfPartMd5s) {
  auto etag = MultipartEtag({"0cc175b9c0f1b6a831c399e269772661", "92eb5ffee6ae2fec3ad71c777531578f"});
  ASSERT_TRUE(etag.has_value());
  EXPECT_EQ(*etag, "96e024ba2074fe77e8e965ba43a704be-2");
  EXPECT_FALSE(MultipartEtag({"not-hex"}).has_value());
}

TEST(ObjectsMultipartChecksum, FullObjectCrcEqualsCrcOfWholeBody) {
  const std::string a(5000, 'x'), b = "tail bytes of the object", c(123, '\x7f');
  for (ChecksumAlgorithm alg :
       {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme}) {
    auto full = FullObjectChecksum(alg, {Sum(alg, a), Sum(alg, b), Sum(alg, c)},
                                   {a.size(), b.size(), c.size()});
    ASSERT_TRUE(full.has_value());
    EXPECT_EQ(*full, Sum(alg, a + b + c));
  }
  EXPECT_FALSE(FullObjectChecksum(ChecksumAlgorithm::kSha256, {Sum(ChecksumAlgorithm::kSha256, a)},
                                  {a.size()})
                   .has_value());
}

TEST(ObjectsMultipartChecksum, CompositeIsChecksumOfPartChecksums) {
  // Python: base64(zlib.crc32(crc32(b'a') || crc32(b'b')) as 4 big-endian bytes) + '-2'.
  std::string pa = Sum(ChecksumAlgorithm::kCrc32, "a");
  std::string pb = Sum(ChecksumAlgorithm::kCrc32, "b");
  auto composite = CompositeChecksum(ChecksumAlgorithm::kCrc32, {pa, pb});
  ASSERT_TRUE(composite.has_value());
  std::string raw = *sigv4::Base64Decode(pa) + *sigv4::Base64Decode(pb);
  EXPECT_EQ(*composite, Sum(ChecksumAlgorithm::kCrc32, raw) + "-2");
  EXPECT_EQ(*composite, "7pJxdw==-2");
}

}  // namespace
}  // namespace skiff::s3
