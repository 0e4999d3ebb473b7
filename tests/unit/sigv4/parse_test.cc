// Parse(): header and presigned forms, tolerated variations, and every rejection path.
#include <gtest/gtest.h>

#include "sigv4/sigv4.h"
#include "tests/unit/sigv4/test_util.h"

namespace skiff::sigv4 {
namespace {

using testing::OwnedRequest;

constexpr char kSig[] = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";

OwnedRequest WithAuthorization(const std::string& value) {
  OwnedRequest r{"GET", "/test.txt", "", {}, ""};
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"x-amz-date", "20130524T000000Z"},
               {"Authorization", value}};
  return r;
}

ParseResult ParseAuth(const std::string& value) { return Parse(WithAuthorization(value).View()); }

TEST(Parse, HeaderForm) {
  ParseResult r = ParseAuth(
      std::string("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                  "aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                  "Signature=") + kSig);
  ASSERT_EQ(r.error, Error::kNone) << r.detail;
  EXPECT_EQ(r.auth.kind, AuthKind::kHeader);
  EXPECT_EQ(r.auth.access_key, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(r.auth.scope.date, "20130524");
  EXPECT_EQ(r.auth.scope.region, "us-east-1");
  EXPECT_EQ(r.auth.scope.service, "s3");
  EXPECT_EQ(r.auth.scope.ToString(), "20130524/us-east-1/s3/aws4_request");
  EXPECT_EQ(r.auth.signed_headers,
            (std::vector<std::string>{"host", "range", "x-amz-content-sha256", "x-amz-date"}));
  EXPECT_EQ(r.auth.signature, kSig);
  EXPECT_EQ(r.auth.amz_date, "20130524T000000Z");
  EXPECT_EQ(r.auth.request_time, testing::Utc(2013, 5, 24, 0, 0, 0));
  EXPECT_FALSE(r.auth.security_token.has_value());
  // No x-amz-content-sha256: the caller hashes the body.
  EXPECT_EQ(r.auth.payload_mode, PayloadMode::kHex);
  EXPECT_EQ(r.auth.payload_hash, "");
}

TEST(Parse, ToleratesSeparatorVariations) {
  const std::string cred = "Credential=AKID/20130524/us-east-1/s3/aws4_request";
  const std::string sh = "SignedHeaders=host;x-amz-date";
  const std::string sig = std::string("Signature=") + kSig;
  for (const std::string& value : {
           "AWS4-HMAC-SHA256 " + cred + "," + sh + "," + sig,
           "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig,
           "AWS4-HMAC-SHA256  " + cred + " ,  " + sh + " ," + sig + " ",
           "AWS4-HMAC-SHA256 " + cred + " " + sh + " " + sig,
           "AWS4-HMAC-SHA256 " + sig + ", " + sh + ", " + cred,
       }) {
    ParseResult r = ParseAuth(value);
    ASSERT_EQ(r.error, Error::kNone) << value << ": " << r.detail;
    EXPECT_EQ(r.auth.access_key, "AKID");
    EXPECT_EQ(r.auth.signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
    EXPECT_EQ(r.auth.signature, kSig);
  }
}

TEST(Parse, MissingAuthentication) {
  OwnedRequest r{"GET", "/", "list-type=2", {{"Host", "h"}}, ""};
  ParseResult p = Parse(r.View());
  EXPECT_EQ(p.error, Error::kMissingAuthentication);
  EXPECT_FALSE(p.detail.empty());
}

TEST(Parse, SigV2AndOtherAlgorithmsAreUnsupported) {
  EXPECT_EQ(ParseAuth("AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=").error,
            Error::kUnsupportedAlgorithm);
  EXPECT_EQ(ParseAuth("AWS4-ECDSA-P256-SHA256 Credential=a/b/c/d/aws4_request").error,
            Error::kUnsupportedAlgorithm);
  EXPECT_EQ(ParseAuth("Bearer abc").error, Error::kUnsupportedAlgorithm);
  OwnedRequest v2{"GET", "/b/k", "AWSAccessKeyId=AKID&Expires=1&Signature=abc", {}, ""};
  EXPECT_EQ(Parse(v2.View()).error, Error::kUnsupportedAlgorithm);
}

TEST(Parse, MalformedAuthorization) {
  const std::string cred = "Credential=AKID/20130524/us-east-1/s3/aws4_request";
  auto missing = ParseAuth("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host");
  EXPECT_EQ(missing.error, Error::kMalformedAuthorization);
  EXPECT_NE(missing.detail.find("'Signature'"), std::string::npos) << missing.detail;
  EXPECT_EQ(ParseAuth("AWS4-HMAC-SHA256").error, Error::kMalformedAuthorization);
  EXPECT_EQ(ParseAuth("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature").error,
            Error::kMalformedAuthorization);
  EXPECT_EQ(ParseAuth("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=, Signature=ab").error,
            Error::kMalformedAuthorization);
  EXPECT_EQ(
      ParseAuth("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=ab, Foo=bar").error,
      Error::kMalformedAuthorization);
}

TEST(Parse, MalformedCredential) {
  const std::string tail = ", SignedHeaders=host;x-amz-date, Signature=ab";
  for (const char* cred : {"AKID/20130524/us-east-1/s3", "AKID/20130524/us-east-1/s3/aws4_request/x",
                           "/20130524/us-east-1/s3/aws4_request", "AKID/2013052/us-east-1/s3/aws4_request",
                           "AKID/2013O524/us-east-1/s3/aws4_request", "AKID/20130524//s3/aws4_request",
                           "AKID/20130524/us-east-1//aws4_request", "AKID/20130524/us-east-1/s3/aws5_request",
                           "AKID"}) {
    ParseResult r = ParseAuth(std::string("AWS4-HMAC-SHA256 Credential=") + cred + tail);
    EXPECT_EQ(r.error, Error::kMalformedCredential) << cred;
    EXPECT_FALSE(r.detail.empty());
  }
}

TEST(Parse, Dates) {
  const std::string auth =
      "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request, "
      "SignedHeaders=host, Signature=ab";
  OwnedRequest r{"GET", "/", "", {{"Host", "h"}, {"Authorization", auth}}, ""};
  EXPECT_EQ(Parse(r.View()).error, Error::kMissingDate);

  for (const char* bad : {"2013-05-24T00:00:00Z", "20130524T000000", "20131324T000000Z",
                          "20130230T000000Z", "20130524T250000Z", "20130524t000000z"}) {
    OwnedRequest b = r;
    b.headers.emplace_back("X-Amz-Date", bad);
    EXPECT_EQ(Parse(b.View()).error, Error::kMalformedDate) << bad;
  }

  // Years the clock cannot represent are malformed, not an overflow (fuzz_sigv4_auth regressions
  // in tests/testdata/fuzz/regressions/); the same for the Date header and presigned URLs.
  for (const char* far : {"26200524T000000Z", "10150524T000000Z", "99991231T235959Z",
                          "19690524T000000Z"}) {
    OwnedRequest b = r;
    b.headers.emplace_back("X-Amz-Date", far);
    EXPECT_EQ(Parse(b.View()).error, Error::kMalformedDate) << far;
  }
  {
    OwnedRequest b = r;
    b.headers.emplace_back("Date", "Fri, 31 Dec 9999 23:59:59 GMT");
    EXPECT_EQ(Parse(b.View()).error, Error::kMalformedDate);
    OwnedRequest q{"GET", "/b/k",
                   "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F99991231%2Fus-east-1%2Fs3"
                   "%2Faws4_request&X-Amz-Date=99991231T000000Z&X-Amz-Expires=60&"
                   "X-Amz-SignedHeaders=host&X-Amz-Signature=ab",
                   {{"Host", "h"}}, ""};
    EXPECT_EQ(Parse(q.View()).error, Error::kMalformedDate);
  }

  // Without X-Amz-Date, the Date header (RFC 1123) is used.
  OwnedRequest d = r;
  d.headers.emplace_back("Date", "Fri, 24 May 2013 00:00:00 GMT");
  ParseResult p = Parse(d.View());
  ASSERT_EQ(p.error, Error::kNone) << p.detail;
  EXPECT_EQ(p.auth.amz_date, "20130524T000000Z");
  EXPECT_EQ(p.auth.request_time, testing::Utc(2013, 5, 24, 0, 0, 0));
  d.headers.back().second = "Friday, 24-May-13 00:00:00 GMT";
  EXPECT_EQ(Parse(d.View()).error, Error::kMalformedDate);

  // X-Amz-Date wins over Date.
  OwnedRequest both = r;
  both.headers.emplace_back("Date", "Fri, 24 May 2013 00:00:00 GMT");
  both.headers.emplace_back("X-Amz-Date", "20240229T235959Z");
  p = Parse(both.View());
  ASSERT_EQ(p.error, Error::kNone);
  EXPECT_EQ(p.auth.request_time, testing::Utc(2024, 2, 29, 23, 59, 59));
}

TEST(Parse, PayloadModes) {
  const std::pair<const char*, PayloadMode> modes[] = {
      {"UNSIGNED-PAYLOAD", PayloadMode::kUnsigned},
      {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD", PayloadMode::kStreamingSigned},
      {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", PayloadMode::kStreamingSignedTrailer},
      {"STREAMING-UNSIGNED-PAYLOAD-TRAILER", PayloadMode::kStreamingUnsignedTrailer},
      {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", PayloadMode::kHex},
  };
  for (const auto& [value, mode] : modes) {
    OwnedRequest r = WithAuthorization(
        "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host, Signature=ab");
    r.headers.emplace_back("X-Amz-Content-SHA256", value);
    ParseResult p = Parse(r.View());
    ASSERT_EQ(p.error, Error::kNone) << value;
    EXPECT_EQ(p.auth.payload_mode, mode) << value;
    EXPECT_EQ(p.auth.payload_hash, value);
  }
  for (const char* bad : {"STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", "abc", "",
                          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
                          "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}) {
    OwnedRequest r = WithAuthorization(
        "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host, Signature=ab");
    r.headers.emplace_back("x-amz-content-sha256", bad);
    EXPECT_EQ(Parse(r.View()).error, Error::kInvalidContentSha256) << bad;
  }
}

TEST(Parse, SecurityTokenHeader) {
  OwnedRequest r = WithAuthorization(
      "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request, "
      "SignedHeaders=host, Signature=ab");
  r.headers.emplace_back("X-Amz-Security-Token", "FQoGZXIvYXdz");
  ParseResult p = Parse(r.View());
  ASSERT_EQ(p.error, Error::kNone);
  ASSERT_TRUE(p.auth.security_token.has_value());
  EXPECT_EQ(*p.auth.security_token, "FQoGZXIvYXdz");
}

std::string PresignQuery(const std::string& expires) {
  return "X-Amz-Algorithm=AWS4-HMAC-SHA256"
         "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
         "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=" +
         expires + "&X-Amz-SignedHeaders=host%3Bx-amz-meta-a&X-Amz-Signature=abc";
}

TEST(Parse, PresignedForm) {
  OwnedRequest r{"GET", "/test.txt", PresignQuery("86400") + "&X-Amz-Security-Token=t%2Bk%3D",
                 {{"Host", "examplebucket.s3.amazonaws.com"}}, ""};
  ParseResult p = Parse(r.View());
  ASSERT_EQ(p.error, Error::kNone) << p.detail;
  EXPECT_EQ(p.auth.kind, AuthKind::kPresigned);
  EXPECT_EQ(p.auth.access_key, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(p.auth.scope.ToString(), "20130524/us-east-1/s3/aws4_request");
  EXPECT_EQ(p.auth.expires_seconds, 86400);
  EXPECT_EQ(p.auth.signed_headers, (std::vector<std::string>{"host", "x-amz-meta-a"}));
  EXPECT_EQ(p.auth.signature, "abc");
  ASSERT_TRUE(p.auth.security_token.has_value());
  EXPECT_EQ(*p.auth.security_token, "t+k=");
}

TEST(Parse, PresignedPayloadHashFromQuery) {
  OwnedRequest r{"PUT", "/k", PresignQuery("60") + "&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD",
                 {{"Host", "h"}}, ""};
  ParseResult p = Parse(r.View());
  ASSERT_EQ(p.error, Error::kNone) << p.detail;
  EXPECT_EQ(p.auth.payload_mode, PayloadMode::kUnsigned);
  EXPECT_EQ(p.auth.payload_hash, "UNSIGNED-PAYLOAD");
  r.query = PresignQuery("60") + "&X-Amz-Content-Sha256=bogus";
  EXPECT_EQ(Parse(r.View()).error, Error::kInvalidContentSha256);
  // Without either, the caller decides (S3 presigned URLs sign UNSIGNED-PAYLOAD).
  r.query = PresignQuery("60");
  p = Parse(r.View());
  EXPECT_EQ(p.auth.payload_mode, PayloadMode::kHex);
  EXPECT_EQ(p.auth.payload_hash, "");
}

TEST(Parse, PresignedExpiresBounds) {
  for (const char* ok : {"1", "604800"}) {
    OwnedRequest r{"GET", "/k", PresignQuery(ok), {{"Host", "h"}}, ""};
    EXPECT_EQ(Parse(r.View()).error, Error::kNone) << ok;
  }
  for (const char* bad : {"0", "604801", "-1", "abc", "", "10s", "99999999999999999999999"}) {
    OwnedRequest r{"GET", "/k", PresignQuery(bad), {{"Host", "h"}}, ""};
    ParseResult p = Parse(r.View());
    EXPECT_EQ(p.error, Error::kPresignExpiresInvalid) << bad;
    EXPECT_FALSE(p.detail.empty());
  }
}

TEST(Parse, PresignedErrors) {
  OwnedRequest missing{"GET", "/k",
                       "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20130524T000000Z",
                       {{"Host", "h"}}, ""};
  EXPECT_EQ(Parse(missing.View()).error, Error::kMalformedAuthorization);

  OwnedRequest algorithm{"GET", "/k", PresignQuery("60"), {{"Host", "h"}}, ""};
  algorithm.query.replace(algorithm.query.find("AWS4-HMAC-SHA256"), 16, "AWS4-HMAC-SHA1");
  EXPECT_EQ(Parse(algorithm.View()).error, Error::kUnsupportedAlgorithm);

  OwnedRequest date{"GET", "/k", PresignQuery("60"), {{"Host", "h"}}, ""};
  date.query.replace(date.query.find("20130524T000000Z"), 16, "20130524");
  EXPECT_EQ(Parse(date.View()).error, Error::kMalformedDate);

  OwnedRequest cred{"GET", "/k", PresignQuery("60"), {{"Host", "h"}}, ""};
  cred.query.replace(cred.query.find("%2Faws4_request"), 15, "");
  EXPECT_EQ(Parse(cred.View()).error, Error::kMalformedCredential);

  // Both mechanisms at once: AWS refuses rather than picking one.
  OwnedRequest both{"GET", "/k", PresignQuery("60"),
                    {{"Host", "h"}, {"Authorization", "AWS4-HMAC-SHA256 Credential=x"}}, ""};
  EXPECT_EQ(Parse(both.View()).error, Error::kMalformedAuthorization);
}

TEST(ErrorName, IsStable) {
  EXPECT_EQ(ErrorName(Error::kNone), "None");
  EXPECT_EQ(ErrorName(Error::kSignatureDoesNotMatch), "SignatureDoesNotMatch");
  EXPECT_EQ(ErrorName(Error::kRequestTimeTooSkewed), "RequestTimeTooSkewed");
  EXPECT_EQ(ErrorName(Error::kIncompleteBody), "IncompleteBody");
}

}  // namespace
}  // namespace skiff::sigv4
