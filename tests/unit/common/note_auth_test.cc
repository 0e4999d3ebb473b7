// NoteAuth(): what authentication puts in the journal record, and that no secret gets there.

#include <gtest/gtest.h>

#include "server/common/auth.h"

namespace skiff::common {
namespace {

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* kToken = "FQoGZXIvYXdzE+session/token==value";
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1440938160));

// A header-signed request whose signature is wrong (all zeros).
http::Request BadlySigned(bool with_token) {
  http::Request r;
  r.method = "GET";
  r.target = r.path = "/";
  r.headers.Add("Host", "example.amazonaws.com");
  r.headers.Add("X-Amz-Date", "20150830T123600Z");
  std::string signed_headers = "host;x-amz-date";
  if (with_token) {
    r.headers.Add("X-Amz-Security-Token", kToken);
    signed_headers += ";x-amz-security-token";
  }
  r.headers.Add("Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                "SignedHeaders=" + signed_headers + ", Signature=" + std::string(64, '0'));
  return r;
}

AuthOptions Options() {
  AuthOptions o;
  o.s3_path_rules = false;
  o.payload_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  return o;
}

void ExpectNoSecret(const RequestRecord& record) {
  for (const std::string* field :
       {&record.canonical_request, &record.string_to_sign, &record.provided_signature,
        &record.error_detail, &record.access_key, &record.account, &record.principal}) {
    EXPECT_EQ(field->find(kSecret), std::string::npos) << *field;
    EXPECT_EQ(field->find(kToken), std::string::npos) << *field;
    EXPECT_EQ(field->find("Signature="), std::string::npos) << *field;
  }
}

TEST(NoteAuthTest, SignatureMismatchKeepsCanonicalRequestAndStringToSign) {
  CredentialStore store;
  Credential c;
  c.access_key = "AKIDEXAMPLE";
  c.secret = kSecret;
  c.account_id = "111122223333";
  store.Put(c);
  http::Request request = BadlySigned(false);
  AuthOutcome outcome = Authenticate(request, store, kNow, Options());
  ASSERT_EQ(outcome.error, sigv4::Error::kSignatureDoesNotMatch);

  RequestRecord record;
  NoteAuth(record, request, outcome);
  EXPECT_EQ(record.method, "GET");
  EXPECT_EQ(record.access_key, "AKIDEXAMPLE");
  EXPECT_EQ(record.account, "111122223333");
  EXPECT_EQ(record.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(record.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(record.provided_signature, std::string(64, '0'));
  ExpectNoSecret(record);
}

TEST(NoteAuthTest, SessionTokenIsRedactedFromTheCanonicalRequest) {
  CredentialStore store;
  Credential c;
  c.access_key = "AKIDEXAMPLE";
  c.secret = kSecret;
  c.session_token = kToken;
  store.Put(c);
  http::Request request = BadlySigned(true);
  AuthOutcome outcome = Authenticate(request, store, kNow, Options());
  ASSERT_EQ(outcome.error, sigv4::Error::kSignatureDoesNotMatch) << outcome.detail;
  ASSERT_NE(outcome.verify.canonical_request.find(kToken), std::string::npos);

  RequestRecord record;
  NoteAuth(record, request, outcome);
  EXPECT_NE(record.canonical_request.find("x-amz-security-token:<redacted>\n"), std::string::npos)
      << record.canonical_request;
  ExpectNoSecret(record);
}

TEST(NoteAuthTest, PresignedTokenIsRedactedFromTheCanonicalQuery) {
  CredentialStore store;
  Credential c;
  c.access_key = "AKIDEXAMPLE";
  c.secret = kSecret;
  c.session_token = kToken;
  store.Put(c);
  http::Request r;
  r.method = "GET";
  r.path = "/";
  r.query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%"
            "2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-"
            "Expires=3600&X-Amz-Security-Token=" +
            sigv4::UriEncode(kToken, true) + "&X-Amz-Signature=" + std::string(64, '0');
  r.target = r.path + "?" + r.query;
  r.headers.Add("Host", "example.amazonaws.com");
  AuthOutcome outcome = Authenticate(r, store, kNow, Options());
  ASSERT_EQ(outcome.error, sigv4::Error::kSignatureDoesNotMatch) << outcome.detail;

  RequestRecord record;
  NoteAuth(record, r, outcome);
  EXPECT_NE(record.canonical_request.find("X-Amz-Security-Token=<redacted>"), std::string::npos)
      << record.canonical_request;
  EXPECT_EQ(record.canonical_request.find(sigv4::UriEncode(kToken, true)), std::string::npos);
  ExpectNoSecret(record);
}

TEST(NoteAuthTest, OtherOutcomesLeaveTheSignatureFieldsEmpty) {
  CredentialStore store;  // AKIDEXAMPLE unknown
  http::Request request = BadlySigned(false);
  AuthOutcome outcome = Authenticate(request, store, kNow, Options());
  ASSERT_EQ(outcome.error, sigv4::Error::kInvalidAccessKeyId);
  RequestRecord record;
  NoteAuth(record, request, outcome);
  EXPECT_EQ(record.access_key, "AKIDEXAMPLE");
  EXPECT_EQ(record.account, "");
  EXPECT_EQ(record.canonical_request, "");
  EXPECT_EQ(record.string_to_sign, "");
  EXPECT_EQ(record.provided_signature, "");
}

}  // namespace
}  // namespace skiff::common
