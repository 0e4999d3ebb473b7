// STS through the service seam: GetCallerIdentity, AssumeRole's temporary credentials and the
// enforcement of their expiry, unsigned AssumeRoleWithWebIdentity, and the protocol errors.
#include <gtest/gtest.h>

#include "tests/unit/sts/service_fixture.h"

namespace skiff::sts {
namespace {

using testing::ServiceTest;
using testing::Signer;

constexpr const char* kTrustRoot =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
    R"("Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]})";

class StsServiceTest : public ServiceTest {
 protected:
  std::string Base64Url(const std::string& raw) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    size_t i = 0;
    for (; i + 2 < raw.size(); i += 3) {
      uint32_t n = (uint8_t(raw[i]) << 16) | (uint8_t(raw[i + 1]) << 8) | uint8_t(raw[i + 2]);
      for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(n >> s) & 63];
    }
    if (i + 1 == raw.size()) {
      uint32_t n = uint8_t(raw[i]) << 16;
      out += kAlphabet[(n >> 18) & 63];
      out += kAlphabet[(n >> 12) & 63];
    } else if (i + 2 == raw.size()) {
      uint32_t n = (uint8_t(raw[i]) << 16) | (uint8_t(raw[i + 1]) << 8);
      for (int s = 18; s >= 6; s -= 6) out += kAlphabet[(n >> s) & 63];
    }
    return out;
  }

  std::string Jwt(const std::string& claims) {
    return Base64Url(R"({"alg":"RS256"})") + "." + Base64Url(claims) + ".sig";
  }

  std::string WebIdentityBody(const std::string& role_arn, const std::string& token) {
    return "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleSessionName=web&RoleArn=" +
           sigv4::UriEncode(role_arn, true) + "&WebIdentityToken=" + token;
  }
};

TEST_F(StsServiceTest, GetCallerIdentityOfTheRoot) {
  http::Response r = Send(*sts_, "sts", "Action=GetCallerIdentity&Version=2011-06-15");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Field(r.body, "Arn"), "arn:aws:iam::000000000000:root");
  EXPECT_EQ(Field(r.body, "UserId"), "000000000000");
  EXPECT_NE(r.body.find("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/"
                        "2011-06-15/\">"),
            std::string::npos);
}

TEST_F(StsServiceTest, AssumedRoleCredentialsWorkUntilTheyExpire) {
  ASSERT_TRUE(iam_->CreateRole("000000000000", "deployer", kTrustRoot).ok());
  http::Response r = Send(*sts_, "sts",
                          "Action=AssumeRole&Version=2011-06-15&RoleSessionName=run&RoleArn="
                          "arn%3Aaws%3Aiam%3A%3A000000000000%3Arole%2Fdeployer");
  ASSERT_EQ(r.status, 200) << r.body;
  Signer session{Field(r.body, "AccessKeyId"), Field(r.body, "SecretAccessKey"),
                 Field(r.body, "SessionToken")};
  EXPECT_EQ(Field(r.body, "Arn"), "arn:aws:sts::000000000000:assumed-role/deployer/run");
  ASSERT_TRUE(session.access_key.starts_with("ASIA"));

  http::Response who = Send(*sts_, "sts", "Action=GetCallerIdentity", session);
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(Field(who.body, "Arn"), "arn:aws:sts::000000000000:assumed-role/deployer/run");
  EXPECT_TRUE(Field(who.body, "UserId").starts_with("AROA"));
  EXPECT_TRUE(Field(who.body, "UserId").ends_with(":run"));

  // The same credentials once their expiry has passed.
  std::optional<common::Credential> issued = credentials_.Find(session.access_key);
  ASSERT_TRUE(issued.has_value());
  ASSERT_TRUE(issued->expires.has_value());
  issued->expires = std::chrono::system_clock::now() - std::chrono::seconds(1);
  credentials_.Put(*issued);
  http::Response expired = Send(*sts_, "sts", "Action=GetCallerIdentity", session);
  EXPECT_EQ(expired.status, 403);
  EXPECT_EQ(Field(expired.body, "Code"), "ExpiredToken");
  EXPECT_EQ(Field(expired.body, "Message"),
            "The security token included in the request is expired");

  Signer wrong_token = session;
  wrong_token.token = "nope";
  EXPECT_EQ(Field(Send(*sts_, "sts", "Action=GetCallerIdentity", wrong_token).body, "Code"),
            "InvalidClientTokenId");
}

TEST_F(StsServiceTest, WebIdentityIsAcceptedUnsignedForAConfiguredIssuer) {
  ASSERT_TRUE(iam_->CreateRole("000000000000", "ci",
                               R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                               R"("Principal":{"Federated":"arn:aws:iam::000000000000:)"
                               R"(oidc-provider/issuer.example.com"},)"
                               R"("Action":"sts:AssumeRoleWithWebIdentity"}]})")
                  .ok());
  const std::string role = "arn:aws:iam::000000000000:role/ci";
  const std::string exp = std::to_string(std::time(nullptr) + 600);
  Signer unsigned_call;
  unsigned_call.sign = false;
  http::Response ok = Send(*sts_, "sts",
                           WebIdentityBody(role, Jwt(R"({"iss":"https://issuer.example.com",)"
                                                     R"("sub":"me","aud":"x","exp":)" +
                                                     exp + "}")),
                           unsigned_call);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Field(ok.body, "SubjectFromWebIdentityToken"), "me");
  EXPECT_EQ(Field(ok.body, "Provider"), "https://issuer.example.com");

  http::Response unknown = Send(*sts_, "sts",
                                WebIdentityBody(role, Jwt(R"({"iss":"https://other.example",)"
                                                          R"("exp":)" +
                                                          exp + "}")),
                                unsigned_call);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(Field(unknown.body, "Code"), "InvalidIdentityToken");
  EXPECT_EQ(Field(unknown.body, "Message"),
            "No OpenIDConnect provider found in your account for https://other.example");

  http::Response expired = Send(
      *sts_, "sts",
      WebIdentityBody(role, Jwt(R"({"iss":"https://issuer.example.com","exp":1000})")),
      unsigned_call);
  EXPECT_EQ(Field(expired.body, "Code"), "ExpiredTokenException");

  http::Response garbage = Send(*sts_, "sts", WebIdentityBody(role, "a.b"), unsigned_call);
  EXPECT_EQ(Field(garbage.body, "Code"), "InvalidIdentityToken");

  // Other STS actions still need a signature.
  http::Response anonymous = Send(*sts_, "sts", "Action=GetCallerIdentity", unsigned_call);
  EXPECT_EQ(anonymous.status, 403);
  EXPECT_EQ(Field(anonymous.body, "Code"), "MissingAuthenticationToken");
}

TEST_F(StsServiceTest, UnknownAndMissingActions) {
  http::Response unknown = Send(*sts_, "sts", "Action=Nope&Version=2011-06-15");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(Field(unknown.body, "Code"), "InvalidAction");
  EXPECT_EQ(Field(unknown.body, "Message"),
            "Could not find operation Nope for version 2011-06-15");
  http::Response missing = Send(*sts_, "sts", "Version=2011-06-15");
  EXPECT_EQ(Field(missing.body, "Code"), "MissingAction");
  // An IAM action is not an STS action.
  EXPECT_EQ(Field(Send(*sts_, "sts", "Action=ListUsers").body, "Code"), "InvalidAction");
}

}  // namespace
}  // namespace skiff::sts
