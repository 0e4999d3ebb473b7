// ChunkedDecoder: AWS's documented streaming upload example (66560 bytes of 'a' in 64 KiB
// chunks), a signed-trailer vector computed independently with Python's hmac/hashlib, the
// unsigned-trailer framing, and malformed input.
#include "sigv4/chunked.h"

#include <gtest/gtest.h>

#include <random>

#include "sigv4/sigv4.h"
#include "tests/unit/sigv4/test_util.h"

namespace skiff::sigv4 {
namespace {

using testing::OwnedRequest;

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kSeed[] = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr char kSig1[] = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
constexpr char kSig2[] = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
constexpr char kSigFinal[] = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

// Trailer vector (python3 hmac/hashlib, same credentials, date and data; x-amz-trailer:
// x-amz-checksum-crc32c; Content-Length 66946).
constexpr char kTrailerSeed[] = "4ee8080240a7fe90e91706fcff6113242cb3aba3fd9a80c564b139bb29f39db3";
constexpr char kTrailerSig1[] = "2220eb187526a800d346e0cb021c0cc8087ed2c74b2b4984ec761ee8cc578b8e";
constexpr char kTrailerSig2[] = "0542a83b9bf5556f7bd3d75a3fd6d81ed86979929cf2895ae8b5af2b33d4d839";
constexpr char kTrailerSigFinal[] = "9079449209b899d0a1dd4a7996f3ce3488c9c201dfd64e7f6b82408bc8eba701";
constexpr char kTrailerSignature[] =
    "77973366fe6cc7c388054d9d5b261e31c5090f681f43dda0e2abec98e9c02f72";
constexpr char kCrc32cOfPayload[] = "sOO8/Q==";  // CRC32C of 66560 x 'a'
constexpr char kCrc32OfPayload[] = "sK4Y7A==";   // CRC32 of 66560 x 'a'

const std::string kPayload(66560, 'a');

std::string SignedBody(const char* s1, const char* s2, const char* s_final) {
  return "10000;chunk-signature=" + std::string(s1) + "\r\n" + std::string(65536, 'a') + "\r\n" +
         "400;chunk-signature=" + s2 + "\r\n" + std::string(1024, 'a') + "\r\n" +
         "0;chunk-signature=" + s_final + "\r\n";
}

std::string AwsExampleBody() { return SignedBody(kSig1, kSig2, kSigFinal) + "\r\n"; }

std::string TrailerBody() {
  return SignedBody(kTrailerSig1, kTrailerSig2, kTrailerSigFinal) +
         "x-amz-checksum-crc32c:" + kCrc32cOfPayload + "\r\n" +
         "x-amz-trailer-signature:" + kTrailerSignature + "\r\n\r\n";
}

std::string UnsignedTrailerBody(const std::string& trailer) {
  return "10000\r\n" + std::string(65536, 'a') + "\r\n400\r\n" + std::string(1024, 'a') +
         "\r\n0\r\n" + trailer + "\r\n";
}

OwnedRequest AwsExampleRequest() {
  OwnedRequest r{"PUT", "/examplebucket/chunkObject.txt", "", {}, ""};
  r.headers = {
      {"Host", "s3.amazonaws.com"},
      {"x-amz-date", "20130524T000000Z"},
      {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
       "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
       "x-amz-decoded-content-length;x-amz-storage-class,"
       "Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"},
      {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
      {"Content-Encoding", "aws-chunked"},
      {"x-amz-decoded-content-length", "66560"},
      {"Content-Length", "66824"},
  };
  return r;
}

ChunkedOptions ExampleOptions(PayloadMode mode, const std::string& seed) {
  ChunkedOptions o;
  o.mode = mode;
  o.signing_key = SigningKey(kSecret, Scope{"20130524", "us-east-1", "s3"});
  o.seed_signature = seed;
  o.amz_date = "20130524T000000Z";
  o.scope = Scope{"20130524", "us-east-1", "s3"};
  o.decoded_content_length = 66560;
  return o;
}

struct Outcome {
  Error feed = Error::kNone;
  Error finish = Error::kNone;
  std::string decoded;
  std::string detail;
  std::vector<std::pair<std::string, std::string>> trailers;
};

// Feeds `body` in pieces of `piece` bytes (0: all at once), stopping at the first error.
Outcome Decode(const ChunkedOptions& options, const std::string& body, size_t piece = 0) {
  Outcome out;
  ChunkedDecoder decoder(options, [&out](std::string_view d) { out.decoded.append(d); });
  if (piece == 0) piece = body.size() + 1;
  for (size_t i = 0; i < body.size() && out.feed == Error::kNone; i += piece) {
    out.feed = decoder.Feed(std::string_view(body).substr(i, piece));
  }
  out.finish = decoder.Finish();
  out.detail = decoder.error_detail();
  out.trailers = decoder.trailers();
  EXPECT_LE(decoder.decoded_length(), body.size());
  return out;
}

TEST(ChunkedAwsExample, SeedSignatureVerifiesFromTheRequest) {
  OwnedRequest r = AwsExampleRequest();
  ParseResult p = Parse(r.View());
  ASSERT_EQ(p.error, Error::kNone) << p.detail;
  EXPECT_EQ(p.auth.payload_mode, PayloadMode::kStreamingSigned);
  VerifyResult v = Verify(p.auth, r.View(), kSecret, p.auth.payload_hash,
                          testing::Utc(2013, 5, 24, 0, 1, 0));
  ASSERT_EQ(v.error, Error::kNone) << v.detail << "\n" << v.canonical_request;
  EXPECT_EQ(v.expected_signature, kSeed);
  EXPECT_EQ(AwsExampleBody().size(), 66824u);

  // The decoder fed from Verify's outputs accepts the body.
  ChunkedOptions o;
  o.mode = p.auth.payload_mode;
  o.signing_key = v.signing_key;
  o.seed_signature = p.auth.signature;
  o.amz_date = p.auth.amz_date;
  o.scope = p.auth.scope;
  Outcome out = Decode(o, AwsExampleBody());
  EXPECT_EQ(out.feed, Error::kNone) << out.detail;
  EXPECT_EQ(out.finish, Error::kNone) << out.detail;
  EXPECT_EQ(out.decoded, kPayload);
}

TEST(ChunkedAwsExample, AcceptsWholeByteWiseAndRandomPieces) {
  const ChunkedOptions o = ExampleOptions(PayloadMode::kStreamingSigned, kSeed);
  for (size_t piece : {size_t{0}, size_t{1}, size_t{2}, size_t{3}, size_t{87}, size_t{4096},
                       size_t{65536}, size_t{65623}}) {
    Outcome out = Decode(o, AwsExampleBody(), piece);
    EXPECT_EQ(out.feed, Error::kNone) << piece << ": " << out.detail;
    EXPECT_EQ(out.finish, Error::kNone) << piece << ": " << out.detail;
    EXPECT_EQ(out.decoded, kPayload) << piece;
  }
  std::mt19937 rng(7);
  const std::string body = AwsExampleBody();
  ChunkedDecoder decoder(o, nullptr);
  size_t pos = 0;
  while (pos < body.size()) {
    size_t n = std::min<size_t>(rng() % 300 + 1, body.size() - pos);
    ASSERT_EQ(decoder.Feed(std::string_view(body).substr(pos, n)), Error::kNone);
    pos += n;
  }
  EXPECT_EQ(decoder.Finish(), Error::kNone);
  EXPECT_EQ(decoder.decoded_length(), 66560u);
}

TEST(ChunkedAwsExample, RejectsTamperedChunks) {
  const ChunkedOptions o = ExampleOptions(PayloadMode::kStreamingSigned, kSeed);
  std::string body = AwsExampleBody();
  // One data byte of the first chunk.
  std::string tampered = body;
  tampered[100] = 'b';
  Outcome out = Decode(o, tampered);
  EXPECT_EQ(out.feed, Error::kChunkSignatureMismatch);
  EXPECT_EQ(out.finish, Error::kChunkSignatureMismatch);
  EXPECT_FALSE(out.detail.empty());
  // A data byte of the second chunk, fed byte-wise.
  tampered = body;
  tampered[body.size() - 100] = 'b';
  EXPECT_EQ(Decode(o, tampered, 1).feed, Error::kChunkSignatureMismatch);
  // The final chunk's signature.
  EXPECT_EQ(Decode(o, SignedBody(kSig1, kSig2, kSig1) + "\r\n").feed,
            Error::kChunkSignatureMismatch);
  // Chunks signed in another order (the chain through previous signatures breaks).
  EXPECT_EQ(Decode(o, SignedBody(kSig2, kSig1, kSigFinal) + "\r\n").feed,
            Error::kChunkSignatureMismatch);
  // A different seed signature.
  EXPECT_EQ(Decode(ExampleOptions(PayloadMode::kStreamingSigned, kSig1), body).feed,
            Error::kChunkSignatureMismatch);
  // A different signing key.
  ChunkedOptions wrong_key = o;
  wrong_key.signing_key = SigningKey("other", o.scope);
  EXPECT_EQ(Decode(wrong_key, body).feed, Error::kChunkSignatureMismatch);
}

TEST(ChunkedAwsExample, DecodedContentLengthMustMatch) {
  ChunkedOptions o = ExampleOptions(PayloadMode::kStreamingSigned, kSeed);
  o.decoded_content_length = 66559;
  EXPECT_EQ(Decode(o, AwsExampleBody()).feed, Error::kDecodedLengthMismatch);
  o.decoded_content_length = 66561;
  Outcome out = Decode(o, AwsExampleBody());
  EXPECT_EQ(out.feed, Error::kNone);
  EXPECT_EQ(out.finish, Error::kDecodedLengthMismatch);
}

TEST(ChunkedSignedTrailer, AcceptsPythonVector) {
  ChunkedOptions o = ExampleOptions(PayloadMode::kStreamingSignedTrailer, kTrailerSeed);
  o.expected_trailers = {"x-amz-checksum-crc32c"};
  EXPECT_EQ(TrailerBody().size(), 66946u);
  for (size_t piece : {size_t{0}, size_t{1}, size_t{5}, size_t{1000}}) {
    Outcome out = Decode(o, TrailerBody(), piece);
    EXPECT_EQ(out.feed, Error::kNone) << out.detail;
    EXPECT_EQ(out.finish, Error::kNone) << out.detail;
    EXPECT_EQ(out.decoded, kPayload);
    ASSERT_EQ(out.trailers.size(), 1u);
    EXPECT_EQ(out.trailers[0].first, "x-amz-checksum-crc32c");
    EXPECT_EQ(out.trailers[0].second, kCrc32cOfPayload);
  }
}

TEST(ChunkedSignedTrailer, RejectsTamperedTrailerAndMissingSignature) {
  ChunkedOptions o = ExampleOptions(PayloadMode::kStreamingSignedTrailer, kTrailerSeed);
  o.expected_trailers = {"x-amz-checksum-crc32c"};
  std::string body = TrailerBody();
  std::string tampered = body;
  tampered.replace(tampered.find(kCrc32cOfPayload), 8, "AAAAAA==");
  Outcome out = Decode(o, tampered);
  EXPECT_EQ(out.feed, Error::kChunkSignatureMismatch) << out.detail;

  std::string no_signature = SignedBody(kTrailerSig1, kTrailerSig2, kTrailerSigFinal) +
                             "x-amz-checksum-crc32c:" + kCrc32cOfPayload + "\r\n\r\n";
  EXPECT_EQ(Decode(o, no_signature).feed, Error::kMalformedChunk);

  std::string no_trailer = SignedBody(kTrailerSig1, kTrailerSig2, kTrailerSigFinal) + "\r\n";
  EXPECT_EQ(Decode(o, no_trailer).feed, Error::kMissingTrailer);
  EXPECT_EQ(Decode(o, SignedBody(kTrailerSig1, kTrailerSig2, kTrailerSigFinal)).finish,
            Error::kMissingTrailer);
}

TEST(ChunkedUnsignedTrailer, VerifiesTheTrailingChecksum) {
  ChunkedOptions o;
  o.mode = PayloadMode::kStreamingUnsignedTrailer;
  o.expected_trailers = {"x-amz-checksum-crc32"};
  o.decoded_content_length = 66560;
  Outcome ok = Decode(o, UnsignedTrailerBody(std::string("x-amz-checksum-crc32:") +
                                             kCrc32OfPayload + "\r\n"), 3);
  EXPECT_EQ(ok.feed, Error::kNone) << ok.detail;
  EXPECT_EQ(ok.finish, Error::kNone) << ok.detail;
  EXPECT_EQ(ok.decoded, kPayload);

  Outcome wrong = Decode(o, UnsignedTrailerBody("x-amz-checksum-crc32:AAAAAA==\r\n"));
  EXPECT_EQ(wrong.feed, Error::kTrailerChecksumMismatch);
  EXPECT_NE(wrong.detail.find("CRC32"), std::string::npos) << wrong.detail;

  EXPECT_EQ(Decode(o, UnsignedTrailerBody("x-amz-checksum-crc32:sK4Y7A=\r\n")).feed,
            Error::kTrailerChecksumMismatch);
  EXPECT_EQ(Decode(o, UnsignedTrailerBody("x-amz-checksum-crc32:AAAAAAAAAAA=\r\n")).feed,
            Error::kTrailerChecksumMismatch);
  EXPECT_EQ(Decode(o, UnsignedTrailerBody("")).feed, Error::kMissingTrailer);
  // A checksum trailer that x-amz-trailer did not announce cannot have been computed.
  EXPECT_EQ(Decode(o, UnsignedTrailerBody(std::string("x-amz-checksum-crc32:") +
                                          kCrc32OfPayload + "\r\nx-amz-checksum-sha1:AAAA\r\n"))
                .feed,
            Error::kMalformedChunk);
  // Signatures do not belong in the unsigned form.
  EXPECT_EQ(Decode(o, UnsignedTrailerBody(std::string("x-amz-checksum-crc32:") +
                                          kCrc32OfPayload + "\r\nx-amz-trailer-signature:00\r\n"))
                .feed,
            Error::kMalformedChunk);
}

TEST(ChunkedUnsignedTrailer, EveryAlgorithm) {
  const std::string data = "Hello world";
  const std::pair<const char*, const char*> cases[] = {
      {"x-amz-checksum-crc32", "i9aeUg=="},
      {"x-amz-checksum-crc32c", "crUfeA=="},
      {"x-amz-checksum-crc64nvme", "OOJZ0D8xKts="},
      {"x-amz-checksum-sha1", "e1AsOh9IyGCa4hLN+2Od7jlnP14="},
      {"x-amz-checksum-sha256", "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw="},
  };
  for (const auto& [name, value] : cases) {
    ChunkedOptions o;
    o.mode = PayloadMode::kStreamingUnsignedTrailer;
    o.expected_trailers = {name};
    std::string body = "6\r\nHello \r\n5\r\nworld\r\n0\r\n" + std::string(name) + ":" + value +
                       "\r\n\r\n";
    Outcome out = Decode(o, body, 2);
    EXPECT_EQ(out.feed, Error::kNone) << name << " " << out.detail;
    EXPECT_EQ(out.finish, Error::kNone) << name << " " << out.detail;
    EXPECT_EQ(out.decoded, data);
  }
}

class ChunkedMalformed : public ::testing::Test {
 protected:
  ChunkedOptions signed_ = ExampleOptions(PayloadMode::kStreamingSigned, kSeed);
  ChunkedOptions unsigned_ = [] {
    ChunkedOptions o;
    o.mode = PayloadMode::kStreamingUnsignedTrailer;
    return o;
  }();
};

TEST_F(ChunkedMalformed, TruncatedAnywhereIsIncomplete) {
  const std::string body = AwsExampleBody();
  for (size_t cut : {size_t{0}, size_t{1}, size_t{50}, size_t{87}, size_t{88}, size_t{65623},
                     size_t{65624}, size_t{65625}, size_t{66000}, body.size() - 90,
                     body.size() - 3}) {
    Outcome out = Decode(signed_, body.substr(0, cut));
    EXPECT_EQ(out.feed, Error::kNone) << cut;
    EXPECT_EQ(out.finish, Error::kIncompleteBody) << cut << " " << out.detail;
  }
  // Only the closing CRLF missing after the final chunk carries nothing: accepted.
  Outcome lenient = Decode(signed_, SignedBody(kSig1, kSig2, kSigFinal));
  EXPECT_EQ(lenient.finish, Error::kNone) << lenient.detail;
}

TEST_F(ChunkedMalformed, BadHeaders) {
  const std::string sig = std::string(";chunk-signature=") + kSig1 + "\r\n";
  for (const std::string& header : std::vector<std::string>{
           "zz" + sig,                                   // not hex
           sig,                                          // no size
           "10000000000000000" + sig,                    // 17 hex digits
           "ffffffffffffffff" + sig,                     // beyond 5 GiB
           "140000001" + sig,                            // 5 GiB + 1
           std::string("10000\r\n"),                     // signed mode without signature
           std::string("10000;chunk-signature=abc\r\n"),  // short signature
           "10000;chunk-signature=" + std::string(kSig1).substr(0, 63) + "G\r\n",
           "10000;chunk-signature=" + std::string(kSig1) + "\n",  // bare LF
           "-1" + sig,
           " 10000" + sig,
       }) {
    Outcome out = Decode(signed_, header);
    EXPECT_EQ(out.feed, Error::kMalformedChunk) << header;
    EXPECT_FALSE(out.detail.empty());
  }
  EXPECT_EQ(Decode(unsigned_, "xyz\r\n").feed, Error::kMalformedChunk);
}

TEST_F(ChunkedMalformed, OversizedLineIsRefusedWithoutBuffering) {
  std::string garbage(5000, '1');
  Outcome out = Decode(signed_, garbage, 100);
  EXPECT_EQ(out.feed, Error::kMalformedChunk);
  // Trailer lines are capped too.
  std::string body = "0\r\nx-amz-checksum-crc32:" + std::string(5000, 'A') + "\r\n\r\n";
  EXPECT_EQ(Decode(unsigned_, body, 7).feed, Error::kMalformedChunk);
  // And their number.
  std::string many = "0\r\n";
  for (int i = 0; i < 20; ++i) many += "x-h" + std::to_string(i) + ":v\r\n";
  EXPECT_EQ(Decode(unsigned_, many + "\r\n").feed, Error::kMalformedChunk);
}

TEST_F(ChunkedMalformed, DataNotFollowedByCrlf) {
  std::string body = AwsExampleBody();
  std::string no_crlf = body;
  no_crlf[88 + 65536] = 'x';  // the header line is 88 bytes
  EXPECT_EQ(Decode(signed_, no_crlf).feed, Error::kMalformedChunk);
  // A chunk longer than announced.
  EXPECT_EQ(Decode(unsigned_, "3\r\nabcd\r\n0\r\n\r\n").feed, Error::kMalformedChunk);
}

TEST_F(ChunkedMalformed, DataAfterTheEnd) {
  EXPECT_EQ(Decode(signed_, AwsExampleBody() + "x").feed, Error::kMalformedChunk);
  EXPECT_EQ(Decode(unsigned_, "0\r\n\r\n\r\n").feed, Error::kMalformedChunk);
}

TEST_F(ChunkedMalformed, WrongModeFailsUpFront) {
  ChunkedOptions o;
  o.mode = PayloadMode::kHex;
  ChunkedDecoder decoder(o, nullptr);
  EXPECT_EQ(decoder.Feed(""), Error::kMalformedChunk);
  EXPECT_EQ(decoder.Finish(), Error::kMalformedChunk);
}

TEST_F(ChunkedMalformed, RandomGarbageNeverCrashes) {
  std::mt19937 rng(1234);
  const std::string alphabet = "0123456789abcdefABCDEF;=\r\n:x-chunk-signature";
  const std::string valid = UnsignedTrailerBody("");
  for (int iter = 0; iter < 300; ++iter) {
    std::string body;
    if (iter % 2 == 0) {
      size_t n = rng() % 400;
      for (size_t i = 0; i < n; ++i) body.push_back(alphabet[rng() % alphabet.size()]);
    } else {
      body = valid.substr(0, 200);
      for (int flips = 0; flips < 3; ++flips) body[rng() % body.size()] = static_cast<char>(rng());
    }
    for (ChunkedOptions* o : {&signed_, &unsigned_}) {
      ChunkedDecoder decoder(*o, [](std::string_view) {});
      size_t pos = 0;
      Error e = Error::kNone;
      while (pos < body.size() && e == Error::kNone) {
        size_t n = std::min<size_t>(rng() % 50 + 1, body.size() - pos);
        e = decoder.Feed(std::string_view(body).substr(pos, n));
        pos += n;
      }
      Error f = decoder.Finish();
      if (e != Error::kNone) {
        EXPECT_EQ(f, e);
      }
      EXPECT_LE(decoder.decoded_length(), body.size());
    }
  }
}

}  // namespace
}  // namespace skiff::sigv4
