// s3-objects operations through the S3 service in process (in-memory SQLite, real SigV4):
// multipart errors and XML, version listing, DeleteObjects, CopyObject rules, version ids.
#include "service_harness.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

#include "server/common/config.h"
#include "server/common/credentials.h"
#include "sigv4/checksum.h"
#include "sigv4/sigv4.h"
#include "storage/database.h"

namespace skiff::s3 {
namespace {

using testing::Options;
using testing::Reply;

class ObjectsServiceTest : public testing::ServiceHarness {
 protected:
  // Creates an upload and returns its id (parsed from the XML).
  std::string CreateUpload(const std::string& path) {
    Reply r = Send("POST", path + "?uploads");
    EXPECT_EQ(r.status, 200) << r.body;
    size_t a = r.body.find("<UploadId>"), b = r.body.find("</UploadId>");
    return a == std::string::npos ? "" : r.body.substr(a + 10, b - a - 10);
  }

  std::string Etag(const Reply& r) { return r.Header("ETag"); }
};

std::string PartXml(int number, const std::string& etag) {
  return "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" + etag +
         "</ETag></Part>";
}

TEST_F(ObjectsServiceTest, MultipartLifecycleAndErrors) {
  ASSERT_EQ(Send("PUT", "/mpx").status, 200);
  std::string id = CreateUpload("/mpx/key");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Send("PUT", "/mpx/key?partNumber=0&uploadId=" + id, "x").status, 400);
  EXPECT_EQ(Send("PUT", "/mpx/key?partNumber=1&uploadId=nope", "x").status, 404);
  Reply p1 = Send("PUT", "/mpx/key?partNumber=1&uploadId=" + id, "small");
  ASSERT_EQ(p1.status, 200) << p1.body;
  EXPECT_EQ(Etag(p1), "\"" + sigv4::HexEncode([] {
                        sigv4::Checksum m(sigv4::ChecksumAlgorithm::kMd5);
                        m.Update("small");
                        return m.Digest();
                      }()) + "\"");
  Reply p2 = Send("PUT", "/mpx/key?partNumber=2&uploadId=" + id, "last");

  Reply bad = Send("POST", "/mpx/key?uploadId=" + id, "<CompleteMultipartUpload/>");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.Has("<Code>MalformedXML</Code>"));
  Reply order = Send("POST", "/mpx/key?uploadId=" + id,
                     "<CompleteMultipartUpload>" + PartXml(2, Etag(p2)) + PartXml(1, Etag(p1)) +
                         "</CompleteMultipartUpload>");
  EXPECT_TRUE(order.Has("<Code>InvalidPartOrder</Code>")) << order.body;
  Reply small = Send("POST", "/mpx/key?uploadId=" + id,
                     "<CompleteMultipartUpload>" + PartXml(1, Etag(p1)) + PartXml(2, Etag(p2)) +
                         "</CompleteMultipartUpload>");
  EXPECT_EQ(small.status, 400);
  EXPECT_TRUE(small.Has("<Code>EntityTooSmall</Code>")) << small.body;
  EXPECT_TRUE(small.Has("<MinSizeAllowed>5242880</MinSizeAllowed>"));

  Reply list = Send("GET", "/mpx/key?uploadId=" + id + "&max-parts=1");
  EXPECT_TRUE(list.Has("<IsTruncated>true</IsTruncated>")) << list.body;
  EXPECT_TRUE(list.Has("<NextPartNumberMarker>1</NextPartNumberMarker>"));
  Reply uploads = Send("GET", "/mpx?uploads");
  EXPECT_TRUE(uploads.Has("<UploadId>" + id + "</UploadId>")) << uploads.body;

  Reply done = Send("POST", "/mpx/key?uploadId=" + id,
                    "<CompleteMultipartUpload>" + PartXml(2, Etag(p2)) +
                        "</CompleteMultipartUpload>");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_TRUE(done.Has("<CompleteMultipartUploadResult xmlns=")) << done.body;
  EXPECT_TRUE(done.Has("-1&quot;</ETag>") || done.Has("-1\"</ETag>")) << done.body;
  EXPECT_EQ(Send("GET", "/mpx/key").body, "last");
  Reply gone = Send("DELETE", "/mpx/key?uploadId=" + id);
  EXPECT_EQ(gone.status, 404);
  EXPECT_TRUE(gone.Has("<Code>NoSuchUpload</Code>"));
}

TEST_F(ObjectsServiceTest, VersionListingMarkersAndIds) {
  ASSERT_EQ(Send("PUT", "/vbx").status, 200);
  ASSERT_EQ(Send("PUT", "/vbx?versioning",
                 "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>",
                 With({{"Content-MD5", sigv4::Base64Encode([] {
                          sigv4::Checksum m(sigv4::ChecksumAlgorithm::kMd5);
                          m.Update("<VersioningConfiguration><Status>Enabled</Status>"
                                   "</VersioningConfiguration>");
                          return m.Digest();
                        }())}}))
                .status,
            200);
  std::string v1 = Send("PUT", "/vbx/k", "1").Header("x-amz-version-id");
  Reply del = Send("DELETE", "/vbx/k");
  EXPECT_EQ(del.status, 204);
  EXPECT_EQ(del.Header("x-amz-delete-marker"), "true");
  std::string marker = del.Header("x-amz-version-id");
  Reply list = Send("GET", "/vbx?versions");
  ASSERT_EQ(list.status, 200);
  // The marker (newest) comes before the version it hides.
  size_t dm = list.body.find("<DeleteMarker><Key>k</Key><VersionId>" + marker +
                             "</VersionId><IsLatest>true</IsLatest>");
  size_t v = list.body.find("<Version><Key>k</Key><VersionId>" + v1 +
                            "</VersionId><IsLatest>false</IsLatest>");
  EXPECT_NE(dm, std::string::npos) << list.body;
  EXPECT_NE(v, std::string::npos) << list.body;
  EXPECT_LT(dm, v);
  Reply by_marker = Send("GET", "/vbx/k?versionId=" + marker);
  EXPECT_EQ(by_marker.status, 405);
  EXPECT_TRUE(by_marker.Has("<ResourceType>DeleteMarker</ResourceType>"));
  Reply malformed = Send("GET", "/vbx/k?versionId=abc");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_TRUE(malformed.Has("<Message>Invalid version id specified</Message>"));
  Reply no_key_marker = Send("GET", "/vbx?versions&version-id-marker=" + v1);
  EXPECT_EQ(no_key_marker.status, 400);
}

TEST_F(ObjectsServiceTest, DeleteObjectsNeedsIntegrityAndAtMostAThousandKeys) {
  ASSERT_EQ(Send("PUT", "/dbx").status, 200);
  const std::string body = "<Delete><Object><Key>a</Key></Object></Delete>";
  Reply missing = Send("POST", "/dbx?delete", body);
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(missing.Has("<Code>InvalidRequest</Code>"));
  auto md5 = [](const std::string& s) {
    sigv4::Checksum m(sigv4::ChecksumAlgorithm::kMd5);
    m.Update(s);
    return sigv4::Base64Encode(m.Digest());
  };
  Reply ok = Send("POST", "/dbx?delete", body, With({{"Content-MD5", md5(body)}}));
  EXPECT_EQ(ok.status, 200);
  EXPECT_TRUE(ok.Has("<Deleted><Key>a</Key></Deleted>")) << ok.body;
  std::string many = "<Delete>";
  for (int i = 0; i < 1001; ++i) many += "<Object><Key>k" + std::to_string(i) + "</Key></Object>";
  many += "</Delete>";
  Reply too_many = Send("POST", "/dbx?delete", many, With({{"Content-MD5", md5(many)}}));
  EXPECT_EQ(too_many.status, 400);
  EXPECT_TRUE(too_many.Has("<Code>MalformedXML</Code>"));
  Reply bad_digest = Send("POST", "/dbx?delete", body, With({{"Content-MD5", md5("other")}}));
  EXPECT_TRUE(bad_digest.Has("<Code>BadDigest</Code>"));
}

TEST_F(ObjectsServiceTest, CopyObjectRules) {
  ASSERT_EQ(Send("PUT", "/cbx").status, 200);
  ASSERT_EQ(Send("PUT", "/cbx/src", "payload", With({{"x-amz-meta-a", "1"}})).status, 200);
  Reply self = Send("PUT", "/cbx/src", "", With({{"x-amz-copy-source", "cbx/src"}}));
  EXPECT_EQ(self.status, 400);
  EXPECT_TRUE(self.Has("copy an object to itself")) << self.body;
  Reply copy = Send("PUT", "/cbx/dst", "", With({{"x-amz-copy-source", "/cbx/s%72c"}}));
  ASSERT_EQ(copy.status, 200) << copy.body;
  EXPECT_TRUE(copy.Has("<CopyObjectResult xmlns=")) << copy.body;
  EXPECT_EQ(Send("GET", "/cbx/dst").body, "payload");
  EXPECT_EQ(Send("HEAD", "/cbx/dst").Header("x-amz-meta-a"), "1");
  Reply missing = Send("PUT", "/cbx/x", "", With({{"x-amz-copy-source", "cbx/none"}}));
  EXPECT_EQ(missing.status, 404);
  Reply malformed = Send("PUT", "/cbx/x", "", With({{"x-amz-copy-source", "nokey"}}));
  EXPECT_EQ(malformed.status, 400);
  Reply cond = Send("PUT", "/cbx/x", "",
                    With({{"x-amz-copy-source", "cbx/src"},
                          {"x-amz-copy-source-if-none-match", Send("HEAD", "/cbx/src").Header("ETag")}}));
  EXPECT_EQ(cond.status, 412);
}

// PutObject's body goes through BodyReceiver: digests in the reply, BadDigest before anything is
// stored, and (PutObject only) x-amz-checksum-algorithm standing in for
// x-amz-sdk-checksum-algorithm.
TEST_F(ObjectsServiceTest, PutObjectBodyPipeline) {
  ASSERT_EQ(Send("PUT", "/pbx").status, 200);
  Reply ok = Send("PUT", "/pbx/k", "hello", With({{"x-amz-checksum-crc32", "NhCmhg=="}}));
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Header("ETag"), "\"5d41402abc4b2a76b9719d911017c592\"");
  EXPECT_EQ(ok.Header("x-amz-checksum-crc32"), "NhCmhg==");
  EXPECT_EQ(ok.Header("x-amz-checksum-type"), "FULL_OBJECT");

  Reply bad_md5 =
      Send("PUT", "/pbx/m", "hello", With({{"Content-MD5", "eV8yArF8trw9S3cdjGyerw=="}}));
  EXPECT_EQ(bad_md5.status, 400);
  EXPECT_TRUE(bad_md5.Has("<Code>BadDigest</Code>")) << bad_md5.body;
  EXPECT_TRUE(bad_md5.Has("<ExpectedDigest>eV8yArF8trw9S3cdjGyerw==</ExpectedDigest>"));
  EXPECT_EQ(Send("HEAD", "/pbx/m").status, 404);

  Reply alone = Send("PUT", "/pbx/a", "hello", With({{"x-amz-checksum-algorithm", "CRC32"}}));
  EXPECT_EQ(alone.status, 400);
  EXPECT_TRUE(alone.Has("x-amz-sdk-checksum-algorithm specified, but no corresponding"))
      << alone.body;
  Reply other = Send(
      "PUT", "/pbx/a", "hello",
      With({{"x-amz-checksum-algorithm", "SHA1"}, {"x-amz-checksum-crc32", "NhCmhg=="}}));
  EXPECT_EQ(other.status, 400);
  EXPECT_TRUE(other.Has("Value for x-amz-sdk-checksum-algorithm header is invalid."))
      << other.body;
}

}  // namespace
}  // namespace skiff::s3
