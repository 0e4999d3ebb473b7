// Authenticate() against requests signed by others: the AWS SigV4 test suite (get-vanilla,
// get-vanilla-with-session-token, post-x-www-form-urlencoded; values copied from
// /work/shared/testdata/aws-sigv4-suite) and an S3 request signed with Python's hmac/hashlib.

#include "server/common/auth.h"

#include <gtest/gtest.h>

namespace skiff::common {
namespace {

constexpr const char* kSuiteKey = "AKIDEXAMPLE";
constexpr const char* kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* kSuiteToken =
    "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
constexpr const char* kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::chrono::system_clock::time_point At(int64_t epoch_seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(epoch_seconds));
}
const auto kSuiteTime = At(1440938160);  // 2015-08-30T12:36:00Z

http::Request SuiteGetVanilla() {
  http::Request r;
  r.method = "GET";
  r.target = r.path = "/";
  r.headers.Add("Host", "example.amazonaws.com");
  r.headers.Add("X-Amz-Date", "20150830T123600Z");
  r.headers.Add("Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                "SignedHeaders=host;x-amz-date, "
                "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  return r;
}

AuthOptions SuiteOptions(const char* payload_hash = kEmptySha256) {
  AuthOptions o;
  o.s3_path_rules = false;  // the suite's "normalize": true
  o.payload_hash = payload_hash;
  return o;
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Credential c;
    c.access_key = kSuiteKey;
    c.secret = kSuiteSecret;
    c.account_id = "111122223333";
    c.user_name = "suite";
    store_.Put(c);
  }
  CredentialStore store_;
};

TEST_F(AuthTest, AcceptsSuiteGetVanilla) {
  AuthOutcome out = Authenticate(SuiteGetVanilla(), store_, kSuiteTime, SuiteOptions());
  ASSERT_TRUE(out.ok()) << sigv4::ErrorName(out.error) << ": " << out.detail;
  EXPECT_EQ(out.principal.access_key, kSuiteKey);
  EXPECT_EQ(out.principal.account_id, "111122223333");
  EXPECT_EQ(out.principal.arn, "arn:aws:iam::111122223333:user/suite");
  EXPECT_EQ(out.principal.user_name, "suite");
  EXPECT_EQ(out.principal.region, "us-east-1");
  EXPECT_EQ(out.principal.service, "service");
  EXPECT_EQ(out.parsed.scope.date, "20150830");
  EXPECT_EQ(out.verify.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
}

TEST_F(AuthTest, AcceptsSuitePresignedGetVanilla) {
  http::Request r;
  r.method = "GET";
  r.path = "/";
  r.query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%"
      "2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-"
      "Expires=3600&X-Amz-Signature="
      "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d";
  r.target = r.path + "?" + r.query;
  r.headers.Add("Host", "example.amazonaws.com");
  AuthOutcome out = Authenticate(r, store_, kSuiteTime + std::chrono::minutes(30), SuiteOptions());
  ASSERT_TRUE(out.ok()) << sigv4::ErrorName(out.error) << ": " << out.detail;
  EXPECT_EQ(out.parsed.kind, sigv4::AuthKind::kPresigned);
  // Past X-Amz-Expires the same URL is refused.
  out = Authenticate(r, store_, kSuiteTime + std::chrono::hours(2), SuiteOptions());
  EXPECT_EQ(out.error, sigv4::Error::kPresignExpired);
}

TEST_F(AuthTest, AcceptsSuiteFormPostWithContentSha256Header) {
  http::Request r;
  r.method = "POST";
  r.target = r.path = "/";
  r.headers.Add("Content-Type", "application/x-www-form-urlencoded");
  r.headers.Add("Host", "example.amazonaws.com");
  r.headers.Add("Content-Length", "13");
  r.headers.Add("X-Amz-Date", "20150830T123600Z");
  r.headers.Add("x-amz-content-sha256",
                "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  r.headers.Add("Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                "SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, "
                "Signature=d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b");
  AuthOptions options = SuiteOptions("");  // take the hash from the header
  AuthOutcome out = Authenticate(r, store_, kSuiteTime, options);
  ASSERT_TRUE(out.ok()) << sigv4::ErrorName(out.error) << ": " << out.detail;
}

TEST_F(AuthTest, WrongSecretIsSignatureDoesNotMatch) {
  Credential c = *store_.Find(kSuiteKey);
  c.secret = "not-the-secret";
  store_.Put(c);
  AuthOutcome out = Authenticate(SuiteGetVanilla(), store_, kSuiteTime, SuiteOptions());
  EXPECT_EQ(out.error, sigv4::Error::kSignatureDoesNotMatch);
  EXPECT_EQ(out.principal.account_id, "111122223333");  // the key was found
  EXPECT_FALSE(out.verify.canonical_request.empty());
}

TEST_F(AuthTest, UnknownKeyIsInvalidAccessKeyId) {
  store_.Remove(kSuiteKey);
  AuthOutcome out = Authenticate(SuiteGetVanilla(), store_, kSuiteTime, SuiteOptions());
  EXPECT_EQ(out.error, sigv4::Error::kInvalidAccessKeyId);
  EXPECT_FALSE(out.invalid_token);
  EXPECT_EQ(out.principal.access_key, kSuiteKey);
}

TEST_F(AuthTest, MissingAuthenticationIsReported) {
  http::Request r;
  r.method = "GET";
  r.target = r.path = "/";
  r.headers.Add("Host", "example.amazonaws.com");
  AuthOutcome out = Authenticate(r, store_, kSuiteTime, SuiteOptions());
  EXPECT_EQ(out.error, sigv4::Error::kMissingAuthentication);
}

TEST_F(AuthTest, ClockSkewIsRefused) {
  AuthOutcome out = Authenticate(SuiteGetVanilla(), store_, kSuiteTime + std::chrono::minutes(16),
                                 SuiteOptions());
  EXPECT_EQ(out.error, sigv4::Error::kRequestTimeTooSkewed);
}

http::Request SuiteWithToken() {
  http::Request r;
  r.method = "GET";
  r.target = r.path = "/";
  r.headers.Add("Host", "example.amazonaws.com");
  r.headers.Add("X-Amz-Security-Token", kSuiteToken);
  r.headers.Add("X-Amz-Date", "20150830T123600Z");
  r.headers.Add("Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                "SignedHeaders=host;x-amz-date;x-amz-security-token, "
                "Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");
  return r;
}

TEST_F(AuthTest, TemporaryCredentialsNeedTheirToken) {
  Credential c = *store_.Find(kSuiteKey);
  c.session_token = kSuiteToken;
  c.expires = kSuiteTime + std::chrono::hours(1);
  store_.Put(c);
  AuthOutcome out = Authenticate(SuiteWithToken(), store_, kSuiteTime, SuiteOptions());
  ASSERT_TRUE(out.ok()) << sigv4::ErrorName(out.error) << ": " << out.detail;

  // Without the token.
  out = Authenticate(SuiteGetVanilla(), store_, kSuiteTime, SuiteOptions());
  EXPECT_TRUE(out.invalid_token);
  EXPECT_EQ(out.error, sigv4::Error::kInvalidAccessKeyId);

  // With another token.
  c.session_token = "other";
  store_.Put(c);
  out = Authenticate(SuiteWithToken(), store_, kSuiteTime, SuiteOptions());
  EXPECT_TRUE(out.invalid_token);

  // Expired.
  c.session_token = kSuiteToken;
  c.expires = kSuiteTime - std::chrono::seconds(1);
  store_.Put(c);
  out = Authenticate(SuiteWithToken(), store_, kSuiteTime, SuiteOptions());
  EXPECT_TRUE(out.expired_token);
  EXPECT_FALSE(out.invalid_token);
  EXPECT_EQ(out.error, sigv4::Error::kInvalidAccessKeyId);
}

TEST_F(AuthTest, TokenWithLongTermKeyIsInvalid) {
  AuthOutcome out = Authenticate(SuiteWithToken(), store_, kSuiteTime, SuiteOptions());
  EXPECT_TRUE(out.invalid_token);
  EXPECT_FALSE(out.ok());
}

// GET /bucket/a%20key.txt?prefix=x&versionId=3 for test/test in eu-west-1, signed with
// UNSIGNED-PAYLOAD by Python:
//   k = HMAC chain("AWS4test", "20261122", "eu-west-1", "s3", "aws4_request")
//   hmac.new(k, string_to_sign, sha256).hexdigest()
TEST(AuthS3Test, AcceptsUnsignedPayloadS3Request) {
  CredentialStore store;  // the default test/test
  http::Request r;
  r.method = "GET";
  r.path = "/bucket/a%20key.txt";
  r.query = "prefix=x&versionId=3";
  r.target = r.path + "?" + r.query;
  r.headers.Add("Host", "localhost:4566");
  r.headers.Add("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  r.headers.Add("X-Amz-Date", "20261122T112400Z");
  r.headers.Add("Authorization",
                "AWS4-HMAC-SHA256 Credential=test/20261122/eu-west-1/s3/aws4_request, "
                "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                "Signature=7d6bea80585356e2d20b3f5945264440e30001996df1ba75ddfe881a0e4a2f2d");
  auto now = At(1795346640);  // 2026-11-22T11:24:00Z
  AuthOutcome out = Authenticate(r, store, now, AuthOptions{});
  ASSERT_TRUE(out.ok()) << sigv4::ErrorName(out.error) << ": " << out.detail << "\n"
                        << out.verify.canonical_request;
  EXPECT_EQ(out.principal.arn, "arn:aws:iam::000000000000:root");
  EXPECT_EQ(out.principal.region, "eu-west-1");
  EXPECT_EQ(out.parsed.payload_mode, sigv4::PayloadMode::kUnsigned);

  // One changed query parameter breaks it.
  r.query = "prefix=y&versionId=3";
  EXPECT_EQ(Authenticate(r, store, now, AuthOptions{}).error, sigv4::Error::kSignatureDoesNotMatch);
}

TEST(AuthViewTest, KeepsWireFormAndAllHeaders) {
  http::Request r;
  r.method = "PUT";
  r.path = "/b/a%2Fb";
  r.query = "x=1";
  r.headers.Add("Host", "h");
  r.headers.Add("X-Amz-Meta-A", "1");
  r.headers.Add("x-amz-meta-a", "2");
  sigv4::RequestView v = ToSigV4View(r);
  EXPECT_EQ(v.method, "PUT");
  EXPECT_EQ(v.path, "/b/a%2Fb");
  EXPECT_EQ(v.query, "x=1");
  ASSERT_EQ(v.headers.size(), 3u);
  EXPECT_EQ(v.headers[2].first, "x-amz-meta-a");
  EXPECT_EQ(v.headers[2].second, "2");
}

}  // namespace
}  // namespace skiff::common
