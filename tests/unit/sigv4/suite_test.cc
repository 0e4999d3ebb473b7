// Runs every case of the AWS SigV4 test suite (aws-c-auth's v4 suite, Apache-2.0, copied into
// tests/testdata/aws-sigv4-suite with its LICENSE and NOTICE) through the server side: parse
// the signed request, rebuild canonical request and string to sign, compare with the files,
// and verify the signature at the suite's timestamp.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "sigv4/sigv4.h"
#include "tests/unit/sigv4/test_util.h"

namespace skiff::sigv4 {
namespace {

using testing::OwnedRequest;
using testing::ParseRequestFile;
using testing::ReadFile;

const std::string kSuiteDir = std::string(SKIFF_TESTDATA_DIR) + "/aws-sigv4-suite";

std::vector<std::string> ListCases() {
  std::vector<std::string> cases;
  for (const auto& entry : std::filesystem::directory_iterator(kSuiteDir)) {
    if (entry.is_directory()) cases.push_back(entry.path().filename().string());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

// Value of a top-level-or-nested JSON string/bool member; enough for the suite's flat context.
std::string JsonValue(const std::string& json, const std::string& key) {
  size_t k = json.find("\"" + key + "\"");
  if (k == std::string::npos) return "";
  size_t colon = json.find(':', k);
  size_t start = json.find_first_not_of(" \t\n", colon + 1);
  if (json[start] == '"') {
    size_t end = json.find('"', start + 1);
    return json.substr(start + 1, end - start - 1);
  }
  size_t end = json.find_first_of(",\n}", start);
  return json.substr(start, end - start);
}

std::string RemoveQueryParam(const std::string& query, const std::string& name) {
  std::string out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    std::string piece = query.substr(start, amp - start);
    start = amp + 1;
    if (piece.rfind(name + "=", 0) == 0) continue;
    if (!out.empty()) out.push_back('&');
    out += piece;
  }
  return out;
}

std::chrono::system_clock::time_point ParseIsoTimestamp(const std::string& s) {
  // "2015-08-30T12:36:00Z"
  return testing::Utc(std::stoi(s.substr(0, 4)), std::stoi(s.substr(5, 2)),
                      std::stoi(s.substr(8, 2)), std::stoi(s.substr(11, 2)),
                      std::stoi(s.substr(14, 2)), std::stoi(s.substr(17, 2)));
}

class AwsSigV4Suite : public ::testing::TestWithParam<std::string> {
 protected:
  void RunVariant(const std::string& variant) {
    const std::string dir = kSuiteDir + "/" + GetParam() + "/";
    const std::string context = ReadFile(dir + "context.json");
    const std::string secret = JsonValue(context, "secret_access_key");
    const bool normalize = JsonValue(context, "normalize") == "true";
    const bool omit_token = JsonValue(context, "omit_session_token") == "true";
    const auto now = ParseIsoTimestamp(JsonValue(context, "timestamp"));
    ASSERT_FALSE(secret.empty());

    OwnedRequest request = ParseRequestFile(ReadFile(dir + variant + "-signed-request.txt"));
    if (omit_token && variant == "query") {
      // The suite's client adds the token after signing (an IoT-style variant); like S3 and STS,
      // the verifier signs every query parameter, so that token must not reach it.
      OwnedRequest with_token = request;
      auto parsed = Parse(with_token.View());
      ASSERT_EQ(parsed.error, Error::kNone) << parsed.detail;
      auto v = Verify(parsed.auth, with_token.View(), secret, HexSha256(with_token.body), now,
                      {.s3_path_rules = !normalize});
      EXPECT_EQ(v.error, Error::kSignatureDoesNotMatch);
      request.query = RemoveQueryParam(request.query, "X-Amz-Security-Token");
    }
    const RequestView view = request.View();

    ParseResult parsed = Parse(view);
    ASSERT_EQ(parsed.error, Error::kNone) << parsed.detail;
    EXPECT_EQ(parsed.auth.kind, variant == "header" ? AuthKind::kHeader : AuthKind::kPresigned);
    EXPECT_EQ(parsed.auth.access_key, JsonValue(context, "access_key_id"));
    EXPECT_EQ(parsed.auth.scope.region, JsonValue(context, "region"));
    EXPECT_EQ(parsed.auth.scope.service, JsonValue(context, "service"));
    if (variant == "query") {
      EXPECT_EQ(parsed.auth.expires_seconds,
                std::stoll(JsonValue(context, "expiration_in_seconds")));
    }
    const std::string token = JsonValue(context, "token");
    if (!token.empty() && !(omit_token && variant == "query")) {
      ASSERT_TRUE(parsed.auth.security_token.has_value());
      EXPECT_EQ(*parsed.auth.security_token, token);
    }

    const std::string payload_hash =
        parsed.auth.payload_hash.empty() ? HexSha256(request.body) : parsed.auth.payload_hash;
    const std::string creq = CanonicalRequest(parsed.auth, view, payload_hash, !normalize);
    EXPECT_EQ(creq, ReadFile(dir + variant + "-canonical-request.txt"));
    const std::string sts = StringToSign(parsed.auth.amz_date, parsed.auth.scope, creq);
    EXPECT_EQ(sts, ReadFile(dir + variant + "-string-to-sign.txt"));
    const std::string signature = ReadFile(dir + variant + "-signature.txt");
    EXPECT_EQ(HexHmacSha256(SigningKey(secret, parsed.auth.scope), sts), signature);
    EXPECT_EQ(parsed.auth.signature, signature);

    VerifyResult verified =
        Verify(parsed.auth, view, secret, payload_hash, now, {.s3_path_rules = !normalize});
    EXPECT_EQ(verified.error, Error::kNone) << verified.detail;
    EXPECT_EQ(verified.canonical_request, creq);
    EXPECT_EQ(verified.expected_signature, signature);

    // Any change to the secret must break it.
    VerifyResult wrong = Verify(parsed.auth, view, secret + "x", payload_hash, now,
                                {.s3_path_rules = !normalize});
    EXPECT_EQ(wrong.error, Error::kSignatureDoesNotMatch);
  }
};

TEST_P(AwsSigV4Suite, HeaderSignedRequestVerifies) { RunVariant("header"); }
TEST_P(AwsSigV4Suite, PresignedRequestVerifies) { RunVariant("query"); }

INSTANTIATE_TEST_SUITE_P(Cases, AwsSigV4Suite, ::testing::ValuesIn(ListCases()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(AwsSigV4SuiteLayout, HasEveryCaseAndLicense) {
  EXPECT_EQ(ListCases().size(), 38u);
  EXPECT_FALSE(ReadFile(kSuiteDir + "/LICENSE").empty());
  EXPECT_FALSE(ReadFile(kSuiteDir + "/NOTICE").empty());
}

}  // namespace
}  // namespace skiff::sigv4
