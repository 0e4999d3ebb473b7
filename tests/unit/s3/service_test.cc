// The S3 service in process: real storage (in-memory SQLite), real SigV4 verification, requests
// signed here the way SDKs sign them. Checks status codes, headers and XML as S3 sends them.
#include "service_harness.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

#include "server/common/auth.h"
#include "server/common/config.h"
#include "server/common/credentials.h"
#include "sigv4/checksum.h"
#include "sigv4/sigv4.h"
#include "storage/database.h"

namespace skiff::s3 {
namespace {

using testing::Options;
using testing::AmzDate;
using testing::Reply;

class S3ServiceTest : public testing::ServiceHarness {};

TEST_F(S3ServiceTest, AnonymousAndBadSignature) {
  Options anon;
  anon.sign = false;
  Reply r = Send("GET", "/", "", anon);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.Has("<Code>AccessDenied</Code><Message>Access Denied</Message>")) << r.body;

  Options bad;
  bad.tamper = true;
  r = Send("GET", "/", "", bad);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.Has("<Code>SignatureDoesNotMatch</Code>")) << r.body;
  EXPECT_TRUE(r.Has("<StringToSign>AWS4-HMAC-SHA256\n")) << r.body;
  EXPECT_TRUE(r.Has("<CanonicalRequestBytes>")) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/xml");

  Options unknown;
  unknown.access_key = "nobody";
  r = Send("GET", "/", "", unknown);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.Has("<Code>InvalidAccessKeyId</Code>")) << r.body;
  EXPECT_TRUE(r.Has("<AWSAccessKeyId>nobody</AWSAccessKeyId>")) << r.body;
}

TEST_F(S3ServiceTest, ClockSkew) {
  // Signed an hour ago: header-signed requests allow 15 minutes.
  http::Request req;
  req.method = "GET";
  req.path = "/";
  req.target = "/";
  req.headers.Add("Host", "localhost:4566");
  const std::string amz_date = AmzDate(std::chrono::system_clock::now() - std::chrono::hours(1));
  req.headers.Add("x-amz-date", amz_date);
  req.headers.Add("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  sigv4::ParsedAuth a;
  a.access_key = "test";
  a.scope = {amz_date.substr(0, 8), "us-east-1", "s3"};
  a.signed_headers = {"host", "x-amz-content-sha256", "x-amz-date"};
  a.amz_date = amz_date;
  std::string sig = sigv4::HexHmacSha256(
      sigv4::SigningKey("test", a.scope),
      sigv4::StringToSign(
          amz_date, a.scope,
          sigv4::CanonicalRequest(a, common::ToSigV4View(req), "UNSIGNED-PAYLOAD", true)));
  req.headers.Add("Authorization", "AWS4-HMAC-SHA256 Credential=test/" + a.scope.ToString() +
                                       ", SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                                       "Signature=" +
                                       sig);
  http::StartResult started = service_->Start(req);
  auto* r = std::get_if<http::Response>(&started);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->body.find("<Code>RequestTimeTooSkewed</Code>"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("<RequestTime>" + amz_date + "</RequestTime><ServerTime>"),
            std::string::npos)
      << r->body;
  EXPECT_NE(r->body.find("<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>"),
            std::string::npos);
}

TEST_F(S3ServiceTest, WrongServiceInScope) {
  Options o;
  o.service = "dynamodb";
  Reply r = Send("GET", "/", "", o);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>AuthorizationHeaderMalformed</Code>")) << r.body;
  EXPECT_TRUE(r.Has("incorrect service &quot;dynamodb&quot;")) << r.body;
}

TEST_F(S3ServiceTest, BucketLifecycle) {
  Reply r = Send("PUT", "/my-bucket");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Location"), "/my-bucket");
  // us-east-1 legacy: re-creating your own bucket succeeds.
  EXPECT_EQ(Send("PUT", "/my-bucket").status, 200);
  Options other;
  other.access_key = "other";
  other.secret = "othersecret";
  r = Send("PUT", "/my-bucket", "", other);
  EXPECT_EQ(r.status, 409);
  EXPECT_TRUE(r.Has("<Code>BucketAlreadyExists</Code>")) << r.body;
  // Another account's bucket.
  r = Send("GET", "/my-bucket?list-type=2", "", other);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.Has("<Code>AccessDenied</Code>"));

  r = Send("HEAD", "/my-bucket");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("x-amz-bucket-region"), "us-east-1");
  r = Send("HEAD", "/nope-bucket");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.body.empty());

  r = Send("GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.Has("<Bucket><Name>my-bucket</Name><CreationDate>")) << r.body;
  r = Send("GET", "/", "", other);
  EXPECT_FALSE(r.Has("my-bucket")) << r.body;

  r = Send("GET", "/my-bucket?location");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.Has("<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>"))
      << r.body;

  ASSERT_EQ(Send("PUT", "/my-bucket/k", "x").status, 200);
  r = Send("DELETE", "/my-bucket");
  EXPECT_EQ(r.status, 409);
  EXPECT_TRUE(r.Has("<Code>BucketNotEmpty</Code>"));
  EXPECT_EQ(Send("DELETE", "/my-bucket/k").status, 204);
  EXPECT_EQ(Send("DELETE", "/my-bucket").status, 204);
  r = Send("DELETE", "/my-bucket");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(
      r.Has("<Code>NoSuchBucket</Code><Message>The specified bucket does not exist"
            "</Message><BucketName>my-bucket</BucketName>"))
      << r.body;
}

TEST_F(S3ServiceTest, CreateBucketNamesAndRegions) {
  Reply r = Send("PUT", "/Bad_Name");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>InvalidBucketName</Code>"));

  r = Send("PUT", "/eu-bucket", "", InRegion("eu-west-1"));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("The unspecified location constraint is incompatible")) << r.body;

  const std::string eu =
      "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>";
  r = Send("PUT", "/eu-bucket", eu);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("The eu-west-1 location constraint is incompatible")) << r.body;
  r = Send("PUT", "/eu-bucket", "<not-xml", InRegion("eu-west-1"));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>MalformedXML</Code>"));

  r = Send("PUT", "/eu-bucket", eu, InRegion("eu-west-1"));
  ASSERT_EQ(r.status, 200) << r.body;
  r = Send("PUT", "/eu-bucket", eu, InRegion("eu-west-1"));
  EXPECT_EQ(r.status, 409);
  EXPECT_TRUE(r.Has("<Code>BucketAlreadyOwnedByYou</Code>"));

  // Addressed from the wrong region: 301 with the bucket's region, no Location.
  r = Send("GET", "/eu-bucket/key");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.Header("x-amz-bucket-region"), "eu-west-1");
  EXPECT_FALSE(r.headers.Has("Location"));
  EXPECT_TRUE(r.Has("<Code>PermanentRedirect</Code>"));
  EXPECT_TRUE(r.Has("<Endpoint>eu-bucket.s3.eu-west-1.amazonaws.com</Endpoint>")) << r.body;
  r = Send("HEAD", "/eu-bucket");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.Header("x-amz-bucket-region"), "eu-west-1");
  EXPECT_TRUE(r.body.empty());
  // GetBucketLocation and ListBuckets answer from anywhere.
  r = Send("GET", "/eu-bucket?location");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.Has(">eu-west-1</LocationConstraint>")) << r.body;
  r = Send("GET", "/");
  EXPECT_TRUE(r.Has("<BucketRegion>eu-west-1</BucketRegion>")) << r.body;
}

TEST_F(S3ServiceTest, PutGetHeadObject) {
  ASSERT_EQ(Send("PUT", "/bkt-b1").status, 200);
  Reply r = Send("PUT", "/bkt-b1/dir/hello%20world.txt", "hello world",
                 With({{"Content-Type", "text/plain"},
                       {"x-amz-meta-Color", "blue"},
                       {"Cache-Control", "no-cache"},
                       {"x-amz-storage-class", "STANDARD_IA"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string etag = "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"";
  EXPECT_EQ(r.Header("ETag"), etag);
  EXPECT_EQ(r.Header("x-amz-server-side-encryption"), "AES256");

  r = Send("GET", "/bkt-b1/dir/hello%20world.txt");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "hello world");
  EXPECT_EQ(r.Header("ETag"), etag);
  EXPECT_EQ(r.Header("Content-Type"), "text/plain");
  EXPECT_EQ(r.Header("x-amz-meta-color"), "blue");
  EXPECT_EQ(r.Header("Cache-Control"), "no-cache");
  EXPECT_EQ(r.Header("Accept-Ranges"), "bytes");
  EXPECT_EQ(r.Header("x-amz-storage-class"), "STANDARD_IA");
  EXPECT_FALSE(r.Header("Last-Modified").empty());
  EXPECT_FALSE(r.headers.Has("x-amz-checksum-crc64nvme"));

  r = Send("HEAD", "/bkt-b1/dir/hello%20world.txt", "", With({{"x-amz-checksum-mode", "ENABLED"}}));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.Header("Content-Length"), "11");
  EXPECT_FALSE(r.Header("x-amz-checksum-crc64nvme").empty());

  r = Send("GET", "/bkt-b1/dir/hello%20world.txt", "", With({{"Range", "bytes=6-"}}));
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, "world");
  EXPECT_EQ(r.Header("Content-Range"), "bytes 6-10/11");
  r = Send("GET", "/bkt-b1/dir/hello%20world.txt", "", With({{"Range", "bytes=20-"}}));
  EXPECT_EQ(r.status, 416);
  EXPECT_TRUE(r.Has("<Code>InvalidRange</Code>"));
  EXPECT_TRUE(r.Has("<ActualObjectSize>11</ActualObjectSize>")) << r.body;
  r = Send("GET", "/bkt-b1/dir/hello%20world.txt", "", With({{"Range", "bytes=0-1,4-5"}}));
  EXPECT_EQ(r.status, 200);

  r = Send("GET", "/bkt-b1/dir/hello%20world.txt", "", With({{"If-None-Match", etag}}));
  EXPECT_EQ(r.status, 304);
  EXPECT_EQ(r.Header("ETag"), etag);
  r = Send("GET", "/bkt-b1/dir/hello%20world.txt", "", With({{"If-Match", "\"nope\""}}));
  EXPECT_EQ(r.status, 412);
  EXPECT_TRUE(r.Has("<Code>PreconditionFailed</Code>"));

  r = Send("GET", "/bkt-b1/dir/hello%20world.txt?response-content-type=app%2Fx&response-expires=x");
  EXPECT_EQ(r.Header("Content-Type"), "app/x");
  EXPECT_EQ(r.Header("Expires"), "x");

  r = Send("GET", "/bkt-b1/missing");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(
      r.Has("<Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
            "<Key>missing</Key>"))
      << r.body;
  r = Send("HEAD", "/bkt-b1/missing");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(Send("DELETE", "/bkt-b1/missing").status, 204);

  // Virtual-hosted style reaches the same object.
  Options vh;
  vh.host = "bkt-b1.s3.localhost:4566";
  r = Send("GET", "/dir/hello%20world.txt", "", vh);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello world");
}

TEST_F(S3ServiceTest, PartNumberAndExpectedOwner) {
  ASSERT_EQ(Send("PUT", "/bkt-b8").status, 200);
  ASSERT_EQ(Send("PUT", "/bkt-b8/k", "abc").status, 200);
  Reply r = Send("GET", "/bkt-b8/k?partNumber=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "abc");
  r = Send("GET", "/bkt-b8/k?partNumber=2");
  EXPECT_EQ(r.status, 416);
  EXPECT_TRUE(r.Has("<Code>InvalidPartNumber</Code>")) << r.body;
  r = Send("GET", "/bkt-b8/k?partNumber=0");
  EXPECT_EQ(r.status, 400);

  EXPECT_EQ(
      Send("GET", "/bkt-b8/k", "", With({{"x-amz-expected-bucket-owner", "000000000000"}})).status,
      200);
  r = Send("GET", "/bkt-b8/k", "", With({{"x-amz-expected-bucket-owner", "222222222222"}}));
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.Has("<Code>AccessDenied</Code>"));
}

TEST_F(S3ServiceTest, AclsFollowObjectOwnership) {
  Reply r = Send("PUT", "/bkt-acl", "", With({{"x-amz-acl", "public-read"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>InvalidBucketAclWithObjectOwnership</Code>")) << r.body;
  ASSERT_EQ(Send("PUT", "/bkt-acl", "", With({{"x-amz-acl", "private"}})).status, 200);
  r = Send("PUT", "/bkt-acl/k", "x", With({{"x-amz-acl", "public-read"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>AccessControlListNotSupported</Code>")) << r.body;
  EXPECT_EQ(Send("GET", "/bkt-acl/k").status, 404);
  EXPECT_EQ(
      Send("PUT", "/bkt-acl/k", "x", With({{"x-amz-acl", "bucket-owner-full-control"}})).status,
      200);

  ASSERT_EQ(Send("PUT", "/bkt-acl-writer", "",
                 With({{"x-amz-object-ownership", "ObjectWriter"}, {"x-amz-acl", "public-read"}}))
                .status,
            200);
  EXPECT_EQ(Send("PUT", "/bkt-acl-writer/k", "x", With({{"x-amz-acl", "public-read"}})).status,
            200);
}

TEST_F(S3ServiceTest, PutValidationStoresNothing) {
  ASSERT_EQ(Send("PUT", "/bkt-b2").status, 200);
  Reply r = Send("PUT", "/bkt-b2/k", "data", With({{"Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA=="}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>BadDigest</Code>")) << r.body;
  r = Send("PUT", "/bkt-b2/k", "data", With({{"Content-MD5", "bad"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>InvalidDigest</Code>")) << r.body;
  r = Send("PUT", "/bkt-b2/k", "data", With({{"x-amz-checksum-crc32", "AAAAAA=="}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("The CRC32 you specified did not match the calculated checksum.")) << r.body;

  Options sha;
  sha.payload_hash = sigv4::HexSha256("other");
  r = Send("PUT", "/bkt-b2/k", "data", sha);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>XAmzContentSHA256Mismatch</Code>")) << r.body;
  sha.payload_hash = sigv4::HexSha256("data");
  r = Send("PUT", "/bkt-b2/k2", "data", sha);
  EXPECT_EQ(r.status, 200) << r.body;

  std::string big_meta(2100, 'v');
  r = Send("PUT", "/bkt-b2/k", "data", With({{"x-amz-meta-big", big_meta}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>MetadataTooLarge</Code>"));

  r = Send("PUT", "/bkt-b2/" + std::string(1025, 'k'), "data");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>KeyTooLongError</Code>"));

  EXPECT_EQ(Send("GET", "/bkt-b2/k").status, 404);

  // Conditional writes.
  EXPECT_EQ(Send("PUT", "/bkt-b2/c", "one", With({{"If-None-Match", "*"}})).status, 200);
  r = Send("PUT", "/bkt-b2/c", "two", With({{"If-None-Match", "*"}}));
  EXPECT_EQ(r.status, 412);
  r = Send("PUT", "/bkt-b2/absent", "x", With({{"If-Match", "\"abc\""}}));
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.Has("<Code>NoSuchKey</Code>"));
  EXPECT_EQ(Send("GET", "/bkt-b2/c").body, "one");
}

TEST_F(S3ServiceTest, PlainHttpChunkedPutIsNotImplemented) {
  ASSERT_EQ(Send("PUT", "/bkt-te").status, 200);
  Options o;
  o.http_chunked = true;
  Reply r = Send("PUT", "/bkt-te/k", "data", o);
  EXPECT_EQ(r.status, 501);
  EXPECT_TRUE(r.Has("<Header>Transfer-Encoding</Header>")) << r.body;
  EXPECT_EQ(Send("GET", "/bkt-te/k").status, 404);
}

TEST_F(S3ServiceTest, UnsignedTrailerChunkedUpload) {
  ASSERT_EQ(Send("PUT", "/bkt-b3").status, 200);
  sigv4::Checksum crc(sigv4::ChecksumAlgorithm::kCrc32);
  crc.Update("hello");
  const std::string value = sigv4::Base64Encode(crc.Digest());
  const std::string body = "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:" + value + "\r\n\r\n";
  Options o;
  o.payload_hash = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
  o.headers = {{"Content-Encoding", "aws-chunked"},
               {"x-amz-decoded-content-length", "5"},
               {"x-amz-trailer", "x-amz-checksum-crc32"},
               {"x-amz-sdk-checksum-algorithm", "CRC32"}};
  Reply r = Send("PUT", "/bkt-b3/chunked", body, o);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("x-amz-checksum-crc32"), value);
  r = Send("GET", "/bkt-b3/chunked", "", With({{"x-amz-checksum-mode", "ENABLED"}}));
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.Header("x-amz-checksum-crc32"), value);
  EXPECT_FALSE(r.headers.Has("Content-Encoding"));
}

// STREAMING-AWS4-HMAC-SHA256-PAYLOAD: every chunk signed, chained from the seed signature.
TEST_F(S3ServiceTest, SignedChunkedUpload) {
  ASSERT_EQ(Send("PUT", "/bkt-b6").status, 200);
  for (bool tamper : {false, true}) {
    const std::string amz_date = AmzDate(std::chrono::system_clock::now());
    const sigv4::Scope scope{amz_date.substr(0, 8), "us-east-1", "s3"};
    const std::string key = sigv4::SigningKey("test", scope);
    http::Request req;
    req.method = "PUT";
    req.path = tamper ? "/bkt-b6/tampered" : "/bkt-b6/signed";
    req.target = req.path;
    req.headers.Add("Host", "localhost:4566");
    req.headers.Add("Content-Encoding", "aws-chunked");
    req.headers.Add("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    req.headers.Add("x-amz-date", amz_date);
    req.headers.Add("x-amz-decoded-content-length", "11");
    sigv4::ParsedAuth a;
    a.access_key = "test";
    a.scope = scope;
    a.signed_headers = {"content-encoding", "host", "x-amz-content-sha256", "x-amz-date",
                        "x-amz-decoded-content-length"};
    a.amz_date = amz_date;
    std::string canonical = sigv4::CanonicalRequest(a, common::ToSigV4View(req),
                                                    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", true);
    std::string seed = sigv4::HexHmacSha256(key, sigv4::StringToSign(amz_date, scope, canonical));
    req.headers.Add("Authorization",
                    "AWS4-HMAC-SHA256 Credential=test/" + scope.ToString() +
                        ", SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;"
                        "x-amz-decoded-content-length, Signature=" +
                        seed);
    std::string prev = seed;
    std::string body;
    for (std::string chunk : {std::string("hello "), std::string("world"), std::string()}) {
      std::string sts = "AWS4-HMAC-SHA256-PAYLOAD\n" + amz_date + "\n" + scope.ToString() + "\n" +
                        prev + "\n" + sigv4::HexSha256("") + "\n" + sigv4::HexSha256(chunk);
      std::string sig = sigv4::HexHmacSha256(key, sts);
      if (tamper && !chunk.empty()) sig[0] = sig[0] == 'a' ? 'b' : 'a';
      char len[16];
      std::snprintf(len, sizeof len, "%zx", chunk.size());
      body += std::string(len) + ";chunk-signature=" + sig + "\r\n" + chunk + "\r\n";
      prev = sig;
    }
    req.content_length = body.size();
    http::StartResult started = service_->Start(req);
    auto* ex = std::get_if<std::unique_ptr<http::Exchange>>(&started);
    ASSERT_NE(ex, nullptr);
    (*ex)->OnBody(body.substr(0, 10));  // split mid-header: the decoder is incremental
    (*ex)->OnBody(body.substr(10));
    http::Response resp = (*ex)->Finish();
    if (tamper) {
      EXPECT_EQ(resp.status, 403) << resp.body;
      EXPECT_NE(resp.body.find("<Code>SignatureDoesNotMatch</Code>"), std::string::npos);
      EXPECT_EQ(Send("GET", "/bkt-b6/tampered").status, 404);
    } else {
      ASSERT_EQ(resp.status, 200) << resp.body;
      Reply r = Send("GET", "/bkt-b6/signed");
      EXPECT_EQ(r.body, "hello world");
      EXPECT_EQ(r.Header("ETag"), "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"");
    }
  }
}

// Presigned URLs: a valid one works; an expired one is AccessDenied "Request has expired".
TEST_F(S3ServiceTest, PresignedUrls) {
  ASSERT_EQ(Send("PUT", "/bkt-b7").status, 200);
  ASSERT_EQ(Send("PUT", "/bkt-b7/k", "data").status, 200);
  for (int age_seconds : {0, 7200}) {
    const std::string amz_date =
        AmzDate(std::chrono::system_clock::now() - std::chrono::seconds(age_seconds));
    const sigv4::Scope scope{amz_date.substr(0, 8), "us-east-1", "s3"};
    http::Request req;
    req.method = "GET";
    req.path = "/bkt-b7/k";
    req.query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F" + scope.date +
                "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=" + amz_date +
                "&X-Amz-Expires=60&X-Amz-SignedHeaders=host";
    req.headers.Add("Host", "localhost:4566");
    sigv4::ParsedAuth a;
    a.kind = sigv4::AuthKind::kPresigned;
    a.access_key = "test";
    a.scope = scope;
    a.signed_headers = {"host"};
    a.amz_date = amz_date;
    std::string canonical =
        sigv4::CanonicalRequest(a, common::ToSigV4View(req), "UNSIGNED-PAYLOAD", true);
    std::string sig = sigv4::HexHmacSha256(sigv4::SigningKey("test", scope),
                                           sigv4::StringToSign(amz_date, scope, canonical));
    req.query += "&X-Amz-Signature=" + sig;
    req.target = req.path + "?" + req.query;
    http::StartResult started = service_->Start(req);
    auto* resp = std::get_if<http::Response>(&started);
    ASSERT_NE(resp, nullptr);
    if (age_seconds == 0) {
      EXPECT_EQ(resp->status, 200) << resp->body;
    } else {
      EXPECT_EQ(resp->status, 403);
      EXPECT_NE(resp->body.find("<Code>AccessDenied</Code><Message>Request has expired</Message>"
                                "<X-Amz-Expires>60</X-Amz-Expires><Expires>"),
                std::string::npos)
          << resp->body;
    }
  }
}

TEST_F(S3ServiceTest, ListObjectsV2AndV1) {
  ASSERT_EQ(Send("PUT", "/bkt-b4").status, 200);
  for (const char* k : {"a.txt", "dir/1", "dir/2", "e%20f"}) {
    ASSERT_EQ(Send("PUT", std::string("/bkt-b4/") + k, "x").status, 200);
  }
  Reply r = Send("GET", "/bkt-b4?list-type=2&delimiter=%2F");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Has("<KeyCount>3</KeyCount>")) << r.body;
  EXPECT_TRUE(r.Has("<CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes>")) << r.body;
  EXPECT_TRUE(r.Has("<Key>e f</Key>")) << r.body;

  r = Send("GET", "/bkt-b4?list-type=2&max-keys=2");
  EXPECT_TRUE(r.Has("<IsTruncated>true</IsTruncated>")) << r.body;
  size_t s = r.body.find("<NextContinuationToken>");
  ASSERT_NE(s, std::string::npos);
  s += 23;
  std::string token = r.body.substr(s, r.body.find('<', s) - s);
  std::string encoded;
  for (char ch : token)
    encoded += ch == '=' ? "%3D" : ch == '+' ? "%2B" : ch == '/' ? "%2F" : std::string(1, ch);
  r = Send("GET", "/bkt-b4?list-type=2&max-keys=2&continuation-token=" + encoded);
  EXPECT_TRUE(r.Has("<Key>dir/2</Key>")) << r.body;
  EXPECT_TRUE(r.Has("<Key>e f</Key>")) << r.body;
  EXPECT_TRUE(r.Has("<IsTruncated>false</IsTruncated>")) << r.body;

  r = Send("GET", "/bkt-b4?encoding-type=url&prefix=e");
  EXPECT_TRUE(r.Has("<Key>e+f</Key>")) << r.body;
  EXPECT_TRUE(r.Has("<Owner><ID>")) << r.body;

  r = Send("GET", "/bkt-b4?max-keys=x");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>InvalidArgument</Code>"));
}

TEST_F(S3ServiceTest, UnimplementedAndUnroutable) {
  ASSERT_EQ(Send("PUT", "/bkt-b5").status, 200);
  Reply r = Send("GET", "/bkt-b5?metrics");
  EXPECT_EQ(r.status, 501);
  EXPECT_TRUE(r.Has("<Code>NotImplemented</Code>"));
  r = Send("PUT", "/bkt-b5/k?retention", "<Retention/>");
  EXPECT_EQ(r.status, 501);
  r = Send("POST", "/bkt-b5/k");
  EXPECT_EQ(r.status, 405);
  EXPECT_TRUE(r.Has("<Code>MethodNotAllowed</Code>"));
}

}  // namespace
}  // namespace skiff::s3
