// Verify() on AWS's documented S3 examples (secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY,
// 20130524T000000Z), plus skew, expiry, scope and signed-header checks.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "sigv4/checksum.h"
#include "sigv4/sigv4.h"
#include "tests/unit/sigv4/test_util.h"

namespace skiff::sigv4 {
namespace {

using testing::OwnedRequest;
using testing::Utc;

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kEmptyHash[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const auto kExampleTime = Utc(2013, 5, 24, 0, 0, 0);

OwnedRequest GetObjectExample() {
  OwnedRequest r{"GET", "/test.txt", "", {}, ""};
  r.headers = {
      {"Host", "examplebucket.s3.amazonaws.com"},
      {"Range", "bytes=0-9"},
      {"x-amz-content-sha256", kEmptyHash},
      {"x-amz-date", "20130524T000000Z"},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
       "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
       "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"},
  };
  return r;
}

VerifyResult ParseAndVerify(const OwnedRequest& r, std::chrono::system_clock::time_point now,
                            const VerifyOptions& options = {}) {
  ParseResult p = Parse(r.View());
  EXPECT_EQ(p.error, Error::kNone) << p.detail;
  std::string hash = p.auth.payload_hash;
  if (hash.empty()) hash = p.auth.kind == AuthKind::kPresigned ? "UNSIGNED-PAYLOAD" : HexSha256(r.body);
  return Verify(p.auth, r.View(), kSecret, hash, now, options);
}

TEST(VerifyS3Examples, GetObjectWithRange) {
  OwnedRequest r = GetObjectExample();
  VerifyResult v = ParseAndVerify(r, kExampleTime);
  EXPECT_EQ(v.error, Error::kNone) << v.detail;
  EXPECT_EQ(v.canonical_request,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(v.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(v.expected_signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(v.signing_key.size(), 32u);
}

TEST(VerifyS3Examples, PutObjectWithDateHeaderAndEncodedKey) {
  // "/test$file.text": the SDK sends '$' encoded; both spellings canonicalize to %24.
  for (const char* path : {"/test%24file.text", "/test$file.text"}) {
    OwnedRequest r{"PUT", path, "", {}, "Welcome to Amazon S3."};
    r.headers = {
        {"Host", "examplebucket.s3.amazonaws.com"},
        {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
        {"x-amz-date", "20130524T000000Z"},
        {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
        {"x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"},
        {"Authorization",
         "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
         "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
         "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"},
    };
    EXPECT_EQ(HexSha256(r.body), r.headers[4].second);
    VerifyResult v = ParseAndVerify(r, kExampleTime);
    EXPECT_EQ(v.error, Error::kNone) << path << " " << v.detail << "\n" << v.canonical_request;
  }
}

TEST(VerifyS3Examples, GetBucketLifecycleAndListObjects) {
  OwnedRequest lifecycle = GetObjectExample();
  lifecycle.path = "/";
  lifecycle.query = "lifecycle";
  lifecycle.headers.erase(lifecycle.headers.begin() + 1);  // no Range
  lifecycle.headers.back().second =
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
      "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
      "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543";
  VerifyResult v = ParseAndVerify(lifecycle, kExampleTime);
  EXPECT_EQ(v.error, Error::kNone) << v.canonical_request;

  OwnedRequest list = lifecycle;
  list.query = "max-keys=2&prefix=J";
  list.headers.back().second =
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
      "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
      "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7";
  EXPECT_EQ(ParseAndVerify(list, kExampleTime).error, Error::kNone);
  list.query = "prefix=J&max-keys=2";  // order on the wire does not matter
  EXPECT_EQ(ParseAndVerify(list, kExampleTime).error, Error::kNone);
  list.query = "max-keys=3&prefix=J";
  EXPECT_EQ(ParseAndVerify(list, kExampleTime).error, Error::kSignatureDoesNotMatch);
}

OwnedRequest PresignedExample() {
  OwnedRequest r{"GET", "/test.txt", "", {{"Host", "examplebucket.s3.amazonaws.com"}}, ""};
  r.query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256"
      "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
      "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
      "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
  return r;
}

TEST(VerifyS3Examples, PresignedGetObject) {
  OwnedRequest r = PresignedExample();
  VerifyResult v = ParseAndVerify(r, kExampleTime + std::chrono::hours(23));
  EXPECT_EQ(v.error, Error::kNone) << v.detail << "\n" << v.canonical_request;
  EXPECT_EQ(v.canonical_request.substr(0, v.canonical_request.find("\nhost:")),
            "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE"
            "%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&"
            "X-Amz-Expires=86400&X-Amz-SignedHeaders=host");
}

TEST(VerifyTime, HeaderSkew) {
  OwnedRequest r = GetObjectExample();
  using std::chrono::minutes;
  using std::chrono::seconds;
  EXPECT_EQ(ParseAndVerify(r, kExampleTime + minutes(15)).error, Error::kNone);
  EXPECT_EQ(ParseAndVerify(r, kExampleTime - minutes(15)).error, Error::kNone);
  VerifyResult late = ParseAndVerify(r, kExampleTime + minutes(15) + seconds(1));
  EXPECT_EQ(late.error, Error::kRequestTimeTooSkewed);
  EXPECT_NE(late.detail.find("20130524T000000Z"), std::string::npos) << late.detail;
  EXPECT_EQ(ParseAndVerify(r, kExampleTime - minutes(16)).error, Error::kRequestTimeTooSkewed);
  EXPECT_EQ(ParseAndVerify(r, kExampleTime + minutes(20), {.max_skew = minutes(30)}).error,
            Error::kNone);
}

TEST(VerifyTime, PresignedExpiry) {
  OwnedRequest r = PresignedExample();
  using std::chrono::seconds;
  EXPECT_EQ(ParseAndVerify(r, kExampleTime + seconds(86400)).error, Error::kNone);
  VerifyResult expired = ParseAndVerify(r, kExampleTime + seconds(86401));
  EXPECT_EQ(expired.error, Error::kPresignExpired);
  EXPECT_FALSE(expired.detail.empty());
  // Presigned URLs are not subject to the 15-minute skew once valid...
  EXPECT_EQ(ParseAndVerify(r, kExampleTime + std::chrono::hours(20)).error, Error::kNone);
  // ...but one dated beyond the skew window in the future is not valid yet.
  EXPECT_EQ(ParseAndVerify(r, kExampleTime - std::chrono::minutes(14)).error, Error::kNone);
  EXPECT_EQ(ParseAndVerify(r, kExampleTime - std::chrono::minutes(16)).error,
            Error::kRequestNotYetValid);
}

TEST(VerifyChecks, ScopeDateMustMatchRequestDate) {
  OwnedRequest r = GetObjectExample();
  r.headers.back().second.replace(r.headers.back().second.find("/20130524/"), 10, "/20130523/");
  VerifyResult v = ParseAndVerify(r, kExampleTime);
  EXPECT_EQ(v.error, Error::kMalformedDate);
  EXPECT_NE(v.detail.find("20130523"), std::string::npos);
}

TEST(VerifyChecks, SignedHeadersMustBePresentAndIncludeHost) {
  OwnedRequest no_range = GetObjectExample();
  no_range.headers.erase(no_range.headers.begin() + 1);
  VerifyResult v = ParseAndVerify(no_range, kExampleTime);
  EXPECT_EQ(v.error, Error::kMissingSignedHeader);
  EXPECT_NE(v.detail.find("range"), std::string::npos);

  OwnedRequest no_host = GetObjectExample();
  no_host.headers.back().second =
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
      "SignedHeaders=range;x-amz-content-sha256;x-amz-date,Signature=00";
  EXPECT_EQ(ParseAndVerify(no_host, kExampleTime).error, Error::kMissingSignedHeader);
}

TEST(VerifyChecks, AnyTamperingBreaksTheSignature) {
  const auto expect_mismatch = [](OwnedRequest r, const char* what) {
    VerifyResult v = ParseAndVerify(r, kExampleTime);
    EXPECT_EQ(v.error, Error::kSignatureDoesNotMatch) << what;
    EXPECT_FALSE(v.canonical_request.empty()) << what;
    EXPECT_FALSE(v.expected_signature.empty()) << what;
  };
  OwnedRequest r = GetObjectExample();
  r.headers[1].second = "bytes=0-10";
  expect_mismatch(r, "range");
  r = GetObjectExample();
  r.path = "/test.txT";
  expect_mismatch(r, "path");
  r = GetObjectExample();
  r.method = "HEAD";
  expect_mismatch(r, "method");
  r = GetObjectExample();
  r.query = "versionId=1";
  expect_mismatch(r, "query");
  r = GetObjectExample();
  r.headers.back().second.back() = '2';
  expect_mismatch(r, "signature");
  r = GetObjectExample();
  // Uppercase hex is not the signature AWS computes.
  std::string& auth = r.headers.back().second;
  for (size_t i = auth.find("Signature=") + 10; i < auth.size(); ++i) auth[i] = static_cast<char>(toupper(auth[i]));
  expect_mismatch(r, "uppercase signature");
  // Unsigned headers may change freely.
  r = GetObjectExample();
  r.headers.emplace_back("User-Agent", "anything");
  EXPECT_EQ(ParseAndVerify(r, kExampleTime).error, Error::kNone);
}

TEST(CanonicalRequest, S3PathRulesKeepDotsAndSlashesAndReencode) {
  ParsedAuth auth;
  auth.signed_headers = {"host"};
  OwnedRequest r{"GET", "/b/./a//c/../d%2Fe%7e f+g", "", {{"Host", "h"}}, ""};
  std::string creq = CanonicalRequest(auth, r.View(), "UNSIGNED-PAYLOAD", true);
  EXPECT_EQ(creq.substr(0, creq.find("\n\n")), "GET\n/b/./a//c/../d/e~%20f%2Bg");
  r.path = "";
  creq = CanonicalRequest(auth, r.View(), "UNSIGNED-PAYLOAD", true);
  EXPECT_EQ(creq.substr(0, 6), "GET\n/\n");
}

TEST(CanonicalRequest, NonS3RulesNormalizeAndDoubleEncode) {
  ParsedAuth auth;
  auth.signed_headers = {"host"};
  OwnedRequest r{"POST", "/a/./b/../c//d%20e/", "", {{"Host", "h"}}, ""};
  std::string creq = CanonicalRequest(auth, r.View(), kEmptyHash, false);
  EXPECT_EQ(creq.substr(0, creq.find('\n', 5)), "POST\n/a/c/d%2520e/");
}

TEST(CanonicalRequest, QueryAndHeaders) {
  ParsedAuth auth;
  auth.signed_headers = {"host", "x-amz-meta-a", "x-amz-meta-b"};
  OwnedRequest r{"GET", "/", "b=2&a=2&a=1&c&%61=0&d=x%2By+z&e=%7E&&prefix=a/b", {}, ""};
  r.headers = {{"HOST", "h"},
               {"X-Amz-Meta-A", "  one   two  "},
               {"x-amz-meta-b", "first"},
               {"X-AMZ-META-B", "\tsecond\t"},
               {"Unsigned", "x"}};
  std::string creq = CanonicalRequest(auth, r.View(), "UNSIGNED-PAYLOAD", true);
  EXPECT_EQ(creq,
            "GET\n/\na=0&a=1&a=2&b=2&c=&d=x%2By%2Bz&e=~&prefix=a%2Fb\n"
            "host:h\nx-amz-meta-a:one two\nx-amz-meta-b:first,second\n\n"
            "host;x-amz-meta-a;x-amz-meta-b\nUNSIGNED-PAYLOAD");
}

TEST(SigningKey, MatchesAwsDocumentedDerivation) {
  // AWS General Reference example: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY,
  // 20120215/us-east-1/iam.
  Scope scope{"20120215", "us-east-1", "iam"};
  EXPECT_EQ(HexEncode(SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", scope)),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigningKey, CacheIsConsistentAcrossThreads) {
  Scope scope{"20130524", "us-east-1", "s3"};
  const std::string expected = SigningKey(kSecret, scope);
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        Scope s{"20130524", "region-" + std::to_string((i + t) % 300), "s3"};
        std::string k = SigningKey(kSecret, s);
        if (k.size() != 32) ++bad;
        if (SigningKey(kSecret, scope) != expected) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
  // A different secret with the same scope must not hit the cached entry.
  EXPECT_NE(SigningKey(std::string(kSecret) + "x", scope), expected);
}

}  // namespace
}  // namespace skiff::sigv4
