// The operation body parsers of request_bodies.h: what each accepts and what it refuses.
#include "server/s3/request_bodies.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace skiff::s3 {
namespace {

TEST(DeleteBody, KeysVersionsAndQuiet) {
  bool quiet = false;
  std::vector<DeleteTarget> targets;
  ASSERT_TRUE(ParseDeleteBody(
      "<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object>"
      "<Object><Key>b &amp; c</Key><VersionId>v1</VersionId></Object></Delete>",
      &quiet, &targets));
  EXPECT_TRUE(quiet);
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].key, "a");
  EXPECT_FALSE(targets[0].has_version);
  EXPECT_EQ(targets[1].key, "b & c");
  EXPECT_EQ(targets[1].version_id, "v1");
  EXPECT_TRUE(targets[1].has_version);
}

TEST(DeleteBody, Refusals) {
  auto refused = [](const std::string& body) {
    bool quiet = false;
    std::vector<DeleteTarget> targets;
    return !ParseDeleteBody(body, &quiet, &targets);
  };
  EXPECT_TRUE(refused(""));
  EXPECT_TRUE(refused("<Delete></Delete>"));                       // no object
  EXPECT_TRUE(refused("<Delete><Object/></Delete>"));              // object without Key
  EXPECT_TRUE(refused("<Other><Object><Key>a</Key></Object></Other>"));
  EXPECT_TRUE(refused("<Delete><Object><Key>\xff</Key></Object></Delete>"));  // not UTF-8
  std::string many = "<Delete>";
  for (size_t i = 0; i <= kMaxDeleteKeys; ++i) many += "<Object><Key>k</Key></Object>";
  EXPECT_TRUE(refused(many + "</Delete>"));
}

TEST(CompleteBody, PartsEtagsAndChecksums) {
  const std::string body =
      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"e1\"</ETag>"
      "<ChecksumCRC32>c1</ChecksumCRC32></Part><Part><PartNumber>3</PartNumber><ETag>e3</ETag>"
      "</Part></CompleteMultipartUpload>";
  std::vector<CompletePart> parts;
  ASSERT_TRUE(ParseCompleteBody(body, "CRC32", &parts));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].number, 1u);
  EXPECT_EQ(parts[0].etag, "e1");
  EXPECT_EQ(parts[0].checksum, "c1");
  EXPECT_EQ(parts[1].number, 3u);
  EXPECT_EQ(parts[1].etag, "e3");
  EXPECT_FALSE(parts[1].checksum.has_value());
  parts.clear();
  ASSERT_TRUE(ParseCompleteBody(body, "", &parts));
  EXPECT_FALSE(parts[0].checksum.has_value());  // no algorithm: checksums are not read
}

TEST(CompleteBody, Refusals) {
  auto refused = [](const std::string& body) {
    std::vector<CompletePart> parts;
    return !ParseCompleteBody(body, "", &parts);
  };
  EXPECT_TRUE(refused("<CompleteMultipartUpload/>"));
  EXPECT_TRUE(refused("<Complete><Part><PartNumber>1</PartNumber></Part></Complete>"));
  for (const char* number : {"", "-1", "1x", "4294967296", " 1"}) {
    EXPECT_TRUE(refused(std::string("<CompleteMultipartUpload><Part><PartNumber>") + number +
                        "</PartNumber></Part></CompleteMultipartUpload>"))
        << number;
  }
}

TEST(LocationConstraint, BlankOrDocument) {
  std::string constraint = "stale";
  EXPECT_TRUE(ParseLocationConstraint(" \r\n", &constraint));
  EXPECT_EQ(constraint, "");
  EXPECT_TRUE(ParseLocationConstraint(
      "<CreateBucketConfiguration><LocationConstraint>EU</LocationConstraint>"
      "</CreateBucketConfiguration>",
      &constraint));
  EXPECT_EQ(constraint, "EU");
  EXPECT_TRUE(ParseLocationConstraint("<CreateBucketConfiguration/>", &constraint));
  EXPECT_EQ(constraint, "");
  EXPECT_FALSE(ParseLocationConstraint("<Other/>", &constraint));
  EXPECT_FALSE(ParseLocationConstraint("<CreateBucketConfiguration>", &constraint));
}

TEST(VersioningBody, StatusMfaAndRefusals) {
  std::string status;
  EXPECT_EQ(ParseVersioningBody("\n", &status), VersioningBody::kEmpty);
  EXPECT_EQ(ParseVersioningBody("<VersioningConfiguration><Status>Enabled</Status>"
                                "<MfaDelete>Disabled</MfaDelete></VersioningConfiguration>",
                                &status),
            VersioningBody::kOk);
  EXPECT_EQ(status, "Enabled");
  EXPECT_EQ(ParseVersioningBody("<VersioningConfiguration/>", &status), VersioningBody::kOk);
  EXPECT_EQ(status, "");  // nothing to change
  for (const char* body :
       {"<Versioning/>", "<VersioningConfiguration><Status>On</Status></VersioningConfiguration>",
        "<VersioningConfiguration><Status/></VersioningConfiguration>",
        "<VersioningConfiguration><MfaDelete>Maybe</MfaDelete></VersioningConfiguration>",
        "<VersioningConfiguration><Other/></VersioningConfiguration>", "<VersioningConfiguration>"}) {
    EXPECT_EQ(ParseVersioningBody(body, &status), VersioningBody::kMalformed) << body;
  }
}

}  // namespace
}  // namespace skiff::s3
