// Requests signed by a real client (botocore 1.43, captured before sending; see
// tests/testdata/sigv4-botocore/generate.py) must verify: S3 path- and virtual-host-style,
// awkward keys, list queries, presigned URLs, session tokens, an aws-chunked unsigned-trailer
// upload, DynamoDB and STS.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "sigv4/chunked.h"
#include "sigv4/sigv4.h"
#include "tests/unit/sigv4/test_util.h"

namespace skiff::sigv4 {
namespace {

using testing::OwnedRequest;
using testing::ReadFile;

const std::string kDir = std::string(SKIFF_TESTDATA_DIR) + "/sigv4-botocore";

std::vector<std::string> ListCases() {
  std::vector<std::string> cases;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() == ".req") cases.push_back(entry.path().stem().string());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

std::map<std::string, std::string> ReadMeta(const std::string& path) {
  std::map<std::string, std::string> meta;
  std::string text = ReadFile(path);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    size_t eq = line.find('=');
    if (eq != std::string::npos) meta[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return meta;
}

std::chrono::system_clock::time_point FromAmzDate(const std::string& s) {
  return testing::Utc(std::stoi(s.substr(0, 4)), std::stoi(s.substr(4, 2)),
                      std::stoi(s.substr(6, 2)), std::stoi(s.substr(9, 2)),
                      std::stoi(s.substr(11, 2)), std::stoi(s.substr(13, 2)));
}

const std::string* Header(const OwnedRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k.size() == name.size() &&
        std::equal(k.begin(), k.end(), name.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return &v;
    }
  }
  return nullptr;
}

class BotocoreSigned : public ::testing::TestWithParam<std::string> {};

TEST_P(BotocoreSigned, Verifies) {
  const auto meta = ReadMeta(kDir + "/" + GetParam() + ".meta");
  const OwnedRequest request = testing::ParseRequestFile(ReadFile(kDir + "/" + GetParam() + ".req"));
  const std::string secret = meta.at("secret");
  const auto now = FromAmzDate(meta.at("now"));
  const VerifyOptions options{.s3_path_rules = meta.at("s3_path_rules") == "1"};

  ParseResult parsed = Parse(request.View());
  ASSERT_EQ(parsed.error, Error::kNone) << parsed.detail;
  EXPECT_EQ(parsed.auth.access_key, "AKIDEXAMPLE");
  std::string payload_hash = parsed.auth.payload_hash;
  if (payload_hash.empty()) {
    payload_hash = parsed.auth.kind == AuthKind::kPresigned ? "UNSIGNED-PAYLOAD"
                                                            : HexSha256(request.body);
  }
  if (parsed.auth.payload_mode == PayloadMode::kHex && !parsed.auth.payload_hash.empty()) {
    EXPECT_EQ(parsed.auth.payload_hash, HexSha256(request.body));
  }
  VerifyResult v = Verify(parsed.auth, request.View(), secret, payload_hash, now, options);
  ASSERT_EQ(v.error, Error::kNone) << v.detail << "\n" << v.canonical_request;

  // A minute later still verifies; a changed secret never does.
  EXPECT_EQ(Verify(parsed.auth, request.View(), secret, payload_hash,
                   now + std::chrono::minutes(1), options).error,
            Error::kNone);
  EXPECT_EQ(Verify(parsed.auth, request.View(), "x" + secret, payload_hash, now, options).error,
            Error::kSignatureDoesNotMatch);

  if (meta.contains("decoded_sha256")) {
    ChunkedOptions o;
    o.mode = parsed.auth.payload_mode;
    o.signing_key = v.signing_key;
    o.seed_signature = parsed.auth.signature;
    o.amz_date = parsed.auth.amz_date;
    o.scope = parsed.auth.scope;
    if (const std::string* trailer = Header(request, "x-amz-trailer")) {
      o.expected_trailers = {*trailer};
    }
    o.decoded_content_length = std::stoull(*Header(request, "x-amz-decoded-content-length"));
    std::string decoded;
    ChunkedDecoder decoder(o, [&decoded](std::string_view d) { decoded.append(d); });
    EXPECT_EQ(decoder.Feed(request.body), Error::kNone) << decoder.error_detail();
    EXPECT_EQ(decoder.Finish(), Error::kNone) << decoder.error_detail();
    EXPECT_EQ(HexSha256(decoded), meta.at("decoded_sha256"));
    EXPECT_FALSE(decoder.trailers().empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BotocoreSigned, ::testing::ValuesIn(ListCases()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(BotocoreFixtures, Present) { EXPECT_GE(ListCases().size(), 11u); }

}  // namespace
}  // namespace skiff::sigv4
